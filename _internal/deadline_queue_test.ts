import assert from "node:assert/strict";
import { FakeClock, REAL_CLOCK } from "./clock.ts";
import { COLD_DEADLINES, DeadlineQueue, deadlineQueue } from "./deadline_queue.ts";
import { countingTimers } from "./_timer_counts_test.ts";

Deno.test("deadline queue: each deadline fires exactly ms after it was added, with one timer for all", async () => {
  const clock = new FakeClock(0);
  const q = new DeadlineQueue(clock, 1000);
  const fired: [string, number][] = [];
  q.add(() => fired.push(["a", clock.now()]));
  await clock.advance(300);
  q.add(() => fired.push(["b", clock.now()]));
  await clock.advance(200);
  q.add(() => fired.push(["c", clock.now()]));
  assert.equal(clock.waiters(), 1, "one timer");
  assert.equal(q.size, 3);
  await clock.advance(499);
  assert.deepEqual(fired, []);
  await clock.advance(1);
  assert.deepEqual(fired, [["a", 1000]]);
  await clock.advance(1000);
  assert.deepEqual(fired, [["a", 1000], ["b", 1300], ["c", 1500]]);
  assert.equal(clock.waiters(), 0, "the timer ends with the last deadline");
  assert.equal(q.size, 0);
});

Deno.test("deadline queue: cancelled deadlines do not fire; cancelling the last one cancels the timer", async () => {
  const clock = new FakeClock(0);
  const q = new DeadlineQueue(clock, 1000);
  const fired: string[] = [];
  const push = (name: string) => () => void fired.push(name);
  const a = q.add(push("a"));
  await clock.advance(100);
  const b = q.add(push("b"));
  await clock.advance(100);
  q.add(push("c"));
  a.cancel();
  a.cancel();
  b.cancel();
  assert.equal(q.size, 1);
  // The timer was set for a; it finds c not yet due and waits for it, exactly.
  await clock.advance(999);
  assert.deepEqual(fired, []);
  await clock.advance(1);
  assert.deepEqual(fired, ["c"]);

  const d: { cancel(): void } = q.add(push("d"));
  assert.equal(clock.waiters(), 1);
  d.cancel();
  assert.equal(clock.waiters(), 0, "nothing pending, no timer");
  await clock.advance(5000);
  assert.deepEqual(fired, ["c"]);
});

Deno.test("deadline queue: a function may add and cancel deadlines; a throwing one stops no others", async () => {
  const clock = new FakeClock(0);
  const q = new DeadlineQueue(clock, 1000);
  const fired: [string, number][] = [];
  const later: { deadline?: { cancel(): void } } = {};
  q.add(() => {
    fired.push(["a", clock.now()]);
    q.add(() => fired.push(["a2", clock.now()]));
    later.deadline?.cancel();
    throw new Error("boom");
  });
  await clock.advance(10);
  q.add(() => fired.push(["b", clock.now()]));
  await clock.advance(10);
  later.deadline = q.add(() => fired.push(["never", clock.now()]));
  await clock.advance(3000);
  assert.deepEqual(fired, [["a", 1000], ["b", 1010], ["a2", 2000]]);
  assert.equal(clock.waiters(), 0);
});

Deno.test("deadline queue: many cancelled entries behind a live one are compacted; order holds", async () => {
  const clock = new FakeClock(0);
  const q = new DeadlineQueue(clock, 1000);
  const fired: number[] = [];
  q.add(() => fired.push(-1)); // a long-pending head
  const handles = Array.from({ length: 10_000 }, (_, i) => q.add(() => fired.push(i)));
  for (let i = 0; i < 10_000; i++) if (i % 1000 !== 0) handles[i].cancel();
  assert.equal(q.size, 11);
  await clock.advance(1000);
  assert.deepEqual(fired, [-1, 0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]);
  assert.equal(clock.waiters(), 0);
});

Deno.test("deadlineQueue: one queue per clock and length", () => {
  const a = new FakeClock();
  const b = new FakeClock();
  assert.equal(deadlineQueue(a, 100), deadlineQueue(a, 100));
  assert.notEqual(deadlineQueue(a, 100), deadlineQueue(a, 200));
  assert.notEqual(deadlineQueue(a, 100), deadlineQueue(b, 100));
});

