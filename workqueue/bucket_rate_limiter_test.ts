import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import { bucketRateLimiter } from "./bucket_rate_limiter.ts";

Deno.test("bucketRateLimiter: burst tokens at once, then reservations spaced 1/qps apart", async () => {
  const clock = new FakeClock();
  const l = bucketRateLimiter<string>(1, 3, { clock });
  assert.deepEqual([l.when("a"), l.when("b"), l.when("c")], [0, 0, 0]);
  assert.equal(l.when("d"), 1000);
  assert.equal(l.when("e"), 2000);
  await clock.advance(3000); // pays back the two reservations and refills one token
  assert.equal(l.when("f"), 0);
  assert.equal(l.when("g"), 1000);
  await clock.advance(60_000);
  assert.deepEqual(
    [l.when("h"), l.when("i"), l.when("j"), l.when("k")],
    [0, 0, 0, 1000],
    "refills to burst only",
  );
});

Deno.test("bucketRateLimiter: (10 qps, burst 5) takes 16 tokens in at least 1 s", () => {
  const clock = new FakeClock();
  const l = bucketRateLimiter<number>(10, 5, { clock });
  let last = 0;
  for (let i = 0; i < 16; i++) last = l.when(i);
  assert.ok(last >= 1000, `16th token due after ${last} ms`);
  assert.ok(Math.abs(last - 1100) < 1e-6);
});

Deno.test("bucketRateLimiter: numRequeues is 0 and forget does nothing", () => {
  const clock = new FakeClock();
  const l = bucketRateLimiter<string>(1, 1, { clock });
  l.when("a");
  assert.equal(l.numRequeues("a"), 0);
  l.forget("a");
  assert.equal(l.when("a"), 1000, "forget gives no token back");
});

Deno.test("bucketRateLimiter: infinite qps never delays; bad arguments are rejected", () => {
  const l = bucketRateLimiter<string>(Infinity, 1, { clock: new FakeClock() });
  for (let i = 0; i < 10; i++) assert.equal(l.when("a"), 0);
  assert.throws(() => bucketRateLimiter(0, 1), RangeError);
  assert.throws(() => bucketRateLimiter(1, 0), RangeError);
});
