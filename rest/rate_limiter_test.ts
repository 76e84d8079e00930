import assert from "node:assert/strict";
import { FakeClock, flushTasks } from "../_internal/clock.ts";
import { DEFAULT_BURST, DEFAULT_QPS, newTokenBucketRateLimiter, rateLimiterFor } from "./rate_limiter.ts";

Deno.test("bucket (1, 3) accepts 3 then refuses", () => {
  const clock = new FakeClock();
  const l = newTokenBucketRateLimiter(1, 3, { clock });
  assert.deepEqual([1, 2, 3, 4, 5].map(() => l.tryAccept()), [true, true, true, false, false]);
  assert.equal(l.qps(), 1);
});

Deno.test("tryAccept refills at qps, never beyond burst", async () => {
  const clock = new FakeClock();
  const l = newTokenBucketRateLimiter(2, 3, { clock });
  for (let i = 0; i < 3; i++) assert.ok(l.tryAccept());
  assert.equal(l.tryAccept(), false);
  await clock.advance(499);
  assert.equal(l.tryAccept(), false);
  await clock.advance(1);
  assert.ok(l.tryAccept(), "one token after 500 ms at 2 qps");
  assert.equal(l.tryAccept(), false);
  await clock.advance(60_000);
  assert.deepEqual([1, 2, 3, 4].map(() => l.tryAccept()), [true, true, true, false], "capped at burst");
});

Deno.test("bucket (10, 5) takes 16 tokens in >= 1 s, and not much more", async () => {
  const clock = new FakeClock();
  const start = clock.now();
  const l = newTokenBucketRateLimiter(10, 5, { clock });
  const doneAt: number[] = [];
  for (let i = 0; i < 16; i++) l.accept().then(() => doneAt.push(clock.now() - start));
  await flushTasks();
  assert.equal(doneAt.length, 5, "the burst is available at once");
  while (doneAt.length < 16 && clock.nextTimerAt() !== undefined) {
    await clock.advance(clock.nextTimerAt()! - clock.now());
  }
  assert.equal(doneAt.length, 16);
  assert.ok(doneAt[15] >= 1000, `16th token at ${doneAt[15]} ms`);
  assert.equal(doneAt[15], 1100);
  assert.deepEqual(doneAt.slice(5), [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100]);
});

Deno.test("sequential accept on a fake clock paces at qps", async () => {
  const clock = new FakeClock();
  const l = newTokenBucketRateLimiter(4, 1, { clock });
  await l.accept();
  let resolved = false;
  const p = l.accept().then(() => (resolved = true));
  await clock.advance(249);
  assert.equal(resolved, false);
  await clock.advance(1);
  await p;
  assert.equal(resolved, true);
  assert.equal(l.tryAccept(), false);
});

Deno.test("accept honours abort: rejects with the reason and gives the token back", async () => {
  const clock = new FakeClock();
  const l = newTokenBucketRateLimiter(1, 1, { clock });
  assert.ok(l.tryAccept());
  const ac = new AbortController();
  const p = l.accept(ac.signal);
  assert.equal(clock.waiters(), 1);
  const reason = new Error("stop");
  ac.abort(reason);
  await assert.rejects(p, (e) => e === reason);
  assert.equal(clock.waiters(), 0, "the wait timer is cancelled");
  await clock.advance(1000);
  assert.ok(l.tryAccept(), "the aborted reservation did not consume the refilled token");
  await assert.rejects(l.accept(AbortSignal.abort(reason)), (e) => e === reason);
  await clock.advance(1000);
  assert.ok(l.tryAccept(), "an already-aborted accept takes nothing");
});

Deno.test("rateLimiterFor: 0 or unset means 5 qps / burst 10; negative qps disables", async () => {
  const clock = new FakeClock();
  assert.equal(DEFAULT_QPS, 5);
  assert.equal(DEFAULT_BURST, 10);
  for (const [qps, burst] of [[undefined, undefined], [0, 0], [0, undefined]] as const) {
    const l = rateLimiterFor(qps, burst, { clock })!;
    assert.equal(l.qps(), 5);
    let n = 0;
    while (l.tryAccept()) n++;
    assert.equal(n, 10, "burst 10");
    await clock.advance(200);
    assert.ok(l.tryAccept(), "refills at 5 qps");
    assert.equal(l.tryAccept(), false);
  }
  const custom = rateLimiterFor(50, 2, { clock })!;
  assert.equal(custom.qps(), 50);
  assert.deepEqual([1, 2, 3].map(() => custom.tryAccept()), [true, true, false]);
  assert.equal(rateLimiterFor(-1), undefined);
  assert.equal(rateLimiterFor(-1, 100), undefined);
});

Deno.test("bad settings are RangeErrors; Infinity qps never limits", () => {
  assert.throws(() => newTokenBucketRateLimiter(0, 1), RangeError);
  assert.throws(() => newTokenBucketRateLimiter(NaN, 1), RangeError);
  assert.throws(() => newTokenBucketRateLimiter(1, 0), RangeError);
  assert.throws(() => newTokenBucketRateLimiter(1, 1.5), RangeError);
  assert.throws(() => rateLimiterFor(1, -3), /burst must be a positive integer, got -3/);
  const l = newTokenBucketRateLimiter(Infinity, 1, { clock: new FakeClock() });
  for (let i = 0; i < 1000; i++) assert.ok(l.tryAccept());
});
