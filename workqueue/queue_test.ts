import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import { getItem, peek } from "./_queue_helpers_test.ts";
import { type MetricsProvider, newQueue, NOOP_METRICS_PROVIDER } from "./mod.ts";

Deno.test("queue: duplicate adds collapse and len counts unique items", async () => {
  const q = newQueue<string>();
  q.add("a");
  q.add("b");
  q.add("a");
  q.add("a");
  assert.equal(q.len(), 2);
  assert.equal(await getItem(q), "a");
  assert.equal(await getItem(q), "b");
  assert.equal(q.len(), 0);
  q.shutDown();
});

Deno.test("queue: items come out in the order they were first added", async () => {
  const q = newQueue<number>();
  for (let i = 0; i < 40; i++) q.add(i); // more than the initial ring capacity
  for (let i = 0; i < 40; i++) q.add(i);
  assert.equal(q.len(), 40);
  for (let i = 0; i < 40; i++) assert.equal(await getItem(q), i);
});

Deno.test("queue: an item added while processing is not handed to a second worker, and requeued once after done", async () => {
  const q = newQueue<string>();
  q.add("a");
  const first = await getItem(q);
  assert.equal(first, "a");
  q.add("a");
  q.add("a");
  assert.equal(q.len(), 0, "a processing item is not queued again before done");
  const second = q.get();
  assert.equal(await peek(second), "pending");
  q.done("a");
  assert.deepEqual(await second, { item: "a", shutdown: false });
  assert.equal(q.len(), 0, "queued once only");
  const third = q.get();
  assert.equal(await peek(third), "pending");
  q.done("a");
  assert.equal(await peek(third), "pending", "done without a new add does not requeue");
  q.shutDown();
  assert.deepEqual(await third, { item: undefined, shutdown: true });
});

Deno.test("queue: a waiting get receives the next add", async () => {
  const q = newQueue<string>();
  const w1 = q.get();
  const w2 = q.get();
  assert.equal(await peek(w1), "pending");
  q.add("a");
  q.add("b");
  assert.deepEqual(await w1, { item: "a", shutdown: false });
  assert.deepEqual(await w2, { item: "b", shutdown: false });
  q.add("a"); // a is processing: it must wait for done
  const w3 = q.get();
  assert.equal(await peek(w3), "pending");
  q.done("b");
  assert.equal(await peek(w3), "pending");
  q.done("a");
  assert.deepEqual(await w3, { item: "a", shutdown: false });
});

Deno.test("queue: done for an item that is not processing changes nothing", async () => {
  const q = newQueue<string>();
  q.done("x");
  q.add("a");
  q.done("a"); // queued, not processing
  assert.equal(q.len(), 1);
  assert.equal(await getItem(q), "a");
  assert.equal(q.len(), 0);
  q.done("a");
  q.done("a");
  assert.equal(q.len(), 0);
});

Deno.test("queue: concurrent workers never hold the same item at once", async () => {
  const clock = new FakeClock();
  const q = newQueue<number>({ clock });
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const inFlight = new Set<number>();
  let processed = 0;
  const worker = async () => {
    for (;;) {
      const r = await q.get();
      if (r.shutdown) return;
      assert.ok(!inFlight.has(r.item), `item ${r.item} handed to two workers`);
      inFlight.add(r.item);
      await clock.sleep(Math.floor(rand() * 5));
      if (rand() < 0.3) q.add(r.item); // re-added while processing
      inFlight.delete(r.item);
      processed++;
      q.done(r.item);
    }
  };
  const workers = Array.from({ length: 5 }, worker);
  for (let step = 0; step < 200; step++) {
    q.add(Math.floor(rand() * 8));
    await clock.advance(1);
  }
  await clock.advance(100);
  const drained = q.shutDownWithDrain();
  await clock.advance(100);
  await drained;
  await Promise.all(workers);
  assert.ok(processed > 100, `processed ${processed}`);
});

Deno.test("queue: add after shutDown is ignored; get drains the rest, then reports shutdown", async () => {
  const q = newQueue<string>();
  q.add("a");
  q.add("b");
  assert.equal(q.shuttingDown(), false);
  q.shutDown();
  assert.equal(q.shuttingDown(), true);
  q.add("c");
  assert.equal(q.len(), 2);
  assert.equal(await getItem(q), "a");
  assert.equal(await getItem(q), "b");
  assert.deepEqual(await q.get(), { item: undefined, shutdown: true });
  assert.deepEqual(await q.get(), { item: undefined, shutdown: true });
});

