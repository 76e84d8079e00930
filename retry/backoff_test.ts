import assert from "node:assert/strict";
import { BackoffStepper } from "./_stepper.ts";
import { DEFAULT_BACKOFF, DEFAULT_RETRY } from "./mod.ts";

Deno.test("DEFAULT_RETRY is {steps 5, 10 ms, factor 1.0, jitter 0.1}; DEFAULT_BACKOFF is {steps 4, 10 ms, factor 5.0, jitter 0.1}", () => {
  assert.deepEqual({ ...DEFAULT_RETRY }, { steps: 5, durationMs: 10, factor: 1.0, jitter: 0.1 });
  assert.deepEqual({ ...DEFAULT_BACKOFF }, { steps: 4, durationMs: 10, factor: 5.0, jitter: 0.1 });
  assert.ok(Object.isFrozen(DEFAULT_RETRY) && Object.isFrozen(DEFAULT_BACKOFF));
});

Deno.test("backoff steps: waits grow by factor, jitter adds up to jitter * wait", () => {
  const none = new BackoffStepper(DEFAULT_BACKOFF, () => 0);
  assert.deepEqual([none.step(), none.step(), none.step()], [10, 50, 250]);
  const most = new BackoffStepper(DEFAULT_BACKOFF, () => 0.5);
  assert.deepEqual([most.step(), most.step(), most.step()], [10.5, 52.5, 262.5]);
  const flat = new BackoffStepper(DEFAULT_RETRY, () => 0);
  assert.deepEqual([flat.step(), flat.step(), flat.step(), flat.step()], [10, 10, 10, 10]);
  const zero = new BackoffStepper({ durationMs: 7, steps: 3, factor: 0 }, () => 0);
  assert.deepEqual([zero.step(), zero.step()], [7, 7]);
});

Deno.test("backoff steps: the cap limits the wait and ends the sequence after one more attempt", () => {
  const s = new BackoffStepper({ durationMs: 10, factor: 3, steps: 10, capMs: 100 }, () => 0);
  assert.equal(s.step(), 10);
  assert.equal(s.step(), 30);
  assert.equal(s.steps, 8);
  assert.equal(s.step(), 90); // the next would be 270: capped, one attempt left
  assert.equal(s.steps, 1);
  assert.equal(s.step(), 100);
});

Deno.test("backoff: bad settings are RangeErrors naming the field", () => {
  assert.throws(() => new BackoffStepper({ durationMs: 10, steps: 0 }), /steps/);
  assert.throws(() => new BackoffStepper({ durationMs: -1, steps: 1 }), /durationMs/);
  assert.throws(() => new BackoffStepper({ durationMs: 1, steps: 1, factor: -2 }), /factor/);
  assert.throws(() => new BackoffStepper({ durationMs: 1, steps: 1, jitter: NaN }), /jitter/);
  assert.throws(() => new BackoffStepper({ durationMs: 1, steps: 1, capMs: -5 }), RangeError);
});
