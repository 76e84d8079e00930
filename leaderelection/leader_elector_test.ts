import assert from "node:assert/strict";
import { FakeClock, flushTasks } from "../_internal/clock.ts";
import { FakeLock, FakeLockStore } from "./_fake_lock_test.ts";
import { formatMicroTime } from "./_micro_time.ts";
import {
  JITTER_FACTOR,
  type LeaderElectionConfig,
  LeaderElector,
  runLeaderElection,
} from "./leader_elector.ts";
import { LeaderElectionError } from "./leader_election_error.ts";
import type { LeaderElectionRecord } from "./resource_lock.ts";

const START = Date.UTC(2026, 0, 1);

interface Probe {
  started: number;
  stopped: number;
  newLeaders: string[];
  leadingSignal: AbortSignal | undefined;
  errors: string[];
}

function candidate(
  clock: FakeClock,
  store: FakeLockStore,
  identity: string,
  overrides: Partial<LeaderElectionConfig> = {},
): { elector: LeaderElector; lock: FakeLock; probe: Probe; config: LeaderElectionConfig } {
  const lock = new FakeLock(store, identity);
  const probe: Probe = { started: 0, stopped: 0, newLeaders: [], leadingSignal: undefined, errors: [] };
  const config: LeaderElectionConfig = {
    lock,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    clock,
    random: () => 0,
    logger: { info() {}, error: (m) => probe.errors.push(m) },
    callbacks: {
      onStartedLeading: (signal) => {
        probe.started++;
        probe.leadingSignal = signal;
      },
      onStoppedLeading: () => {
        probe.stopped++;
      },
      onNewLeader: (id) => {
        probe.newLeaders.push(id);
      },
    },
    ...overrides,
  };
  return { elector: new LeaderElector(config), lock, probe, config };
}

function held(holder: string, overrides: Partial<LeaderElectionRecord> = {}): LeaderElectionRecord {
  return {
    holderIdentity: holder,
    leaseDurationSeconds: 15,
    acquireTime: "2020-01-01T00:00:00.000000Z",
    renewTime: "2020-01-01T00:00:00.000000Z",
    leaderTransitions: 3,
    ...overrides,
  };
}

// ---- Validation ----------------------------------------------------------------------------------

Deno.test("validation: 15 s / 10 s / 2 s is accepted", () => {
  const clock = new FakeClock();
  const { elector } = candidate(clock, new FakeLockStore(() => clock.now()), "me");
  assert.equal(elector.isLeader(), false);
  assert.equal(elector.getLeader(), "");
});

Deno.test("validation: durations, callbacks, lock and identity as client-go", () => {
  const clock = new FakeClock();
  const store = new FakeLockStore(() => clock.now());
  const base = candidate(clock, store, "me").config;
  const cases: [Partial<LeaderElectionConfig>, string][] = [
    [{ leaseDurationMs: 10_000 }, "leaseDuration must be greater than renewDeadline"],
    [{ leaseDurationMs: 9_000 }, "leaseDuration must be greater than renewDeadline"],
    [{ renewDeadlineMs: 2_400 }, "renewDeadline must be greater than retryPeriod*JitterFactor"],
    [{ renewDeadlineMs: 2_300 }, "renewDeadline must be greater than retryPeriod*JitterFactor"],
    [
      { leaseDurationMs: 0, renewDeadlineMs: -1, retryPeriodMs: -1 },
      "leaseDuration must be greater than zero",
    ],
    [{ renewDeadlineMs: 0, retryPeriodMs: -1 }, "renewDeadline must be greater than zero"],
    [{ retryPeriodMs: 0 }, "retryPeriod must be greater than zero"],
    [{ retryPeriodMs: -5 }, "retryPeriod must be greater than zero"],
    [
      { callbacks: { ...base.callbacks, onStartedLeading: undefined! } },
      "onStartedLeading callback is required",
    ],
    [
      { callbacks: { ...base.callbacks, onStoppedLeading: undefined! } },
      "onStoppedLeading callback is required",
    ],
    [{ lock: undefined! }, "Lock is required"],
    [{ lock: new FakeLock(store, "") }, "Lock identity is empty"],
  ];
  for (const [override, message] of cases) {
    assert.throws(() => new LeaderElector({ ...base, ...override }), (e: unknown) => {
      assert.ok(e instanceof LeaderElectionError, `${message}: ${e}`);
      assert.equal(e.message, message);
      assert.equal(e.name, "LeaderElectionError");
      return true;
    });
  }
  // Just above the limits is fine.
  new LeaderElector({ ...base, renewDeadlineMs: 2_401 });
  new LeaderElector({ ...base, leaseDurationMs: 10_001 });
  assert.equal(JITTER_FACTOR, 1.2);
});

