import assert from "node:assert/strict";
import { CacheError, FIFOClosedError } from "./cache_error.ts";
import { DeletedFinalStateUnknown } from "./deleted_final_state_unknown.ts";
import { DeltaFIFO } from "./delta_fifo.ts";
import type { Deltas, KeyListerGetter } from "./queue.ts";
import { flushTasks } from "../_internal/clock.ts";

interface Obj {
  name: string;
  val: number;
}

const keyFunction = (o: unknown): string => (o as Obj).name;
const mk = (name: string, val: number): Obj => ({ name, val });

function known(...objs: Obj[]): KeyListerGetter<Obj> & { map: Map<string, Obj> } {
  const map = new Map(objs.map((o) => [o.name, o]));
  return { map, listKeys: () => [...map.keys()], getByKey: (k) => map.get(k) };
}

async function popOne(fifo: DeltaFIFO<Obj>): Promise<{ deltas: Deltas<Obj>; initial: boolean }> {
  let initial = false;
  const deltas = await fifo.pop((_d, isInInitialList) => {
    initial = isInInitialList;
  });
  return { deltas, initial };
}

/** Pops everything queued, in order. */
async function drain(fifo: DeltaFIFO<Obj>): Promise<Deltas<Obj>[]> {
  const out: Deltas<Obj>[] = [];
  while (fifo.listKeys().length > 0) out.push((await popOne(fifo)).deltas);
  return out;
}

const tomb = (key: string, obj: Obj | undefined) => new DeletedFinalStateUnknown(key, obj);

Deno.test("DeltaFIFO: add, update, delete of one key before pop coalesce into one item", async () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction });
  fifo.add(mk("foo", 10));
  fifo.update(mk("foo", 12));
  fifo.delete(mk("foo", 15));
  assert.deepEqual(fifo.listKeys(), ["foo"]);
  assert.deepEqual(fifo.list(), [mk("foo", 15)]);
  const { deltas } = await popOne(fifo);
  assert.deepEqual(deltas, [
    { type: "Added", object: mk("foo", 10) },
    { type: "Updated", object: mk("foo", 12) },
    { type: "Deleted", object: mk("foo", 15) },
  ]);
  assert.deepEqual(fifo.listKeys(), []);
  assert.equal(fifo.getByKey("foo"), undefined);
});

Deno.test("DeltaFIFO: add then replace([foo 15]) is one item whose newest is 15", async () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction });
  fifo.add(mk("foo", 10));
  fifo.replace([mk("foo", 15)], "0");
  assert.deepEqual(fifo.listKeys(), ["foo"]);
  const { deltas } = await popOne(fifo);
  assert.deepEqual(deltas.at(-1), { type: "Sync", object: mk("foo", 15) });
  assert.equal(deltas.length, 2);
});

Deno.test("DeltaFIFO: delete of an unknown, unqueued key is dropped; a known key enqueues Deleted", () => {
  const plain = new DeltaFIFO<Obj>({ keyFunction });
  plain.delete(mk("foo", 10));
  assert.deepEqual(plain.listKeys(), []);

  const withKnown = new DeltaFIFO<Obj>({ keyFunction, knownObjects: known() });
  withKnown.delete(mk("foo", 10));
  assert.deepEqual(withKnown.listKeys(), []);

  const knows = new DeltaFIFO<Obj>({ keyFunction, knownObjects: known(mk("foo", 5)) });
  knows.delete(mk("foo", 10));
  assert.deepEqual(knows.getByKey("foo"), [{ type: "Deleted", object: mk("foo", 10) }]);
});

Deno.test("DeltaFIFO: delete(old) then replace([new]) gives [Deleted old, Sync new]", () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction, knownObjects: known(mk("foo", 5)) });
  fifo.delete(mk("foo", 10));
  fifo.replace([mk("foo", 6)], "0");
  assert.deepEqual(fifo.getByKey("foo"), [
    { type: "Deleted", object: mk("foo", 10) },
    { type: "Sync", object: mk("foo", 6) },
  ]);
});

