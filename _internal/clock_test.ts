import assert from "node:assert/strict";
import { FakeClock, MONOTONIC_CLOCK, REAL_CLOCK, setDeadline } from "./clock.ts";
import { countingTimers } from "./_timer_counts_test.ts";
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

Deno.test("setDeadline on a fake clock is the clock's timer", async () => {
  const clock = new FakeClock(0);
  let fired = 0;
  setDeadline(clock, () => fired++, 5000);
  const cancelled = setDeadline(clock, () => fired++, 5000);
  assert.equal(cancelled.cancel(), true);
  await clock.advance(4999);
  assert.equal(fired, 0);
  await clock.advance(1);
  assert.equal(fired, 1);
  assert.equal(cancelled.cancel(), false);
});

Deno.test("setDeadline on the real clock sets no runtime timer for a deadline cancelled within its first stage", async () => {
  for (const clock of [REAL_CLOCK, MONOTONIC_CLOCK]) {
    let fired = false;
    const calls = await countingTimers(() => {
      const t = setDeadline(clock, () => fired = true, 120_000);
      assert.equal(t.cancel(), true);
      assert.equal(t.cancel(), false);
    });
    assert.deepEqual(calls, { set: 0, cleared: 0 });
    assert.equal(fired, false);
  }
});

Deno.test("setDeadline on the real clock fires once after both stages, and not after a cancel", async () => {
  let fired = 0;
  let done!: () => void;
  const passed = new Promise<void>((resolve) => done = resolve);
  const calls = await countingTimers(async () => {
    setDeadline(
      REAL_CLOCK,
      () => {
        fired++;
        done();
      },
      8,
      5,
    );
    // Cancelled in its second stage: its runtime timer is cleared.
    const cancelled = setDeadline(REAL_CLOCK, () => fired++, 60_000, 1);
    await passed;
    assert.equal(cancelled.cancel(), true);
  });
  assert.equal(fired, 1);
  assert.deepEqual(calls, { set: 2, cleared: 1 }, "each second stage is a runtime timer");
  // A deadline within the first stage fires from it alone.
  const short = await countingTimers(async () => {
    await new Promise<void>((resolve) => setDeadline(REAL_CLOCK, resolve, 1));
  });
  assert.deepEqual(short, { set: 0, cleared: 0 });
});

Deno.test("setDeadline on Deno's real clock offers no unref: its first stage cannot be unref'd", () => {
  const t = setDeadline(REAL_CLOCK, () => {}, 60_000);
  assert.equal(t.unref, undefined);
  t.cancel();
});

Deno.test("setDeadline on Deno's real clock: deadlines one after the other share one first-stage signal, each firing at its own time", async () => {
  const timeout = AbortSignal.timeout;
  let made = 0;
  AbortSignal.timeout = (ms: number) => {
    made++;
    return timeout.call(AbortSignal, ms);
  };
  try {
    // Sequential requests: each sets its deadline and cancels it when answered.
    for (let i = 0; i < 100; i++) assert.equal(setDeadline(REAL_CLOCK, () => {}, 60_000, 40).cancel(), true);
    assert.equal(made, 1, "one signal for the hundred");
    // Set 20 ms into a pending stage due at 40 ms, a 30 ms deadline shares it and times its last 10 ms.
    const times: Record<string, number> = {};
    const t0 = performance.now();
    const early = setDeadline(REAL_CLOCK, () => times.early = performance.now() - t0, 60_000, 40);
    await new Promise((r) => setTimeout(r, 20));
    const setAt = performance.now() - t0;
    await new Promise<void>((resolve) =>
      setDeadline(
        REAL_CLOCK,
        () => {
          times.shared = performance.now() - t0;
          resolve();
        },
        30,
        40,
      )
    );
    assert.equal(made <= 2, true, `signals made: ${made}`);
    assert.ok(times.shared - setAt >= 29, `fired ${times.shared - setAt} ms after it was set, not 30`);
    assert.equal(times.early, undefined, "the 60 s deadline has not fired");
    early.cancel();
    // A deadline due before the pending stage ends gets a signal of its own.
    const before = made;
    const own = setDeadline(REAL_CLOCK, () => {}, 5, 40);
    assert.equal(made, before + 1);
    own.cancel();
  } finally {
    AbortSignal.timeout = timeout;
  }
});
