import assert from "node:assert/strict";
import { CacheError } from "./cache_error.ts";
import { metaNamespaceIndexFunc, NAMESPACE_INDEX } from "./index.ts";
import { metaNamespaceKeyFunc, newIndexer } from "./store.ts";
import type { KubeObject } from "../rest/types.ts";

interface Pod extends KubeObject {
  spec: { nodeName?: string; images: string[] };
}

function pod(ns: string, name: string, images: string[], nodeName?: string): Pod {
  return { metadata: { namespace: ns, name }, spec: { images, nodeName } };
}

const byImage = (p: Pod): string[] => p.spec.images;
const byNode = (p: Pod): string[] => (p.spec.nodeName ? [p.spec.nodeName] : []);

Deno.test("metaNamespaceIndexFunc: the namespace, '' when cluster-scoped", () => {
  assert.equal(NAMESPACE_INDEX, "namespace");
  assert.deepEqual(metaNamespaceIndexFunc({ metadata: { namespace: "a", name: "b" } }), ["a"]);
  assert.deepEqual(metaNamespaceIndexFunc({ metadata: { name: "b" } }), [""]);
});

Deno.test("indexer: deleting the last key of a value removes the value; a non-empty set stays", () => {
  const indexer = newIndexer<Pod>(metaNamespaceKeyFunc, { byNode });
  indexer.add(pod("a", "p1", [], "n1"));
  indexer.add(pod("a", "p2", [], "n1"));
  indexer.add(pod("a", "p3", [], "n2"));
  indexer.delete(pod("a", "p1", [], "n1"));
  assert.deepEqual(indexer.indexKeys("byNode", "n1"), ["a/p2"]);
  assert.deepEqual(indexer.listIndexFuncValues("byNode").sort(), ["n1", "n2"]);
  indexer.delete(pod("a", "p2", [], "n1"));
  assert.deepEqual(indexer.listIndexFuncValues("byNode"), ["n2"]);
  assert.deepEqual(indexer.indexKeys("byNode", "n1"), []);
});

Deno.test("indexer: multi-value index functions; update re-indexes and removes stale values", () => {
  const indexer = newIndexer<Pod>(metaNamespaceKeyFunc, { byImage });
  indexer.add(pod("a", "p1", ["nginx", "envoy"]));
  indexer.add(pod("a", "p2", ["nginx"]));
  assert.deepEqual(indexer.indexKeys("byImage", "nginx").sort(), ["a/p1", "a/p2"]);
  assert.deepEqual(indexer.indexKeys("byImage", "envoy"), ["a/p1"]);
  indexer.update(pod("a", "p1", ["redis"]));
  assert.deepEqual(indexer.indexKeys("byImage", "nginx"), ["a/p2"]);
  assert.deepEqual(indexer.indexKeys("byImage", "envoy"), []);
  assert.deepEqual(indexer.indexKeys("byImage", "redis"), ["a/p1"]);
  assert.deepEqual(indexer.listIndexFuncValues("byImage").sort(), ["nginx", "redis"]);
  // The same value twice from one object is one entry.
  indexer.update(pod("a", "p3", ["x", "x"]));
  assert.deepEqual(indexer.indexKeys("byImage", "x"), ["a/p3"]);
});

Deno.test("indexer: index() returns objects sharing any value, without duplicates", () => {
  const indexer = newIndexer<Pod>(metaNamespaceKeyFunc, { byImage });
  indexer.add(pod("a", "p1", ["nginx", "envoy"]));
  indexer.add(pod("a", "p2", ["nginx"]));
  indexer.add(pod("a", "p3", ["redis"]));
  const names = indexer.index("byImage", pod("", "q", ["nginx", "envoy"])).map((p) => p.metadata!.name);
  assert.deepEqual(names.sort(), ["p1", "p2"]);
  assert.deepEqual(indexer.index("byImage", pod("", "q", ["redis"])).map((p) => p.metadata!.name), ["p3"]);
  assert.deepEqual(indexer.index("byImage", pod("", "q", [])), []);
});

Deno.test("indexer: byIndex of an unmatched value is empty; listIndexFuncValues is distinct", () => {
  const indexer = newIndexer<Pod>(metaNamespaceKeyFunc, { byNode });
  indexer.add(pod("a", "p1", [], "n1"));
  indexer.add(pod("b", "p1", [], "n1"));
  assert.deepEqual(indexer.byIndex("byNode", "nope"), []);
  assert.deepEqual(indexer.listIndexFuncValues("byNode"), ["n1"]);
  assert.equal(indexer.byIndex("byNode", "n1").length, 2);
});

Deno.test("indexer: an unknown index name is an error", () => {
  const indexer = newIndexer<Pod>(metaNamespaceKeyFunc, { byNode });
  for (
    const call of [
      () => indexer.byIndex("nope", "x"),
      () => indexer.indexKeys("nope", "x"),
      () => indexer.listIndexFuncValues("nope"),
      () => indexer.index("nope", pod("a", "b", [])),
    ]
  ) {
    assert.throws(call, (e: unknown) => {
      assert.ok(e instanceof CacheError);
      assert.match(e.message, /index with name nope does not exist/i);
      return true;
    });
  }
});

Deno.test("indexer: addIndexers indexes stored objects at once; a taken name is a conflict", () => {
  const indexer = newIndexer<Pod>(metaNamespaceKeyFunc, { byNode });
  indexer.add(pod("a", "p1", ["nginx"], "n1"));
  indexer.add(pod("b", "p2", ["redis"], "n1"));
  indexer.addIndexers({ byImage, [NAMESPACE_INDEX]: metaNamespaceIndexFunc });
  assert.deepEqual(indexer.indexKeys("byImage", "redis"), ["b/p2"]);
  assert.deepEqual(indexer.indexKeys(NAMESPACE_INDEX, "a"), ["a/p1"]);
  assert.deepEqual(Object.keys(indexer.getIndexers()).sort(), ["byImage", "byNode", "namespace"]);
  assert.throws(() => indexer.addIndexers({ byNode }), /Indexer conflict: byNode/);
  // Later changes keep every index current.
  indexer.delete(pod("a", "p1", [], ""));
  assert.deepEqual(indexer.listIndexFuncValues("byImage"), ["redis"]);
  assert.deepEqual(indexer.listIndexFuncValues(NAMESPACE_INDEX), ["b"]);
});

Deno.test("indexer: a throwing index function surfaces as CacheError with the cause", () => {
  const boom = new Error("boom");
  const indexer = newIndexer<Pod>(metaNamespaceKeyFunc, {
    bad: () => {
      throw boom;
    },
  });
  assert.throws(() => indexer.add(pod("a", "b", [])), (e: unknown) => {
    assert.ok(e instanceof CacheError);
    assert.equal(e.cause, boom);
    return true;
  });
});
