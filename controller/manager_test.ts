import assert from "node:assert/strict";
import { FakeClock, flushTasks } from "../_internal/clock.ts";
import { FakeLock, FakeLockStore } from "../leaderelection/_fake_lock_test.ts";
import type { KubeObject } from "../rest/types.ts";
import { FakeFactory, obj } from "./_fake_factory_test.ts";
import { newController } from "./controller.ts";
import { LeaseLostError } from "./controller_error.ts";
import type { LogRecord } from "./logger.ts";
import { Manager, type ManagerOptions } from "./manager.ts";
import { MetricsRegistry } from "./metrics.ts";
import { type ReconcileContext, type ReconcileRequest, type ReconcileResult, Result } from "./reconcile.ts";
import { controllerRefFor } from "./owner_references.ts";

interface Entry {
  key: string;
  start: number;
  end?: number;
  aborted?: boolean;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

type Reconcile = (
  req: ReconcileRequest,
  ctx: ReconcileContext<KubeObject>,
) => Promise<ReconcileResult | void> | ReconcileResult | void;

function setup(
  options: {
    parents?: KubeObject[];
    children?: KubeObject[];
    reconcile?: Reconcile;
    concurrency?: number;
    manager?: Partial<ManagerOptions<FakeFactory>>;
    owns?: boolean;
  } = {},
) {
  const clock = new FakeClock();
  const factory = new FakeFactory(clock, options.parents ?? [], options.children ?? []);
  const log: Entry[] = [];
  const logs: LogRecord[] = [];
  const metrics = new MetricsRegistry();
  const controller = newController<KubeObject, FakeFactory>({
    name: "test",
    for: (f) => f.parents.generic,
    concurrency: options.concurrency,
    reconcile: async (req, ctx) => {
      const e: Entry = { key: `${req.namespace}/${req.name}`, start: clock.now() };
      log.push(e);
      try {
        return await (options.reconcile ?? (() => Result.DONE))(req, ctx);
      } finally {
        e.end = clock.now();
        e.aborted = ctx.signal.aborted;
      }
    },
  });
  if (options.owns) controller.owns((f) => f.children.generic);
  const manager = new Manager<FakeFactory>({
    informerFactory: factory,
    clock,
    logSink: (r) => logs.push(r),
    metrics,
    ...options.manager,
  });
  manager.add(controller);
  return { clock, factory, log, logs, metrics, manager };
}

/** Keys that were ever reconciled twice at the same time, from the record. */
function overlaps(log: Entry[]): string[] {
  const bad: string[] = [];
  for (let i = 0; i < log.length; i++) {
    for (let j = i + 1; j < log.length; j++) {
      const a = log[i], b = log[j];
      if (a.key === b.key && b.start < (a.end ?? Infinity)) bad.push(a.key);
    }
  }
  return bad;
}

Deno.test("no reconcile starts before every cache has synced", async () => {
  const gate = deferred();
  const { clock, factory, log, manager } = setup({ parents: [obj("Parent", "a")], owns: true });
  factory.children.listGate = gate.promise;
  const stop = new AbortController();
  const run = manager.run(stop.signal);
  await clock.advance(5_000);
  assert.equal(factory.parents.informer.hasSynced(), true);
  assert.equal(log.length, 0, "reconciled while the children cache was not synced");
  assert.equal(manager.health().cachesSynced, false);
  gate.resolve();
  await clock.advance(200);
  assert.deepEqual(log.map((e) => e.key), ["ns/a"]);
  assert.equal(manager.health().cachesSynced, true);
  stop.abort();
  await run;
});

Deno.test("one key is never reconciled twice at once; a change during its reconcile reconciles it again after", async () => {
  const release = deferred();
  let calls = 0;
  const { clock, factory, log, manager } = setup({
    parents: [obj("Parent", "a")],
    concurrency: 4,
    reconcile: async () => {
      if (++calls === 1) await release.promise;
    },
  });
  const stop = new AbortController();
  const run = manager.run(stop.signal);
  await clock.advance(200);
  assert.equal(log.length, 1);
  factory.parents.send("MODIFIED", obj("Parent", "a", { generation: 2 }));
  factory.parents.send("MODIFIED", obj("Parent", "a", { generation: 3 }));
  await clock.advance(1_000);
  assert.equal(log.length, 1, "a second reconcile of the key started while the first ran");
  release.resolve();
  await clock.advance(10);
  assert.equal(log.length, 2, "the change during the reconcile was not reconciled again");
  assert.ok(log[1].start >= log[0].end!);
  assert.deepEqual(overlaps(log), []);
  stop.abort();
  await run;
});

Deno.test("concurrency workers reconcile different keys at once, never more", async () => {
  const release = deferred();
  let inFlight = 0, maxInFlight = 0;
  const parents = ["a", "b", "c", "d", "e"].map((n) => obj("Parent", n));
  const { clock, log, manager } = setup({
    parents,
    concurrency: 3,
    reconcile: async () => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await release.promise;
      inFlight--;
    },
  });
  const stop = new AbortController();
  const run = manager.run(stop.signal);
  await clock.advance(200);
  assert.equal(log.length, 3);
  release.resolve();
  await clock.advance(10);
  assert.equal(log.length, 5);
  assert.equal(maxInFlight, 3);
  stop.abort();
  await run;
});

