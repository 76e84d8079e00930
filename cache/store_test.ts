import assert from "node:assert/strict";
import { CacheError } from "./cache_error.ts";
import { DeletedFinalStateUnknown } from "./deleted_final_state_unknown.ts";
import {
  deletionHandlingMetaNamespaceKeyFunc,
  metaNamespaceKeyFunc,
  newIndexer,
  newStore,
  splitMetaNamespaceKey,
} from "./store.ts";
import type { KubeObject } from "../rest/types.ts";

function obj(ns: string | undefined, name: string, rv = "1"): KubeObject {
  return { metadata: { namespace: ns, name, resourceVersion: rv } };
}

Deno.test("metaNamespaceKeyFunc: namespace/name, or name without namespace", () => {
  assert.equal(metaNamespaceKeyFunc(obj("default", "web")), "default/web");
  assert.equal(metaNamespaceKeyFunc(obj(undefined, "node-1")), "node-1");
  assert.equal(metaNamespaceKeyFunc(obj("", "node-1")), "node-1");
  assert.equal(metaNamespaceKeyFunc("explicit/key"), "explicit/key");
});

Deno.test("metaNamespaceKeyFunc: a value without metadata is an error", () => {
  assert.throws(() => metaNamespaceKeyFunc({}), CacheError);
  assert.throws(() => metaNamespaceKeyFunc(null), CacheError);
  assert.throws(() => metaNamespaceKeyFunc(42), CacheError);
  assert.throws(() => metaNamespaceKeyFunc(new DeletedFinalStateUnknown("a/b", undefined)), CacheError);
});

Deno.test("deletionHandlingMetaNamespaceKeyFunc: a tombstone gives its key", () => {
  assert.equal(
    deletionHandlingMetaNamespaceKeyFunc(new DeletedFinalStateUnknown("ns/gone", obj("x", "y"))),
    "ns/gone",
  );
  assert.equal(deletionHandlingMetaNamespaceKeyFunc(obj("a", "b")), "a/b");
});

Deno.test("splitMetaNamespaceKey: one slash at most", () => {
  assert.deepEqual(splitMetaNamespaceKey("default/web"), { namespace: "default", name: "web" });
  assert.deepEqual(splitMetaNamespaceKey("node-1"), { namespace: "", name: "node-1" });
  assert.deepEqual(splitMetaNamespaceKey("/x"), { namespace: "", name: "x" });
  assert.throws(() => splitMetaNamespaceKey("a/b/c"), (e: unknown) => {
    assert.ok(e instanceof CacheError);
    assert.match(e.message, /Unexpected key format: "a\/b\/c"/);
    return true;
  });
});

Deno.test("store: add, update, get, getByKey, list, listKeys, delete", () => {
  const store = newStore(metaNamespaceKeyFunc);
  store.add(obj("a", "x", "1"));
  store.add(obj("a", "y", "1"));
  store.update(obj("a", "x", "2"));
  assert.equal(store.get(obj("a", "x"))?.metadata?.resourceVersion, "2");
  assert.equal(store.getByKey("a/y")?.metadata?.name, "y");
  assert.equal(store.getByKey("a/z"), undefined);
  assert.deepEqual(store.listKeys().sort(), ["a/x", "a/y"]);
  assert.equal(store.list().length, 2);
  store.delete(obj("a", "x"));
  assert.deepEqual(store.listKeys(), ["a/y"]);
  // Deleting what is not there is fine.
  store.delete(obj("a", "x"));
  store.resync();
  assert.deepEqual(store.listKeys(), ["a/y"]);
});

Deno.test("store: delete by tombstone with the deletion-handling key function", () => {
  const store = newStore(deletionHandlingMetaNamespaceKeyFunc);
  store.add(obj("a", "x"));
  store.delete(new DeletedFinalStateUnknown<KubeObject>("a/x", undefined));
  assert.deepEqual(store.list(), []);
});

Deno.test("store: replace swaps the whole content", () => {
  const store = newIndexer(metaNamespaceKeyFunc, {
    byNs: (o: KubeObject) => [o.metadata?.namespace ?? ""],
  });
  store.add(obj("a", "x"));
  store.add(obj("b", "y"));
  store.replace([obj("c", "z"), obj("a", "w")], "10");
  assert.deepEqual(store.listKeys().sort(), ["a/w", "c/z"]);
  assert.deepEqual(store.listIndexFuncValues("byNs").sort(), ["a", "c"]);
  assert.deepEqual(store.indexKeys("byNs", "a"), ["a/w"]);
  assert.deepEqual(store.byIndex("byNs", "b"), []);
});
