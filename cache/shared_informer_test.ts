import assert from "node:assert/strict";
import { FakeClock, flushTasks } from "../_internal/clock.ts";
import { ApiError } from "../rest/errors.ts";
import type { KubeObject, WatchEvent } from "../rest/types.ts";
import { CacheError } from "./cache_error.ts";
import { DeletedFinalStateUnknown } from "./deleted_final_state_unknown.ts";
import { FakeListerWatcher } from "./_fake_lister_watcher.ts";
import { metaNamespaceIndexFunc, NAMESPACE_INDEX } from "./index.ts";
import type { ResourceEventHandler } from "./_processor_listener.ts";
import { newSharedIndexInformer, type SharedIndexInformerOptions } from "./shared_informer.ts";
import { waitForCacheSync } from "./wait_for_cache_sync.ts";

function cm(name: string, rv: string, extra: Partial<KubeObject> & Record<string, unknown> = {}): KubeObject {
  return { kind: "ConfigMap", metadata: { namespace: "ns", name, resourceVersion: rv }, ...extra };
}
const ev = (type: "ADDED" | "MODIFIED" | "DELETED", o: KubeObject): WatchEvent => ({ type, object: o });

function describe(o: unknown): string {
  if (o instanceof DeletedFinalStateUnknown) return `tombstone(${o.key}, ${describe(o.obj)})`;
  const m = (o as KubeObject | undefined)?.metadata;
  return m ? `${m.name}@${m.resourceVersion}` : String(o);
}

/** A handler that logs every call as text. */
function recorder(log: string[], name = ""): ResourceEventHandler<KubeObject> {
  const p = name ? `${name}: ` : "";
  return {
    onAdd: (o, initial) => void log.push(`${p}add ${describe(o)}${initial ? " initial" : ""}`),
    onUpdate: (old, o) => void log.push(`${p}update ${describe(old)} -> ${describe(o)}`),
    onDelete: (o) => void log.push(`${p}delete ${describe(o)}`),
  };
}

function setup(options: SharedIndexInformerOptions<KubeObject> = {}) {
  const clock = new FakeClock();
  const lw = new FakeListerWatcher<KubeObject>(clock);
  const watchErrors: unknown[] = [];
  const handlerErrors: unknown[] = [];
  const informer = newSharedIndexInformer<KubeObject>(lw, {
    clock,
    random: () => 0,
    watchErrorHandler: (_r, e) => watchErrors.push(e),
    handlerErrorHandler: (e) => handlerErrors.push(e),
    ...options,
  });
  const controller = new AbortController();
  let done: Promise<void> | undefined;
  return {
    clock,
    lw,
    informer,
    watchErrors,
    handlerErrors,
    controller,
    async start(): Promise<void> {
      done = informer.run(controller.signal);
      await flushTasks();
    },
    async stop(): Promise<void> {
      controller.abort();
      await done;
      assert.equal(clock.waiters(), 0, "no timer left behind");
    },
  };
}

