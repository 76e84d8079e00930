import assert from "node:assert/strict";
import { FakeClock, REAL_CLOCK } from "./clock.ts";
import { abortable, deadline, DeadlineError, delay, linkSignals } from "./async.ts";
import { parseYaml } from "./deps.ts";

Deno.test("FakeClock fires timers in due order, ties in creation order", async () => {
  const clock = new FakeClock(1000);
  const fired: string[] = [];
  clock.setTimer(() => fired.push("b"), 20);
  clock.setTimer(() => fired.push("a"), 10);
  clock.setTimer(() => fired.push("c"), 20);
  await clock.advance(15);
  assert.deepEqual(fired, ["a"]);
  assert.equal(clock.now(), 1015);
  await clock.advance(5);
  assert.deepEqual(fired, ["a", "b", "c"]);
  assert.equal(clock.waiters(), 0);
});

Deno.test("FakeClock fires timers set by callbacks within the advanced window", async () => {
  const clock = new FakeClock(0);
  const seen: number[] = [];
  (async () => {
    for (let i = 0; i < 3; i++) {
      await clock.sleep(10);
      seen.push(clock.now());
    }
  })();
  await clock.advance(35);
  assert.deepEqual(seen, [10, 20, 30]);
});

Deno.test("a cancelled timer never fires", async () => {
  const clock = new FakeClock(0);
  let fired = false;
  const t = clock.setTimer(() => fired = true, 5);
  assert.equal(t.cancel(), true);
  assert.equal(t.cancel(), false);
  await clock.advance(10);
  assert.equal(fired, false);
});

Deno.test("delay rejects with the signal's reason when aborted", async () => {
  const clock = new FakeClock(0);
  const ac = new AbortController();
  const p = delay(1000, { clock, signal: ac.signal });
  ac.abort(new Error("stop"));
  await assert.rejects(p, /stop/);
  assert.equal(clock.waiters(), 0);
  await assert.rejects(delay(1, { signal: ac.signal }), /stop/);
});

Deno.test("deadline rejects with DeadlineError when the clock passes it", async () => {
  const clock = new FakeClock(0);
  const never = new Promise<number>(() => {});
  const rejected = assert.rejects(deadline(never, 100, { clock }), DeadlineError);
  await clock.advance(100);
  await rejected;
  assert.equal(await deadline(Promise.resolve(7), 100, { clock }), 7);
  assert.equal(clock.waiters(), 0);
});

Deno.test("abortable and linkSignals propagate aborts", async () => {
  const a = new AbortController();
  const b = new AbortController();
  const { signal, dispose } = linkSignals(a.signal, b.signal, undefined);
  const p = abortable(new Promise(() => {}), signal);
  b.abort(new Error("b went"));
  await assert.rejects(p, /b went/);
  assert.equal(signal.aborted, true);
  dispose();
});

Deno.test("REAL_CLOCK sleeps and reads the wall clock", async () => {
  const before = REAL_CLOCK.now();
  await REAL_CLOCK.sleep(1);
  assert.ok(REAL_CLOCK.now() >= before);
});

Deno.test("the YAML dependency is reachable through the one import file", () => {
  assert.deepEqual(parseYaml("a: [1, 2]\n"), { a: [1, 2] });
});