Deno.test("DeltaFIFO: add, replace([]) gives [Added, Deleted tombstone of the object]", () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction });
  fifo.add(mk("foo", 10));
  fifo.replace([], "0");
  assert.deepEqual(fifo.getByKey("foo"), [
    { type: "Added", object: mk("foo", 10) },
    { type: "Deleted", object: tomb("foo", mk("foo", 10)) },
  ]);
});

Deno.test("DeltaFIFO: add, delete, replace([]) gives only [Added, Deleted]", () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction });
  fifo.add(mk("foo", 10));
  fifo.delete(mk("foo", 11));
  fifo.replace([], "0");
  assert.deepEqual(fifo.getByKey("foo"), [
    { type: "Added", object: mk("foo", 10) },
    { type: "Deleted", object: mk("foo", 11) },
  ]);
});

Deno.test("DeltaFIFO: repeated replace([]) produces exactly one tombstone", () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction });
  fifo.add(mk("foo", 10));
  fifo.replace([], "0");
  fifo.replace([], "0");
  fifo.replace([], "0");
  assert.deepEqual(fifo.getByKey("foo"), [
    { type: "Added", object: mk("foo", 10) },
    { type: "Deleted", object: tomb("foo", mk("foo", 10)) },
  ]);
});

Deno.test("DeltaFIFO: add, delete, add(v2), replace([]): the tombstone carries v2", () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction });
  fifo.add(mk("foo", 10));
  fifo.delete(mk("foo", 10));
  fifo.add(mk("foo", 12));
  fifo.replace([], "0");
  assert.deepEqual(fifo.getByKey("foo"), [
    { type: "Added", object: mk("foo", 10) },
    { type: "Deleted", object: mk("foo", 10) },
    { type: "Added", object: mk("foo", 12) },
    { type: "Deleted", object: tomb("foo", mk("foo", 12)) },
  ]);
});

Deno.test("DeltaFIFO: replace against knownObjects pops pending, then listed Sync, then tombstones", async () => {
  const fifo = new DeltaFIFO<Obj>({
    keyFunction,
    knownObjects: known(mk("foo", 5), mk("bar", 6), mk("baz", 7)),
  });
  fifo.delete(mk("baz", 10));
  fifo.replace([mk("foo", 5)], "0");
  assert.deepEqual(await drain(fifo), [
    [{ type: "Deleted", object: mk("baz", 10) }],
    [{ type: "Sync", object: mk("foo", 5) }],
    [{ type: "Deleted", object: tomb("bar", mk("bar", 6)) }],
  ]);
});

Deno.test("DeltaFIFO: a tombstone carries the newest queued object, else the known value", async () => {
  const fifo = new DeltaFIFO<Obj>({
    keyFunction,
    knownObjects: known(mk("foo", 5), mk("bar", 6), mk("baz", 7)),
  });
  fifo.update(mk("baz", 10));
  fifo.update(mk("baz", 11));
  fifo.replace([mk("foo", 5)], "0");
  assert.deepEqual(await drain(fifo), [
    [
      { type: "Updated", object: mk("baz", 10) },
      { type: "Updated", object: mk("baz", 11) },
      { type: "Deleted", object: tomb("baz", mk("baz", 11)) },
    ],
    [{ type: "Sync", object: mk("foo", 5) }],
    [{ type: "Deleted", object: tomb("bar", mk("bar", 6)) }],
  ]);
});

Deno.test("DeltaFIFO: a known key that vanished from the store gets a tombstone without object", () => {
  const store = known(mk("foo", 5));
  const fifo = new DeltaFIFO<Obj>({
    keyFunction,
    knownObjects: { listKeys: () => ["foo", "ghost"], getByKey: (k) => store.map.get(k) },
  });
  fifo.replace([], "0");
  assert.deepEqual(fifo.getByKey("ghost"), [{ type: "Deleted", object: tomb("ghost", undefined) }]);
});

