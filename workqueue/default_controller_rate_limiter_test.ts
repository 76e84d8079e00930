import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import { defaultControllerRateLimiter } from "./default_controller_rate_limiter.ts";

Deno.test("defaultControllerRateLimiter: exponential 5 ms .. 1000 s per item, max with a 10 qps / 100 burst bucket", async () => {
  const clock = new FakeClock();
  const l = defaultControllerRateLimiter<string>({ clock });
  assert.deepEqual([l.when("a"), l.when("a"), l.when("a")], [5, 10, 20]);
  assert.equal(l.numRequeues("a"), 3);
  l.forget("a");
  assert.equal(l.numRequeues("a"), 0);
  for (let i = 0; i < 97; i++) l.when(`k${i}`); // all 100 tokens used
  assert.equal(l.when("b"), 100, "the empty bucket gives 1/10 s, more than b's 5 ms");
  assert.equal(l.when("c"), 200);
  await clock.advance(3600_000);
  for (let i = 0; i < 30; i++) l.when("slow");
  assert.equal(l.when("slow"), 1000 * 1000, "capped at 1000 s");
});
