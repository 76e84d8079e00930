import assert from "node:assert/strict";
import { CacheError, FIFOClosedError } from "./cache_error.ts";
import { DeletedFinalStateUnknown } from "./deleted_final_state_unknown.ts";
import type { Delta, KeyListerGetter } from "./queue.ts";
import { RealFIFO } from "./real_fifo.ts";
import { flushTasks } from "../_internal/clock.ts";

interface Obj {
  name: string;
  val: number;
}

const keyFunction = (o: unknown): string => (o as Obj).name;
const mk = (name: string, val: number): Obj => ({ name, val });
const tomb = (key: string, obj: Obj | undefined) => new DeletedFinalStateUnknown(key, obj);

function known(...objs: Obj[]): KeyListerGetter<Obj> & { map: Map<string, Obj> } {
  const map = new Map(objs.map((o) => [o.name, o]));
  return { map, listKeys: () => [...map.keys()], getByKey: (k) => map.get(k) };
}

async function drain(fifo: RealFIFO<Obj>): Promise<{ items: Delta<Obj>[]; initial: boolean[] }> {
  const items: Delta<Obj>[] = [];
  const initial: boolean[] = [];
  while (fifo.length > 0) {
    const deltas = await fifo.pop((d, isInInitialList) => {
      assert.equal(d.length, 1);
      initial.push(isInInitialList);
    });
    items.push(deltas[0]);
  }
  return { items, initial };
}

Deno.test("RealFIFO: needs knownObjects", () => {
  assert.throws(() => new RealFIFO<Obj>(undefined as never), CacheError);
});

Deno.test("RealFIFO: no per-key coalescing; every event is its own item, in arrival order", async () => {
  const fifo = new RealFIFO<Obj>({ keyFunction, knownObjects: known() });
  fifo.add(mk("a", 1));
  fifo.add(mk("b", 1));
  fifo.update(mk("a", 2));
  fifo.delete(mk("a", 3));
  fifo.delete(mk("a", 3));
  fifo.add(mk("a", 4));
  assert.equal(fifo.length, 6);
  assert.deepEqual((await drain(fifo)).items, [
    { type: "Added", object: mk("a", 1) },
    { type: "Added", object: mk("b", 1) },
    { type: "Updated", object: mk("a", 2) },
    { type: "Deleted", object: mk("a", 3) },
    { type: "Deleted", object: mk("a", 3) },
    { type: "Added", object: mk("a", 4) },
  ]);
});

Deno.test("RealFIFO: replace queues tombstones first, then Replaced for every listed object", async () => {
  const store = known(mk("foo", 5), mk("bar", 6), mk("baz", 7));
  const fifo = new RealFIFO<Obj>({ keyFunction, knownObjects: store });
  fifo.update(mk("baz", 10)); // queued, not listed: tombstone with the queued object
  fifo.delete(mk("qux", 1)); // queued deletion, not listed: no second delete
  fifo.replace([mk("foo", 8), mk("new", 1)], "9");
  assert.deepEqual((await drain(fifo)).items, [
    { type: "Updated", object: mk("baz", 10) },
    { type: "Deleted", object: mk("qux", 1) },
    { type: "Deleted", object: tomb("baz", mk("baz", 10)) },
    { type: "Deleted", object: tomb("bar", mk("bar", 6)) },
    { type: "Replaced", object: mk("foo", 8) },
    { type: "Replaced", object: mk("new", 1) },
  ]);
});

Deno.test("RealFIFO: hasSynced after the first replace waits until its items are popped", async () => {
  const fifo = new RealFIFO<Obj>({ keyFunction, knownObjects: known(mk("gone", 1)) });
  assert.equal(fifo.hasSynced(), false);
  fifo.replace([mk("a", 1), mk("b", 1)], "1");
  assert.equal(fifo.hasSynced(), false);
  const first = await drain(fifo);
  assert.deepEqual(first.initial, [true, true, true]);
  assert.equal(fifo.hasSynced(), true);
  fifo.add(mk("c", 1));
  assert.deepEqual((await drain(fifo)).initial, [false]);

  const empty = new RealFIFO<Obj>({ keyFunction, knownObjects: known() });
  empty.replace([], "1");
  assert.equal(empty.hasSynced(), true);
  for (const op of ["add", "update", "delete"] as const) {
    const f = new RealFIFO<Obj>({ keyFunction, knownObjects: known() });
    f[op](mk("x", 1));
    assert.equal(f.hasSynced(), true);
  }
});

Deno.test("RealFIFO: resync queues Sync for known keys with nothing queued", async () => {
  const store = known(mk("a", 1), mk("b", 2));
  const fifo = new RealFIFO<Obj>({ keyFunction, knownObjects: store });
  fifo.update(mk("a", 5));
  fifo.resync();
  assert.deepEqual((await drain(fifo)).items, [
    { type: "Updated", object: mk("a", 5) },
    { type: "Sync", object: mk("b", 2) },
  ]);
});

Deno.test("RealFIFO: the transformer runs once per object, never on Sync or tombstones", async () => {
  const seen: number[] = [];
  const store = known(mk("k", 1), mk("old", 2));
  const fifo = new RealFIFO<Obj>({
    keyFunction,
    knownObjects: store,
    transformer: (o) => {
      seen.push(o.val);
      return { ...o, val: -o.val };
    },
  });
  fifo.add(mk("a", 10));
  fifo.delete(mk("a", 11));
  fifo.replace([mk("k", 12)], "1");
  fifo.resync(); // everything queued: nothing added
  await drain(fifo);
  fifo.resync();
  const { items } = await drain(fifo);
  assert.deepEqual(seen, [10, 11, 12]);
  assert.deepEqual(items, [
    { type: "Sync", object: mk("k", 1) },
    { type: "Sync", object: mk("old", 2) },
  ]);
});

