// Fake-only conformance (1.20-exempt: a 1.20 server has no streaming lists): the fake's answer to a
// WatchList request is compared with the exchange the Kubernetes documentation gives for 1.27+ servers
// (kubernetes.io, "Kubernetes API Concepts", section "Streaming lists"): the current objects as ADDED
// events, then one BOOKMARK of the list's resourceVersion annotated k8s.io/initial-events-end: "true",
// then the changes. That page's example, reduced to what the comparison looks at:
//
//   GET /api/v1/namespaces/test/pods?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersion=&resourceVersionMatch=NotOlderThan
//   200 OK, Content-Type: application/json, Transfer-Encoding: chunked
//   {"type":"ADDED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"8467","name":"foo"},...}}
//   {"type":"ADDED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"5726","name":"bar"},...}}
//   {"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"10245","annotations":{"k8s.io/initial-events-end":"true"}}}}
//
// This is the project's published exchange, not a recording made here: no 1.27+ server is available
// to this suite.
import assert from "node:assert/strict";
import { newFakeCluster } from "../../testing/mod.ts";

const RECORDED = [
  { type: "ADDED", kind: "Pod", apiVersion: "v1", name: "foo" },
  { type: "ADDED", kind: "Pod", apiVersion: "v1", name: "bar" },
  { type: "BOOKMARK", kind: "Pod", apiVersion: "v1", annotations: { "k8s.io/initial-events-end": "true" } },
];

// deno-lint-ignore no-explicit-any
type Obj = any;

async function events(res: Response, n: number): Promise<Obj[]> {
  const out: Obj[] = [];
  let buf = "";
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  while (out.length < n) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      out.push(JSON.parse(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
    }
  }
  await reader.cancel();
  return out;
}

Deno.test("WatchList (1.20-exempt): the fake's stream has the shape of the documented 1.27+ exchange", async () => {
  const pod = (name: string) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "test" },
    spec: { containers: [{ name: "c", image: "x:1" }] },
  });
  const cluster = await newFakeCluster({
    objects: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "test" } }, pod("foo"), pod("bar")],
  });
  const url = `${cluster.config.host}/api/v1/namespaces/test/pods?watch=1&sendInitialEvents=true` +
    "&allowWatchBookmarks=true&resourceVersion=&resourceVersionMatch=NotOlderThan";
  const res = await cluster.transport.fetch(url);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json");
  const got = await events(res, 3);
  const shape = got.map((e) => ({
    type: e.type,
    kind: e.object.kind,
    apiVersion: e.object.apiVersion,
    ...(e.type === "BOOKMARK"
      ? { annotations: e.object.metadata.annotations }
      : { name: e.object.metadata.name }),
  }));
  // The documented example lists foo before bar; initial events come in no fixed order, compare as a set.
  const key = (e: Obj) => JSON.stringify(e);
  assert.deepEqual(shape.slice(0, 2).map(key).sort(), RECORDED.slice(0, 2).map(key).sort());
  assert.deepEqual(shape[2], RECORDED[2]);
  // The bookmark carries the list's resourceVersion: at least that of every initial object.
  const rvs = got.slice(0, 2).map((e) => Number(e.object.metadata.resourceVersion));
  assert.ok(Number(got[2].object.metadata.resourceVersion) >= Math.max(...rvs));
  assert.deepEqual(Object.keys(got[2].object.metadata).sort(), ["annotations", "resourceVersion"]);
  cluster.close();
});

Deno.test("WatchList (1.20-exempt): sendInitialEvents without resourceVersionMatch=NotOlderThan is Invalid", async () => {
  const cluster = await newFakeCluster();
  const res = await cluster.transport.fetch(
    `${cluster.config.host}/api/v1/namespaces/default/pods?watch=1&sendInitialEvents=true&allowWatchBookmarks=true`,
  );
  assert.equal(res.status, 422);
  const body = await res.json();
  assert.equal(body.reason, "Invalid");
  assert.equal(body.details.causes[0].field, "resourceVersionMatch");
  cluster.close();
});
