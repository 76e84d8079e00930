import assert from "node:assert/strict";
import { CacheError } from "./cache_error.ts";
import { DeletedFinalStateUnknown } from "./deleted_final_state_unknown.ts";
import { metaNamespaceIndexFunc, NAMESPACE_INDEX } from "./index.ts";
import type { KubeObject } from "../rest/types.ts";
import { deletionHandlingMetaNamespaceKeyFunc, metaNamespaceKeyFunc } from "./store.ts";
import { CacheStore } from "./_cache_store.ts";
import { NamespacedStore } from "./_namespaced_store.ts";
import { NameTable } from "./_name_table.ts";

function obj(ns: string | undefined, name: string, rv = "1", app = "a"): KubeObject {
  return { metadata: { namespace: ns, name, resourceVersion: rv, labels: { app } } };
}

const byApp = (o: KubeObject) => o.metadata?.labels?.app ? [o.metadata.labels.app] : [];
const byAppAndNs = (o: KubeObject) => [o.metadata?.labels?.app ?? "", o.metadata?.namespace ?? ""];

/** A deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sorted = (xs: string[]) => [...xs].sort();
const names = (xs: KubeObject[]) =>
  sorted(xs.map((o) => metaNamespaceKeyFunc(o) + "@" + o.metadata?.resourceVersion));

/** Compares everything observable of the two stores. */
function assertSame(a: NamespacedStore<KubeObject>, b: CacheStore<KubeObject>, probe: string[]): void {
  assert.deepEqual(sorted(a.listKeys()), sorted(b.listKeys()));
  assert.deepEqual(names(a.list()), names(b.list()));
  for (const k of probe) assert.equal(a.getByKey(k), b.getByKey(k), `getByKey(${k})`);
  for (const index of [NAMESPACE_INDEX, "byApp", "both"]) {
    assert.deepEqual(sorted(a.listIndexFuncValues(index)), sorted(b.listIndexFuncValues(index)), index);
    for (const v of b.listIndexFuncValues(index)) {
      assert.deepEqual(names(a.byIndex(index, v)), names(b.byIndex(index, v)), `${index}=${v}`);
      assert.deepEqual(sorted(a.indexKeys(index, v)), sorted(b.indexKeys(index, v)));
    }
  }
}

Deno.test("NamespacedStore: random adds, updates, deletes and replaces match a Map-based store", () => {
  for (const seed of [1, 2, 3]) {
    const random = rng(seed);
    const indexers = { [NAMESPACE_INDEX]: metaNamespaceIndexFunc, byApp, both: byAppAndNs };
    const a = new NamespacedStore<KubeObject>(deletionHandlingMetaNamespaceKeyFunc, indexers);
    const b = new CacheStore<KubeObject>(deletionHandlingMetaNamespaceKeyFunc, indexers);
    const namespaces = [undefined, "", "ns-a", "ns-b", "ns-c"];
    const pick = () => {
      const ns = namespaces[Math.floor(random() * namespaces.length)];
      return obj(
        ns,
        `o-${Math.floor(random() * 300)}`,
        String(Math.floor(random() * 1e6)),
        `app-${Math.floor(random() * 4)}`,
      );
    };
    const probe = ["o-1", "ns-a/o-1", "ns-b/o-7", "ns-a", "missing/o-1", "ns-a/o-1/x", ""];
    for (let step = 0; step < 4000; step++) {
      const r = random();
      const o = pick();
      if (r < 0.55) {
        const oldA = a.upsert(o);
        const oldB = b.upsert(o);
        assert.equal(oldA, oldB);
      } else if (r < 0.9) {
        a.delete(o);
        b.delete(o);
      } else if (r < 0.95) {
        const key = metaNamespaceKeyFunc(o);
        a.delete(new DeletedFinalStateUnknown<KubeObject>(key, undefined));
        b.delete(new DeletedFinalStateUnknown<KubeObject>(key, undefined));
      } else if (r < 0.97) {
        const list = Array.from({ length: Math.floor(random() * 200) }, pick);
        a.replace(list, "9");
        b.replace(list, "9");
      } else {
        assert.equal(a.get(o), b.get(o));
        assert.deepEqual(names(a.index("both", o)), names(b.index("both", o)));
        assert.deepEqual(names(a.index(NAMESPACE_INDEX, o)), names(b.index(NAMESPACE_INDEX, o)));
      }
      if (step % 500 === 0) assertSame(a, b, probe);
    }
    assertSame(a, b, probe);
  }
});

Deno.test("NamespacedStore: the namespace index is answered from the namespaces", () => {
  const s = new NamespacedStore<KubeObject>(metaNamespaceKeyFunc, {
    [NAMESPACE_INDEX]: metaNamespaceIndexFunc,
  });
  s.add(obj("a", "x"));
  s.add(obj("b", "y"));
  s.add(obj(undefined, "z"));
  assert.deepEqual(sorted(s.listIndexFuncValues(NAMESPACE_INDEX)), ["", "a", "b"]);
  assert.deepEqual(s.indexKeys(NAMESPACE_INDEX, "a"), ["a/x"]);
  assert.deepEqual(s.indexKeys(NAMESPACE_INDEX, ""), ["z"]);
  s.delete(obj("a", "x"));
  assert.deepEqual(sorted(s.listIndexFuncValues(NAMESPACE_INDEX)), ["", "b"]);
  assert.deepEqual(s.byIndex(NAMESPACE_INDEX, "a"), []);
  assert.throws(() => s.byIndex("nope", "a"), CacheError);
});

