/**
 * The leader elector (client-go's `leaderelection.LeaderElector`): candidates compete for a
 * {@linkcode ResourceLock}; the winner renews it every retry period and stops leading when it cannot
 * renew within the renew deadline.
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import { linkSignals } from "../_internal/async.ts";
import { isConflict, isNotFound } from "../rest/errors.ts";
import { formatMicroTime } from "./_micro_time.ts";
import { LeaderElectionError } from "./leader_election_error.ts";
import type { LeaderElectionRecord, LockCallOptions, LockGetResult, ResourceLock } from "./resource_lock.ts";

/**
 * Jitter applied to the retry period while acquiring: each wait is `retryPeriod * (1 + random * 1.2)`
 * (client-go's `JitterFactor`). `renewDeadline` must exceed `retryPeriod * JITTER_FACTOR`.
 */
export const JITTER_FACTOR: number = 1.2;

/** What the elector calls as leadership comes and goes (client-go's `LeaderCallbacks`). */
export interface LeaderCallbacks {
  /**
   * Called when this candidate becomes the leader. `signal` aborts when it stops leading (the lease
   * was lost, or the election was cancelled). Not awaited: the renew loop runs alongside it.
   */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /**
   * Called once when the election ends, whether or not this candidate ever led. Awaited: `run`
   * resolves after it has finished.
   */
  onStoppedLeading(): void | Promise<void>;
  /** Called whenever a new leader is observed (including this candidate), with its identity. */
  onNewLeader?(identity: string): void | Promise<void>;
}

/**
 * Receives the elector's messages; by default errors go to `console.error` and the rest is dropped.
 * A logger that throws is ignored: it never stops the election.
 */
export interface LeaderElectionLogger {
  /** Progress: acquiring, acquired, lock expired, failed to renew. */
  info(message: string): void;
  /** A failed call to the lock or a callback that threw. */
  error(message: string, error: unknown): void;
}

/** Metrics hooks (client-go's leader metrics); all are optional. */
export interface LeaderElectionMetrics {
  /** This candidate became leader of `name`. */
  leaderOn?(name: string): void;
  /** This candidate is not (or no longer) leader of `name`. */
  leaderOff?(name: string): void;
  /** A renewal had to fall back from the optimistic update to get-then-update. */
  slowpathExercised?(name: string): void;
}

/** Configuration of a {@linkcode LeaderElector} (client-go's `LeaderElectionConfig`). */
export interface LeaderElectionConfig {
  /** The lock candidates compete for. */
  lock: ResourceLock;
  /**
   * How long non-leaders wait after they last saw the lock change before they take it over. Written to
   * the lock in whole seconds. Usually 15 s.
   */
  leaseDurationMs: number;
  /** How long the leader keeps retrying to renew before it gives up leading. Usually 10 s. */
  renewDeadlineMs: number;
  /** How long candidates wait between attempts. Usually 2 s. */
  retryPeriodMs: number;
  /** What to call as leadership changes. */
  callbacks: LeaderCallbacks;
  /** Give the lock up (holder "" for 1 s) when the election is cancelled while leading. */
  releaseOnCancel?: boolean;
  /** A name for messages and metrics (default: the lock's description). */
  name?: string;
  /** The clock (default: the real clock). Expiry is judged on this clock only. */
  clock?: Clock;
  /** Random source in [0, 1) for the jitter of the acquire loop (default `Math.random`). */
  random?: () => number;
  /** Where messages go (default: errors to `console.error`). */
  logger?: LeaderElectionLogger;
  /** Metrics hooks. */
  metrics?: LeaderElectionMetrics;
  /**
   * The longest one call to the lock may wait for the API server (passed to the lock as `timeoutMs`,
   * so a half-open connection is noticed and dropped, and the next try goes over a new one). Default:
   * half of `renewDeadlineMs`, so a leader whose connection died can still renew in time. A lock
   * that ignores `timeoutMs` is cut off by the elector itself after twice this time.
   */
  lockCallTimeoutMs?: number;
}

const DEFAULT_LOGGER: LeaderElectionLogger = {
  info(): void {},
  error(message: string, error: unknown): void {
    console.error(`${message}:`, error instanceof Error ? error.message : error);
  },
};

/** `logger`, with whatever its methods throw dropped. */
function containedLogger(logger: LeaderElectionLogger): LeaderElectionLogger {
  return {
    info(message: string): void {
      try {
        logger.info(message);
      } catch {
        // A failing logger must not stop the election.
      }
    },
    error(message: string, error: unknown): void {
      try {
        logger.error(message, error);
      } catch {
        // A failing logger must not stop the election.
      }
    },
  };
}

