import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import { itemExponentialFailureRateLimiter, newRateLimitingQueue, type RateLimiter } from "./mod.ts";

Deno.test("rate-limiting queue: addRateLimited is addAfter(item, rateLimiter.when(item))", async () => {
  const clock = new FakeClock();
  const asked: string[] = [];
  const limiter: RateLimiter<string> = {
    when: (item) => (asked.push(item), item === "slow" ? 300 : 100),
    forget: () => {},
    numRequeues: () => 0,
  };
  const q = newRateLimitingQueue<string>(limiter, { clock });
  const t0 = clock.now();
  q.addRateLimited("slow");
  q.addRateLimited("fast");
  assert.deepEqual(asked, ["slow", "fast"]);
  assert.equal(clock.nextTimerAt(), t0 + 100);
  await clock.advance(100);
  assert.equal(q.len(), 1);
  assert.deepEqual(await q.get(), { item: "fast", shutdown: false });
  await clock.advance(199);
  assert.equal(q.len(), 0);
  await clock.advance(1);
  assert.equal(q.len(), 1);
});

Deno.test("rate-limiting queue: backoff grows per requeue, forget resets it and numRequeues", async () => {
  const clock = new FakeClock();
  const q = newRateLimitingQueue<string>(itemExponentialFailureRateLimiter(1, 1000), { clock });
  const t0 = clock.now();
  q.addRateLimited("one");
  assert.equal(clock.nextTimerAt(), t0 + 1);
  assert.equal(q.numRequeues("one"), 1);
  await clock.advance(1);
  const { item } = await q.get();
  q.done(item!);
  q.addRateLimited("one");
  assert.equal(clock.nextTimerAt(), t0 + 1 + 2);
  assert.equal(q.numRequeues("one"), 2);
  q.forget("one");
  assert.equal(q.numRequeues("one"), 0);
  assert.equal(q.len(), 0, "forget does not remove or add the item");
  q.addRateLimited("one"); // backoff back to base: 1 ms, earlier than the pending 2 ms
  assert.equal(clock.nextTimerAt(), t0 + 1 + 1);
  await clock.advance(2);
  assert.equal(q.len(), 1);
  q.shutDown();
  q.addRateLimited("two");
  assert.equal(q.numRequeues("two"), 0, "ignored after shut down");
});