Deno.test("validation: runLeaderElection rejects an invalid config", async () => {
  const clock = new FakeClock();
  const base = candidate(clock, new FakeLockStore(() => clock.now()), "me").config;
  await assert.rejects(runLeaderElection({ ...base, retryPeriodMs: 0 }), LeaderElectionError);
});

// ---- Acquire ------------------------------------------------------------------------------------

Deno.test("acquire: a missing lease is created with holder self, duration, acquire = renew = now", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now());
  const { elector, probe, lock } = candidate(clock, store, "me");
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  await clock.advance(0);
  // Acquired, then the renew loop's first renewal runs at once (as client-go's does).
  assert.deepEqual(store.calls.map((c) => c.op), ["get", "create", "update"]);
  assert.deepEqual(store.calls[1].record, store.calls[2].record);
  const stamp = "2026-01-01T00:00:00.000000Z";
  assert.deepEqual(store.record, {
    holderIdentity: "me",
    leaseDurationSeconds: 15,
    acquireTime: stamp,
    renewTime: stamp,
    leaderTransitions: 0,
  });
  assert.equal(elector.isLeader(), true);
  assert.equal(elector.getLeader(), "me");
  assert.equal(probe.started, 1);
  assert.deepEqual(probe.newLeaders, ["me"]);
  assert.deepEqual(lock.events, ["became leader"]);
  ac.abort();
  await done;
  assert.equal(probe.stopped, 1);
  assert.deepEqual(lock.events, ["became leader", "stopped leading"]);
});

Deno.test("acquire: an empty holder is taken over at once, transitions + 1", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(
    () => clock.now(),
    held("", { leaseDurationSeconds: 1, leaderTransitions: 7 }),
  );
  const { elector, probe } = candidate(clock, store, "me");
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  await clock.advance(0);
  assert.deepEqual(store.calls.map((c) => c.op), ["get", "update", "update"]);
  assert.equal(store.record?.holderIdentity, "me");
  assert.equal(store.record?.leaderTransitions, 8);
  assert.equal(store.record?.leaseDurationSeconds, 15);
  assert.equal(store.record?.acquireTime, formatMicroTime(START));
  assert.equal(probe.started, 1);
  ac.abort();
  await done;
});

Deno.test("acquire: a valid lease held by another is only read, never written", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now(), held("other"));
  const { elector, probe } = candidate(clock, store, "me");
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  // The other candidate keeps renewing every 2 s, so the lease never expires for us.
  for (let i = 0; i < 30; i++) {
    await clock.advance(1_000);
    if (i % 2 === 1) store.set({ ...store.record!, renewTime: formatMicroTime(clock.now()) });
  }
  assert.ok(store.callsOf("me", "get").length >= 14);
  assert.equal(store.callsOf("me", "update").length, 0);
  assert.equal(store.callsOf("me", "create").length, 0);
  assert.equal(elector.isLeader(), false);
  assert.equal(elector.getLeader(), "other");
  assert.deepEqual(probe.newLeaders, ["other"]);
  assert.equal(probe.started, 0);
  ac.abort();
  await done;
  assert.equal(probe.stopped, 1, "onStoppedLeading runs even when it never led");
});

Deno.test("acquire: retries every retryPeriod * (1 + random * 1.2)", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now(), held("other"));
  const { elector } = candidate(clock, store, "me", { random: () => 0.5, leaseDurationMs: 60_000 });
  store.set(held("other", { leaseDurationSeconds: 60 }));
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  await clock.advance(20_000);
  const times = store.callsOf("me", "get").map((c) => c.at - START);
  // 2000 * (1 + 0.5 * 1.2) = 3200 ms between attempts.
  assert.deepEqual(times, [0, 3_200, 6_400, 9_600, 12_800, 16_000, 19_200]);
  ac.abort();
  await done;
});

// ---- Expiry on the local clock -------------------------------------------------------------------

