/**
 * {@linkcode Manager}: runs controllers on one informer factory, optionally under one leader election,
 * with ordered shutdown, health, readiness and metrics.
 *
 * @module
 */
import type { Clock, Timer } from "../_internal/clock.ts";
import { linkSignals } from "../_internal/async.ts";
import { LeaderElector } from "../leaderelection/leader_elector.ts";
import type { ResourceLock } from "../leaderelection/resource_lock.ts";
import type { EventRecorder } from "../record/event_recorder.ts";
import type { KubeObject } from "../rest/types.ts";
import { ControllerRun, type RunEnv } from "./_controller_run.ts";
import { LeaseGuard } from "./_lease_guard.ts";
import { MONOTONIC_CLOCK } from "../_internal/clock.ts";
import type { Controller } from "./controller.ts";
import { ControllerError, LeaseLostError } from "./controller_error.ts";
import { type ControllerLogger, jsonLogSink, type LogSink, newLogger } from "./logger.ts";
import type { MetricsRegistry } from "./metrics.ts";

/** What the manager needs of an informer factory: start and shut down (any kubeweb factory). */
export interface ManagedInformerFactory {
  /** Runs the informers requested so far until `signal` aborts. */
  start(signal: AbortSignal): void;
  /** Stops every informer and resolves once they have stopped. */
  shutDown(): Promise<void>;
}

/** Leader election of a {@linkcode Manager}. */
export interface ManagerLeaderElection {
  /** The lock replicas compete for (a `LeaseLock`). */
  lock: ResourceLock;
  /** Lease duration, a whole number of seconds in ms, at least 1000 (default 15 000). */
  leaseDurationMs?: number;
  /** How long the leader retries renewing before it stops leading (default 10 000). */
  renewDeadlineMs?: number;
  /** Time between attempts (default 2 000). */
  retryPeriodMs?: number;
  /** Give the lease up at the end of a clean stop, after everything else stopped (default true). */
  releaseOnCancel?: boolean;
  /**
   * On a lost lease: `"reject"` (default) makes `run()` reject with {@linkcode LeaseLostError} so the
   * process exits and restarts clean, as controller-runtime does; `"recandidate"` stops the
   * controllers and competes again (the informer factory must then be given as a function, as
   * informers cannot be restarted).
   */
  onLost?: "reject" | "recandidate";
  /** Random source in [0, 1) for the elector's jitter (default `Math.random`). */
  random?: () => number;
}

/** Options of a {@linkcode Manager}. */
export interface ManagerOptions<F extends ManagedInformerFactory> {
  /**
   * The informer factory every controller reads from: a factory, or a function making one per
   * leadership term (needed for `onLost: "recandidate"`).
   */
  informerFactory: F | (() => F);
  /** Run the controllers only while holding a lease. */
  leaderElection?: ManagerLeaderElection;
  /** Records events for `context.recorder` (default: drops them). */
  recorder?: EventRecorder;
  /** Where structured log records go (default: JSON lines on the console, no debug). */
  logSink?: LogSink;
  /** Where metrics go (default: none). */
  metrics?: MetricsRegistry;
  /**
   * At stop: `"drop"` (default) forgets the keys still queued, `"drain"` reconciles them first.
   * After a lost lease the queue is always dropped.
   */
  onStop?: "drain" | "drop";
  /** How long stopping waits for running reconciles before aborting their signals (default 30 000 ms). */
  shutdownTimeoutMs?: number;
  /** How long to wait for the caches to sync before `run()` rejects (default 120 000 ms). */
  cacheSyncTimeoutMs?: number;
  /** The clock (default: monotonic). Lease validity is judged on it. */
  clock?: Clock;
}

/** What {@linkcode Manager.health} reports. */
export interface ManagerHealth {
  /** `run()` is in progress. */
  running: boolean;
  /** Leader election is on and this replica leads (undefined without leader election). */
  leader: boolean | undefined;
  /** Every controller's caches synced in the current term (false when not leading). */
  cachesSynced: boolean;
  /** Not failed, and not holding an expired lease. */
  healthy: boolean;
  /** Healthy and running, and either standing by or synced. */
  ready: boolean;
  /** Why it is not healthy, if it is not. */
  reason?: string;
}

