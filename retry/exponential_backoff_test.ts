import assert from "node:assert/strict";
import { FakeClock, flushTasks } from "../_internal/clock.ts";
import { exponentialBackoff, WaitTimeoutError } from "./mod.ts";

async function peek<T>(p: Promise<T>): Promise<T | "pending" | "rejected"> {
  let out: T | "pending" | "rejected" = "pending";
  p.then((v) => (out = v), () => (out = "rejected"));
  await flushTasks();
  return out;
}

Deno.test("exponentialBackoff: runs the condition steps times with growing waits, then WaitTimeoutError", async () => {
  const clock = new FakeClock();
  const t0 = clock.now();
  const calls: number[] = [];
  const p = exponentialBackoff({ durationMs: 10, factor: 2, steps: 4 }, () => {
    calls.push(clock.now() - t0);
    return false;
  }, { clock });
  const done = assert.rejects(p, WaitTimeoutError);
  await clock.advance(1000);
  await done;
  assert.deepEqual(calls, [0, 10, 30, 70]);
  assert.equal(clock.waiters(), 0);
});

Deno.test("exponentialBackoff: stops as soon as the condition is true", async () => {
  const clock = new FakeClock();
  let calls = 0;
  const p = exponentialBackoff({ durationMs: 10, steps: 5 }, () => ++calls === 2, { clock });
  await clock.advance(10);
  await p;
  assert.equal(calls, 2);
  await exponentialBackoff({ durationMs: 10, steps: 5 }, async () => await Promise.resolve(true), { clock });
});

Deno.test("exponentialBackoff: a condition that throws ends the wait with its error", async () => {
  const boom = new Error("boom");
  let calls = 0;
  await assert.rejects(
    exponentialBackoff({ durationMs: 10, steps: 5 }, () => {
      calls++;
      throw boom;
    }, { clock: new FakeClock() }),
    (e) => e === boom,
  );
  assert.equal(calls, 1);
});

Deno.test("exponentialBackoff: an abort stops the wait with the signal's reason and passes the signal on", async () => {
  const clock = new FakeClock();
  const ac = new AbortController();
  const seen: (AbortSignal | undefined)[] = [];
  const p = exponentialBackoff({ durationMs: 100, steps: 5 }, (s) => (seen.push(s), false), {
    clock,
    signal: ac.signal,
  });
  assert.equal(await peek(p), "pending");
  const reason = new Error("stop");
  ac.abort(reason);
  await assert.rejects(p, (e) => e === reason);
  assert.deepEqual(seen, [ac.signal]);
  assert.equal(clock.waiters(), 0, "the sleep's timer is cancelled");
  let calls = 0;
  await assert.rejects(
    exponentialBackoff({ durationMs: 1, steps: 2 }, () => (calls++, true), { clock, signal: ac.signal }),
    (e) => e === reason,
  );
  assert.equal(calls, 0, "an aborted signal means no attempt");
});