Deno.test("expiry: judged from when the record last changed locally, not from its timestamps", async () => {
  const clock = new FakeClock(START);
  // The record claims a renewal years ago: a client comparing timestamps would take it over at once.
  const store = new FakeLockStore(() => clock.now(), held("other"));
  const { elector } = candidate(clock, store, "me");
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  await clock.advance(14_000);
  assert.equal(store.callsOf("me", "update").length, 0, "still valid 14 s after we first saw it");
  // 15 s after first seeing it, unchanged: at the next attempt (16 s) it has expired.
  await clock.advance(2_000);
  assert.equal(store.record?.holderIdentity, "me");
  assert.equal(store.record?.leaderTransitions, 4);
  const takeover = store.callsOf("me", "update")[0];
  assert.equal(takeover.at - START, 16_000);
  assert.equal(elector.isLeader(), true);
  ac.abort();
  await done;
});

Deno.test("expiry: a record stamped in the future does not extend the lease", async () => {
  const clock = new FakeClock(START);
  const future = "2099-01-01T00:00:00.000000Z";
  const store = new FakeLockStore(
    () => clock.now(),
    held("other", { renewTime: future, acquireTime: future }),
  );
  const { elector } = candidate(clock, store, "me");
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  await clock.advance(16_000);
  assert.equal(store.record?.holderIdentity, "me");
  ac.abort();
  await done;
});

Deno.test("expiry: each change of the record restarts the countdown", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now(), held("other"));
  const { elector } = candidate(clock, store, "me");
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  await clock.advance(9_000);
  store.set({ ...store.record!, renewTime: formatMicroTime(clock.now()) }); // renewed at 9 s
  await clock.advance(15_000); // t = 24 s: we saw the change at 10 s, lease valid until 25 s
  assert.equal(store.callsOf("me", "update").length, 0);
  await clock.advance(4_000); // next attempt at 26 s
  assert.equal(store.record?.holderIdentity, "me");
  assert.equal(store.callsOf("me", "update")[0].at - START, 26_000);
  ac.abort();
  await done;
});

// ---- Renew --------------------------------------------------------------------------------------

Deno.test("renew: every retryPeriod, keeping acquireTime and transitions, optimistic update", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now(), held("", { leaderTransitions: 2 }));
  const { elector, probe } = candidate(clock, store, "me");
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  await clock.advance(0);
  const acquired = store.record!;
  assert.equal(acquired.leaderTransitions, 3);
  const callsAfterAcquire = store.calls.length;
  await clock.advance(10_000);
  const renewals = store.calls.slice(callsAfterAcquire);
  assert.deepEqual(renewals.map((c) => c.op), ["update", "update", "update", "update", "update"]);
  assert.deepEqual(renewals.map((c) => c.at - START), [2_000, 4_000, 6_000, 8_000, 10_000]);
  assert.equal(store.record?.acquireTime, acquired.acquireTime);
  assert.equal(store.record?.leaderTransitions, 3);
  assert.equal(store.record?.renewTime, formatMicroTime(START + 10_000));
  assert.deepEqual(probe.newLeaders, ["me"], "a renewal is not a new leader");
  assert.equal(probe.started, 1);
  ac.abort();
  await done;
});

Deno.test("renew: a conflicting optimistic update falls back to get then update", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now());
  const slow: string[] = [];
  const { elector } = candidate(clock, store, "me", { metrics: { slowpathExercised: (n) => slow.push(n) } });
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  await clock.advance(0);
  // Someone touches the object without changing the holder (for example a label edit).
  store.version++;
  const before = store.calls.length;
  await clock.advance(2_000);
  assert.deepEqual(store.calls.slice(before).map((c) => c.op), ["update", "get", "update"]);
  assert.equal(store.record?.holderIdentity, "me");
  assert.deepEqual(slow, ["default/fake"]);
  assert.equal(elector.isLeader(), true);
  ac.abort();
  await done;
});

Deno.test("renew: a leader that cannot renew within renewDeadline stops leading", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now());
  const { elector, probe, lock } = candidate(clock, store, "me");
  const done = elector.run(); // no signal: runs until leadership is lost
  await clock.advance(4_000); // acquired at 0, renewed at 2 s and 4 s
  assert.equal(probe.started, 1);
  store.down = true;
  await clock.advance(11_999); // first failed renewal at 6 s; deadline at 16 s
  assert.equal(probe.stopped, 0);
  assert.equal(probe.leadingSignal?.aborted, false);
  const failing = store.callsOf("me").filter((c) => c.at - START >= 6_000);
  assert.ok(failing.length >= 5, "retries every retryPeriod during the deadline");
  await clock.advance(1);
  await done;
  assert.equal(clock.now() - START, 16_000);
  assert.equal(probe.leadingSignal?.aborted, true);
  assert.equal(probe.stopped, 1);
  assert.deepEqual(lock.events, ["became leader", "stopped leading"]);
  assert.ok(probe.errors.length > 0, "failed calls are logged");
});