Deno.test("queue: shutDown wakes every waiting get", async () => {
  const q = newQueue<string>();
  const waiting = [q.get(), q.get(), q.get()];
  q.shutDown();
  for (const w of waiting) assert.deepEqual(await w, { item: undefined, shutdown: true });
});

Deno.test("queue: shutDownWithDrain waits until every processing item is done; shutDown does not wait", async () => {
  const q = newQueue<string>();
  q.add("a");
  q.add("b");
  await getItem(q);
  await getItem(q);
  const drained = q.shutDownWithDrain();
  assert.equal(q.shuttingDown(), true);
  assert.equal(await peek(drained), "pending");
  q.done("a");
  assert.equal(await peek(drained), "pending");
  q.done("b");
  assert.equal(await peek(drained), undefined);

  const q2 = newQueue<string>();
  q2.add("a");
  await getItem(q2);
  assert.equal(q2.shutDown(), undefined); // returns at once, with "a" still processing
  assert.equal(q2.shuttingDown(), true);
});

Deno.test("queue: shutDownWithDrain with nothing in flight resolves at once; shutDown ends a drain", async () => {
  const q = newQueue<string>();
  await q.shutDownWithDrain();
  const q2 = newQueue<string>();
  q2.add("a");
  await getItem(q2);
  const drained = q2.shutDownWithDrain();
  assert.equal(await peek(drained), "pending");
  q2.shutDown();
  assert.equal(await peek(drained), undefined);
});

Deno.test("queue: an item re-added while processing before a drain is still handed out after it", async () => {
  const q = newQueue<string>();
  q.add("a");
  await getItem(q);
  q.add("a");
  const drained = q.shutDownWithDrain();
  q.done("a");
  await drained;
  assert.equal(await getItem(q), "a");
  q.done("a");
  assert.deepEqual(await q.get(), { item: undefined, shutdown: true });
});

interface Recorded {
  depth: number;
  adds: number;
  latency: number[];
  workDuration: number[];
  unfinished: number[];
  longest: number[];
  retries: number;
  names: string[];
}

function recordingProvider(): { provider: MetricsProvider; m: Recorded } {
  const m: Recorded = {
    depth: 0,
    adds: 0,
    latency: [],
    workDuration: [],
    unfinished: [],
    longest: [],
    retries: 0,
    names: [],
  };
  const provider: MetricsProvider = {
    newDepthMetric: (n) => (m.names.push(n), { inc: () => void m.depth++, dec: () => void m.depth-- }),
    newAddsMetric: () => ({ inc: () => void m.adds++ }),
    newLatencyMetric: () => ({ observe: (v) => void m.latency.push(v) }),
    newWorkDurationMetric: () => ({ observe: (v) => void m.workDuration.push(v) }),
    newUnfinishedWorkSecondsMetric: () => ({ set: (v) => void m.unfinished.push(v) }),
    newLongestRunningProcessorSecondsMetric: () => ({ set: (v) => void m.longest.push(v) }),
    newRetriesMetric: () => ({ inc: () => void m.retries++ }),
  };
  return { provider, m };
}

Deno.test("queue metrics: adds counted once per dirty insertion; depth follows the dirty items", async () => {
  const { provider, m } = recordingProvider();
  const q = newQueue<string>({ name: "test", metricsProvider: provider, clock: new FakeClock() });
  assert.deepEqual(m.names, ["test"]);
  q.add("a");
  q.add("a");
  q.add("b");
  assert.equal(m.adds, 2);
  assert.equal(m.depth, 2);
  await getItem(q);
  assert.equal(m.depth, 1);
  q.add("a"); // dirty again while processing: one more insertion
  q.add("a");
  assert.equal(m.adds, 3);
  assert.equal(m.depth, 2);
  q.done("a");
  assert.equal(m.adds, 3, "the requeue on done is not a new add");
  q.shutDown();
});

Deno.test("queue metrics: queue latency is add to get, work duration is get to done (seconds)", async () => {
  const clock = new FakeClock();
  const { provider, m } = recordingProvider();
  const q = newQueue<string>({ name: "test", metricsProvider: provider, clock });
  q.add("a");
  await clock.advance(250);
  assert.equal(await getItem(q), "a");
  assert.deepEqual(m.latency, [0.25]);
  await clock.advance(1500);
  q.done("a");
  assert.deepEqual(m.workDuration, [1.5]);
  // An item re-added while processing: its latency runs from that add to the next get.
  q.add("a");
  await getItem(q);
  q.add("a");
  await clock.advance(100);
  q.done("a");
  await clock.advance(300);
  await getItem(q);
  assert.deepEqual(m.latency, [0.25, 0, 0.4]);
  q.shutDown();
});