Deno.test("DeltaFIFO: two consecutive Deleted collapse, keeping the one that is not a tombstone", () => {
  const a = new DeltaFIFO<Obj>({ keyFunction });
  a.add(mk("foo", 1));
  a.delete(tomb("foo", mk("foo", 1)));
  a.delete(mk("foo", 2));
  assert.deepEqual(a.getByKey("foo"), [
    { type: "Added", object: mk("foo", 1) },
    { type: "Deleted", object: mk("foo", 2) },
  ]);
  const b = new DeltaFIFO<Obj>({ keyFunction });
  b.add(mk("foo", 1));
  b.delete(mk("foo", 2));
  b.delete(mk("foo", 3));
  assert.deepEqual(b.getByKey("foo"), [
    { type: "Added", object: mk("foo", 1) },
    { type: "Deleted", object: mk("foo", 2) },
  ]);
  const c = new DeltaFIFO<Obj>({ keyFunction });
  c.add(mk("foo", 1));
  c.delete(tomb("foo", mk("foo", 1)));
  c.delete(tomb("foo", mk("foo", 9)));
  assert.deepEqual(c.getByKey("foo"), [
    { type: "Added", object: mk("foo", 1) },
    { type: "Deleted", object: tomb("foo", mk("foo", 9)) },
  ]);
});

Deno.test("DeltaFIFO: with emitDeltaTypeReplaced, replace emits Replaced", () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction, emitDeltaTypeReplaced: true });
  fifo.replace([mk("foo", 1)], "0");
  assert.deepEqual(fifo.getByKey("foo"), [{ type: "Replaced", object: mk("foo", 1) }]);
});

Deno.test("DeltaFIFO: resync adds Sync only for known keys without pending deltas", async () => {
  const store = known(mk("foo", 1), mk("bar", 2), mk("baz", 3));
  const fifo = new DeltaFIFO<Obj>({ keyFunction, knownObjects: store });
  fifo.delete(mk("foo", 1));
  fifo.update(mk("bar", 5));
  fifo.resync();
  assert.deepEqual(await drain(fifo), [
    [{ type: "Deleted", object: mk("foo", 1) }],
    [{ type: "Updated", object: mk("bar", 5) }],
    [{ type: "Sync", object: mk("baz", 3) }],
  ]);
  // Without knownObjects, resync does nothing.
  const plain = new DeltaFIFO<Obj>({ keyFunction });
  plain.resync();
  assert.deepEqual(plain.listKeys(), []);
});

Deno.test("DeltaFIFO: the transformer runs once per object, never on Sync or tombstones", async () => {
  const seen: string[] = [];
  const store = known(mk("k1", 1), mk("k2", 2));
  const fifo = new DeltaFIFO<Obj>({
    keyFunction,
    knownObjects: store,
    emitDeltaTypeReplaced: true,
    transformer: (o) => {
      seen.push(`${o.name}:${o.val}`);
      return { ...o, val: o.val * 100 };
    },
  });
  fifo.add(mk("a", 1));
  fifo.update(mk("a", 2));
  fifo.delete(mk("a", 3));
  fifo.replace([mk("k1", 4)], "0");
  assert.deepEqual(seen, ["a:1", "a:2", "a:3", "k1:4"]);
  // The tombstone for k2 comes from the store as is.
  assert.deepEqual(fifo.getByKey("k2"), [{ type: "Deleted", object: tomb("k2", mk("k2", 2)) }]);
  assert.deepEqual(fifo.getByKey("k1"), [{ type: "Replaced", object: mk("k1", 400) }]);
  await drain(fifo);
  fifo.resync();
  assert.deepEqual(seen, ["a:1", "a:2", "a:3", "k1:4"]);
  assert.deepEqual(fifo.getByKey("k1"), [{ type: "Sync", object: mk("k1", 1) }]);
});

Deno.test("DeltaFIFO: hasSynced is false initially, true after any add, update or delete", () => {
  for (const op of ["add", "update", "delete"] as const) {
    const fifo = new DeltaFIFO<Obj>({ keyFunction });
    assert.equal(fifo.hasSynced(), false);
    fifo[op](mk("foo", 1));
    assert.equal(fifo.hasSynced(), true, op);
  }
  const empty = new DeltaFIFO<Obj>({ keyFunction });
  empty.replace([], "0");
  assert.equal(empty.hasSynced(), true);
});