for (const useRealFIFO of [true, false]) {
  const q = useRealFIFO ? "RealFIFO" : "DeltaFIFO";

  Deno.test(`informer (${q}): initial list, then watch events, in order, to the cache and handlers`, async () => {
    const t = setup({ useRealFIFO });
    t.lw.listAnswers.push({ metadata: { resourceVersion: "10" }, items: [cm("a", "1"), cm("b", "2")] });
    const log: string[] = [];
    const reg = t.informer.addEventHandler(recorder(log));
    assert.equal(t.informer.hasSynced(), false);
    assert.equal(t.informer.hasStarted(), false);
    await t.start();
    assert.equal(t.informer.hasStarted(), true);
    assert.equal(t.informer.hasSynced(), true);
    assert.equal(reg.hasSynced(), true);
    assert.equal(t.informer.lastSyncResourceVersion(), "10");
    assert.deepEqual(log, ["add a@1 initial", "add b@2 initial"]);
    t.lw.lastWatch.send(
      ev("ADDED", cm("c", "11")),
      ev("MODIFIED", cm("a", "12")),
      ev("DELETED", cm("b", "13")),
    );
    await flushTasks();
    assert.deepEqual(log.slice(2), ["add c@11", "update a@1 -> a@12", "delete b@13"]);
    assert.deepEqual(t.informer.getStore().listKeys().sort(), ["ns/a", "ns/c"]);
    assert.equal(t.informer.getIndexer().getByKey("ns/a")?.metadata?.resourceVersion, "12");
    assert.equal(t.informer.lastSyncResourceVersion(), "13");
    assert.equal(t.informer.isStopped(), false);
    await t.stop();
    assert.equal(t.informer.isStopped(), true);
    assert.deepEqual(t.watchErrors, []);
    assert.deepEqual(t.handlerErrors, []);
  });

  Deno.test(`informer (${q}): a relist missing an object delivers a DeletedFinalStateUnknown`, async () => {
    const t = setup({ useRealFIFO });
    t.lw.listAnswers.push({ metadata: { resourceVersion: "10" }, items: [cm("a", "1"), cm("b", "2")] });
    const log: string[] = [];
    t.informer.addEventHandler(recorder(log));
    await t.start();
    t.lw.lastWatch.send({
      type: "ERROR",
      object: { kind: "Status", code: 410, reason: "Expired", message: "old" },
    });
    await flushTasks();
    t.lw.listAnswers.push({ metadata: { resourceVersion: "20" }, items: [cm("a", "1"), cm("c", "15")] });
    await t.clock.advance(800);
    // RealFIFO queues the tombstones before the listed objects; DeltaFIFO after them.
    const expected = ["delete tombstone(ns/b, b@2)", "add c@15"];
    assert.deepEqual(log.slice(2), useRealFIFO ? expected : expected.reverse());
    assert.deepEqual(t.informer.getStore().listKeys().sort(), ["ns/a", "ns/c"]);
    await t.stop();
  });

  Deno.test(`informer (${q}): hasSynced waits until the initial list is in the cache`, async () => {
    const t = setup({ useRealFIFO });
    const items = Array.from({ length: 50 }, (_, i) => cm(`o${i}`, String(i + 1)));
    t.lw.listAnswers.push({ metadata: { resourceVersion: "100" }, items });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seenSyncedDuringInitial: boolean[] = [];
    const reg = t.informer.addEventHandler({
      onAdd: async (_o, initial) => {
        if (initial) seenSyncedDuringInitial.push(t.informer.hasSynced());
        await gate;
      },
    });
    await t.start();
    assert.equal(t.informer.hasSynced(), true);
    assert.equal(t.informer.getStore().list().length, 50);
    assert.equal(reg.hasSynced(), false, "the handler has not received the initial list yet");
    release();
    await flushTasks();
    assert.equal(reg.hasSynced(), true);
    assert.equal(seenSyncedDuringInitial.length, 50);
    await t.stop();
  });
}

Deno.test("informer: the DeltaFIFO option coalesces changes queued before processing", async () => {
  const t = setup({ useRealFIFO: false });
  const log: string[] = [];
  t.informer.addEventHandler(recorder(log));
  await t.start();
  t.lw.lastWatch.send(ev("ADDED", cm("x", "2")), ev("MODIFIED", cm("x", "3")), ev("DELETED", cm("x", "4")));
  await flushTasks();
  assert.deepEqual(log, ["add x@2", "update x@2 -> x@3", "delete x@4"]);
  await t.stop();
});

Deno.test("informer: handlers run in a microtask, never inside the dispatch", async () => {
  const t = setup();
  const log: string[] = [];
  const informer = t.informer;
  t.lw.listAnswers.push({ metadata: { resourceVersion: "5" }, items: [cm("a", "1")] });
  await t.start();
  const reg = informer.addEventHandler(recorder(log));
  assert.deepEqual(log, [], "nothing delivered before addEventHandler returns");
  assert.equal(reg.hasSynced(), false);
  await flushTasks();
  assert.deepEqual(log, ["add a@1 initial"]);
  await t.stop();
});

