import assert from "node:assert/strict";
import { FakeClock, flushTasks } from "../_internal/clock.ts";
import { pollUntil, WaitTimeoutError } from "./mod.ts";

async function peek<T>(p: Promise<T>): Promise<T | "pending" | "rejected"> {
  let out: T | "pending" | "rejected" = "pending";
  p.then((v) => (out = v), () => (out = "rejected"));
  await flushTasks();
  return out;
}

Deno.test("pollUntil: checks every interval, first after one interval unless immediate", async () => {
  const clock = new FakeClock();
  const t0 = clock.now();
  const at: number[] = [];
  const p = pollUntil(100, () => (at.push(clock.now() - t0), at.length === 3), { clock });
  await clock.advance(1000);
  await p;
  assert.deepEqual(at, [100, 200, 300]);
  assert.equal(clock.waiters(), 0);

  const t1 = clock.now();
  const at2: number[] = [];
  const p2 = pollUntil(100, () => (at2.push(clock.now() - t1), at2.length === 2), { clock, immediate: true });
  await clock.advance(1000);
  await p2;
  assert.deepEqual(at2, [0, 100]);
});

Deno.test("pollUntil: the interval runs from the end of one check to the next", async () => {
  const clock = new FakeClock();
  const t0 = clock.now();
  const at: number[] = [];
  const p = pollUntil(100, async () => {
    at.push(clock.now() - t0);
    await clock.sleep(30);
    return at.length === 3;
  }, { clock, immediate: true });
  await clock.advance(1000);
  await p;
  assert.deepEqual(at, [0, 130, 260]);
});

Deno.test("pollUntil: a condition error ends the poll with that error", async () => {
  const clock = new FakeClock();
  const boom = new Error("boom");
  const p = pollUntil(10, () => {
    throw boom;
  }, { clock, immediate: true });
  await assert.rejects(p, (e) => e === boom);
});

Deno.test("pollUntil: an abort ends the poll with the signal's reason", async () => {
  const clock = new FakeClock();
  const ac = new AbortController();
  let calls = 0;
  const p = pollUntil(10, () => (calls++, false), { clock, signal: ac.signal });
  await clock.advance(25);
  assert.equal(await peek(p), "pending");
  ac.abort(new Error("stop"));
  await assert.rejects(p, /stop/);
  assert.equal(calls, 2);
  assert.equal(clock.waiters(), 0);
});

Deno.test("pollUntil: timeoutMs gives up with WaitTimeoutError and aborts the condition's signal", async () => {
  const clock = new FakeClock();
  let signal: AbortSignal | undefined;
  let calls = 0;
  const p = pollUntil(100, (s) => {
    signal = s;
    calls++;
    return false;
  }, { clock, timeoutMs: 350, immediate: true });
  const rejected = assert.rejects(p, WaitTimeoutError);
  await clock.advance(349);
  assert.equal(calls, 4);
  await clock.advance(1);
  await rejected;
  assert.equal(signal?.aborted, true);
  assert.equal(clock.waiters(), 0);

  await pollUntil(100, () => true, { clock, timeoutMs: 350, immediate: true });
  assert.equal(clock.waiters(), 0, "the timeout timer is cancelled on success");
});

Deno.test("pollUntil: the interval must be positive", async () => {
  await assert.rejects(pollUntil(0, () => true), RangeError);
});