Deno.test("a thrown error requeues through the rate limiter (5 ms doubling); success forgets", async () => {
  let failures = 3;
  const { clock, log, logs, metrics, manager } = setup({
    parents: [obj("Parent", "a")],
    reconcile: () => {
      if (failures-- > 0) throw new Error("boom");
    },
  });
  const stop = new AbortController();
  const run = manager.run(stop.signal);
  await clock.advance(200);
  const t0 = log[0].start;
  await clock.advance(100);
  assert.deepEqual(log.map((e) => e.start - t0), [0, 5, 15, 35]);
  const errors = logs.filter((r) => r.level === "error" && r.msg === "Reconciler error");
  assert.equal(errors.length, 3);
  assert.equal(errors[0].controller, "test");
  assert.equal(errors[0].key, "ns/a");
  assert.match(String(errors[0].reconcileID), /^[0-9a-f-]{36}$/);
  assert.equal(errors[0].error, "Error: boom");
  assert.equal(
    metrics.value("controller_runtime_reconcile_total", { controller: "test", result: "error" }),
    3,
  );
  assert.equal(
    metrics.value("controller_runtime_reconcile_total", { controller: "test", result: "success" }),
    1,
  );
  stop.abort();
  await run;
});

Deno.test("after success the backoff is forgotten: the next failure retries after 5 ms again", async () => {
  let fail = true;
  const { clock, factory, log, manager } = setup({
    parents: [obj("Parent", "a")],
    reconcile: () => {
      if (fail) {
        fail = false;
        throw new Error("boom");
      }
    },
  });
  const stop = new AbortController();
  const run = manager.run(stop.signal);
  await clock.advance(200);
  assert.equal(log.length, 2); // failed, then succeeded after 5 ms
  fail = true;
  factory.parents.send("MODIFIED", obj("Parent", "a", { generation: 2 }));
  await clock.advance(0);
  const t = log[2].start;
  await clock.advance(50);
  assert.equal(log.length, 4);
  assert.equal(log[3].start - t, 5);
  stop.abort();
  await run;
});

Deno.test("requeue and requeueAfter results", async () => {
  let n = 0;
  const { clock, log, metrics, manager } = setup({
    parents: [obj("Parent", "a")],
    reconcile: () => (++n === 1 ? Result.REQUEUE : n === 2 ? Result.requeueAfter(30_000) : Result.DONE),
  });
  const stop = new AbortController();
  const run = manager.run(stop.signal);
  await clock.advance(200);
  const t0 = log[0].start;
  await clock.advance(60_000);
  assert.deepEqual(log.map((e) => e.start - t0), [0, 5, 30_005]);
  assert.equal(
    metrics.value("controller_runtime_reconcile_total", { controller: "test", result: "requeue" }),
    1,
  );
  assert.equal(
    metrics.value("controller_runtime_reconcile_total", { controller: "test", result: "requeue_after" }),
    1,
  );
  stop.abort();
  await run;
});