/** A fake clock whose timers can be unref'd, as the real clock's on Deno, Node and Bun. */
class UnrefClock extends FakeClock {
  set = 0;
  unrefs = 0;
  override setTimer(fn: () => void, ms: number) {
    this.set++;
    const t = super.setTimer(fn, ms);
    return { cancel: () => t.cancel(), unref: () => void this.unrefs++ };
  }
}

Deno.test("deadline queue: with unref-able timers, deadlines one after the other share one unref'd timer", async () => {
  const clock = new UnrefClock(0);
  const q = new DeadlineQueue(clock, 1000);
  const fired: number[] = [];
  for (let i = 0; i < 50; i++) {
    const d = q.add(() => fired.push(i));
    await clock.advance(10);
    d.cancel(); // the answer came: the queue is empty again
  }
  assert.equal(clock.set, 1, "one timer for 50 deadlines in a row");
  assert.equal(clock.unrefs, 1, "and it is unref'd");
  // The one still pending fires on time: the timer (set for the first) is set again for it.
  q.add(() => fired.push(99));
  await clock.advance(999);
  assert.deepEqual(fired, []);
  await clock.advance(1);
  assert.deepEqual(fired, [99]);
  // Nothing pending when the timer runs out: it is not set again.
  await clock.advance(5000);
  assert.equal(clock.waiters(), 0);
});

Deno.test("deadline queue on the real clock: an emptied queue does not keep a Deno process alive", async () => {
  // A program that adds and cancels one deadline of two minutes exits at once: before the fix the
  // first stage's AbortSignal.timeout kept it alive for a second, and every one-request program with it.
  const program = `
    import { deadlineQueue } from ${JSON.stringify(new URL("./deadline_queue.ts", import.meta.url).href)};
    import { REAL_CLOCK } from ${JSON.stringify(new URL("./clock.ts", import.meta.url).href)};
    const t0 = performance.now();
    const q = deadlineQueue(REAL_CLOCK, 120_000);
    const n = Number(Deno.args[0]);
    for (let i = 0; i < n; i++) q.add(() => {}).cancel();
    globalThis.addEventListener("unload", () => console.log(Math.round(performance.now() - t0)));
  `;
  // One deadline (its first stage), and a program past the cold deadlines (its runtime timer lingers).
  for (const n of [1, COLD_DEADLINES + 10]) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--no-config", program, String(n)],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.success, true, new TextDecoder().decode(out.stderr));
    const livedMs = Number(new TextDecoder().decode(out.stdout).trim());
    // Exiting takes a few ms; a lingering first stage or a ref'd timer holds the process far longer.
    assert.ok(
      livedMs < 900,
      `after ${n} deadlines the process lived ${livedMs} ms after the last was cancelled`,
    );
  }
});

Deno.test("deadline queue on the real clock: past its cold deadlines, deadlines one after the other set one runtime timer", async () => {
  const q = new DeadlineQueue(REAL_CLOCK, 60);
  // A program's first requests: their deadlines set no runtime timer.
  const cold = await countingTimers(() => {
    for (let i = 0; i < COLD_DEADLINES; i++) q.add(() => {}).cancel();
  });
  assert.deepEqual(cold, { set: 0, cleared: 0 });
  // A program that keeps making requests: one runtime timer for all, left to run out.
  const hot = await countingTimers(() => {
    for (let i = 0; i < 100; i++) q.add(() => {}).cancel();
  });
  assert.deepEqual(hot, { set: 1, cleared: 0 });
  // A pending one still fires on time, from that timer set again. (The unref'd timer does not keep
  // the process alive: a request in flight does, here a ref'd timer.)
  const alive = setTimeout(() => {}, 1000);
  const t0 = performance.now();
  await new Promise<void>((resolve) => q.add(resolve));
  assert.ok(performance.now() - t0 >= 59);
  // Nothing pending when the timer runs out: it is not set again (the test ends with no timer left).
  await new Promise((r) => setTimeout(r, 80));
  clearTimeout(alive);
  assert.equal(q.size, 0);
});