Deno.test("renew: a renewal that hangs is cut off at renewDeadline", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now());
  const { elector, probe, lock } = candidate(clock, store, "me");
  const done = elector.run();
  await clock.advance(0);
  lock.hung = true;
  await clock.advance(2_000 + 9_999);
  assert.equal(probe.stopped, 0);
  await clock.advance(1);
  await done;
  assert.equal(probe.stopped, 1);
  assert.equal(probe.leadingSignal?.aborted, true);
  assert.equal(clock.now() - START, 12_000);
});

Deno.test("renew: losing the lock to another holder stops leading and reports the new leader", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now());
  const { elector, probe } = candidate(clock, store, "me");
  const done = elector.run();
  await clock.advance(0);
  store.set(held("thief")); // e.g. our lease was taken over while we were paused
  await clock.advance(11_999);
  assert.equal(probe.stopped, 0, "keeps trying until the renew deadline");
  await clock.advance(1);
  await done;
  assert.deepEqual(probe.newLeaders, ["me", "thief"]);
  assert.equal(elector.isLeader(), false);
  assert.equal(elector.getLeader(), "thief");
  assert.equal(probe.stopped, 1);
  assert.equal(store.record?.holderIdentity, "thief", "never overwritten while valid");
});

Deno.test("callbacks: onStartedLeading rejecting or throwing is logged, the election goes on", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now());
  const { probe, config } = candidate(clock, store, "me");
  const elector = new LeaderElector({
    ...config,
    callbacks: {
      onStartedLeading: () => Promise.reject(new Error("boom")),
      onStoppedLeading: () => {
        throw new Error("bang");
      },
    },
  });
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  await clock.advance(4_000);
  assert.equal(elector.isLeader(), true);
  ac.abort();
  await done;
  assert.deepEqual(probe.errors, [
    "The onStartedLeading callback failed",
    "The onStoppedLeading callback failed",
  ]);
});

Deno.test("run: a second concurrent run is refused; a stopped elector can run again", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now());
  const { elector, probe } = candidate(clock, store, "me");
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  await assert.rejects(elector.run(), LeaderElectionError);
  await clock.advance(0);
  assert.equal(probe.started, 1);
  ac.abort();
  await done;
  const ac2 = new AbortController();
  const again = elector.run(ac2.signal);
  await clock.advance(0);
  assert.equal(probe.started, 2);
  ac2.abort();
  await again;
});

Deno.test("run: an already aborted signal does nothing but onStoppedLeading", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now());
  const { elector, probe } = candidate(clock, store, "me");
  await elector.run(AbortSignal.abort());
  assert.equal(store.calls.length, 0);
  assert.equal(probe.started, 0);
  assert.equal(probe.stopped, 1);
});

// ---- Release ------------------------------------------------------------------------------------

Deno.test('release: releaseOnCancel reads, then writes holder "" for 1 s keeping transitions', async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now(), held("", { leaderTransitions: 5 }));
  const { elector, probe } = candidate(clock, store, "me", { releaseOnCancel: true });
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  await clock.advance(3_000);
  const before = store.calls.length;
  ac.abort();
  await done;
  assert.deepEqual(store.calls.slice(before).map((c) => c.op), ["get", "update"]);
  assert.deepEqual(store.record, {
    holderIdentity: "",
    leaseDurationSeconds: 1,
    acquireTime: formatMicroTime(START + 3_000),
    renewTime: formatMicroTime(START + 3_000),
    leaderTransitions: 6,
  });
  assert.equal(elector.isLeader(), false);
  assert.equal(probe.leadingSignal?.aborted, true);
  assert.equal(probe.stopped, 1);
});

Deno.test("release: without releaseOnCancel the lease is left to expire", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now());
  const { elector } = candidate(clock, store, "me");
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  await clock.advance(3_000);
  const before = store.calls.length;
  ac.abort();
  await done;
  assert.equal(store.calls.length, before);
  assert.equal(store.record?.holderIdentity, "me");
});