Deno.test("informer: resyncCheckPeriod drops to the smallest handler period; each handler keeps its own", async () => {
  const t = setup({ resyncPeriodMs: 60_000 });
  t.lw.listAnswers.push({ metadata: { resourceVersion: "5" }, items: [cm("a", "1")] });
  const counts: Record<string, number> = { byDefault: 0, thirty: 0, never: 0, tiny: 0 };
  const counter = (name: string): ResourceEventHandler<KubeObject> => ({
    onUpdate: (old, o) => {
      assert.equal(old.metadata?.resourceVersion, o.metadata?.resourceVersion);
      counts[name]++;
    },
  });
  t.informer.addEventHandler(counter("byDefault"));
  t.informer.addEventHandler(counter("thirty"), { resyncPeriodMs: 30_000 });
  t.informer.addEventHandler(counter("never"), { resyncPeriodMs: 0 });
  t.informer.addEventHandler(counter("tiny"), { resyncPeriodMs: 10 }); // raised to the 1 s minimum
  await t.start();
  await t.clock.advance(60_000);
  assert.deepEqual(counts, { byDefault: 1, thirty: 2, never: 0, tiny: 60 });
  await t.stop();
});

Deno.test("informer: after start, a handler asking for less than the check period gets the check period", async () => {
  const t = setup({ resyncPeriodMs: 10_000 });
  t.lw.listAnswers.push({ metadata: { resourceVersion: "5" }, items: [cm("a", "1")] });
  await t.start();
  let n = 0;
  t.informer.addEventHandler({ onUpdate: () => void n++ }, { resyncPeriodMs: 2_000 });
  await t.clock.advance(20_000);
  assert.equal(n, 2);
  await t.stop();
});

Deno.test("informer: with no default resync, handler periods are ignored (0 means never)", async () => {
  const t = setup();
  t.lw.listAnswers.push({ metadata: { resourceVersion: "5" }, items: [cm("a", "1")] });
  let n = 0;
  t.informer.addEventHandler({ onUpdate: () => void n++ }, { resyncPeriodMs: 5_000 });
  await t.start();
  assert.equal(t.clock.waiters(), 0, "no resync timer");
  await t.clock.advance(60_000);
  assert.equal(n, 0);
  await t.stop();
});

Deno.test("informer: an update with an unchanged resourceVersion goes only to handlers due for resync", async () => {
  const t = setup({ resyncPeriodMs: 10_000 });
  t.lw.listAnswers.push({ metadata: { resourceVersion: "5" }, items: [cm("a", "1"), cm("b", "1")] });
  const fast: string[] = [];
  const slow: string[] = [];
  t.informer.addEventHandler(recorder(fast), { resyncPeriodMs: 10_000 });
  t.informer.addEventHandler(recorder(slow), { resyncPeriodMs: 60_000 });
  await t.start();
  fast.length = 0;
  slow.length = 0;
  // No resync check yet: nobody is due, so a same-RV update reaches no one.
  t.lw.lastWatch.send(ev("MODIFIED", cm("a", "1")));
  await flushTasks();
  assert.deepEqual([fast, slow], [[], []]);
  // A real change reaches everyone.
  t.lw.lastWatch.send(ev("MODIFIED", cm("a", "2")));
  await flushTasks();
  assert.deepEqual(fast, ["update a@1 -> a@2"]);
  assert.deepEqual(slow, ["update a@1 -> a@2"]);
  // At 10 s only the fast handler is due.
  await t.clock.advance(10_000);
  assert.deepEqual(fast.slice(1).sort(), ["update a@2 -> a@2", "update b@1 -> b@1"]);
  assert.deepEqual(slow, ["update a@1 -> a@2"]);
  // Until the next check, same-RV updates (a relist re-delivering) still go to the due handler only.
  t.lw.lastWatch.send(ev("MODIFIED", cm("b", "1")));
  await flushTasks();
  assert.equal(fast.at(-1), "update b@1 -> b@1");
  assert.equal(slow.length, 1);
  await t.stop();
});

Deno.test("informer: the transform runs before handlers and the cache; settable only before start", async () => {
  const t = setup();
  t.lw.listAnswers.push({
    metadata: { resourceVersion: "5" },
    items: [{
      metadata: { namespace: "ns", name: "a", resourceVersion: "1", managedFields: [{ manager: "x" }] },
    }],
  });
  let calls = 0;
  t.informer.setTransform((o) => {
    calls++;
    return { ...o, metadata: { ...o.metadata, managedFields: undefined } };
  });
  const seen: KubeObject[] = [];
  t.informer.addEventHandler({ onAdd: (o) => void seen.push(o), onUpdate: (_old, o) => void seen.push(o) });
  await t.start();
  t.lw.lastWatch.send(
    ev("MODIFIED", { metadata: { namespace: "ns", name: "a", resourceVersion: "2", managedFields: [{}] } }),
  );
  await flushTasks();
  assert.equal(calls, 2);
  assert.equal(seen.length, 2);
  for (const o of seen) assert.equal(o.metadata?.managedFields, undefined);
  assert.equal(t.informer.getStore().getByKey("ns/a")?.metadata?.managedFields, undefined);
  assert.strictEqual(t.informer.getStore().getByKey("ns/a"), seen[1], "handlers get the cached object");
  assert.throws(() => t.informer.setTransform((o) => o), CacheError);
  assert.throws(() => t.informer.setWatchErrorHandler(() => {}), CacheError);
  await t.stop();
});