const EMPTY_RECORD: LeaderElectionRecord = {
  holderIdentity: "",
  leaseDurationSeconds: 0,
  acquireTime: "",
  renewTime: "",
  leaderTransitions: 0,
};

/** Release retries this many times when the lock changed under it (Conflict). */
const RELEASE_ATTEMPTS = 5;
const RELEASE_RETRY_MS = 10;

function validate(config: LeaderElectionConfig): void {
  const fail = (message: string): never => {
    throw new LeaderElectionError(message);
  };
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = config;
  for (const [key, value] of Object.entries({ leaseDurationMs, renewDeadlineMs, retryPeriodMs })) {
    if (typeof value !== "number" || Number.isNaN(value)) fail(`${key} must be a number`);
  }
  if (leaseDurationMs <= renewDeadlineMs) fail("leaseDuration must be greater than renewDeadline");
  if (renewDeadlineMs <= JITTER_FACTOR * retryPeriodMs) {
    fail("renewDeadline must be greater than retryPeriod*JitterFactor");
  }
  if (leaseDurationMs < 1) fail("leaseDuration must be greater than zero");
  if (renewDeadlineMs < 1) fail("renewDeadline must be greater than zero");
  if (retryPeriodMs < 1) fail("retryPeriod must be greater than zero");
  if (typeof config.callbacks?.onStartedLeading !== "function") fail("onStartedLeading callback is required");
  if (typeof config.callbacks?.onStoppedLeading !== "function") fail("onStoppedLeading callback is required");
  const callMs = config.lockCallTimeoutMs;
  if (callMs !== undefined && !(typeof callMs === "number" && callMs > 0)) {
    fail("lockCallTimeoutMs must be a number greater than zero");
  }
  if (!config.lock) fail("Lock is required");
  if (config.lock.identity() === "") fail("Lock identity is empty");
}

/**
 * A candidate in a leader election. `run(signal)` competes for the lock until it wins, calls
 * `onStartedLeading`, renews the lock until it cannot or the signal aborts, then calls
 * `onStoppedLeading`.
 *
 * Expiry is judged only on the local clock: a lock held by another candidate counts as expired when
 * `leaseDurationSeconds` have passed since this candidate last saw the stored record change. Times
 * written by other candidates are never compared with the local clock, so clock skew between
 * candidates does not matter.
 *
 * @example Running a controller only while leading
 * ```ts
 * import { LeaderElector, LeaseLock } from "@kubeweb/client/leaderelection";
 * import type { Clientset } from "@kubeweb/client/clientset";
 *
 * declare const clientset: Clientset;
 * const elector = new LeaderElector({
 *   lock: new LeaseLock({
 *     client: clientset.coordinationV1(),
 *     namespace: "default",
 *     name: "my-controller",
 *     identity: crypto.randomUUID(),
 *   }),
 *   leaseDurationMs: 15_000,
 *   renewDeadlineMs: 10_000,
 *   retryPeriodMs: 2_000,
 *   releaseOnCancel: true,
 *   callbacks: {
 *     onStartedLeading: async (signal) => {
 *       while (!signal.aborted) await new Promise((r) => setTimeout(r, 1000));
 *     },
 *     onStoppedLeading: () => console.log("no longer leading"),
 *     onNewLeader: (id) => console.log("leader is", id),
 *   },
 * });
 * const stop = new AbortController();
 * Deno.addSignalListener("SIGTERM", () => stop.abort());
 * await elector.run(stop.signal);
 * ```
 */
export class LeaderElector {
  #config: LeaderElectionConfig;
  #clock: Clock;
  #random: () => number;
  #logger: LeaderElectionLogger;
  #name: string;
  #observedRecord: LeaderElectionRecord = EMPTY_RECORD;
  #observedRaw: string | undefined;
  #observedTime = 0;
  #reportedLeader = "";
  #running = false;
  #lockCallTimeoutMs: number;
  #disposed = new AbortController();
  #done: Promise<void> = Promise.resolve();

