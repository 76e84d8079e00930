import assert from "node:assert/strict";
import { TokenBucket } from "./token_bucket.ts";

Deno.test("a bucket gives burst tokens at once, then refills at qps", () => {
  const b = new TokenBucket(2, 3, 0);
  assert.deepEqual([b.tryTake(0), b.tryTake(0), b.tryTake(0), b.tryTake(0)], [true, true, true, false]);
  assert.equal(b.tryTake(499), false);
  assert.equal(b.tryTake(500), true);
  assert.equal(b.tryTake(10_000), true, "refilled");
});

Deno.test("reserve returns the wait for a token not yet refilled; giveBack returns it", () => {
  const b = new TokenBucket(10, 1, 0);
  assert.equal(b.reserve(0), 0);
  assert.equal(b.reserve(0), 100);
  assert.equal(b.reserve(0), 200);
  b.giveBack(0);
  assert.equal(b.reserve(0), 200);
});

Deno.test("an infinite rate never waits; time going backwards adds nothing", () => {
  const inf = new TokenBucket(Infinity, 1, 0);
  for (let i = 0; i < 5; i++) assert.equal(inf.reserve(0), 0);
  const b = new TokenBucket(1, 1, 1000);
  assert.equal(b.tryTake(1000), true);
  assert.equal(b.tryTake(0), false);
});