Deno.test("a requeue-after is not lost when the key changes sooner", async () => {
  let n = 0;
  const { clock, factory, log, manager } = setup({
    parents: [obj("Parent", "a")],
    reconcile: () => (++n === 1 ? Result.requeueAfter(10_000) : Result.DONE),
  });
  const stop = new AbortController();
  const run = manager.run(stop.signal);
  await clock.advance(200);
  const t0 = log[0].start;
  await clock.advance(1_000);
  const changedAt = clock.now();
  factory.parents.send("MODIFIED", obj("Parent", "a", { generation: 2 }));
  await clock.advance(20_000);
  assert.deepEqual(log.map((e) => e.start), [t0, changedAt, t0 + 10_000]);
  stop.abort();
  await run;
});

Deno.test("stop lets the running reconcile finish, drops the queue, shuts informers down", async () => {
  const release = deferred();
  const parents = ["a", "b", "c"].map((n) => obj("Parent", n));
  const { clock, factory, log, manager } = setup({ parents, reconcile: () => release.promise });
  const stop = new AbortController();
  const run = manager.run(stop.signal);
  await clock.advance(200);
  assert.equal(log.length, 1);
  stop.abort();
  let done = false;
  run.then(() => (done = true));
  await clock.advance(1_000);
  assert.equal(done, false, "run resolved before the running reconcile finished");
  assert.equal(factory.shutDowns, 0, "informers stopped before the running reconcile finished");
  release.resolve();
  await clock.advance(10);
  await run;
  assert.equal(log.length, 1, "queued keys were reconciled although the queue is dropped");
  assert.equal(log[0].aborted, false);
  assert.equal(factory.shutDowns, 1);
  assert.equal(factory.parents.informer.isStopped(), true);
});

Deno.test("stop with onStop drain reconciles what is queued first", async () => {
  const parents = ["a", "b", "c"].map((n) => obj("Parent", n));
  const release = deferred();
  const { clock, log, manager } = setup({
    parents,
    reconcile: () => release.promise,
    manager: { onStop: "drain" },
  });
  const stop = new AbortController();
  const run = manager.run(stop.signal);
  await clock.advance(200);
  stop.abort();
  release.resolve();
  await clock.advance(10);
  await run;
  assert.deepEqual(log.map((e) => e.key), ["ns/a", "ns/b", "ns/c"]);
});

Deno.test("stop aborts reconciles still running after the shutdown timeout", async () => {
  const { clock, factory, log, logs, manager } = setup({
    parents: [obj("Parent", "a")],
    reconcile: (_, ctx) =>
      new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true })),
    manager: { shutdownTimeoutMs: 5_000 },
  });
  const stop = new AbortController();
  const run = manager.run(stop.signal);
  await clock.advance(200);
  stop.abort();
  await clock.advance(4_999);
  assert.equal(log[0].end, undefined);
  await clock.advance(10);
  await run;
  assert.equal(log[0].aborted, true);
  assert.equal(factory.shutDowns, 1);
  assert.ok(logs.some((r) => r.level === "error" && /shutdown timeout/.test(r.msg)));
});

Deno.test("owns: a child event reconciles its controlling owner of the primary kind only", async () => {
  const parent = obj("Parent", "p");
  const { clock, factory, log, manager } = setup({ parents: [parent], owns: true });
  const stop = new AbortController();
  const run = manager.run(stop.signal);
  await clock.advance(200);
  assert.deepEqual(log.map((e) => e.key), ["ns/p"]);
  const child = obj("Child", "c", { ownerReferences: [controllerRefFor(parent)] });
  factory.children.send("ADDED", child);
  await clock.advance(10);
  assert.equal(log.length, 2, "a child's add did not reconcile its owner");
  factory.children.send("DELETED", child);
  await clock.advance(10);
  assert.equal(log.length, 3, "a child's deletion did not reconcile its owner");
  // Not a controller reference, or another kind: ignored.
  factory.children.send(
    "ADDED",
    obj("Child", "d", { ownerReferences: [{ ...controllerRefFor(parent), controller: false }] }),
  );
  factory.children.send(
    "ADDED",
    obj("Child", "e", { ownerReferences: [{ ...controllerRefFor(parent), kind: "Other" }] }),
  );
  await clock.advance(10);
  assert.equal(log.length, 3);
  stop.abort();
  await run;
});