Deno.test("release: a conflicting write is retried with a fresh read", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now());
  const { elector } = candidate(clock, store, "me", { releaseOnCancel: true });
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  await clock.advance(1_000);
  let conflicts = 0;
  store.beforeCall = (call) => {
    // A renewal still in flight lands between the release's read and write, twice.
    if (call.op === "update" && conflicts < 2) {
      conflicts++;
      store.version++;
    }
  };
  const before = store.calls.length;
  ac.abort();
  await clock.advance(100);
  await done;
  assert.deepEqual(store.calls.slice(before).map((c) => c.op), [
    "get",
    "update",
    "get",
    "update",
    "get",
    "update",
  ]);
  assert.equal(store.record?.holderIdentity, "");
  assert.equal(store.record?.leaseDurationSeconds, 1);
});

Deno.test("release: a lock taken over by another is not overwritten", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now());
  const { elector, probe } = candidate(clock, store, "me", { releaseOnCancel: true });
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  await clock.advance(1_000);
  store.set(held("other"));
  const before = store.calls.length;
  ac.abort();
  await done;
  assert.deepEqual(store.calls.slice(before).map((c) => c.op), ["get"]);
  assert.equal(store.record?.holderIdentity, "other");
  assert.equal(probe.stopped, 1);
});

Deno.test("release: another candidate takes a released lock at its next attempt", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now());
  const a = candidate(clock, store, "a", { releaseOnCancel: true });
  const b = candidate(clock, store, "b");
  const acA = new AbortController();
  const acB = new AbortController();
  const doneA = a.elector.run(acA.signal);
  await clock.advance(0);
  const doneB = b.elector.run(acB.signal);
  await clock.advance(5_500);
  assert.equal(a.elector.isLeader(), true);
  assert.equal(b.elector.isLeader(), false);
  acA.abort();
  await doneA;
  const releasedAt = clock.now();
  await clock.advance(2_000);
  assert.equal(b.elector.isLeader(), true);
  const takeover = store.callsOf("b", "update")[0];
  assert.ok(takeover.at - releasedAt <= 2_000, `took over ${takeover.at - releasedAt} ms after release`);
  acB.abort();
  await doneB;
});

// ---- Several candidates -------------------------------------------------------------------------

Deno.test("election: three candidates, one leader at a time; a dead leader is replaced in time", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now());
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const ids = ["a", "b", "c"];
  const cands = ids.map((id) => candidate(clock, store, id, { random }));
  const acs = ids.map(() => new AbortController());
  const dones = cands.map((c, i) => c.elector.run(acs[i].signal));
  const leading = () => cands.filter((c) => c.probe.leadingSignal && !c.probe.leadingSignal.aborted).length;
  for (let t = 0; t < 30_000; t += 250) {
    await clock.advance(250);
    assert.ok(leading() <= 1, `at most one leader at ${t}`);
    assert.ok(cands.filter((c) => c.elector.isLeader()).length <= 1);
  }
  assert.equal(leading(), 1);
  const first = cands.find((c) => c.elector.isLeader())!;
  // The leader "dies": its calls hang forever (like kill -9 mid-flight); it never releases.
  first.lock.hung = true;
  const diedAt = clock.now();
  let newLeaderAt: number | undefined;
  for (let t = 0; t < 30_000; t += 100) {
    await clock.advance(100);
    const others = cands.filter((c) => c !== first && c.elector.isLeader());
    assert.ok(others.length <= 1);
    if (others.length === 1 && newLeaderAt === undefined) newLeaderAt = clock.now();
  }
  assert.ok(newLeaderAt !== undefined, "someone took over");
  // Worst case: lease duration after the last observed change, plus one jittered retry period.
  const bound = 15_000 + 2_000 * (1 + JITTER_FACTOR) + 2_000;
  assert.ok(newLeaderAt - diedAt <= bound, `handover took ${newLeaderAt - diedAt} ms`);
  assert.equal(first.probe.stopped, 1, "the hung leader stepped down at its renew deadline");
  for (const ac of acs) ac.abort();
  await Promise.all(dones);
});

