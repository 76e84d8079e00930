import assert from "node:assert/strict";
import type { Transport } from "../rest/runtime/runtime.ts";
import {
  ACCEPT_PARTIAL_OBJECT_METADATA,
  ACCEPT_PARTIAL_OBJECT_METADATA_LIST,
  newMetadataClient,
} from "./metadata_client.ts";

interface Seen {
  method: string;
  url: URL;
  accept: string | null;
}

/** A server that answers with `answer(url)` as JSON (a watch: one line per array element). */
function fakeServer(answer: (url: URL, accept: string) => unknown): { transport: Transport; seen: Seen[] } {
  const seen: Seen[] = [];
  const transport: Transport = {
    runtime: "fake",
    fetch: (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
      const url = new URL(String(input));
      const accept = new Headers(init?.headers).get("accept");
      seen.push({ method: init?.method ?? "GET", url, accept });
      const body = answer(url, accept ?? "");
      const text = url.searchParams.get("watch") === "true"
        ? (body as unknown[]).map((e) => JSON.stringify(e) + "\n").join("")
        : JSON.stringify(body);
      return Promise.resolve(new Response(text, { headers: { "content-type": "application/json" } }));
    },
    close() {},
  };
  return { transport, seen };
}

const CONFIG = { host: "https://k8s.test:6443", namespace: "default" };
const CMS = { group: "", version: "v1", resource: "configmaps" };
const DEPLOYS = { group: "apps", version: "v1", resource: "deployments" };
const meta = (name: string) => ({ name, namespace: "ns", resourceVersion: "5", labels: { a: "b" } });
const partial = (name: string) => ({
  apiVersion: "meta.k8s.io/v1",
  kind: "PartialObjectMetadata",
  metadata: meta(name),
});

Deno.test("metadata list, get and watch ask for PartialObjectMetadata(List) at the resource's path", async () => {
  const { transport, seen } = fakeServer((url) => {
    if (url.searchParams.get("watch") === "true") return [{ type: "ADDED", object: partial("w") }];
    if (url.pathname.endsWith("/x")) return partial("x");
    return {
      apiVersion: "meta.k8s.io/v1",
      kind: "PartialObjectMetadataList",
      metadata: { resourceVersion: "9" },
      items: [partial("a")],
    };
  });
  const client = newMetadataClient(CONFIG, { transport, rateLimiter: null });
  const list = await client.resource(CMS).namespace("ns").list({ labelSelector: "a=b", limit: 5 });
  assert.equal(list.kind, "PartialObjectMetadataList");
  assert.deepEqual(list.items.map((i) => i.metadata.name), ["a"]);
  assert.equal((await client.resource(DEPLOYS).namespace("ns").get("x")).metadata.name, "x");
  const events = [];
  for await (const e of await client.resource(CMS).watch({ resourceVersion: "9" })) events.push(e);
  assert.deepEqual(events, [{ type: "ADDED", object: partial("w") }]);
  assert.deepEqual(seen.map((s) => `${s.url.pathname}?${s.url.searchParams}`), [
    "/api/v1/namespaces/ns/configmaps?labelSelector=a%3Db&limit=5",
    "/apis/apps/v1/namespaces/ns/deployments/x?",
    "/api/v1/configmaps?resourceVersion=9&watch=true",
  ]);
  assert.deepEqual(seen.map((s) => s.accept), [
    ACCEPT_PARTIAL_OBJECT_METADATA_LIST,
    ACCEPT_PARTIAL_OBJECT_METADATA,
    ACCEPT_PARTIAL_OBJECT_METADATA,
  ]);
  assert.equal(
    ACCEPT_PARTIAL_OBJECT_METADATA_LIST.split(",")[0],
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
  );
});

Deno.test("a server that ignores the negotiation: whole objects are cut down to their metadata", async () => {
  const whole = (name: string) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta(name),
    data: { big: "x" },
  });
  const { transport } = fakeServer((url) => {
    if (url.searchParams.get("watch") === "true") return [{ type: "MODIFIED", object: whole("w") }];
    if (url.pathname.endsWith("/x")) return whole("x");
    return {
      apiVersion: "v1",
      kind: "ConfigMapList",
      metadata: { resourceVersion: "9" },
      items: [whole("a")],
    };
  });
  const cms = newMetadataClient(CONFIG, { transport, rateLimiter: null }).resource(CMS).namespace("ns");
  const list = await cms.list();
  assert.deepEqual(list, {
    apiVersion: "meta.k8s.io/v1",
    kind: "PartialObjectMetadataList",
    metadata: { resourceVersion: "9" },
    items: [partial("a")],
  });
  assert.deepEqual(await cms.get("x"), partial("x"));
  const events = [];
  for await (const e of await cms.watch()) events.push(e);
  assert.deepEqual(events, [{ type: "MODIFIED", object: partial("w") }]);
});

Deno.test("metadata client: bad resources, names and answers are clear errors", async () => {
  const { transport } = fakeServer(() => ({ kind: "Weird" }));
  const client = newMetadataClient(CONFIG, { transport, rateLimiter: null });
  assert.throws(
    () => client.resource({ group: "", version: "", resource: "pods" }),
    /needs a version and a resource/,
  );
  await assert.rejects(client.resource(CMS).get(""), /name may not be empty/);
  await assert.rejects(client.resource(CMS).list(), /configmaps has no items array/);
  await assert.rejects(
    client.resource(DEPLOYS).get("x"),
    /deployments.apps "x" does not look like an object with metadata/,
  );
});

Deno.test("metadata delete sends DELETE with the delete options", async () => {
  const { transport, seen } = fakeServer(() => ({ kind: "Status", status: "Success" }));
  await newMetadataClient(CONFIG, { transport, rateLimiter: null }).resource(CMS).namespace("ns").delete(
    "a",
    {
      propagationPolicy: "Foreground",
    },
  );
  assert.equal(seen[0].method, "DELETE");
  assert.equal(seen[0].url.pathname, "/api/v1/namespaces/ns/configmaps/a");
});