Deno.test("watches: the map function names what to reconcile", async () => {
  const clock = new FakeClock();
  const factory = new FakeFactory(clock, [], []);
  const seen: string[] = [];
  const manager = new Manager<FakeFactory>({ informerFactory: factory, clock, logSink: () => {} });
  manager.add(
    newController<KubeObject, FakeFactory>({
      name: "w",
      for: (f) => f.parents.generic,
      reconcile: (req) => void seen.push(`${req.namespace}/${req.name}`),
    }).watches((f) => f.children.generic, (o) => [
      { namespace: "x", name: `${o.metadata!.name}-1` },
      { namespace: "x", name: `${o.metadata!.name}-2` },
    ]),
  );
  const stop = new AbortController();
  const run = manager.run(stop.signal);
  await clock.advance(200);
  factory.children.send("ADDED", obj("Child", "c"));
  await clock.advance(10);
  assert.deepEqual(seen.sort(), ["x/c-1", "x/c-2"]);
  stop.abort();
  await run;
});

Deno.test("predicates on the primary drop no-op events", async () => {
  const clock = new FakeClock();
  const factory = new FakeFactory(clock, [obj("Parent", "a")], []);
  let n = 0;
  const manager = new Manager<FakeFactory>({ informerFactory: factory, clock, logSink: () => {} });
  manager.add(newController<KubeObject, FakeFactory>({
    name: "p",
    for: (f) => f.parents.generic,
    predicates: [{ update: (o, x) => o.metadata?.generation !== x.metadata?.generation }],
    reconcile: () => void n++,
  }));
  const stop = new AbortController();
  const run = manager.run(stop.signal);
  await clock.advance(200);
  factory.parents.send("MODIFIED", obj("Parent", "a", { labels: { x: "y" } }));
  await clock.advance(10);
  assert.equal(n, 1);
  factory.parents.send("MODIFIED", obj("Parent", "a", { generation: 2 }));
  await clock.advance(10);
  assert.equal(n, 2);
  stop.abort();
  await run;
});

// --- leader election ---

function leSetup(reconcile: Reconcile, extra: Partial<ManagerOptions<FakeFactory>> = {}) {
  const clock = new FakeClock();
  const store = new FakeLockStore(() => clock.now());
  const lock = new FakeLock(store, "me");
  const s = setup({
    parents: [obj("Parent", "a"), obj("Parent", "b")],
    reconcile,
    manager: {
      clock,
      informerFactory: new FakeFactory(clock, [obj("Parent", "a"), obj("Parent", "b")]),
      leaderElection: {
        lock,
        leaseDurationMs: 3_000,
        renewDeadlineMs: 2_000,
        retryPeriodMs: 500,
        random: () => 0,
      },
      ...extra,
    },
  });
  return { ...s, clock, store, lock };
}

Deno.test("leader election: reconciles only while leading; stop releases the lease after everything else", async () => {
  const release = deferred();
  const order: string[] = [];
  const { clock, store, log, manager } = leSetup(async (req) => {
    if (req.name === "a") await release.promise;
    order.push(`end ${req.name}`);
  });
  store.beforeCall = (call) => {
    if (call.op === "update" && call.record?.holderIdentity === "") order.push("release");
  };
  const stop = new AbortController();
  const run = manager.run(stop.signal);
  await clock.advance(200);
  assert.equal(manager.health().leader, true);
  assert.equal(log.length, 1);
  stop.abort();
  await clock.advance(100);
  release.resolve();
  await clock.advance(100);
  await run;
  assert.deepEqual(order, ["end a", "release"]);
  assert.equal(store.record?.holderIdentity, "");
});

Deno.test("leader election: a lost lease aborts running reconciles, starts none, and run() rejects", async () => {
  const { clock, lock, log, manager } = leSetup((_, ctx) =>
    new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }))
  );
  const stop = new AbortController();
  const run = manager.run(stop.signal);
  const rejected = assert.rejects(run, LeaseLostError);
  await clock.advance(200);
  assert.equal(log.length, 1);
  lock.hung = true; // renewals never complete
  await clock.advance(3_000);
  assert.equal(log[0].aborted, true, "the running reconcile's signal did not abort");
  assert.ok(log[0].end! - log[0].start <= 3_000, "aborted after the lease had run out");
  await clock.advance(10_000);
  await rejected;
  assert.equal(log.length, 1, "a reconcile started after the lease was lost");
});