const SYNC_POLL_MS = 100;
const NOOP_RECORDER: EventRecorder = { event() {}, eventf() {}, annotatedEventf() {} };

interface Term {
  synced: boolean;
  done: Promise<"stopped" | "lost">;
}

/**
 * Runs controllers (controller-runtime's manager): one informer factory for all of them, one leader
 * election if configured, and ordered shutdown: stop dequeuing, wait for running reconciles (bounded
 * by `shutdownTimeoutMs`), stop the informers, release the lease last.
 *
 * With leader election, this replica's lease validity is checked on the monotonic clock before each
 * dequeue and whenever a reconcile reads `context.signal` (pass it to every write), and a watchdog
 * aborts running reconciles the moment validity ends. A process that cannot run its timers (a
 * CPU-bound reconcile, a stopped process) cannot renew either: its lease may run out while it is
 * busy, and these checks make it start no reconcile and no write after that. Keep reconciles
 * asynchronous and short.
 *
 * @example
 * ```ts
 * import { Manager, newController, onShutdownSignal, Result } from "@kubeweb/client/controller";
 * import { newSharedInformerFactory, type SharedInformerFactory } from "@kubeweb/client/cache";
 * import { newClientset } from "@kubeweb/client/clientset";
 * import { LeaseLock } from "@kubeweb/client/leaderelection";
 * import { loadRestConfig } from "@kubeweb/client/rest";
 *
 * const clientset = newClientset(await loadRestConfig());
 * const manager = new Manager<SharedInformerFactory>({
 *   informerFactory: () => newSharedInformerFactory(clientset, { namespace: "default" }),
 *   leaderElection: {
 *     lock: new LeaseLock({ client: clientset.coordinationV1(), namespace: "default", name: "demo", identity: crypto.randomUUID() }),
 *   },
 * });
 * manager.add(newController({
 *   name: "demo",
 *   for: (f: SharedInformerFactory) => f.core().v1().configMaps(),
 *   reconcile: () => Result.DONE,
 * }));
 * await manager.run(onShutdownSignal());
 * ```
 */
export class Manager<F extends ManagedInformerFactory = ManagedInformerFactory> {
  #options: ManagerOptions<F>;
  #clock: Clock;
  #log: ControllerLogger;
  #controllers: Controller<KubeObject, F>[] = [];
  #running = false;
  #term: Term | undefined;
  #elector: LeaderElector | undefined;
  #guard: LeaseGuard | undefined;
  #failure: string | undefined;
  #factoryUsed = false;
  #stop = new AbortController();
  #runDone: Promise<void> = Promise.resolve();

  /** Checks the options; throws {@linkcode ControllerError} when they are bad. */
  constructor(options: ManagerOptions<F>) {
    if (!options || typeof options !== "object") throw new ControllerError("Manager options are required");
    if (!options.informerFactory) throw new ControllerError("Manager needs an informerFactory");
    const le = options.leaderElection;
    if (le) {
      if (!le.lock) throw new ControllerError("leaderElection needs a lock");
      const lease = le.leaseDurationMs ?? 15_000;
      if (!(lease >= 1000) || lease % 1000 !== 0) {
        throw new ControllerError(
          `leaseDurationMs must be a whole number of seconds (in ms), at least 1000, got ${lease}`,
        );
      }
      if (le.onLost === "recandidate" && typeof options.informerFactory !== "function") {
        throw new ControllerError(
          'onLost "recandidate" needs informerFactory as a function making a fresh factory',
        );
      }
      if (le.onLost !== undefined && le.onLost !== "reject" && le.onLost !== "recandidate") {
        throw new ControllerError(
          `onLost must be "reject" or "recandidate", got ${JSON.stringify(le.onLost)}`,
        );
      }
    }
    if (options.onStop !== undefined && options.onStop !== "drain" && options.onStop !== "drop") {
      throw new ControllerError(`onStop must be "drain" or "drop", got ${JSON.stringify(options.onStop)}`);
    }
    for (const key of ["shutdownTimeoutMs", "cacheSyncTimeoutMs"] as const) {
      const v = options[key];
      if (v !== undefined && !(v >= 0)) throw new ControllerError(`${key} must be 0 or more, got ${v}`);
    }
    this.#options = { ...options };
    this.#clock = options.clock ?? MONOTONIC_CLOCK;
    this.#log = newLogger(options.logSink ?? jsonLogSink());
  }

