import assert from "node:assert/strict";
import { FakeClock, flushTasks } from "../_internal/clock.ts";
import { ApiError } from "../rest/errors.ts";
import { DEFAULT_BACKOFF, DEFAULT_RETRY, onError, retryOnConflict } from "./mod.ts";

function conflict(n: number): ApiError {
  return new ApiError({
    kind: "Status",
    status: "Failure",
    code: 409,
    reason: "Conflict",
    message: `Operation cannot be fulfilled (attempt ${n})`,
  });
}

/** Advances the clock timer by timer until `p` settles (at most `limit` steps). */
async function settle<T>(p: Promise<T>, clock: FakeClock, limit = 100): Promise<void> {
  let settled = false;
  p.then(() => (settled = true), () => (settled = true));
  for (let i = 0; i < limit && !settled; i++) {
    const next = clock.nextTimerAt();
    await clock.advance(next === undefined ? 0 : next - clock.now());
  }
  await flushTasks();
  assert.ok(settled, "the retry loop settled");
}

Deno.test("retryOnConflict: success calls fn once and returns its value", async () => {
  const clock = new FakeClock();
  let calls = 0;
  const value = await retryOnConflict(DEFAULT_RETRY, () => (calls++, "updated"), { clock });
  assert.equal(value, "updated");
  assert.equal(calls, 1);
  assert.equal(clock.waiters(), 0);
});

Deno.test("retryOnConflict: throws the last Conflict error once the steps are exhausted", async () => {
  const clock = new FakeClock();
  const thrown: ApiError[] = [];
  const at: number[] = [];
  const t0 = clock.now();
  const p = retryOnConflict(DEFAULT_RETRY, () => {
    at.push(clock.now() - t0);
    const err = conflict(thrown.length + 1);
    thrown.push(err);
    throw err;
  }, { clock });
  const rejected = assert.rejects(p, (e) => e === thrown[thrown.length - 1]);
  await settle(p, clock);
  await rejected;
  assert.equal(thrown.length, 5, "DEFAULT_RETRY makes 5 attempts");
  for (let i = 1; i < at.length; i++) {
    const gap = at[i] - at[i - 1];
    assert.ok(gap >= 10 && gap <= 11, `wait ${gap} ms is 10 ms plus up to 10% jitter`);
  }
});

Deno.test("retryOnConflict: a conflict then success retries and returns the value", async () => {
  const clock = new FakeClock();
  let calls = 0;
  const p = retryOnConflict(DEFAULT_RETRY, async () => {
    calls++;
    if (calls < 3) throw conflict(calls);
    return await Promise.resolve(calls);
  }, { clock });
  await settle(p, clock);
  assert.equal(await p, 3);
  assert.equal(calls, 3);
});

Deno.test("retryOnConflict: any other error is thrown at once", async () => {
  const clock = new FakeClock();
  let calls = 0;
  const notFound = new ApiError({
    kind: "Status",
    status: "Failure",
    code: 404,
    reason: "NotFound",
    message: "gone",
  });
  await assert.rejects(
    retryOnConflict(DEFAULT_RETRY, () => {
      calls++;
      throw notFound;
    }, { clock }),
    (e) => e === notFound,
  );
  assert.equal(calls, 1);
  let calls2 = 0;
  const p = retryOnConflict(DEFAULT_RETRY, () => {
    calls2++;
    throw calls2 === 1 ? conflict(1) : new TypeError("bad");
  }, { clock });
  const rejected = assert.rejects(p, TypeError);
  await settle(p, clock);
  await rejected;
  assert.equal(calls2, 2);
});

Deno.test("retryOnConflict: an abort while waiting rejects with the signal's reason", async () => {
  const clock = new FakeClock();
  const ac = new AbortController();
  let calls = 0;
  const p = retryOnConflict(DEFAULT_RETRY, () => {
    calls++;
    throw conflict(calls);
  }, { clock, signal: ac.signal });
  const rejected = assert.rejects(p, (e) => e instanceof DOMException && e.name === "AbortError");
  await flushTasks();
  ac.abort();
  await rejected;
  assert.equal(calls, 1);
});

Deno.test("onError: retries while retriable with DEFAULT_BACKOFF's growing waits, then throws the last error", async () => {
  const clock = new FakeClock();
  const at: number[] = [];
  const t0 = clock.now();
  const errors: Error[] = [];
  const p = onError(DEFAULT_BACKOFF, (e) => e instanceof RangeError, () => {
    at.push(clock.now() - t0);
    const err = new RangeError(`try ${errors.length}`);
    errors.push(err);
    throw err;
  }, { clock });
  const rejected = assert.rejects(p, (e) => e === errors[3]);
  await settle(p, clock);
  await rejected;
  assert.equal(errors.length, 4);
  const gaps = at.slice(1).map((t, i) => t - at[i]);
  [10, 50, 250].forEach((base, i) => assert.ok(gaps[i] >= base && gaps[i] <= base * 1.1, `gap ${gaps[i]}`));
});

Deno.test("onError: a non-retriable error is thrown at once", async () => {
  let calls = 0;
  const err = new Error("fatal");
  await assert.rejects(
    onError(DEFAULT_BACKOFF, () => false, () => {
      calls++;
      throw err;
    }, { clock: new FakeClock() }),
    (e) => e === err,
  );
  assert.equal(calls, 1);
});