Deno.test("leader election: lease validity is checked on the clock before each dequeue and on each signal read", async () => {
  // A clock whose time jumps without timers firing: what a process frozen by SIGSTOP sees on resume.
  const fake = new FakeClock();
  let skew = 0;
  const clock = {
    now: () => fake.now() + skew,
    setTimer: fake.setTimer.bind(fake),
    sleep: fake.sleep.bind(fake),
  };
  const store = new FakeLockStore(() => clock.now());
  const factory = new FakeFactory(fake, [obj("Parent", "a")]);
  const gate = deferred();
  const seen: { signalAborted: boolean }[] = [];
  let starts = 0;
  const manager = new Manager<FakeFactory>({
    informerFactory: factory,
    clock,
    logSink: () => {},
    leaderElection: {
      lock: new FakeLock(store, "me"),
      leaseDurationMs: 3_000,
      renewDeadlineMs: 2_000,
      retryPeriodMs: 500,
      random: () => 0,
    },
  });
  manager.add(newController<KubeObject, FakeFactory>({
    name: "t",
    for: (f) => f.parents.generic,
    concurrency: 2,
    reconcile: async (_, ctx) => {
      starts++;
      await gate.promise;
      seen.push({ signalAborted: ctx.signal.aborted });
    },
  }));
  const stop = new AbortController();
  const run = manager.run(stop.signal).catch((e) => e);
  await fake.advance(200);
  assert.equal(starts, 1);
  skew = 60_000; // frozen for a minute
  factory.parents.send("ADDED", obj("Parent", "b"));
  gate.resolve();
  await flushTasks();
  await flushTasks();
  assert.equal(starts, 1, "a reconcile started after the lease ran out");
  assert.deepEqual(seen, [{ signalAborted: true }]);
  await fake.advance(10_000);
  assert.ok((await run) instanceof LeaseLostError);
  assert.equal(starts, 1);
});

Deno.test("leader election: onLost recandidate stops, competes again and resumes with a fresh factory", async () => {
  const clock = new FakeClock();
  const store = new FakeLockStore(() => clock.now());
  const lock = new FakeLock(store, "me");
  const factories: FakeFactory[] = [];
  let n = 0;
  const logs: LogRecord[] = [];
  const manager = new Manager<FakeFactory>({
    informerFactory: () => {
      const f = new FakeFactory(clock, [obj("Parent", "a")]);
      factories.push(f);
      return f;
    },
    clock,
    logSink: (r) => logs.push(r),
    leaderElection: {
      lock,
      leaseDurationMs: 3_000,
      renewDeadlineMs: 2_000,
      retryPeriodMs: 500,
      random: () => 0,
      onLost: "recandidate",
    },
  });
  manager.add(
    newController<KubeObject, FakeFactory>({
      name: "r",
      for: (f) => f.parents.generic,
      reconcile: () => void n++,
    }),
  );
  const stop = new AbortController();
  const run = manager.run(stop.signal);
  await clock.advance(200);
  assert.equal(n, 1);
  store.down = true; // the API server is unreachable
  await clock.advance(5_000);
  assert.equal(factories[0].shutDowns, 1);
  store.down = false;
  await clock.advance(10_000);
  assert.equal(factories.length, 2);
  assert.equal(n, 2);
  assert.equal(manager.health().leader, true);
  stop.abort();
  await clock.advance(100);
  await run;
});

Deno.test("health and readiness handlers", async () => {
  const { clock, manager } = setup({ parents: [obj("Parent", "a")] });
  assert.equal((await manager.readinessHandler(new Request("http://x/readyz"))).status, 503);
  const stop = new AbortController();
  const run = manager.run(stop.signal);
  await clock.advance(200);
  assert.deepEqual(manager.health(), {
    running: true,
    leader: undefined,
    cachesSynced: true,
    healthy: true,
    ready: true,
  });
  assert.equal(manager.readinessHandler(new Request("http://x/readyz")).status, 200);
  assert.equal(await manager.healthHandler(new Request("http://x/healthz")).text(), "ok\n");
  stop.abort();
  await run;
});