Deno.test("NamespacedStore: keys that are not namespace/name of an object keep their exact meaning", () => {
  // A cluster-scoped object whose name holds a slash has the key "a/b", which also reads as
  // namespace "a", name "b": the store goes generic and answers as a Map keyed by the key would.
  const s = new NamespacedStore<KubeObject>(deletionHandlingMetaNamespaceKeyFunc, {
    [NAMESPACE_INDEX]: metaNamespaceIndexFunc,
    byApp,
  });
  const plain = obj("ns", "p");
  s.add(plain);
  const slashed = obj(undefined, "a/b");
  s.add(slashed);
  assert.equal(s.getByKey("a/b"), slashed);
  assert.equal(s.getByKey("ns/p"), plain);
  assert.deepEqual(sorted(s.listKeys()), ["a/b", "ns/p"]);
  const same = obj("a", "b", "2");
  assert.equal(s.upsert(same), slashed, "the same key: it replaces the slashed one");
  assert.deepEqual(s.byIndex(NAMESPACE_INDEX, "ns"), [plain]);
  assert.deepEqual(s.byIndex("byApp", "a").length, 2);
});

Deno.test("NamespacedStore: a stored tombstone or string is kept under its key", () => {
  const s = new NamespacedStore<unknown>(deletionHandlingMetaNamespaceKeyFunc, {});
  s.add(obj("ns", "x"));
  const t = new DeletedFinalStateUnknown("ns/gone", undefined);
  s.add(t);
  assert.equal(s.getByKey("ns/gone"), t);
  assert.ok(s.getByKey("ns/x") !== undefined);
  const m = new NamespacedStore<unknown>(metaNamespaceKeyFunc, {});
  m.add("explicit/key");
  assert.equal(m.getByKey("explicit/key"), "explicit/key");
});

Deno.test("NamespacedStore: values without a key are refused as the key function refuses them", () => {
  const s = new NamespacedStore<unknown>(metaNamespaceKeyFunc, {});
  assert.throws(() => s.add({}), CacheError);
  assert.throws(() => s.add(null), CacheError);
  assert.throws(() => s.delete({} as never), CacheError);
  assert.deepEqual(s.list(), []);
});

Deno.test("NamespacedStore: an index function that throws is reported as a CacheError", () => {
  const s = new NamespacedStore<KubeObject>(metaNamespaceKeyFunc, {
    bad: () => {
      throw new Error("boom");
    },
  });
  assert.throws(() => s.add(obj("a", "b")), CacheError);
  assert.throws(() => s.addIndexers({ x: 5 as never }), CacheError);
});

Deno.test("NamespacedStore: addIndexers indexes what is stored; conflicts are refused", () => {
  const s = new NamespacedStore<KubeObject>(metaNamespaceKeyFunc, {});
  s.add(obj("a", "x", "1", "web"));
  s.add(obj("b", "y", "1", "db"));
  s.addIndexers({ byApp, [NAMESPACE_INDEX]: metaNamespaceIndexFunc });
  assert.deepEqual(s.indexKeys("byApp", "web"), ["a/x"]);
  assert.deepEqual(s.indexKeys(NAMESPACE_INDEX, "b"), ["b/y"]);
  assert.throws(() => s.addIndexers({ byApp }), CacheError);
  assert.deepEqual(Object.keys(s.getIndexers()).sort(), ["byApp", NAMESPACE_INDEX].sort());
});

Deno.test("NameTable: grows, deletes, reuses deleted slots and shrinks", () => {
  const t = new NameTable<KubeObject>();
  const objs = Array.from({ length: 1000 }, (_, i) => obj("n", `x-${i}`));
  for (const o of objs) assert.equal(t.set(o.metadata!.name!, o), undefined);
  assert.equal(t.size, 1000);
  for (let i = 0; i < 1000; i += 2) assert.equal(t.delete(`x-${i}`), objs[i]);
  assert.equal(t.delete("x-0"), undefined);
  assert.equal(t.size, 500);
  for (let i = 0; i < 1000; i++) assert.equal(t.get(`x-${i}`), i % 2 ? objs[i] : undefined);
  const replaced = obj("n", "x-1", "2");
  assert.equal(t.set("x-1", replaced), objs[1]);
  const seen: string[] = [];
  t.forEach((o) => seen.push(o.metadata!.name!));
  assert.deepEqual(seen.sort(), objs.filter((_, i) => i % 2).map((o) => o.metadata!.name!).sort());
  const listed: KubeObject[] = [];
  t.pushTo(listed);
  assert.equal(listed.length, 500);
  assert.ok(listed.includes(replaced));
  for (let i = 1; i < 1000; i += 2) t.delete(`x-${i}`);
  assert.equal(t.size, 0);
  assert.equal(t.get("x-1"), undefined);
  t.set("again", obj("n", "again"));
  assert.equal(t.get("again")?.metadata?.name, "again");
});

Deno.test("NameTable: many deletions and re-adds of the same names do not fill the index", () => {
  const t = new NameTable<KubeObject>();
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < 20; i++) t.set(`n-${i}`, obj("n", `n-${i}`, String(round)));
    for (let i = 0; i < 19; i++) t.delete(`n-${i}`);
  }
  assert.equal(t.size, 1);
  assert.equal(t.get("n-19")?.metadata?.resourceVersion, "199");
  assert.equal(t.get("n-3"), undefined);
});