Deno.test("informer: the transform option works too", async () => {
  const t = setup({ transform: (o) => ({ ...o, kind: "Transformed" }) });
  t.lw.listAnswers.push({ metadata: { resourceVersion: "5" }, items: [cm("a", "1")] });
  await t.start();
  assert.equal(t.informer.getStore().list()[0].kind, "Transformed");
  await t.stop();
});

Deno.test("informer: the watch-error handler receives list and watch-start errors; the logger the rest", async () => {
  const clock = new FakeClock();
  const lw = new FakeListerWatcher<KubeObject>(clock);
  const errors: unknown[] = [];
  const warnings: string[] = [];
  const informer = newSharedIndexInformer<KubeObject>(lw, {
    clock,
    random: () => 0,
    objectDescription: "configmaps",
    logger: { warn: (m) => void warnings.push(m) },
  });
  informer.setWatchErrorHandler((r, e) => {
    assert.equal(typeof r.lastSyncResourceVersion(), "string");
    errors.push(e);
  });
  lw.listAnswers.push({ error: new ApiError({ code: 403, reason: "Forbidden", message: "no list" }) });
  const controller = new AbortController();
  const done = informer.run(controller.signal);
  await flushTasks();
  assert.equal(errors.length, 1);
  assert.match((errors[0] as Error).message, /no list/);
  await clock.advance(800);
  lw.lastWatch.send({ type: "ERROR", object: { code: 500, reason: "InternalError", message: "boom" } });
  await flushTasks();
  assert.equal(errors.length, 1);
  assert.deepEqual(warnings, ["informer of configmaps: watch of configmaps ended with: boom"]);
  lw.watchAnswers.push({ error: new ApiError({ code: 403, reason: "Forbidden", message: "no watch" }) });
  await clock.advance(1600);
  assert.equal(errors.length, 2);
  assert.ok(errors[1] instanceof ApiError);
  assert.equal(informer.hasSynced(), true);
  controller.abort();
  await done;
});

Deno.test("informer: the same handler twice gives two registrations; removing is idempotent", async () => {
  const t = setup();
  t.lw.listAnswers.push({ metadata: { resourceVersion: "5" }, items: [cm("a", "1")] });
  const log: string[] = [];
  const h = recorder(log);
  const r1 = t.informer.addEventHandler(h);
  const r2 = t.informer.addEventHandler(h);
  assert.notStrictEqual(r1, r2);
  await t.start();
  assert.deepEqual(log, ["add a@1 initial", "add a@1 initial"]);
  t.informer.removeEventHandler(r1);
  t.informer.removeEventHandler(r1);
  t.informer.removeEventHandler({ hasSynced: () => true, pending: 0 });
  t.lw.lastWatch.send(ev("MODIFIED", cm("a", "2")));
  await flushTasks();
  assert.deepEqual(log.slice(2), ["update a@1 -> a@2"]);
  t.informer.removeEventHandler(r2);
  t.lw.lastWatch.send(ev("MODIFIED", cm("a", "3")));
  await flushTasks();
  assert.equal(log.length, 3);
  await t.stop();
});

Deno.test("informer: adding a handler or indexers after stop fails", async () => {
  const t = setup();
  await t.start();
  await t.stop();
  assert.throws(() => t.informer.addEventHandler({}), (e: unknown) => {
    assert.ok(e instanceof CacheError);
    assert.match(e.message, /stopped/);
    return true;
  });
  assert.throws(() => t.informer.addIndexers({ x: () => [] }), CacheError);
  await assert.rejects(t.informer.run(new AbortController().signal), CacheError);
});