  /**
   * Validates `config` as client-go does and throws {@linkcode LeaderElectionError} when it is
   * invalid: leaseDuration > renewDeadline > retryPeriod * 1.2, all > 0; onStartedLeading,
   * onStoppedLeading and the lock are required; the lock's identity must not be empty.
   */
  constructor(config: LeaderElectionConfig) {
    validate(config);
    this.#config = { ...config };
    this.#clock = config.clock ?? REAL_CLOCK;
    this.#random = config.random ?? Math.random;
    this.#logger = containedLogger(config.logger ?? DEFAULT_LOGGER);
    this.#name = config.name ?? config.lock.describe();
    this.#lockCallTimeoutMs = config.lockCallTimeoutMs ?? config.renewDeadlineMs / 2;
    this.#config.metrics?.leaderOff?.(this.#name);
  }

  /** True when the last record this candidate saw or wrote names it as the holder. */
  isLeader(): boolean {
    return this.#observedRecord.holderIdentity === this.#config.lock.identity();
  }

  /** The identity of the holder in the last record seen ("" when none). */
  getLeader(): string {
    return this.#observedRecord.holderIdentity;
  }

  /**
   * A health check (client-go's `HealthzAdaptor`): an error when this candidate believes it leads but
   * has not renewed for longer than the lease duration plus `maxTolerableExpiredLeaseMs`.
   */
  check(maxTolerableExpiredLeaseMs: number): Error | undefined {
    if (!this.isLeader()) return undefined;
    const lateBy = this.#clock.now() - (this.#observedTime + this.#config.leaseDurationMs);
    if (lateBy > maxTolerableExpiredLeaseMs) {
      return new LeaderElectionError(
        `Failed election to renew leadership on lease ${this.#name}: lease expired ${lateBy} ms ago`,
      );
    }
    return undefined;
  }

