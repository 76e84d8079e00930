import assert from "node:assert/strict";
import { fakeOptions, fakeTransport, json, pathOf, TEST_CONFIG } from "../rest/_fake_transport.ts";
import { newDynamicClient } from "./dynamic_client.ts";

const CRONTABS = { group: "stable.example.com", version: "v1", resource: "crontabs" };

function server() {
  return fakeTransport((call) => {
    if (call.method === "GET" && !call.url.pathname.endsWith("/a")) {
      return json({
        apiVersion: "stable.example.com/v1",
        kind: "CronTabList",
        metadata: { resourceVersion: "5" },
        items: [{ metadata: { name: "a" }, spec: { cronSpec: "* * * * */5" } }, {
          apiVersion: "stable.example.com/v1",
          kind: "CronTab",
          metadata: { name: "b" },
        }],
      });
    }
    if (call.method === "DELETE") return json({ kind: "Status", status: "Success" });
    return json(call.body === undefined ? { metadata: { name: "a" } } : JSON.parse(call.body));
  });
}

Deno.test("the dynamic client builds the same URLs as the typed clients", async () => {
  const t = server();
  const dynamic = newDynamicClient(TEST_CONFIG, fakeOptions(t));
  const crontabs = dynamic.resource(CRONTABS);
  await crontabs.namespace("default").get("a");
  await crontabs.list({ labelSelector: "x=y" });
  await crontabs.namespace("default").create({
    apiVersion: "stable.example.com/v1",
    kind: "CronTab",
    metadata: { name: "c" },
  });
  await crontabs.namespace("default").updateStatus({
    apiVersion: "stable.example.com/v1",
    kind: "CronTab",
    metadata: { name: "c" },
  });
  await crontabs.namespace("default").patch("c", "merge", { spec: { replicas: 2 } });
  await crontabs.namespace("default").apply(
    { apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "c" }, spec: { image: "x" } },
    { fieldManager: "me" },
  );
  await crontabs.namespace("default").getScale("c");
  await crontabs.namespace("default").delete("c", { propagationPolicy: "Orphan" });
  await dynamic.resource({ group: "", version: "v1", resource: "namespaces" }).get("a");
  assert.deepEqual(t.calls.map((c) => `${c.method} ${pathOf(c)}`), [
    "GET /apis/stable.example.com/v1/namespaces/default/crontabs/a",
    "GET /apis/stable.example.com/v1/crontabs?labelSelector=x%3Dy",
    "POST /apis/stable.example.com/v1/namespaces/default/crontabs",
    "PUT /apis/stable.example.com/v1/namespaces/default/crontabs/c/status",
    "PATCH /apis/stable.example.com/v1/namespaces/default/crontabs/c",
    "PATCH /apis/stable.example.com/v1/namespaces/default/crontabs/c?fieldManager=me",
    "GET /apis/stable.example.com/v1/namespaces/default/crontabs/c/scale",
    "DELETE /apis/stable.example.com/v1/namespaces/default/crontabs/c",
    "GET /api/v1/namespaces/a",
  ]);
  assert.equal(t.calls[5].headers.get("content-type"), "application/apply-patch+yaml");
  // The dynamic client does not invent apiVersion or kind: the object is sent as given.
  assert.deepEqual(JSON.parse(t.calls[4].body!), { spec: { replicas: 2 } });
});

Deno.test("list items get apiVersion and kind from the list, as client-go's UnstructuredList does", async () => {
  const dynamic = newDynamicClient(TEST_CONFIG, fakeOptions(server()));
  const list = await dynamic.resource(CRONTABS).namespace("default").list();
  assert.deepEqual(list.items.map((i) => [i.apiVersion, i.kind, i.metadata?.name]), [
    ["stable.example.com/v1", "CronTab", "a"],
    ["stable.example.com/v1", "CronTab", "b"],
  ]);
  const names: string[] = [];
  for await (const item of dynamic.resource(CRONTABS).listItems({ limit: 10 })) {
    names.push(`${item.kind}/${item.metadata?.name}`);
  }
  assert.deepEqual(names, ["CronTab/a", "CronTab/b"]);
});

Deno.test("a resource needs a version and a name; namespace() narrows the scope", () => {
  const t = server();
  const dynamic = newDynamicClient(TEST_CONFIG, fakeOptions(t));
  assert.equal(dynamic.resource(CRONTABS).info.resource, "crontabs");
  assert.equal(dynamic.resource(CRONTABS).namespace("x").info.namespaced, true);
  assert.throws(() => dynamic.resource({ group: "x", version: "", resource: "y" }), TypeError);
  assert.throws(() => dynamic.resource({ group: "x", version: "v1", resource: "" }), TypeError);
});