Deno.test("RealFIFO: close unblocks blocked pops; a pop waits for an add", async () => {
  const fifo = new RealFIFO<Obj>({ keyFunction, knownObjects: known() });
  const waiting = fifo.pop(() => {});
  await flushTasks();
  fifo.add(mk("a", 1));
  assert.deepEqual(await waiting, [{ type: "Added", object: mk("a", 1) }]);
  const blocked = [fifo.pop(() => {}), fifo.pop(() => {})].map((p) => p.then(() => "resolved", (e) => e));
  await flushTasks();
  fifo.close();
  assert.equal(fifo.isClosed(), true);
  for (const r of await Promise.all(blocked)) assert.ok(r instanceof FIFOClosedError);
});

Deno.test("RealFIFO: many items pop in order across internal compaction", async () => {
  const fifo = new RealFIFO<Obj>({ keyFunction, knownObjects: known() });
  const n = 5000;
  for (let i = 0; i < n; i++) fifo.add(mk(`o${i}`, i));
  const got: number[] = [];
  for (let i = 0; i < n / 2; i++) got.push(((await fifo.pop(() => {}))[0].object as Obj).val);
  for (let i = n; i < n + 10; i++) fifo.add(mk(`o${i}`, i));
  while (fifo.length > 0) got.push(((await fifo.pop(() => {}))[0].object as Obj).val);
  assert.deepEqual(got, Array.from({ length: n + 10 }, (_, i) => i));
});

Deno.test("RealFIFO: popBatch processes items in order, up to a limit; hasSynced follows processing", async () => {
  const fifo = new RealFIFO<Obj>({ keyFunction, knownObjects: known() });
  fifo.replace([mk("a", 1), mk("b", 1), mk("c", 1)], "1");
  const seen: [string, boolean, boolean][] = [];
  const process = (d: Delta<Obj>[], initial: boolean) => {
    seen.push([(d[0].object as Obj).name, initial, fifo.hasSynced()]);
  };
  assert.equal(await fifo.popBatch(process, 2), 2);
  assert.equal(fifo.hasSynced(), false);
  assert.equal(await fifo.popBatch(process, 5), 1);
  assert.deepEqual(seen, [["a", true, false], ["b", true, false], ["c", true, false]]);
  assert.equal(fifo.hasSynced(), true);
  fifo.add(mk("d", 1));
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const p = fifo.popBatch(() => gate);
  await flushTasks();
  assert.equal(fifo.length, 0);
  release();
  assert.equal(await p, 1);
  const waiting = fifo.popBatch(() => {});
  await flushTasks();
  fifo.close();
  await assert.rejects(waiting, FIFOClosedError);
});

Deno.test("RealFIFO: concurrent pops each get their own item; none gets undefined or ends the initial list early", async () => {
  const fifo = new RealFIFO<Obj>({ keyFunction, knownObjects: known() });
  const releases: (() => void)[] = [];
  const got: (string | undefined)[] = [];
  const pop = () =>
    fifo.pop(async (d) => {
      got.push(d[0] === undefined ? undefined : fifo.keyOf(d[0].object));
      await new Promise<void>((r) => releases.push(r));
    });
  const pops = [pop(), pop(), pop()];
  let thirdSettled = false;
  pops[2].then(() => (thirdSettled = true), () => (thirdSettled = true));
  await flushTasks();
  fifo.replace([mk("a", 1), mk("b", 1)], "0");
  await flushTasks();
  assert.deepEqual(got, ["a", "b"]);
  assert.equal(thirdSettled, false);
  releases[1]();
  await pops[1];
  // "a" is still being processed: the initial list is not done.
  assert.equal(fifo.hasSynced(), false);
  releases[0]();
  await pops[0];
  assert.equal(fifo.hasSynced(), true);
  // The third pop is still waiting, and gets the next item.
  fifo.add(mk("c", 1));
  await flushTasks();
  assert.deepEqual(got, ["a", "b", "c"]);
  releases[2]();
  assert.deepEqual((await pops[2])[0], { type: "Added", object: mk("c", 1) });
  assert.equal(fifo.length, 0);
});

Deno.test("RealFIFO: concurrent popBatch calls each process at least one item", async () => {
  const fifo = new RealFIFO<Obj>({ keyFunction, knownObjects: known() });
  const seen: string[] = [];
  const process = (d: Delta<Obj>[]) => void seen.push(fifo.keyOf(d[0].object));
  const batches = [fifo.popBatch(process), fifo.popBatch(process)];
  await flushTasks();
  fifo.add(mk("a", 1));
  assert.equal(await batches[0], 1);
  let secondSettled = false;
  batches[1].then(() => (secondSettled = true));
  await flushTasks();
  assert.equal(secondSettled, false);
  fifo.add(mk("b", 1));
  assert.equal(await batches[1], 1);
  assert.deepEqual(seen, ["a", "b"]);
  for (const bad of [0, -1, NaN]) await assert.rejects(fifo.popBatch(() => {}, bad), RangeError);
});
