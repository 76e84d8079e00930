import assert from "node:assert/strict";
import { itemFastSlowRateLimiter } from "./item_fast_slow_rate_limiter.ts";

Deno.test("itemFastSlowRateLimiter: maxFast fast delays, then slow; forget resets", () => {
  const l = itemFastSlowRateLimiter<string>(5, 10_000, 3);
  assert.deepEqual([1, 2, 3, 4, 5].map(() => l.when("one")), [5, 5, 5, 10_000, 10_000]);
  assert.equal(l.numRequeues("one"), 5);
  assert.equal(l.when("two"), 5, "items are independent");
  l.forget("one");
  assert.equal(l.numRequeues("one"), 0);
  assert.equal(l.when("one"), 5);
  assert.equal(l.numRequeues("two"), 1);
});