Deno.test("bad options are refused with errors naming what is wrong", async () => {
  const clock = new FakeClock();
  const lock = new FakeLock(new FakeLockStore(() => clock.now()), "me");
  const f = new FakeFactory(clock);
  const { ControllerError } = await import("./controller_error.ts");
  const ok = { name: "x", for: (x: FakeFactory) => x.parents.generic, reconcile: () => {} };
  assert.throws(() => newController({ ...ok, name: "" }), /name is empty/);
  assert.throws(() => newController({ ...ok, concurrency: 0 }), /concurrency must be a whole number/);
  assert.throws(
    () => newController({ ...ok, reconcile: undefined as never }),
    /reconcile must be a function/,
  );
  assert.throws(
    () => new Manager({ informerFactory: f, leaderElection: { lock, leaseDurationMs: 1_500 } }),
    /leaseDurationMs must be a whole number of seconds/,
  );
  assert.throws(
    () => new Manager({ informerFactory: f, leaderElection: { lock, onLost: "recandidate" } }),
    /needs informerFactory as a function/,
  );
  assert.throws(() => new Manager({ informerFactory: f, onStop: "later" as never }), ControllerError);
  const m = new Manager<FakeFactory>({ informerFactory: f, clock, logSink: () => {} });
  await assert.rejects(m.run(), /no controllers/);
  m.add(newController<KubeObject, FakeFactory>(ok));
  assert.throws(() => m.add(newController<KubeObject, FakeFactory>(ok)), /already added/);
});

Deno.test("the lease guard's validity runs from the moment the renewal was sent", async () => {
  const { LeaseGuard } = await import("./_lease_guard.ts");
  const clock = new FakeClock();
  const store = new FakeLockStore(() => clock.now());
  const inner = new FakeLock(store, "me");
  const slow = {
    ...inner,
    identity: () => "me",
    describe: () => "ns/l",
    get: (o?: object) => inner.get(o),
    create: async (r: Parameters<FakeLock["create"]>[0]) => {
      await clock.sleep(400); // the request takes 400 ms
      await inner.create(r);
    },
    update: (r: Parameters<FakeLock["update"]>[0]) => inner.update(r),
  };
  const guard = new LeaseGuard(slow, clock);
  assert.equal(guard.valid(), false);
  const t0 = clock.now();
  const creating = guard.create({
    holderIdentity: "me",
    leaseDurationSeconds: 3,
    acquireTime: "",
    renewTime: "",
    leaderTransitions: 0,
  });
  await clock.advance(400);
  await creating;
  assert.equal(guard.remainingMs(), t0 + 3_000 - clock.now());
  await clock.advance(2_599);
  assert.equal(guard.valid(), true);
  await clock.advance(1);
  assert.equal(guard.valid(), false);
});

Deno.test("several controllers share one factory and one elector; shutDown() stops them in order", async () => {
  const clock = new FakeClock();
  const store = new FakeLockStore(() => clock.now());
  const factory = new FakeFactory(clock, [obj("Parent", "a")], [obj("Child", "c")]);
  const seen: string[] = [];
  const manager = new Manager<FakeFactory>({
    informerFactory: factory,
    clock,
    logSink: () => {},
    leaderElection: {
      lock: new FakeLock(store, "me"),
      leaseDurationMs: 3_000,
      renewDeadlineMs: 2_000,
      retryPeriodMs: 500,
      random: () => 0,
    },
  });
  manager.add(newController<KubeObject, FakeFactory>({
    name: "parents",
    for: (f) => f.parents.generic,
    reconcile: (r) => void seen.push(`parents ${r.name}`),
  }));
  manager.add(newController<KubeObject, FakeFactory>({
    name: "children",
    for: (f) => f.children.generic,
    reconcile: (r) => void seen.push(`children ${r.name}`),
  }));
  const run = manager.run();
  await clock.advance(200);
  assert.deepEqual(seen.sort(), ["children c", "parents a"]);
  assert.equal(factory.started, 1);
  assert.equal(store.callsOf("me", "create").length, 1, "one elector, one lease");
  const stopping = manager.shutDown();
  await clock.advance(100);
  await stopping;
  await run;
  assert.equal(factory.shutDowns, 1);
  assert.equal(store.record?.holderIdentity, "");
});