Deno.test("informer: a handler added after start gets the whole cache as initial adds; hasSynced waits for them", async () => {
  const t = setup();
  t.lw.listAnswers.push({
    metadata: { resourceVersion: "5" },
    items: [cm("a", "1"), cm("b", "1"), cm("c", "1")],
  });
  await t.start();
  t.lw.lastWatch.send(ev("DELETED", cm("c", "6")), ev("ADDED", cm("d", "7")));
  await flushTasks();
  const log: string[] = [];
  let release!: () => void;
  let gate = new Promise<void>((r) => (release = r));
  const handler = recorder(log);
  const reg = t.informer.addEventHandler({
    onAdd: async (o, initial) => {
      handler.onAdd!(o, initial);
      await gate;
    },
    onUpdate: handler.onUpdate,
  });
  assert.equal(reg.hasSynced(), false);
  // A change arriving now comes after the synthetic adds.
  t.lw.lastWatch.send(ev("MODIFIED", cm("a", "8")));
  await flushTasks();
  // The cache's order is not promised (as client-go's); the synthetic adds come one at a time.
  assert.equal(log.length, 1);
  assert.match(log[0], /^add (a@1|b@1|d@7) initial$/);
  assert.equal(reg.hasSynced(), false);
  release();
  gate = Promise.resolve();
  await flushTasks();
  assert.deepEqual(log.slice(0, 3).sort(), ["add a@1 initial", "add b@1 initial", "add d@7 initial"]);
  assert.deepEqual(log.slice(3), ["update a@1 -> a@8"]);
  assert.equal(reg.hasSynced(), true);
  await t.stop();
});

Deno.test("informer: a slow handler delays only itself", async () => {
  const t = setup();
  await t.start();
  const fast: string[] = [];
  const slow: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  t.informer.addEventHandler(recorder(fast));
  const slowHandler = recorder(slow);
  t.informer.addEventHandler({
    onAdd: async (o, initial) => {
      await gate;
      slowHandler.onAdd!(o, initial);
    },
  });
  for (let i = 0; i < 100; i++) t.lw.lastWatch.send(ev("ADDED", cm(`o${i}`, String(i + 2))));
  await flushTasks();
  assert.equal(fast.length, 100);
  assert.equal(slow.length, 0);
  assert.equal(t.informer.getStore().list().length, 100);
  release();
  await flushTasks();
  assert.equal(slow.length, 100);
  assert.deepEqual(slow, fast);
  await t.stop();
});

Deno.test("informer: a removed handler receives nothing more, buffered notifications included", async () => {
  const t = setup();
  await t.start();
  const log: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const reg = t.informer.addEventHandler({
    onAdd: async (o) => {
      log.push(describe(o));
      await gate;
    },
  });
  t.lw.lastWatch.send(ev("ADDED", cm("a", "2")), ev("ADDED", cm("b", "3")), ev("ADDED", cm("c", "4")));
  await flushTasks();
  assert.deepEqual(log, ["a@2"]);
  t.informer.removeEventHandler(reg);
  release();
  t.lw.lastWatch.send(ev("ADDED", cm("d", "5")));
  await flushTasks();
  assert.deepEqual(log, ["a@2"]);
  await t.stop();
});

Deno.test("informer: after stop, handlers receive nothing more; run waits for the handler call in flight", async () => {
  const t = setup();
  await t.start();
  const log: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let finished = false;
  t.informer.addEventHandler({
    onAdd: async (o) => {
      log.push(describe(o));
      await gate;
      finished = true;
    },
  });
  t.lw.lastWatch.send(ev("ADDED", cm("a", "2")), ev("ADDED", cm("b", "3")));
  await flushTasks();
  t.controller.abort();
  let stopped = false;
  const done = t.stop().then(() => (stopped = true));
  await flushTasks();
  assert.equal(stopped, false);
  release();
  await done;
  assert.equal(finished, true);
  assert.deepEqual(log, ["a@2"]);
});

Deno.test("informer: handler errors are reported and delivery goes on", async () => {
  const t = setup();
  t.lw.listAnswers.push({ metadata: { resourceVersion: "5" }, items: [cm("a", "1"), cm("b", "1")] });
  const seen: string[] = [];
  t.informer.addEventHandler({
    onAdd: (o) => {
      seen.push(describe(o));
      if (o.metadata?.name === "a") throw new Error("handler bug");
    },
  });
  t.informer.addEventHandler({ onAdd: () => Promise.reject(new Error("async bug")) });
  await t.start();
  assert.deepEqual(seen, ["a@1", "b@1"]);
  assert.deepEqual(t.handlerErrors.map((e) => (e as Error).message).sort(), [
    "async bug",
    "async bug",
    "handler bug",
  ]);
  await t.stop();
});