Deno.test("queue metrics: unfinished work and longest running processor refresh while items are processing", async () => {
  const clock = new FakeClock();
  const { provider, m } = recordingProvider();
  const q = newQueue<string>({ name: "test", metricsProvider: provider, clock, metricsUpdatePeriodMs: 500 });
  assert.equal(clock.waiters(), 0, "no timer while nothing is processing");
  q.add("a");
  q.add("b");
  await getItem(q);
  await clock.advance(250);
  await getItem(q);
  assert.equal(clock.waiters(), 1);
  await clock.advance(250); // t=500: a for 0.5 s, b for 0.25 s
  assert.deepEqual(m.unfinished, [0.75]);
  assert.deepEqual(m.longest, [0.5]);
  q.done("a");
  q.done("b");
  await clock.advance(500); // one last refresh to zero, then the timer stops
  assert.deepEqual(m.unfinished, [0.75, 0]);
  assert.deepEqual(m.longest, [0.5, 0]);
  assert.equal(clock.waiters(), 0);
  q.add("c");
  await getItem(q);
  q.shutDown();
  assert.equal(clock.waiters(), 0, "shutDown stops the refresh");
});

Deno.test("queue metrics: the no-op provider records nothing and sets no timer", async () => {
  const clock = new FakeClock();
  const q = newQueue<string>({ metricsProvider: NOOP_METRICS_PROVIDER, clock });
  q.add("a");
  await getItem(q);
  assert.equal(clock.waiters(), 0);
  q.done("a");
  q.shutDown();
});

Deno.test("queue: many distinct items cycling through keep their state across idle-entry sweeps", async () => {
  const q = newQueue<string>();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 6000; i++) q.add(`r${round}-${i}`);
    assert.equal(q.len(), 6000);
    for (let i = 0; i < 6000; i++) {
      const item = await getItem(q);
      assert.equal(item, `r${round}-${i}`);
      if (i % 1000 === 0) q.add(item); // re-added while processing: must come back once
      q.done(item);
    }
    const again: string[] = [];
    while (q.len() > 0) {
      const item = await getItem(q);
      again.push(item);
      q.done(item);
    }
    assert.deepEqual(again, [0, 1000, 2000, 3000, 4000, 5000].map((i) => `r${round}-${i}`));
  }
  q.add("r0-5"); // an item seen before and swept away is a new item again
  assert.equal(q.len(), 1);
  assert.equal(await getItem(q), "r0-5");
});

Deno.test("queue: get({ signal }) rejects with the signal's reason when it aborts, and takes no item", async () => {
  const q = newQueue<string>();
  const controller = new AbortController();
  const waiting = q.get({ signal: controller.signal });
  controller.abort(new Error("stop waiting"));
  await assert.rejects(waiting, /stop waiting/);
  q.add("a"); // goes to the next get, not to the aborted one
  assert.equal(q.len(), 1);
  assert.equal(await getItem(q), "a");
  await assert.rejects(q.get({ signal: AbortSignal.abort(new Error("already")) }), /already/);
  q.add("b");
  assert.deepEqual(await q.get({ signal: new AbortController().signal }), { item: "b", shutdown: false });
  q.shutDown();
});

Deno.test("queue: await using shuts the queue down; shutdown is a deprecated alias of shutDown", async () => {
  let outer;
  {
    await using q = newQueue<string>();
    outer = q;
    q.add("a");
  }
  assert.equal(outer.shuttingDown(), true);
  const q2 = newQueue<string>();
  q2.shutdown();
  assert.equal(q2.shuttingDown(), true);
  assert.deepEqual(await q2.get(), { item: undefined, shutdown: true });
});

Deno.test("queue: shutDownWithDrain({ signal }) stops waiting for items in flight when the signal aborts", async () => {
  const q = newQueue<string>();
  q.add("a");
  await getItem(q); // in flight
  const controller = new AbortController();
  const draining = q.shutDownWithDrain({ signal: controller.signal });
  assert.equal(await peek(draining.catch(() => "rejected")), "pending");
  controller.abort(new Error("give up"));
  await assert.rejects(draining, /give up/);
  assert.equal(q.shuttingDown(), true);
  q.done("a");
  await q.shutDownWithDrain({ signal: controller.signal }); // nothing in flight: resolves
});