  /**
   * Runs the election until `signal` aborts or leadership is lost: acquire (retrying every jittered
   * retry period), call `onStartedLeading`, renew every retry period; when renewal fails for
   * `renewDeadlineMs` or the signal aborts, abort the leading signal, release the lock if
   * `releaseOnCancel`, and call `onStoppedLeading` (always, even if leadership was never acquired).
   * Resolves when all that is done. A stopped elector may be run again (until it is disposed).
   */
  run(signal?: AbortSignal): Promise<void> {
    if (this.#running) return Promise.reject(new LeaderElectionError("Leader elector is already running"));
    const linked = linkSignals(signal, this.#disposed.signal);
    const done = this.#run(linked.signal).finally(linked.dispose);
    this.#done = done.catch(() => {});
    return done;
  }

  /**
   * Stops a running election as if its signal aborted (releasing the lock with `releaseOnCancel`)
   * and resolves once `onStoppedLeading` has been called, for `await using`. Later runs stop at once.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#disposed.abort(new LeaderElectionError(`Leader elector of ${this.#name} disposed`));
    await this.#done;
  }

  async #run(signal: AbortSignal): Promise<void> {
    if (this.#running) throw new LeaderElectionError("Leader elector is already running");
    this.#running = true;
    try {
      if (!(await this.#acquire(signal))) return;
      const leading = linkSignals(signal);
      void this.#callback("onStartedLeading", () => this.#config.callbacks.onStartedLeading(leading.signal));
      try {
        await this.#renew(signal);
      } finally {
        leading.controller.abort(new LeaderElectionError(`Stopped leading ${this.#name}`));
        leading.dispose();
        this.#config.lock.recordEvent?.("stopped leading");
      }
      if (this.#config.releaseOnCancel) await this.#release();
    } finally {
      this.#running = false;
      await this.#callback("onStoppedLeading", () => this.#config.callbacks.onStoppedLeading());
    }
  }

  async #acquire(signal: AbortSignal | undefined): Promise<boolean> {
    this.#logger.info(`Attempting to acquire leader lease ${this.#name}`);
    for (;;) {
      if (signal?.aborted) return false;
      const succeeded = await this.#tryAcquireOrRenew(signal);
      this.#maybeReportTransition();
      if (succeeded) {
        this.#config.lock.recordEvent?.("became leader");
        this.#config.metrics?.leaderOn?.(this.#name);
        this.#logger.info(`Successfully acquired lease ${this.#name}`);
        return true;
      }
      const wait = this.#config.retryPeriodMs * (1 + this.#random() * JITTER_FACTOR);
      try {
        await this.#clock.sleep(wait, signal);
      } catch {
        return false;
      }
    }
  }

  async #renew(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      if (signal?.aborted) return;
      const renewed = await this.#renewWithinDeadline(signal);
      this.#maybeReportTransition();
      if (!renewed) {
        this.#config.metrics?.leaderOff?.(this.#name);
        const why = signal?.aborted ? "cancelled" : `not renewed within ${this.#config.renewDeadlineMs} ms`;
        this.#logger.info(`Failed to renew lease ${this.#name}: ${why}`);
        return;
      }
      try {
        await this.#clock.sleep(this.#config.retryPeriodMs, signal);
      } catch {
        return;
      }
    }
  }

  /** Tries to renew every retry period until it works or `renewDeadlineMs` pass. */
  async #renewWithinDeadline(signal: AbortSignal | undefined): Promise<boolean> {
    const scope = linkSignals(signal);
    const timer = this.#clock.setTimer(() => {
      scope.controller.abort(new LeaderElectionError(`Renew deadline exceeded for ${this.#name}`));
    }, this.#config.renewDeadlineMs);
    try {
      for (;;) {
        if (scope.signal.aborted) return false;
        if (await this.#tryAcquireOrRenew(scope.signal)) return true;
        try {
          await this.#clock.sleep(this.#config.retryPeriodMs, scope.signal);
        } catch {
          return false;
        }
      }
    } finally {
      timer.cancel();
      scope.dispose();
    }
  }

  /** One attempt to take or keep the lock; true when this candidate holds it afterwards. */
  async #tryAcquireOrRenew(signal: AbortSignal | undefined): Promise<boolean> {
    const lock = this.#config.lock;
    const now = this.#clock.now();
    const stamp = formatMicroTime(now);
    const record: LeaderElectionRecord = {
      holderIdentity: lock.identity(),
      leaseDurationSeconds: Math.floor(this.#config.leaseDurationMs / 1000),
      acquireTime: stamp,
      renewTime: stamp,
      leaderTransitions: 0,
    };

    // 1. Fast path: the leader updates over the version it last wrote.
    if (this.isLeader() && this.#isLeaseValid(now)) {
      record.acquireTime = this.#observedRecord.acquireTime;
      record.leaderTransitions = this.#observedRecord.leaderTransitions;
      try {
        await this.#lockCall(signal, (o) => lock.update(record, o));
        this.#setObservedRecord(record);
        return true;
      } catch (e) {
        if (signal?.aborted) return false;
        this.#logger.error(
          `Failed to update lock ${this.#name} optimistically, falling back to slow path`,
          e,
        );
      }
    }

    // 2. Read the lock, or create it.
    let current: LockGetResult;
    try {
      current = await this.#lockCall(signal, (o) => lock.get(o));
    } catch (e) {
      if (!isNotFound(e)) {
        if (!signal?.aborted) this.#logger.error(`Error retrieving resource lock ${this.#name}`, e);
        return false;
      }
      try {
        await this.#lockCall(signal, (o) => lock.create(record, o));
      } catch (e) {
        if (!signal?.aborted) {
          this.#logger.error(`Error initially creating leader election record ${this.#name}`, e);
        }
        return false;
      }
      this.#setObservedRecord(record);
      return true;
    }

    // 3. Restart the expiry countdown when the stored record changed; leave a valid foreign lease alone.
    if (this.#observedRaw !== current.raw) {
      this.#setObservedRecord(current.record);
      this.#observedRaw = current.raw;
    }
    const old = current.record;
    const expired = this.#observedTime + old.leaseDurationSeconds * 1000 < now;
    if (expired) this.#logger.info(`Lock ${this.#name} has expired`);
    if (old.holderIdentity !== "" && !expired && !this.isLeader()) return false;

    // 4. Take over (or renew through the slow path).
    if (this.isLeader()) {
      record.acquireTime = old.acquireTime;
      record.leaderTransitions = old.leaderTransitions;
      this.#config.metrics?.slowpathExercised?.(this.#name);
    } else {
      record.leaderTransitions = old.leaderTransitions + 1;
    }
    try {
      await this.#lockCall(signal, (o) => lock.update(record, o));
    } catch (e) {
      if (!signal?.aborted) this.#logger.error(`Failed to update lock ${this.#name}`, e);
      return false;
    }
    this.#setObservedRecord(record);
    return true;
  }