  /** Adds a controller; throws {@linkcode ControllerError} while running or on a duplicate name. */
  add<T extends KubeObject>(controller: Controller<T, F>): this {
    if (this.#running) {
      throw new ControllerError(`Cannot add controller ${controller.name} while the manager runs`);
    }
    if (this.#controllers.some((c) => c.name === controller.name)) {
      throw new ControllerError(`A controller named ${controller.name} was already added`);
    }
    this.#controllers.push(controller as unknown as Controller<KubeObject, F>);
    return this;
  }

  /**
   * Runs the controllers until `signal` aborts, then shuts down in order and resolves. Rejects with
   * {@linkcode LeaseLostError} when the lease is lost (unless `onLost: "recandidate"`), and with
   * {@linkcode ControllerError} when the caches do not sync in time.
   */
  async run(signal?: AbortSignal): Promise<void> {
    if (this.#running) throw new ControllerError("Manager is already running");
    if (this.#controllers.length === 0) throw new ControllerError("Manager has no controllers");
    this.#running = true;
    this.#failure = undefined;
    this.#stop = new AbortController();
    const linked = linkSignals(signal, this.#stop.signal);
    signal = linked.signal;
    let settle: () => void = () => {};
    this.#runDone = new Promise<void>((resolve) => (settle = resolve));
    try {
      const le = this.#options.leaderElection;
      if (!le) {
        const term = this.#startTerm(signal, undefined);
        await term.done;
        return;
      }
      for (;;) {
        const outcome = await this.#elect(le, signal);
        if (outcome === "stopped" || signal?.aborted) return;
        if ((le.onLost ?? "reject") === "reject") {
          const err = new LeaseLostError(`Lease ${le.lock.describe()} lost`);
          this.#failure = err.message;
          throw err;
        }
        this.#log.info("Lease lost; returning to candidacy", { lease: le.lock.describe() });
      }
    } catch (e) {
      this.#failure ??= e instanceof Error ? e.message : String(e);
      throw e;
    } finally {
      linked.dispose();
      this.#running = false;
      this.#term = undefined;
      settle();
    }
  }

  /**
   * Stops a running manager as its signal would (ordered shutdown) and resolves once `run()` has
   * settled; does nothing when it is not running.
   */
  async shutDown(): Promise<void> {
    if (!this.#running) return;
    this.#stop.abort(new ControllerError("Manager shut down"));
    await this.#runDone;
  }

  /** {@linkcode Manager.shutDown}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutDown();
  }

  async #elect(le: ManagerLeaderElection, signal: AbortSignal | undefined): Promise<"stopped" | "lost"> {
    const guard = new LeaseGuard(le.lock, this.#clock);
    this.#guard = guard;
    const electorStop = new AbortController();
    let term: Term | undefined;
    let termStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => (termStarted = resolve));
    const metrics = this.#options.metrics;
    const help =
      "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master.";
    const elector = new LeaderElector({
      lock: guard,
      leaseDurationMs: le.leaseDurationMs ?? 15_000,
      renewDeadlineMs: le.renewDeadlineMs ?? 10_000,
      retryPeriodMs: le.retryPeriodMs ?? 2_000,
      releaseOnCancel: le.releaseOnCancel ?? true,
      clock: this.#clock,
      random: le.random,
      name: le.lock.describe(),
      logger: {
        info: (message) => this.#log.debug(message, { lease: le.lock.describe() }),
        error: (message, error) => this.#log.error(message, error, { lease: le.lock.describe() }),
      },
      metrics: metrics && {
        leaderOn: (name) => metrics.gauge("leader_election_master_status", help, { name }, 1),
        leaderOff: (name) => metrics.gauge("leader_election_master_status", help, { name }, 0),
      },
      callbacks: {
        onStartedLeading: (leading) => {
          this.#log.info("Started leading", { lease: le.lock.describe(), identity: le.lock.identity() });
          term = this.#startTerm(signal, leading, guard);
          termStarted();
        },
        onStoppedLeading: () => {},
        onNewLeader: (identity) =>
          this.#log.info("New leader", { lease: le.lock.describe(), leader: identity }),
      },
    });
    this.#elector = elector;
    const electing = elector.run(electorStop.signal);
    const stopElector = async () => {
      // Release the lease last: after the term has shut down in order.
      if (term) await term.done.catch(() => {});
      electorStop.abort();
    };
    signal?.addEventListener("abort", stopElector, { once: true });
    if (signal?.aborted) stopElector();
    try {
      const first = await Promise.race([
        electing.then(() => "elector" as const),
        started.then(() => "term" as const),
      ]);
      if (first === "elector") {
        // The election ended without leading (stopped while a candidate).
        return "stopped";
      }
      let outcome: "stopped" | "lost";
      try {
        outcome = await term!.done;
      } finally {
        guard.invalidate();
        electorStop.abort();
        await electing;
      }
      if (outcome === "lost") this.#log.info("Stopped leading", { lease: le.lock.describe() });
      return outcome;
    } finally {
      signal?.removeEventListener("abort", stopElector);
      this.#elector = undefined;
    }
  }

  #factory(): F {
    const f = this.#options.informerFactory;
    if (typeof f === "function") return (f as () => F)();
    if (this.#factoryUsed) {
      throw new ControllerError(
        "The informer factory was used by an earlier run: give informerFactory as a function",
      );
    }
    this.#factoryUsed = true;
    return f;
  }

  #startTerm(stop: AbortSignal | undefined, leading: AbortSignal | undefined, guard?: LeaseGuard): Term {
    const term: Term = { synced: false, done: Promise.resolve("stopped") };
    this.#term = term;
    term.done = this.#runTerm(term, stop, leading, guard);
    return term;
  }

  async #runTerm(
    term: Term,
    stop: AbortSignal | undefined,
    leading: AbortSignal | undefined,
    guard: LeaseGuard | undefined,
  ): Promise<"stopped" | "lost"> {
    const clock = this.#clock;
    const hard = new AbortController();
    let lost = false;
    const cleanups: (() => void)[] = [];
    const lose = (why: string) => {
      if (lost || hard.signal.aborted) return;
      lost = true;
      guard?.invalidate();
      this.#log.error("Lease lost: aborting running reconciles", undefined, { why });
      hard.abort(new LeaseLostError(`Lease lost: ${why}`));
    };
    if (leading) {
      const onLeading = () => lose("stopped leading");
      leading.addEventListener("abort", onLeading, { once: true });
      cleanups.push(() => leading.removeEventListener("abort", onLeading));
      if (leading.aborted) onLeading();
    }
    let watchdog: Timer | undefined;
    if (guard) {
      const arm = () => {
        watchdog?.cancel();
        if (!guard.valid()) return lose("not renewed before it ran out");
        watchdog = clock.setTimer(() => {
          if (!guard.valid()) lose("not renewed before it ran out");
          else arm();
        }, guard.remainingMs());
      };
      cleanups.push(guard.onChange(arm));
      arm();
      cleanups.push(() => watchdog?.cancel());
    }
    const env: RunEnv = {
      clock,
      log: this.#log,
      metrics: this.#options.metrics,
      recorder: this.#options.recorder ?? NOOP_RECORDER,
      leaseValid: () => !lost && (guard === undefined || guard.valid()),
      leaseLost: () => lose("not renewed before it ran out"),
      hardStop: hard.signal,
    };
    const factory = this.#factory();
    const runs = this.#controllers.map((c) => new ControllerRun(c, factory, env));
    const informerStop = new AbortController();
    factory.start(informerStop.signal);
    const stopOrLost = linkSignals(stop, hard.signal);
    cleanups.push(stopOrLost.dispose);
    let syncError: ControllerError | undefined;
    try {
      const syncTimeoutMs = this.#options.cacheSyncTimeoutMs ?? 120_000;
      const deadline = clock.now() + syncTimeoutMs;
      while (!stopOrLost.signal.aborted && !runs.every((r) => r.hasSynced())) {
        if (clock.now() >= deadline) {
          const pending = runs.filter((r) => !r.hasSynced()).map((r) => r.controller.name);
          syncError = new ControllerError(
            `Timed out after ${syncTimeoutMs} ms waiting for the caches of ${pending.join(", ")} to sync`,
          );
          break;
        }
        await clock.sleep(SYNC_POLL_MS, stopOrLost.signal).catch(() => {});
      }
      if (!syncError && !stopOrLost.signal.aborted) {
        term.synced = true;
        this.#log.info("Caches synced; starting workers", {
          controllers: runs.map((r) => r.controller.name),
        });
        for (const r of runs) r.startWorkers();
        await new Promise<void>((resolve) => {
          if (stopOrLost.signal.aborted) return resolve();
          stopOrLost.signal.addEventListener("abort", () => resolve(), { once: true });
        });
      }
      // Ordered shutdown: stop dequeuing, wait for running reconciles, stop informers.
      term.synced = false;
      const mode = lost ? "drop" : (this.#options.onStop ?? "drop");
      for (const r of runs) r.shutDown(mode);
      const timeoutMs = this.#options.shutdownTimeoutMs ?? 30_000;
      const finished = Promise.all(runs.map((r) => r.done())).then(() => true);
      let timer: Timer | undefined;
      const timedOut = new Promise<boolean>((
        resolve,
      ) => (timer = clock.setTimer(() => resolve(false), timeoutMs)));
      const inTime = await Promise.race([finished, timedOut]);
      timer?.cancel();
      if (!inTime) {
        this.#log.error(
          `Reconciles still running after the shutdown timeout of ${timeoutMs} ms: aborting them`,
        );
        if (!hard.signal.aborted) {
          hard.abort(new ControllerError(`Shutdown timeout of ${timeoutMs} ms passed`));
        }
      }
      informerStop.abort();
      await factory.shutDown();
      if (syncError) throw syncError;
      return lost ? "lost" : "stopped";
    } finally {
      for (const c of cleanups) c();
    }
  }

  /** Health: running, leading, caches synced, and whether a held lease is still being renewed. */
  health(): ManagerHealth {
    const le = this.#options.leaderElection;
    const leader = le ? (this.#guard?.valid() ?? false) : undefined;
    const cachesSynced = this.#term?.synced ?? false;
    let reason = this.#failure;
    const expired = this.#elector?.check(0);
    if (!reason && expired) reason = expired.message;
    const healthy = reason === undefined;
    const standingBy = le !== undefined && !leader;
    return {
      running: this.#running,
      leader,
      cachesSynced,
      healthy,
      ready: healthy && this.#running && (standingBy || cachesSynced),
      ...(reason ? { reason } : {}),
    };
  }

  /** A liveness handler: 200 "ok" while healthy, else 500 with the reason. */
  healthHandler: (request: Request) => Response = (): Response => {
    const h = this.health();
    return new Response(h.healthy ? "ok\n" : `unhealthy: ${h.reason}\n`, {
      status: h.healthy ? 200 : 500,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  };

  /** A readiness handler: 200 "ok" when ready (see {@linkcode ManagerHealth.ready}), else 503. */
  readinessHandler: (request: Request) => Response = (): Response => {
    const h = this.health();
    return new Response(h.ready ? "ok\n" : `not ready: ${JSON.stringify(h)}\n`, {
      status: h.ready ? 200 : 503,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  };
}
