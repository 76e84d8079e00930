// Unit tests of the leader elector's per-call lock timeout (lockCallTimeoutMs): every call is told its
// timeout, a call that never returns is cut off, and a leader whose connection died renews in time.
import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import { DeadlineExceededError } from "../rest/deadline.ts";
import { FakeLock, FakeLockStore } from "./_fake_lock_test.ts";
import { formatMicroTime } from "./_micro_time.ts";
import { type LeaderElectionConfig, LeaderElector } from "./leader_elector.ts";
import { LeaderElectionError } from "./leader_election_error.ts";
import { type Lease, type LeaseCallOptions, LeaseLock } from "./lease_lock.ts";
import type { LeaderElectionRecord, LockCallOptions, LockGetResult } from "./resource_lock.ts";

const START = Date.UTC(2026, 0, 1);

/**
 * A fake lock that records the options of every call; the next `dead` calls wait, as over a
 * half-open connection, until their timeout passes (then reject as the REST client does, which also
 * drops the dead connection) or, when `ignoreTimeout` is set, until their signal aborts.
 */
class DeadConnectionLock extends FakeLock {
  readonly options: LockCallOptions[] = [];
  dead = 0;
  ignoreTimeout = false;
  constructor(store: FakeLockStore, identity: string, readonly clock: FakeClock) {
    super(store, identity);
  }
  async #wait(options: LockCallOptions): Promise<void> {
    this.options.push(options);
    if (this.dead === 0) return;
    this.dead--;
    await new Promise<void>((_, reject) => {
      const signal = options.signal;
      const timer = this.ignoreTimeout || options.timeoutMs === undefined ? undefined : this.clock.setTimer(
        () =>
          reject(
            new DeadlineExceededError("127.0.0.1:6443", {
              kind: "response-headers",
              timeoutMs: options.timeoutMs!,
            }),
          ),
        options.timeoutMs,
      );
      signal?.addEventListener("abort", () => {
        timer?.cancel();
        reject(signal.reason);
      }, { once: true });
    });
  }
  override async get(options: LockCallOptions = {}): Promise<LockGetResult> {
    await this.#wait(options);
    return super.get(options);
  }
  override async create(record: LeaderElectionRecord, options: LockCallOptions = {}): Promise<void> {
    await this.#wait(options);
    return super.create(record, options);
  }
  override async update(record: LeaderElectionRecord, options: LockCallOptions = {}): Promise<void> {
    await this.#wait(options);
    return super.update(record, options);
  }
}

function setup(overrides: Partial<LeaderElectionConfig> = {}) {
  const clock = new FakeClock(START);
  const store = new FakeLockStore(() => clock.now());
  const lock = new DeadConnectionLock(store, "me", clock);
  const probe = { started: 0, stopped: 0, errors: [] as string[] };
  const config: LeaderElectionConfig = {
    lock,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    clock,
    random: () => 0,
    logger: { info() {}, error: (m) => probe.errors.push(m) },
    callbacks: {
      onStartedLeading: () => void probe.started++,
      onStoppedLeading: () => void probe.stopped++,
    },
    ...overrides,
  };
  return { clock, store, lock, probe, elector: new LeaderElector(config) };
}

Deno.test("lock calls: each is told a timeout of half the renew deadline by default, or lockCallTimeoutMs", async () => {
  for (const [overrides, want] of [[{}, 5_000], [{ lockCallTimeoutMs: 1_500 }, 1_500]] as const) {
    const t = setup(overrides);
    const ac = new AbortController();
    const done = t.elector.run(ac.signal);
    await t.clock.advance(4_000);
    assert.equal(t.probe.started, 1);
    assert.ok(t.lock.options.length >= 3);
    assert.ok(t.lock.options.every((o) => o.timeoutMs === want && o.signal instanceof AbortSignal));
    ac.abort();
    await done;
  }
});

Deno.test("lock calls: a leader whose connection died is noticed at the call timeout and renews in time", async () => {
  const t = setup();
  const ac = new AbortController();
  const done = t.elector.run(ac.signal);
  await t.clock.advance(0);
  assert.equal(t.probe.started, 1);
  // The next renewal (at 2 s) goes over a dead connection; it is noticed at 7 s.
  t.lock.dead = 1;
  await t.clock.advance(2_000 + 4_999);
  assert.deepEqual(t.probe.errors, []);
  await t.clock.advance(1);
  assert.equal(t.probe.errors.length, 1, "the dead call is logged");
  // The slow path goes over a new connection at once and renews before the renew deadline (at 12 s).
  await t.clock.advance(100);
  const writes = t.store.callsOf("me", "update").map((c) => c.at - START);
  assert.ok(writes.includes(7_000), `renewed at 7 s: ${writes}`);
  // The record written is the renewal begun at 2 s (its time is taken when the try starts).
  assert.equal(t.store.record?.renewTime, formatMicroTime(START + 2_000));
  assert.equal(t.store.record?.holderIdentity, "me");
  assert.equal(t.probe.stopped, 0, "still leading");
  assert.equal(t.elector.isLeader(), true);
  ac.abort();
  await done;
});

Deno.test("lock calls: a lock that ignores timeoutMs is cut off after twice the call timeout", async () => {
  const t = setup({ lockCallTimeoutMs: 2_000 });
  t.lock.dead = 1;
  t.lock.ignoreTimeout = true;
  const ac = new AbortController();
  const done = t.elector.run(ac.signal);
  await t.clock.advance(3_999);
  assert.equal(t.lock.options.length, 1);
  await t.clock.advance(1);
  assert.equal(t.probe.errors.length, 1);
  // Acquire retries after the retry period, over a connection that works again.
  await t.clock.advance(2_000);
  assert.equal(t.probe.started, 1);
  ac.abort();
  await done;
});

Deno.test("lock calls: lockCallTimeoutMs must be a number greater than zero", () => {
  for (const bad of [0, -1, Number.NaN]) {
    assert.throws(() => setup({ lockCallTimeoutMs: bad }), LeaderElectionError);
  }
});

Deno.test("LeaseLock passes the call's timeoutMs and signal to the Leases client", async () => {
  const seen: LeaseCallOptions[] = [];
  let stored: Lease | undefined;
  const leases = {
    get: (_name: string, o?: LeaseCallOptions) => {
      seen.push(o ?? {});
      return stored ? Promise.resolve(stored) : Promise.reject(new Error("absent"));
    },
    create: (lease: Lease, o?: LeaseCallOptions) => {
      seen.push(o ?? {});
      return Promise.resolve(stored = { ...lease, metadata: { ...lease.metadata, resourceVersion: "1" } });
    },
    update: (lease: Lease, o?: LeaseCallOptions) => {
      seen.push(o ?? {});
      return Promise.resolve(stored = lease);
    },
  };
  const lock = new LeaseLock({
    client: { leases: () => leases },
    namespace: "ns",
    name: "l",
    identity: "me",
  });
  const signal = new AbortController().signal;
  const record: LeaderElectionRecord = {
    holderIdentity: "me",
    leaseDurationSeconds: 15,
    acquireTime: "",
    renewTime: "",
    leaderTransitions: 0,
  };
  await lock.create(record, { signal, timeoutMs: 1234 });
  await lock.get({ signal, timeoutMs: 1234 });
  await lock.update(record, { signal, timeoutMs: 1234 });
  await lock.get({ signal });
  assert.deepEqual(seen.map((o) => [o.signal === signal, o.timeoutMs]), [
    [true, 1234],
    [true, 1234],
    [true, 1234],
    [true, undefined],
  ]);
});