Deno.test("informer: addIndexers on a running informer builds the index at once", async () => {
  const t = setup();
  t.lw.listAnswers.push({
    metadata: { resourceVersion: "5" },
    items: [cm("a", "1"), { metadata: { namespace: "other", name: "b", resourceVersion: "1" } }],
  });
  await t.start();
  t.informer.addIndexers({ [NAMESPACE_INDEX]: metaNamespaceIndexFunc });
  assert.deepEqual(t.informer.getIndexer().indexKeys(NAMESPACE_INDEX, "other"), ["other/b"]);
  t.lw.lastWatch.send(ev("ADDED", { metadata: { namespace: "other", name: "c", resourceVersion: "6" } }));
  await flushTasks();
  assert.deepEqual(t.informer.getIndexer().indexKeys(NAMESPACE_INDEX, "other").sort(), [
    "other/b",
    "other/c",
  ]);
  await t.stop();
});

Deno.test("informer: indexers given at creation are maintained", async () => {
  const t = setup({ indexers: { [NAMESPACE_INDEX]: metaNamespaceIndexFunc } });
  t.lw.listAnswers.push({ metadata: { resourceVersion: "5" }, items: [cm("a", "1")] });
  await t.start();
  t.lw.lastWatch.send(ev("DELETED", cm("a", "6")));
  await flushTasks();
  assert.deepEqual(t.informer.getIndexer().listIndexFuncValues(NAMESPACE_INDEX), []);
  await t.stop();
});

Deno.test("informer: run with an aborted signal stops at once without listing", async () => {
  const t = setup();
  t.controller.abort();
  await t.start();
  await t.stop();
  assert.equal(t.lw.listCalls.length, 0);
  assert.equal(t.informer.isStopped(), true);
});

Deno.test("informer: WatchList mode syncs from the stream", async () => {
  const t = setup({ serverVersion: "1.33" });
  const log: string[] = [];
  t.informer.addEventHandler(recorder(log));
  await t.start();
  t.lw.lastWatch.send(ev("ADDED", cm("a", "3")));
  await flushTasks();
  assert.equal(t.informer.hasSynced(), false);
  t.lw.lastWatch.send({
    type: "BOOKMARK",
    object: { metadata: { resourceVersion: "9", annotations: { "k8s.io/initial-events-end": "true" } } },
  });
  await flushTasks();
  assert.equal(t.informer.hasSynced(), true);
  assert.deepEqual(log, ["add a@3 initial"]);
  assert.equal(t.lw.listCalls.length, 0);
  await t.stop();
});

Deno.test("waitForCacheSync: true once all are synced, polling every 100 ms; false when aborted", async () => {
  const clock = new FakeClock();
  let a = false;
  let b = false;
  let result: boolean | undefined;
  const p = waitForCacheSync({ clock }, () => a, () => b).then((r) => (result = r));
  await flushTasks();
  assert.equal(result, undefined);
  a = true;
  await clock.advance(100);
  assert.equal(result, undefined);
  b = true;
  await clock.advance(99);
  assert.equal(result, undefined);
  await clock.advance(1);
  assert.equal(result, true);
  await p;

  assert.equal(await waitForCacheSync(new AbortController().signal), true);
  const controller = new AbortController();
  const q = waitForCacheSync({ clock, signal: controller.signal }, () => false);
  await flushTasks();
  controller.abort();
  assert.equal(await q, false);
  assert.equal(clock.waiters(), 0);
  const aborted = new AbortController();
  aborted.abort();
  assert.equal(await waitForCacheSync(aborted.signal, () => true), false);
});

Deno.test("waitForCacheSync: works with informer.hasSynced and registration.hasSynced passed unbound", async () => {
  const t = setup();
  t.lw.listAnswers.push({ metadata: { resourceVersion: "5" }, items: [cm("a", "1")] });
  const reg = t.informer.addEventHandler({});
  const { hasSynced } = t.informer;
  assert.equal(hasSynced(), false);
  await t.start();
  assert.equal(await waitForCacheSync({ clock: t.clock }, hasSynced, reg.hasSynced), true);
  await t.stop();
});

