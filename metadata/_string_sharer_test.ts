import assert from "node:assert/strict";
import type { ObjectMeta } from "../rest/types.ts";
import { StringSharer } from "./_string_sharer.ts";

function meta(i: number): ObjectMeta {
  return {
    name: `cm-${i}`,
    namespace: "kubeweb-bench-informer-sync",
    uid: `uid-${i}`,
    resourceVersion: String(100 + i),
    creationTimestamp: "2026-12-02T00:46:12Z",
    labels: { "app.kubernetes.io/name": "a-long-label-value", i: String(i % 2) },
    finalizers: ["kubernetes.io/pv-protection"],
    ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: `rs-${i}`, uid: `o-${i}` }],
    managedFields: [{
      manager: "kube-controller-manager",
      operation: "Update",
      apiVersion: "v1",
      time: "2026-12-02T00:46:13Z",
      fieldsType: "FieldsV1",
      fieldsV1: {},
    }],
  };
}

Deno.test("StringSharer: shares the repeated metadata strings, not the unique ones, and changes no value", () => {
  const s = new StringSharer();
  const metas = [meta(0), meta(1), meta(2)];
  for (const m of metas) s.shareMetadata(m);
  assert.deepEqual(metas, [meta(0), meta(1), meta(2)]);
  // namespace, creationTimestamp, the label values (3), finalizer, owner apiVersion and kind,
  // manager, operation, "v1", time, fieldsType: the names, uids and resourceVersions are not kept.
  assert.equal(s.size, 13);
});

Deno.test("StringSharer: remembers a bounded number of strings, and still answers with them", () => {
  const s = new StringSharer();
  for (let i = 0; i < 25_000; i++) assert.equal(s.share(`t-${i}`), `t-${i}`);
  assert.equal(s.size, 20_000);
  assert.equal(s.share("t-1"), "t-1");
  const small = new StringSharer(3);
  for (const x of ["a", "b", "c", "d", "a"]) small.share(x);
  assert.equal(small.size, 3);
});

Deno.test("StringSharer: metadata with odd fields is left alone", () => {
  const s = new StringSharer();
  const odd = {
    labels: null,
    finalizers: "x",
    ownerReferences: [null, 5],
    managedFields: [null],
  } as unknown as ObjectMeta;
  s.shareMetadata(odd);
  assert.deepEqual(odd, { labels: null, finalizers: "x", ownerReferences: [null, 5], managedFields: [null] });
  assert.equal(s.size, 0);
});