Deno.test("check: healthy while renewing, unhealthy once the lease is overdue", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now());
  const { elector, lock } = candidate(clock, store, "me", { leaseDurationMs: 15_000 });
  assert.equal(elector.check(0), undefined, "not a leader: healthy");
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  await clock.advance(6_000);
  assert.equal(elector.check(0), undefined);
  lock.hung = true; // last renewal at 6 s; the renew deadline ends leadership at 18 s
  await clock.advance(9_000); // t = 15 s: 9 s since renewal
  assert.equal(elector.check(0), undefined);
  ac.abort();
  await done;
  // Pretend it still believes it leads (no release): the record says "me".
  assert.equal(elector.isLeader(), true);
  await clock.advance(7_000); // 16 s since the last renewal
  assert.ok(elector.check(0) instanceof LeaderElectionError);
  assert.equal(elector.check(5_000), undefined);
});

Deno.test("run: cancelling during a call in flight logs nothing and still stops cleanly", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now());
  const { elector, probe, lock } = candidate(clock, store, "me");
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  await clock.advance(1_000);
  lock.hung = true;
  await clock.advance(1_000); // the renewal at 2 s is in flight
  ac.abort();
  await done;
  assert.deepEqual(probe.errors, []);
  assert.equal(probe.stopped, 1);
  assert.equal(probe.leadingSignal?.aborted, true);
});

Deno.test("run: resolves only after an async onStoppedLeading has finished", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now());
  const { config } = candidate(clock, store, "me");
  let finishStopping!: () => void;
  let stoppedDone = false;
  const elector = new LeaderElector({
    ...config,
    callbacks: {
      onStartedLeading: () => {},
      onStoppedLeading: async () => {
        await new Promise<void>((r) => (finishStopping = r));
        stoppedDone = true;
      },
    },
  });
  const ac = new AbortController();
  let resolved = false;
  const done = elector.run(ac.signal).then(() => (resolved = true));
  await clock.advance(0);
  assert.equal(elector.isLeader(), true);
  ac.abort();
  await clock.advance(1_000);
  assert.equal(typeof finishStopping, "function", "onStoppedLeading was called");
  assert.equal(resolved, false, "run waits for onStoppedLeading");
  finishStopping();
  await done;
  assert.equal(stoppedDone, true);

  // A rejecting onStoppedLeading is logged; run still resolves.
  const { probe, config: c2 } = candidate(clock, new FakeLockStore(() => clock.now()), "me");
  const failing = new LeaderElector({
    ...c2,
    callbacks: { onStartedLeading: () => {}, onStoppedLeading: () => Promise.reject(new Error("late")) },
  });
  await failing.run(AbortSignal.abort());
  assert.deepEqual(probe.errors, ["The onStoppedLeading callback failed"]);
});

Deno.test("logger: a logger that throws is contained; the election goes on and stops cleanly", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now());
  const { config } = candidate(clock, store, "me");
  const unhandled: unknown[] = [];
  const onUnhandled = (e: PromiseRejectionEvent) => {
    e.preventDefault();
    unhandled.push(e.reason);
  };
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  try {
    let stopped = 0;
    const elector = new LeaderElector({
      ...config,
      logger: {
        info() {
          throw new Error("info broke");
        },
        error() {
          throw new Error("error broke");
        },
      },
      callbacks: {
        onStartedLeading: () => Promise.reject(new Error("boom")),
        onStoppedLeading: () => void stopped++,
      },
    });
    const ac = new AbortController();
    const done = elector.run(ac.signal);
    await clock.advance(0);
    assert.equal(elector.isLeader(), true);
    store.down = true; // renewals fail: errors logged (and thrown by the logger)
    await clock.advance(4_000);
    store.down = false;
    await clock.advance(2_000);
    assert.equal(elector.isLeader(), true);
    ac.abort();
    await done;
    assert.equal(stopped, 1);
    await flushTasks();
    assert.deepEqual(unhandled, []);
  } finally {
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
  }
});

Deno.test("dispose: await using stops a leading elector, releases with releaseOnCancel, and waits for it", async () => {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now(), held(""));
  const { elector, probe } = candidate(clock, store, "me", { releaseOnCancel: true });
  let done: Promise<void> | undefined;
  {
    await using running = elector;
    done = running.run();
    await clock.advance(3_000);
    assert.equal(running.isLeader(), true);
  }
  assert.equal(probe.leadingSignal?.aborted, true);
  assert.equal(probe.stopped, 1);
  assert.equal(store.record?.holderIdentity, "");
  await done;
  // Disposed: a later run stops at once.
  await elector.run();
  assert.equal(probe.started, 1);
  assert.equal(probe.stopped, 2);
});
