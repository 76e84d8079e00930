import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import { getItem, peek } from "./_queue_helpers_test.ts";
import { type MetricsProvider, newDelayingQueue, NOOP_METRICS_PROVIDER } from "./mod.ts";

Deno.test("delaying queue: addAfter is invisible until the clock reaches the ready time", async () => {
  const clock = new FakeClock();
  const q = newDelayingQueue<string>({ clock });
  q.addAfter("a", 50);
  assert.equal(q.len(), 0);
  assert.equal(clock.nextTimerAt(), clock.now() + 50);
  await clock.advance(49);
  assert.equal(q.len(), 0);
  await clock.advance(1);
  assert.equal(q.len(), 1);
  assert.equal(await getItem(q), "a");
  assert.equal(clock.waiters(), 0);
});

Deno.test("delaying queue: a waiting get is woken when a delayed item becomes ready", async () => {
  const clock = new FakeClock();
  const q = newDelayingQueue<string>({ clock });
  const w = q.get();
  q.addAfter("a", 1000);
  await clock.advance(999);
  assert.equal(await peek(w), "pending");
  await clock.advance(1);
  assert.deepEqual(await w, { item: "a", shutdown: false });
});

Deno.test("delaying queue: a duplicate addAfter keeps the earliest ready time", async () => {
  const clock = new FakeClock();
  const q = newDelayingQueue<string>({ clock });
  q.addAfter("a", 100);
  q.addAfter("a", 50); // earlier: moves it
  q.addAfter("b", 50);
  q.addAfter("b", 100); // later: ignored
  assert.equal(clock.waiters(), 1);
  await clock.advance(50);
  assert.equal(q.len(), 2);
  assert.equal(await getItem(q), "a");
  assert.equal(await getItem(q), "b");
  q.done("a");
  q.done("b");
  await clock.advance(100);
  assert.equal(q.len(), 0, "each item fired once");
  assert.equal(clock.waiters(), 0);
});

Deno.test("delaying queue: items fire in ready-time order, ties in the order added", async () => {
  const clock = new FakeClock();
  const q = newDelayingQueue<string>({ clock });
  q.addAfter("c", 300);
  q.addAfter("a", 100);
  q.addAfter("b", 200);
  q.addAfter("b2", 200);
  q.addAfter("d", 400);
  await clock.advance(300);
  assert.equal(q.len(), 4);
  const order = [];
  for (let i = 0; i < 4; i++) order.push(await getItem(q));
  assert.deepEqual(order, ["a", "b", "b2", "c"]);
  await clock.advance(100);
  assert.equal(await getItem(q), "d");
});

Deno.test("delaying queue: fires in order when many ready times fall in one advance", async () => {
  const clock = new FakeClock();
  const q = newDelayingQueue<number>({ clock });
  let seed = 7;
  const delays = Array.from({ length: 200 }, () => (seed = (seed * 48271) % 2147483647) % 1000 + 1);
  delays.forEach((d, i) => q.addAfter(i, d));
  assert.equal(clock.waiters(), 1, "one timer for all delayed items");
  await clock.advance(1000);
  const out: number[] = [];
  while (q.len() > 0) out.push(await getItem(q));
  const expected = delays.map((d, i) => [d, i]).sort((x, y) => x[0] - y[0] || x[1] - y[1]).map((x) => x[1]);
  assert.deepEqual(out, expected);
});

Deno.test("delaying queue: one clock timer for all delayed items, re-armed for the earliest", async () => {
  const clock = new FakeClock();
  const q = newDelayingQueue<string>({ clock });
  const t0 = clock.now();
  for (let i = 0; i < 100; i++) q.addAfter(`k${i}`, 1000 + i * 10);
  assert.equal(clock.waiters(), 1);
  assert.equal(clock.nextTimerAt(), t0 + 1000);
  q.addAfter("early", 5);
  assert.equal(clock.waiters(), 1);
  assert.equal(clock.nextTimerAt(), t0 + 5);
  q.addAfter("k50", 1); // moving an existing item to the front re-arms too
  assert.equal(clock.waiters(), 1);
  assert.equal(clock.nextTimerAt(), t0 + 1);
  await clock.advance(5);
  assert.equal(q.len(), 2);
  assert.equal(clock.waiters(), 1);
  assert.equal(clock.nextTimerAt(), t0 + 1000);
  await clock.advance(995);
  assert.equal(q.len(), 3);
  assert.equal(clock.nextTimerAt(), t0 + 1010, "the timer fires only when an item is due: no polling");
  await clock.advance(1000);
  assert.equal(q.len(), 101);
  assert.equal(clock.waiters(), 0);
});

Deno.test("delaying queue: a delay <= 0 adds immediately", () => {
  const clock = new FakeClock();
  const q = newDelayingQueue<string>({ clock });
  q.addAfter("a", 0);
  q.addAfter("b", -5);
  assert.equal(q.len(), 2);
  assert.equal(clock.waiters(), 0);
});

Deno.test("delaying queue: a delayed item that becomes ready while processing is requeued after done", async () => {
  const clock = new FakeClock();
  const q = newDelayingQueue<string>({ clock });
  q.add("a");
  await getItem(q);
  q.addAfter("a", 10);
  await clock.advance(10);
  assert.equal(q.len(), 0);
  q.done("a");
  assert.equal(q.len(), 1);
});

Deno.test("delaying queue: shutDown drops waiting items, cancels the timer, and ignores addAfter", async () => {
  const clock = new FakeClock();
  const q = newDelayingQueue<string>({ clock });
  q.addAfter("a", 10);
  q.shutDown();
  assert.equal(clock.waiters(), 0);
  q.addAfter("b", 10);
  q.addAfter("c", 0);
  assert.equal(clock.waiters(), 0);
  await clock.advance(20);
  assert.equal(q.len(), 0);
  assert.deepEqual(await q.get(), { item: undefined, shutdown: true });

  const q2 = newDelayingQueue<string>({ clock });
  q2.add("x");
  await getItem(q2);
  q2.addAfter("y", 10);
  const drained = q2.shutDownWithDrain();
  assert.equal(clock.waiters(), 0);
  q2.done("x");
  await drained;
});

Deno.test("delaying queue: a delay longer than a runtime timer allows still waits for its time", async () => {
  const clock = new FakeClock();
  const q = newDelayingQueue<string>({ clock });
  const month = 31 * 24 * 3600 * 1000;
  q.addAfter("a", month);
  assert.ok(clock.nextTimerAt()! - clock.now() <= 2 ** 31 - 1);
  await clock.advance(2 ** 31 - 1);
  assert.equal(q.len(), 0);
  assert.equal(clock.waiters(), 1);
  await clock.advance(month - (2 ** 31 - 1));
  assert.equal(q.len(), 1);
});

Deno.test("delaying queue metrics: each addAfter counts one retry", () => {
  let retries = 0;
  const provider: MetricsProvider = {
    ...NOOP_METRICS_PROVIDER,
    newRetriesMetric: () => ({ inc: () => void retries++ }),
  };
  const q = newDelayingQueue<string>({ clock: new FakeClock(), metricsProvider: provider });
  q.addAfter("a", 10);
  q.addAfter("a", 5);
  q.addAfter("b", 0);
  assert.equal(retries, 3);
  q.shutDown();
  q.addAfter("c", 1);
  assert.equal(retries, 3, "ignored after shut down");
});