  /**
   * Gives the lock up: reads it, and if this candidate still holds it writes holder "" with a lease
   * of 1 s (transitions kept). Retries when the write conflicts. Bounded by `renewDeadlineMs`.
   */
  async #release(): Promise<boolean> {
    const lock = this.#config.lock;
    const scope = new AbortController();
    const timer = this.#clock.setTimer(() => {
      scope.abort(new LeaderElectionError(`Release deadline exceeded for ${this.#name}`));
    }, this.#config.renewDeadlineMs);
    try {
      for (let attempt = 1;; attempt++) {
        let current: LockGetResult;
        try {
          current = await this.#lockCall(scope.signal, (o) => lock.get(o));
        } catch (e) {
          this.#logger.error(`Error retrieving resource lock ${this.#name} to release it`, e);
          return false;
        }
        if (current.record.holderIdentity !== lock.identity() || !this.isLeader()) {
          if (this.#observedRaw !== current.raw) {
            this.#setObservedRecord(current.record);
            this.#observedRaw = current.raw;
          }
          return true;
        }
        const stamp = formatMicroTime(this.#clock.now());
        const released: LeaderElectionRecord = {
          holderIdentity: "",
          leaseDurationSeconds: 1,
          acquireTime: stamp,
          renewTime: stamp,
          leaderTransitions: current.record.leaderTransitions,
        };
        try {
          await this.#lockCall(scope.signal, (o) => lock.update(released, o));
          this.#setObservedRecord(released);
          return true;
        } catch (e) {
          if (!isConflict(e) || attempt >= RELEASE_ATTEMPTS) {
            this.#logger.error(`Failed to release lock ${this.#name}`, e);
            return false;
          }
        }
        try {
          await this.#clock.sleep(RELEASE_RETRY_MS, scope.signal);
        } catch {
          return false;
        }
      }
    } finally {
      timer.cancel();
    }
  }

  /**
   * One call to the lock, told its timeout (`lockCallTimeoutMs`) and cut off by the elector after
   * twice that, for locks that ignore it.
   */
  async #lockCall<R>(
    signal: AbortSignal | undefined,
    call: (options: LockCallOptions) => Promise<R>,
  ): Promise<R> {
    const ms = this.#lockCallTimeoutMs;
    const scope = linkSignals(signal);
    const timer = this.#clock.setTimer(() => {
      scope.controller.abort(
        new LeaderElectionError(`A call to the lock ${this.#name} did not return within ${2 * ms} ms`),
      );
    }, 2 * ms);
    try {
      return await call({ signal: scope.signal, timeoutMs: ms });
    } finally {
      timer.cancel();
      scope.dispose();
    }
  }

  #isLeaseValid(now: number): boolean {
    return this.#observedTime + this.#observedRecord.leaseDurationSeconds * 1000 > now;
  }

  #setObservedRecord(record: LeaderElectionRecord): void {
    this.#observedRecord = { ...record };
    this.#observedTime = this.#clock.now();
  }

  #maybeReportTransition(): void {
    const holder = this.#observedRecord.holderIdentity;
    if (holder === this.#reportedLeader) return;
    this.#reportedLeader = holder;
    const onNewLeader = this.#config.callbacks.onNewLeader;
    if (onNewLeader) {
      void this.#callback("onNewLeader", () => onNewLeader.call(this.#config.callbacks, holder));
    }
  }

  /**
   * Calls a user callback; a throw or rejection is logged, never propagated into the election. The
   * result settles when the callback has (await it, or leave it running alongside).
   */
  #callback(name: string, fn: () => void | Promise<void>): Promise<void> {
    try {
      const result = fn();
      if (result && typeof (result as Promise<void>).then === "function") {
        return Promise.resolve(result).then(
          () => {},
          (e) => this.#logger.error(`The ${name} callback failed`, e),
        );
      }
    } catch (e) {
      this.#logger.error(`The ${name} callback failed`, e);
    }
    return Promise.resolve();
  }
}

/**
 * Creates a {@linkcode LeaderElector} and runs it until `signal` aborts or leadership is lost
 * (client-go's `RunOrDie`; an invalid config rejects with {@linkcode LeaderElectionError}).
 *
 * @example
 * ```ts
 * import { LeaseLock, runLeaderElection } from "@kubeweb/client/leaderelection";
 * import type { Clientset } from "@kubeweb/client/clientset";
 *
 * declare const clientset: Clientset;
 * await runLeaderElection({
 *   lock: new LeaseLock({ client: clientset.coordinationV1(), namespace: "default", name: "demo", identity: "a" }),
 *   leaseDurationMs: 15_000,
 *   renewDeadlineMs: 10_000,
 *   retryPeriodMs: 2_000,
 *   callbacks: { onStartedLeading: () => {}, onStoppedLeading: () => {} },
 * }, AbortSignal.timeout(30_000));
 * ```
 */
export async function runLeaderElection(config: LeaderElectionConfig, signal?: AbortSignal): Promise<void> {
  const elector = new LeaderElector(config);
  await elector.run(signal);
}
