import assert from "node:assert/strict";
import { ApiError, isNotFound } from "../rest/errors.ts";
import type { KubeObject } from "../rest/types.ts";
import { CacheError } from "./cache_error.ts";
import { metaNamespaceIndexFunc, NAMESPACE_INDEX } from "./index.ts";
import { parseSelector } from "./label_selector.ts";
import { newLister } from "./lister.ts";
import { metaNamespaceKeyFunc, newIndexer } from "./store.ts";

function obj(ns: string, name: string, labels?: Record<string, string>): KubeObject {
  return { metadata: { namespace: ns || undefined, name, labels } };
}

function names(items: KubeObject[]): string[] {
  return items.map((o) => metaNamespaceKeyFunc(o)).sort();
}

for (const withIndex of [true, false]) {
  Deno.test(`lister: list and namespace(ns).list with selectors (namespace index: ${withIndex})`, () => {
    const indexer = newIndexer<KubeObject>(
      metaNamespaceKeyFunc,
      withIndex ? { [NAMESPACE_INDEX]: metaNamespaceIndexFunc } : {},
    );
    indexer.add(obj("a", "web1", { app: "web", tier: "front" }));
    indexer.add(obj("a", "db", { app: "db" }));
    indexer.add(obj("b", "web2", { app: "web", canary: "1" }));
    indexer.add(obj("b", "nolabels"));
    const lister = newLister(indexer, "pods");
    assert.deepEqual(names(lister.list()), ["a/db", "a/web1", "b/nolabels", "b/web2"]);
    assert.deepEqual(names(lister.list("")), ["a/db", "a/web1", "b/nolabels", "b/web2"]);
    assert.deepEqual(names(lister.list("app=web")), ["a/web1", "b/web2"]);
    assert.deepEqual(names(lister.list(parseSelector("app=web,!canary"))), ["a/web1"]);
    assert.deepEqual(names(lister.list("app notin (web)")), ["a/db", "b/nolabels"]);
    assert.deepEqual(names(lister.namespace("a").list()), ["a/db", "a/web1"]);
    assert.deepEqual(names(lister.namespace("b").list("app in (web,db)")), ["b/web2"]);
    assert.deepEqual(names(lister.namespace("zzz").list()), []);
    assert.deepEqual(names(lister.namespace("").list("app=db")), ["a/db"]);
    assert.throws(() => lister.list("app in"), CacheError);
  });
}

Deno.test("lister: get by name, cluster-scoped and namespaced", () => {
  const indexer = newIndexer<KubeObject>(metaNamespaceKeyFunc, {});
  indexer.add(obj("", "node-1"));
  indexer.add(obj("ns", "web"));
  const lister = newLister(indexer, { group: "apps", resource: "deployments" });
  assert.equal(lister.get("node-1").metadata?.name, "node-1");
  assert.equal(lister.namespace("ns").get("web").metadata?.namespace, "ns");
});

Deno.test("lister: a missing object is a NotFound ApiError naming the resource", () => {
  const indexer = newIndexer<KubeObject>(metaNamespaceKeyFunc, {});
  const deployments = newLister(indexer, { group: "apps", resource: "deployments" });
  assert.throws(() => deployments.namespace("ns").get("web"), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.ok(isNotFound(e));
    assert.equal(e.code, 404);
    assert.equal(e.message, 'deployments.apps "web" not found');
    assert.deepEqual(e.details, { name: "web", group: "apps", kind: "deployments" });
    return true;
  });
  const pods = newLister(indexer, "pods");
  assert.throws(() => pods.get("x"), { message: 'pods "x" not found' });
  assert.throws(() => newLister(indexer).get("x"), { message: '"x" not found' });
});
