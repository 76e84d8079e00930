import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import { Backoff, newExponentialBackoffManager, nextDelay } from "./backoff.ts";

Deno.test("Backoff: 1, 2, 4 ... capped at max, per key", async () => {
  const clock = new FakeClock();
  const b = new Backoff(1000, 8000, { clock });
  assert.equal(b.get("a"), 0);
  const seen: number[] = [];
  for (let i = 0; i < 6; i++) {
    b.next("a");
    seen.push(b.get("a"));
    await clock.advance(1000);
  }
  assert.deepEqual(seen, [1000, 2000, 4000, 8000, 8000, 8000]);
  b.next("b");
  assert.equal(b.get("b"), 1000, "keys are independent");
  assert.equal(b.size, 2);
  b.reset("a");
  assert.equal(b.get("a"), 0);
  b.next("a");
  assert.equal(b.get("a"), 1000, "reset restarts at the initial delay");
});

Deno.test("Backoff: an entry idle for more than 2*max restarts at the initial value", async () => {
  const clock = new FakeClock();
  const b = new Backoff(1000, 5000, { clock });
  b.next("k");
  b.next("k");
  b.next("k");
  assert.equal(b.get("k"), 4000);
  await clock.advance(10_000); // exactly 2*max: not yet expired
  b.next("k");
  assert.equal(b.get("k"), 5000);
  await clock.advance(10_001);
  b.next("k");
  assert.equal(b.get("k"), 1000);
  // The idle time is measured from eventTime.
  b.next("k", clock.now() + 10_001);
  assert.equal(b.get("k"), 1000);
});

Deno.test("Backoff: isInBackOffSince / isInBackOffSinceUpdate / gc", async () => {
  const clock = new FakeClock();
  const b = new Backoff(1000, 4000, { clock });
  assert.equal(b.isInBackOffSince("x", clock.now()), false, "unknown key");
  b.next("x");
  b.next("x"); // 2000
  const start = clock.now();
  assert.ok(b.isInBackOffSince("x", start));
  await clock.advance(1999);
  assert.ok(b.isInBackOffSince("x", start));
  assert.ok(b.isInBackOffSinceUpdate("x", clock.now()));
  await clock.advance(1);
  assert.equal(b.isInBackOffSince("x", start), false);
  assert.equal(b.isInBackOffSinceUpdate("x", clock.now()), false);
  b.next("y");
  await clock.advance(8001);
  b.next("z");
  assert.equal(b.isInBackOffSince("x", clock.now()), false, "expired entries are not in backoff");
  b.gc();
  assert.equal(b.size, 1);
  assert.equal(b.get("z"), 1000);
  assert.equal(b.get("x"), 0);
});

Deno.test("Backoff: jitter adds up to maxJitterFactor of the delay", () => {
  const clock = new FakeClock();
  const b = new Backoff(1000, 100_000, { clock, maxJitterFactor: 0.5, random: () => 1 });
  b.next("j");
  assert.equal(b.get("j"), 1500);
  b.next("j");
  assert.equal(b.get("j"), 1500 * 2 + 750);
  assert.throws(() => new Backoff(10, 5), RangeError);
});

Deno.test("nextDelay: exponential, capped, then jittered", () => {
  const none = () => 0;
  assert.deepEqual([0, 1, 2, 3].map((n) => nextDelay(n, { initialMs: 10, factor: 5, random: none })), [
    10,
    50,
    250,
    1250,
  ]);
  assert.deepEqual([0, 1, 2, 3, 50].map((n) => nextDelay(n, { initialMs: 100, maxMs: 350 })), [
    100,
    200,
    350,
    350,
    350,
  ]);
  assert.equal(nextDelay(10_000, { initialMs: 1, maxMs: 30_000 }), 30_000, "no overflow to Infinity/NaN");
  // Constant delay with 10% jitter (client-go's DefaultRetry).
  assert.equal(nextDelay(4, { initialMs: 10, factor: 1, jitter: 0.1, random: () => 0.5 }), 10.5);
  assert.equal(
    nextDelay(3, { initialMs: 100, maxMs: 300, jitter: 1, random: () => 0.99 }),
    597,
    "jitter after cap",
  );
  for (let i = 0; i < 100; i++) {
    const d = nextDelay(2, { initialMs: 100, jitter: 0.2 });
    assert.ok(d >= 400 && d < 480, `${d}`);
  }
});

Deno.test("exponential backoff manager: reflector settings, reset after resetMs without a step", async () => {
  const clock = new FakeClock();
  const m = newExponentialBackoffManager({
    initialMs: 800,
    maxMs: 30_000,
    resetMs: 120_000,
    factor: 2,
    jitter: 1,
    clock,
    random: () => 0,
  });
  const delays: number[] = [];
  for (let i = 0; i < 8; i++) {
    delays.push(m.step());
    await clock.advance(1000);
  }
  assert.deepEqual(delays, [800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000]);
  await clock.advance(119_000); // 120 s after the last step, counting the loop's last advance
  assert.equal(m.step(), 30_000, "120 s is not more than resetMs");
  await clock.advance(120_001);
  assert.equal(m.step(), 800, "restarts after more than resetMs without a step");
  const jittery = newExponentialBackoffManager({
    initialMs: 800,
    maxMs: 30_000,
    resetMs: 1,
    jitter: 1,
    clock,
    random: () => 0.5,
  });
  assert.equal(jittery.step(), 1200);
});

Deno.test("exponential backoff manager: backoff() sleeps on the clock and honours abort", async () => {
  const clock = new FakeClock();
  const m = newExponentialBackoffManager({ initialMs: 100, maxMs: 1000, resetMs: 60_000, clock });
  let done = false;
  const p = m.backoff().then(() => (done = true));
  await clock.advance(99);
  assert.equal(done, false);
  await clock.advance(1);
  await p;
  assert.ok(done);
  const ac = new AbortController();
  const q = m.backoff(ac.signal);
  assert.equal(clock.nextTimerAt(), clock.now() + 200);
  ac.abort(new Error("stop"));
  await assert.rejects(q, /stop/);
  assert.equal(clock.waiters(), 0);
});