Deno.test("DeltaFIFO: after replace of N objects, hasSynced waits for their pops (isInInitialList)", async () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction, knownObjects: known(mk("gone", 1)) });
  // Duplicate keys count once; the tombstone for "gone" counts.
  fifo.replace([mk("a", 1), mk("b", 1), mk("a", 2)], "0");
  assert.deepEqual(fifo.listKeys(), ["a", "b", "gone"]);
  const initial: boolean[] = [];
  for (let i = 0; i < 3; i++) {
    assert.equal(fifo.hasSynced(), false);
    initial.push((await popOne(fifo)).initial);
  }
  assert.equal(fifo.hasSynced(), true);
  assert.deepEqual(initial, [true, true, true]);
  fifo.add(mk("c", 1));
  assert.equal((await popOne(fifo)).initial, false);
});

Deno.test("DeltaFIFO: hasSynced turns true only after the last initial item was processed", async () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction });
  fifo.replace([mk("a", 1)], "0");
  let release!: () => void;
  let syncedDuringProcess: boolean | undefined;
  const popped = fifo.pop(async () => {
    syncedDuringProcess = fifo.hasSynced();
    await new Promise<void>((r) => (release = r));
  });
  await flushTasks();
  assert.equal(syncedDuringProcess, false);
  assert.equal(fifo.hasSynced(), false);
  release();
  await popped;
  assert.equal(fifo.hasSynced(), true);
});

Deno.test("DeltaFIFO: re-adding a queued key keeps its position; after a pop it goes to the back", async () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction });
  fifo.add(mk("a", 1));
  fifo.add(mk("b", 1));
  fifo.add(mk("c", 1));
  fifo.update(mk("a", 2));
  assert.deepEqual(fifo.listKeys(), ["a", "b", "c"]);
  const first = await popOne(fifo);
  assert.equal(fifo.keyOf(first.deltas), "a");
  assert.deepEqual(first.deltas.map((d) => (d.object as Obj).val), [1, 2]);
  fifo.add(mk("a", 3));
  const order: string[] = [];
  for (let i = 0; i < 3; i++) order.push(fifo.keyOf((await popOne(fifo)).deltas));
  assert.deepEqual(order, ["b", "c", "a"]);
});

Deno.test("DeltaFIFO: keyOf uses a tombstone's key and the newest object of Deltas", () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction });
  assert.equal(fifo.keyOf(tomb("the-key", mk("other", 1))), "the-key");
  assert.equal(
    fifo.keyOf([{ type: "Added", object: mk("old", 1) }, { type: "Updated", object: mk("new", 1) }]),
    "new",
  );
  assert.equal(fifo.keyOf([{ type: "Deleted", object: tomb("t", undefined) }]), "t");
  assert.throws(() => fifo.keyOf([]), CacheError);
  // The default key function is metaNamespaceKeyFunc.
  const meta = new DeltaFIFO<{ metadata: { name: string; namespace: string } }>();
  assert.equal(meta.keyOf({ metadata: { name: "n", namespace: "ns" } }), "ns/n");
});

Deno.test("DeltaFIFO: close unblocks every blocked pop; queued items still pop after close", async () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction });
  const pops = [fifo.pop(() => {}), fifo.pop(() => {}), fifo.pop(() => {})];
  const settled = pops.map((p) => p.then(() => "resolved", (e) => e));
  await flushTasks();
  assert.equal(fifo.isClosed(), false);
  fifo.close();
  assert.equal(fifo.isClosed(), true);
  for (const r of await Promise.all(settled)) assert.ok(r instanceof FIFOClosedError);

  const other = new DeltaFIFO<Obj>({ keyFunction });
  other.add(mk("a", 1));
  other.close();
  assert.equal((await popOne(other)).deltas.length, 1);
  await assert.rejects(other.pop(() => {}), FIFOClosedError);
});

