import assert from "node:assert/strict";
import { newThreadSafeStore } from "./thread_safe_store.ts";

interface Item {
  tags: string[];
}

Deno.test("threadSafeStore: keys given by the caller; indexes follow add, update, delete", () => {
  const store = newThreadSafeStore<Item>({ byTag: (o) => o.tags });
  store.add("k1", { tags: ["a", "b"] });
  store.add("k2", { tags: ["b"] });
  assert.deepEqual(store.indexKeys("byTag", "b").sort(), ["k1", "k2"]);
  store.update("k1", { tags: ["c"] });
  assert.deepEqual(store.indexKeys("byTag", "a"), []);
  assert.deepEqual(store.listIndexFuncValues("byTag").sort(), ["b", "c"]);
  store.delete("k2");
  store.delete("missing");
  assert.deepEqual(store.listIndexFuncValues("byTag"), ["c"]);
  assert.deepEqual(store.listKeys(), ["k1"]);
  assert.deepEqual(store.get("k1"), { tags: ["c"] });
  assert.equal(store.get("k2"), undefined);
});

Deno.test("threadSafeStore: replace rebuilds every index", () => {
  const store = newThreadSafeStore<Item>({ byTag: (o) => o.tags });
  store.add("old", { tags: ["x"] });
  store.replace(new Map([["n1", { tags: ["y"] }], ["n2", { tags: ["y", "z"] }]]), "5");
  assert.deepEqual(store.listIndexFuncValues("byTag").sort(), ["y", "z"]);
  assert.deepEqual(store.byIndex("byTag", "y").length, 2);
  assert.deepEqual(store.list().length, 2);
  store.resync();
});