Deno.test("informer: a handler's backlog is visible on its registration; falling behind warns once per crossing", async () => {
  const warnings: string[] = [];
  const t = setup({
    objectDescription: "configmaps",
    handlerBacklogWarningThreshold: 4,
    logger: { warn: (m) => void warnings.push(m) },
  });
  let release: (() => void) | undefined;
  const slow = t.informer.addEventHandler({
    onAdd: () => new Promise<void>((r) => (release = r)),
    onUpdate: () => new Promise<void>((r) => (release = r)),
  });
  const fast = t.informer.addEventHandler({ onAdd() {}, onUpdate() {} });
  await t.start();
  assert.equal(slow.pending, 0);
  const next = async () => {
    const r = release!;
    release = undefined;
    r();
    await flushTasks();
  };
  // The slow handler holds the first add; the rest wait in its buffer.
  for (let i = 0; i < 6; i++) t.lw.lastWatch.send(ev("ADDED", cm(`o${i}`, String(10 + i))));
  await flushTasks();
  assert.equal(slow.pending, 5);
  assert.equal(fast.pending, 0);
  assert.deepEqual(warnings, [
    "informer of configmaps: an event handler is falling behind: 5 notifications wait in its buffer (threshold 4)",
  ]);
  // More events while above the threshold: no more warnings.
  t.lw.lastWatch.send(ev("MODIFIED", cm("o0", "20")), ev("MODIFIED", cm("o1", "21")));
  await flushTasks();
  assert.equal(slow.pending, 7);
  assert.equal(warnings.length, 1);
  // It catches up (to half the threshold or less), then falls behind again: a second warning.
  while (slow.pending > 0) await next();
  await next();
  assert.equal(slow.pending, 0);
  for (let i = 0; i < 6; i++) t.lw.lastWatch.send(ev("MODIFIED", cm(`o${i}`, String(30 + i))));
  await flushTasks();
  assert.equal(slow.pending, 5);
  assert.equal(warnings.length, 2);
  while (release !== undefined) await next();
  await t.stop();
});

Deno.test("informer: the backlog warning is off with a threshold of 0; a throwing logger is contained", async () => {
  const t = setup({ handlerBacklogWarningThreshold: 0, logger: { warn: () => assert.fail("no warning") } });
  const u = setup({
    handlerBacklogWarningThreshold: 1,
    logger: {
      warn() {
        throw new Error("logger broke");
      },
    },
  });
  for (const x of [t, u]) {
    const seen: string[] = [];
    let release: (() => void) | undefined;
    const reg = x.informer.addEventHandler({
      onAdd: (o) => {
        seen.push(describe(o));
        return new Promise<void>((r) => (release = r));
      },
    });
    await x.start();
    for (let i = 0; i < 3; i++) x.lw.lastWatch.send(ev("ADDED", cm(`o${i}`, String(10 + i))));
    await flushTasks();
    assert.equal(reg.pending, 2);
    while (release !== undefined) {
      const r = release;
      release = undefined;
      r();
      await flushTasks();
    }
    assert.deepEqual(seen, ["o0@10", "o1@11", "o2@12"]);
    await x.stop();
  }
  for (const bad of [-1, NaN, "10" as unknown as number]) {
    assert.throws(
      () =>
        newSharedIndexInformer(new FakeListerWatcher<KubeObject>(), { handlerBacklogWarningThreshold: bad }),
      (e) => e instanceof CacheError && /Invalid handlerBacklogWarningThreshold/.test(e.message),
    );
  }
});

Deno.test("informer: await using stops a running informer and waits for it", async () => {
  const t = setup();
  t.lw.listAnswers.push({ metadata: { resourceVersion: "5" }, items: [cm("a", "5")] });
  let informer;
  {
    await using running = t.informer;
    informer = running;
    await t.start();
    assert.equal(running.hasStarted(), true);
    assert.equal(running.isStopped(), false);
  }
  assert.equal(informer.isStopped(), true);
  assert.equal(t.controller.signal.aborted, false);
  // An informer never run disposes at once.
  await setup().informer[Symbol.asyncDispose]();
});
