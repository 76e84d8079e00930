import assert from "node:assert/strict";
import { itemExponentialFailureRateLimiter } from "./item_exponential_failure_rate_limiter.ts";

Deno.test("itemExponentialFailureRateLimiter: base * 2^n per item, capped at max", () => {
  const l = itemExponentialFailureRateLimiter<string>(1, 1000);
  assert.deepEqual([1, 2, 3, 4, 5].map(() => l.when("one")), [1, 2, 4, 8, 16]);
  assert.equal(l.numRequeues("one"), 5, "numRequeues counts when() calls");
  assert.deepEqual([l.when("two"), l.when("two")], [1, 2], "items are independent");
  assert.equal(l.numRequeues("two"), 2);
  for (let i = 0; i < 5; i++) l.when("one");
  assert.equal(l.when("one"), 1000, "capped at max (2^10 > 1000)");
  l.forget("one");
  assert.equal(l.numRequeues("one"), 0);
  assert.deepEqual([l.when("one"), l.when("one")], [1, 2], "forget resets");
  assert.equal(l.numRequeues("two"), 2);
});

Deno.test("itemExponentialFailureRateLimiter: never overflows; after 1000 failures exactly max", () => {
  const l = itemExponentialFailureRateLimiter<string>(1, 1000 * 1000);
  assert.deepEqual([1, 2, 3, 4, 5].map(() => l.when("one")), [1, 2, 4, 8, 16]);
  for (let i = 0; i < 1000; i++) l.when("overflow1");
  assert.equal(l.when("overflow1"), 1000 * 1000);

  const hours = itemExponentialFailureRateLimiter<string>(60_000, 1000 * 3600 * 1000);
  assert.equal(hours.when("one"), 60_000);
  for (let i = 0; i < 2000; i++) hours.when("overflow2");
  assert.equal(hours.when("overflow2"), 1000 * 3600 * 1000);

  const zero = itemExponentialFailureRateLimiter<string>(0, 1000);
  for (let i = 0; i < 2000; i++) zero.when("z");
  assert.equal(zero.when("z"), 0, "a zero base stays zero (no NaN)");
});

Deno.test("itemExponentialFailureRateLimiter: rejects negative or missing delays", () => {
  assert.throws(() => itemExponentialFailureRateLimiter(-1, 10), RangeError);
  assert.throws(() => itemExponentialFailureRateLimiter(1, NaN), RangeError);
});
