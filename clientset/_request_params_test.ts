import assert from "node:assert/strict";
import { fakeOptions, fakeTransport, json, TEST_CONFIG } from "../rest/_fake_transport.ts";
import {
  callParams,
  deleteBody,
  groupVersionRestClient,
  listParams,
  requireName,
} from "./_request_params.ts";

function transport() {
  return fakeTransport(() => json({ kind: "Status", status: "Success" }));
}

Deno.test("groupVersionRestClient: /api for the core group, /apis/<group> for the others", async () => {
  const t = transport();
  await groupVersionRestClient(TEST_CONFIG, "", "v1", fakeOptions(t)).get().resource("pods").do();
  await groupVersionRestClient(TEST_CONFIG, "apps", "v1", fakeOptions(t)).get().resource("deployments").do();
  assert.deepEqual(t.calls.map((c) => c.url.pathname), ["/api/v1/pods", "/apis/apps/v1/deployments"]);
});

Deno.test("listParams: every list and watch option that is set becomes a query parameter", async () => {
  const t = transport();
  const rest = groupVersionRestClient(TEST_CONFIG, "", "v1", fakeOptions(t));
  await listParams(rest.get().resource("pods"), {
    labelSelector: "app=web",
    fieldSelector: "metadata.name=a",
    resourceVersion: "5",
    resourceVersionMatch: "NotOlderThan",
    timeoutSeconds: 30,
    limit: 10,
    continue: "tok",
    allowWatchBookmarks: true,
    sendInitialEvents: false,
  }).do();
  await listParams(rest.get().resource("pods"), {}).do();
  assert.deepEqual([...t.calls[0].url.searchParams], [
    ["labelSelector", "app=web"],
    ["fieldSelector", "metadata.name=a"],
    ["resourceVersion", "5"],
    ["resourceVersionMatch", "NotOlderThan"],
    ["timeoutSeconds", "30"],
    ["limit", "10"],
    ["continue", "tok"],
    ["allowWatchBookmarks", "true"],
    ["sendInitialEvents", "false"],
  ]);
  assert.deepEqual([...t.calls[1].url.searchParams], []);
});

Deno.test("callParams: the call's signal aborts the request; its timeout reaches the server", async () => {
  const t = transport();
  const rest = groupVersionRestClient(TEST_CONFIG, "", "v1", fakeOptions(t));
  const aborted = AbortSignal.abort(new Error("stop"));
  await assert.rejects(callParams(rest.get().resource("pods"), { signal: aborted }).do(), /stop/);
  await callParams(rest.get().resource("pods"), { timeoutMs: 5000 }).do();
  await callParams(rest.get().resource("pods"), {}).do();
  const [withTimeout, without] = t.calls.slice(-2);
  assert.ok(withTimeout.url.searchParams.has("timeout"));
  assert.ok(!without.url.searchParams.has("timeout"));
});

Deno.test("requireName: the name, or a TypeError naming what lacks it", () => {
  assert.equal(requireName("web", "resource"), "web");
  assert.throws(() => requireName("", "resource"), {
    name: "TypeError",
    message: "The resource name may not be empty",
  });
  assert.throws(() => requireName(undefined, "object's"), {
    name: "TypeError",
    message: "The object's name may not be empty",
  });
});

Deno.test("deleteBody: none without options; else DeleteOptions with the options that are set", () => {
  assert.equal(deleteBody({}), undefined);
  assert.equal(deleteBody({ signal: new AbortController().signal, timeoutMs: 5 }), undefined);
  assert.equal(deleteBody({ gracePeriodSeconds: undefined }), undefined);
  assert.equal(
    JSON.stringify(deleteBody({ propagationPolicy: "Foreground", gracePeriodSeconds: 0 })),
    '{"apiVersion":"v1","kind":"DeleteOptions","gracePeriodSeconds":0,"propagationPolicy":"Foreground"}',
  );
  assert.deepEqual(
    deleteBody({
      preconditions: { uid: "u" },
      orphanDependents: false,
      dryRun: ["All"],
      ignoreStoreReadErrorWithClusterBreakingPotential: true,
    }),
    {
      apiVersion: "v1",
      kind: "DeleteOptions",
      preconditions: { uid: "u" },
      orphanDependents: false,
      dryRun: ["All"],
      ignoreStoreReadErrorWithClusterBreakingPotential: true,
    },
  );
});