Deno.test("DeltaFIFO: a waiting pop wakes on add; an error from process rejects the pop", async () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction });
  const p = popOne(fifo);
  await flushTasks();
  fifo.add(mk("late", 1));
  assert.deepEqual((await p).deltas, [{ type: "Added", object: mk("late", 1) }]);
  fifo.add(mk("bad", 1));
  const boom = new Error("boom");
  await assert.rejects(
    fifo.pop(() => {
      throw boom;
    }),
    (e) => e === boom,
  );
  assert.deepEqual(fifo.listKeys(), []);
});

Deno.test("DeltaFIFO: get returns a copy of the queued deltas", () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction });
  fifo.add(mk("a", 1));
  const got = fifo.get(mk("a", 0))!;
  got.push({ type: "Sync", object: mk("a", 9) });
  assert.equal(fifo.getByKey("a")!.length, 1);
  assert.equal(fifo.get(mk("zzz", 0)), undefined);
});

Deno.test("DeltaFIFO: the initial replace into an empty queue counts duplicate keys once", async () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction });
  fifo.replace([mk("a", 1), mk("b", 1), mk("a", 2)], "0");
  assert.deepEqual(fifo.getByKey("a"), [{ type: "Sync", object: mk("a", 1) }, {
    type: "Sync",
    object: mk("a", 2),
  }]);
  assert.equal((await popOne(fifo)).initial, true);
  assert.equal(fifo.hasSynced(), false);
  assert.equal((await popOne(fifo)).initial, true);
  assert.equal(fifo.hasSynced(), true);
});

Deno.test("DeltaFIFO: popBatch processes queued keys in order, up to a limit", async () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction });
  fifo.replace([mk("a", 1), mk("b", 1), mk("c", 1)], "0");
  const seen: [string, boolean, boolean][] = [];
  const process = (d: Deltas<Obj>, initial: boolean) => {
    seen.push([fifo.keyOf(d), initial, fifo.hasSynced()]);
  };
  assert.equal(await fifo.popBatch(process, 2), 2);
  assert.equal(await fifo.popBatch(process), 1);
  assert.deepEqual(seen, [["a", true, false], ["b", true, false], ["c", true, false]]);
  assert.equal(fifo.hasSynced(), true);
  // An async process is awaited between items; a throwing one stops the batch.
  fifo.add(mk("d", 1));
  fifo.add(mk("e", 1));
  fifo.add(mk("f", 1));
  const order: string[] = [];
  const boom = new Error("boom");
  await assert.rejects(
    fifo.popBatch(async (d) => {
      await flushTasks();
      order.push(fifo.keyOf(d));
      if (order.length === 2) throw boom;
    }),
    (e) => e === boom,
  );
  assert.deepEqual(order, ["d", "e"]);
  assert.deepEqual(fifo.listKeys(), ["f"]);
  // Waits for an item; rejects when closed and empty.
  await fifo.popBatch(() => {});
  const waiting = fifo.popBatch(() => {});
  await flushTasks();
  fifo.close();
  await assert.rejects(waiting, FIFOClosedError);
});

Deno.test("DeltaFIFO: concurrent pops each get their own key; none gets undefined or ends the initial list early", async () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction });
  const releases: (() => void)[] = [];
  const got: (string | undefined)[] = [];
  const pop = () =>
    fifo.pop(async (d) => {
      got.push(d?.[0] === undefined ? undefined : fifo.keyOf(d));
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
  // The third pop is still waiting, and gets the next key.
  fifo.add(mk("c", 1));
  await flushTasks();
  assert.deepEqual(got, ["a", "b", "c"]);
  releases[2]();
  assert.equal(fifo.keyOf(await pops[2]), "c");
  assert.deepEqual(fifo.listKeys(), []);
  fifo.add(mk("d", 1));
  assert.equal(fifo.keyOf((await popOne(fifo)).deltas), "d");
});

Deno.test("DeltaFIFO: concurrent popBatch calls each process at least one key", async () => {
  const fifo = new DeltaFIFO<Obj>({ keyFunction });
  const seen: string[] = [];
  const batches = [
    fifo.popBatch((d) => void seen.push(fifo.keyOf(d))),
    fifo.popBatch((d) => void seen.push(fifo.keyOf(d))),
  ];
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
