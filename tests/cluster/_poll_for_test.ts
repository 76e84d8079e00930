import assert from "node:assert/strict";
import { FakeClock } from "../../_internal/clock.ts";
import { pollFor } from "./_poll_for.ts";

Deno.test("pollFor: checks again after each pause (and after errors) until a value comes", async () => {
  const clock = new FakeClock();
  const at: number[] = [];
  const start = clock.now();
  const p = pollFor("the third call", () => {
    at.push(clock.now() - start);
    if (at.length === 1) return Promise.reject(new Error("not yet"));
    return Promise.resolve(at.length === 3 ? "done" : undefined);
  }, { timeoutMs: 1000, intervalMs: 200, clock });
  await clock.advance(400);
  assert.equal(await p, "done");
  assert.deepEqual(at, [0, 200, 400]);
});

Deno.test("pollFor: after the timeout, fails naming what it waited for and the last error", async () => {
  const clock = new FakeClock();
  let calls = 0;
  const p = pollFor("the pod", () => {
    calls++;
    return Promise.reject(new Error(`attempt ${calls}`));
  }, { timeoutMs: 1000, intervalMs: 250, clock });
  const failed = assert.rejects(p, { message: "Timed out waiting for the pod: attempt 4" });
  await clock.advance(1000);
  await failed;
  assert.equal(calls, 4);
});

Deno.test("pollFor: a timeout without errors names only what it waited for", async () => {
  const clock = new FakeClock();
  const p = pollFor("nothing", () => Promise.resolve(undefined), { timeoutMs: 100, intervalMs: 100, clock });
  const failed = assert.rejects(p, { message: "Timed out waiting for nothing" });
  await clock.advance(100);
  await failed;
});
