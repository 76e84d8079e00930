import assert from "node:assert/strict";
import { itemExponentialFailureRateLimiter } from "./item_exponential_failure_rate_limiter.ts";
import { itemFastSlowRateLimiter } from "./item_fast_slow_rate_limiter.ts";
import { maxOfRateLimiter } from "./max_of_rate_limiter.ts";
import type { RateLimiter } from "./rate_limiter.ts";

Deno.test("maxOfRateLimiter: the largest delay of its limiters; forget forgets in all", () => {
  const l = maxOfRateLimiter<string>(
    itemFastSlowRateLimiter(5, 3000, 3),
    itemExponentialFailureRateLimiter(1, 1000),
  );
  assert.deepEqual([1, 2, 3, 4, 5].map(() => l.when("one")), [5, 5, 5, 3000, 3000]);
  assert.equal(l.numRequeues("one"), 5);
  l.forget("one");
  assert.equal(l.numRequeues("one"), 0);
  assert.equal(l.when("one"), 5);
  for (let i = 0; i < 20; i++) l.when("long");
  assert.equal(l.when("long"), 3000, "fast-slow's 3 s beats exponential's 1 s cap");
});

Deno.test("maxOfRateLimiter: the largest numRequeues of its limiters", () => {
  const fixed = (delay: number, requeues: number): RateLimiter<string> => ({
    when: () => delay,
    forget: () => {},
    numRequeues: () => requeues,
  });
  const l = maxOfRateLimiter(fixed(10, 7), fixed(30, 2), fixed(20, 4));
  assert.equal(l.when("a"), 30);
  assert.equal(l.numRequeues("a"), 7);
  assert.equal(maxOfRateLimiter<string>().when("a"), 0);
});
