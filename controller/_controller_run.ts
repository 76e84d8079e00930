/**
 * One controller during one term of a manager (one leadership term, or the whole run without leader
 * election): its informer handlers, workqueue and workers.
 *
 * @module
 */
import type { Clock } from "../_internal/clock.ts";
import { linkSignals } from "../_internal/async.ts";
import { DeletedFinalStateUnknown } from "../cache/deleted_final_state_unknown.ts";
import type { ResourceEventHandlerRegistration, SharedIndexInformer } from "../cache/shared_informer.ts";
import type { Lister } from "../cache/lister.ts";
import type { EventRecorder } from "../record/event_recorder.ts";
import type { KubeObject } from "../rest/types.ts";
import { defaultControllerRateLimiter } from "../workqueue/default_controller_rate_limiter.ts";
import { newRateLimitingQueue, type RateLimitingQueue } from "../workqueue/rate_limiting_queue.ts";
import type { Controller } from "./controller.ts";
import type { ControllerLogger } from "./logger.ts";
import type { MetricsRegistry } from "./metrics.ts";
import { getControllerOf } from "./owner_references.ts";
import { passes, type Predicate } from "./predicates.ts";
import {
  type ReconcileContext,
  type ReconcileRequest,
  type ReconcileResult,
  requestFromKey,
  requestKey,
  Result,
} from "./reconcile.ts";

/** What the manager gives each controller run. */
export interface RunEnv {
  clock: Clock;
  log: ControllerLogger;
  metrics: MetricsRegistry | undefined;
  recorder: EventRecorder;
  /** True while this replica may reconcile and write (lease held, or no leader election). */
  leaseValid(): boolean;
  /** Called when a check found the lease invalid; aborts `hardStop` synchronously. */
  leaseLost(): void;
  /** Aborts the signals of all running reconciles (lease lost, shutdown timeout). */
  hardStop: AbortSignal;
}

const HELP_TOTAL = "Total number of reconciliations per controller";
const HELP_ERRORS = "Total number of reconciliation errors per controller";
const HELP_TIME = "Length of time per reconciliation per controller";
const HELP_ACTIVE = "Number of currently used workers per controller";
const HELP_MAX = "Maximum number of concurrent reconciles per controller";

function groupOf(apiVersion: string | undefined): string | undefined {
  if (apiVersion === undefined) return undefined;
  const i = apiVersion.indexOf("/");
  return i < 0 ? "" : apiVersion.slice(0, i);
}

function keyOf(obj: KubeObject): string | undefined {
  const name = obj.metadata?.name;
  if (!name) return undefined;
  return requestKey({ namespace: obj.metadata?.namespace ?? "", name });
}

function unwrap<T>(obj: T | DeletedFinalStateUnknown<T>): T | undefined {
  return obj instanceof DeletedFinalStateUnknown ? obj.obj : obj;
}

/** The controller's workers and queue for one term. */
export class ControllerRun<T extends KubeObject, F> {
  readonly controller: Controller<T, F>;
  #env: RunEnv;
  #queue: RateLimitingQueue<string>;
  #informers: SharedIndexInformer<KubeObject>[] = [];
  #registrations: ResourceEventHandlerRegistration[] = [];
  #primary: SharedIndexInformer<T>;
  #lister: Lister<T>;
  #primaryKind: string | undefined;
  #primaryGroup: string | undefined;
  #primaryClusterScoped: boolean | undefined;
  #workers: Promise<void>[] = [];
  #dropping = false;
  #active = 0;

  constructor(controller: Controller<T, F>, factory: F, env: RunEnv) {
    this.controller = controller;
    this.#env = env;
    const opts = controller.options;
    const limiter = opts.rateLimiter
      ? opts.rateLimiter()
      : defaultControllerRateLimiter<string>({ clock: env.clock });
    this.#queue = newRateLimitingQueue<string>(limiter, {
      name: controller.name,
      clock: env.clock,
      metricsProvider: env.metrics?.workqueueMetricsProvider(),
    });
    const primary = opts.for(factory);
    this.#primary = primary.informer();
    this.#lister = primary.lister();
    this.#watchPrimary(opts.predicates ?? []);
    for (const spec of controller.watched) {
      const informer = spec.source(factory).informer();
      this.#informers.push(informer);
      const map = spec.kind === "owns" ? (obj: KubeObject) => this.#ownerKey(obj) : (obj: KubeObject) => {
        const r = spec.map!(obj);
        if (!r) return [];
        return (Array.isArray(r) ? r : [r]).map((x: ReconcileRequest) => requestKey(x));
      };
      this.#watch(informer, spec.predicates, map);
    }
  }

  #enqueue(key: string | undefined): void {
    if (key !== undefined) this.#queue.add(key);
  }

  #learn(obj: KubeObject): void {
    if (this.#primaryKind === undefined && obj.kind) {
      this.#primaryKind = obj.kind;
      this.#primaryGroup = groupOf(obj.apiVersion);
    }
    if (this.#primaryClusterScoped === undefined && obj.metadata?.name) {
      this.#primaryClusterScoped = !obj.metadata.namespace;
    }
  }

  #watchPrimary(predicates: readonly Predicate<T>[]): void {
    this.#informers.push(this.#primary as unknown as SharedIndexInformer<KubeObject>);
    this.#registrations.push(this.#primary.addEventHandler({
      onAdd: (obj) => {
        this.#learn(obj);
        if (passes(predicates, "create", obj)) this.#enqueue(keyOf(obj));
      },
      onUpdate: (old, obj) => {
        this.#learn(obj);
        if (passes(predicates, "update", obj, old)) this.#enqueue(keyOf(obj));
      },
      onDelete: (deleted) => {
        const obj = unwrap(deleted);
        if (obj === undefined) {
          if (deleted instanceof DeletedFinalStateUnknown) this.#enqueue(deleted.key);
          return;
        }
        if (passes(predicates, "delete", obj)) this.#enqueue(keyOf(obj));
      },
    }));
  }

  #watch(
    informer: SharedIndexInformer<KubeObject>,
    predicates: readonly Predicate<KubeObject>[],
    map: (obj: KubeObject) => string[],
  ): void {
    const add = (obj: KubeObject) => {
      for (const key of map(obj)) this.#enqueue(key);
    };
    this.#registrations.push(informer.addEventHandler({
      onAdd: (obj) => {
        if (passes(predicates, "create", obj)) add(obj);
      },
      onUpdate: (old, obj) => {
        if (!passes(predicates, "update", obj, old)) return;
        add(old);
        add(obj);
      },
      onDelete: (deleted) => {
        const obj = unwrap(deleted);
        if (obj !== undefined && passes(predicates, "delete", obj)) add(obj);
      },
    }));
  }

  /** The key of `child`'s controlling owner when that owner is of the primary kind. */
  #ownerKey(child: KubeObject): string[] {
    const ref = getControllerOf(child);
    if (!ref || this.#primaryKind === undefined) return [];
    if (ref.kind !== this.#primaryKind || groupOf(ref.apiVersion) !== this.#primaryGroup) return [];
    const namespace = this.#primaryClusterScoped ? "" : child.metadata?.namespace ?? "";
    return [requestKey({ namespace, name: ref.name })];
  }

  /** True once every informer of this controller has synced and every handler got its initial list. */
  hasSynced(): boolean {
    return this.#informers.every((i) => i.hasSynced()) && this.#registrations.every((r) => r.hasSynced());
  }

  /** Starts the workers. */
  startWorkers(): void {
    const n = this.controller.options.concurrency ?? 1;
    this.#env.metrics?.gauge("controller_runtime_max_concurrent_reconciles", HELP_MAX, {
      controller: this.controller.name,
    }, n);
    for (let i = 0; i < n; i++) this.#workers.push(this.#worker());
  }

  /** Stops dequeuing: `drain` reconciles what is queued first, `drop` forgets it. */
  shutDown(mode: "drain" | "drop"): void {
    if (mode === "drop") this.#dropping = true;
    this.#queue.shutDown();
  }

  /** Resolves when every worker has returned. */
  async done(): Promise<void> {
    await Promise.all(this.#workers);
  }

  async #worker(): Promise<void> {
    for (;;) {
      if (!this.#env.leaseValid()) {
        this.#env.leaseLost();
        return;
      }
      const next = await this.#queue.get();
      if (next.shutdown) return;
      if (this.#dropping || this.#env.hardStop.aborted || !this.#env.leaseValid()) {
        this.#queue.done(next.item);
        if (!this.#env.leaseValid()) this.#env.leaseLost();
        continue;
      }
      await this.#process(next.item);
    }
  }

  async #process(key: string): Promise<void> {
    const env = this.#env;
    const name = this.controller.name;
    const request = requestFromKey(key);
    const reconcileID = crypto.randomUUID();
    const log = env.log.with({ controller: name, key, reconcileID });
    const scope = linkSignals(env.hardStop);
    const started = env.clock.now();
    const labels = { controller: name };
    env.metrics?.gaugeAdd("controller_runtime_active_workers", HELP_ACTIVE, labels, 1);
    this.#active++;
    const signal = scope.signal;
    const context: ReconcileContext<T> = {
      get signal(): AbortSignal {
        if (!env.leaseValid()) env.leaseLost();
        return signal;
      },
      object: this.#primary.getIndexer().getByKey(key),
      lister: this.#lister,
      log,
      recorder: {
        event: (...args) => env.leaseValid() && !signal.aborted && env.recorder.event(...args),
        eventf: (...args) => env.leaseValid() && !signal.aborted && env.recorder.eventf(...args),
        annotatedEventf: (...args) =>
          env.leaseValid() && !signal.aborted && env.recorder.annotatedEventf(...args),
      } as EventRecorder,
      reconcileID,
      controller: name,
      throwIfAborted: (): void => context.signal.throwIfAborted(),
    };
    let result: ReconcileResult | void = undefined;
    let failed = false;
    let error: unknown;
    try {
      result = await this.controller.options.reconcile(request, context);
    } catch (e) {
      failed = true;
      error = e;
    } finally {
      scope.dispose();
      this.#active--;
      env.metrics?.gaugeAdd("controller_runtime_active_workers", HELP_ACTIVE, labels, -1);
      env.metrics?.observe(
        "controller_runtime_reconcile_time_seconds",
        HELP_TIME,
        labels,
        (env.clock.now() - started) / 1000,
      );
    }
    const stopped = env.hardStop.aborted;
    try {
      if (failed) {
        env.metrics?.counter("controller_runtime_reconcile_errors_total", HELP_ERRORS, labels);
        env.metrics?.counter("controller_runtime_reconcile_total", HELP_TOTAL, {
          ...labels,
          result: "error",
        });
        if (stopped) {
          log.info("Reconcile stopped", { reason: String(env.hardStop.reason) });
          return;
        }
        log.error("Reconciler error", error, { requeues: this.#queue.numRequeues(key) + 1 });
        const policy = this.controller.options.errorPolicy;
        result = policy ? policy(error, request) : Result.REQUEUE;
      }
      if (stopped) return;
      if (result && result.requeueAfterMs !== undefined && result.requeueAfterMs > 0) {
        this.#queue.forget(key);
        this.#queue.addAfter(key, result.requeueAfterMs);
        if (!failed) {
          env.metrics?.counter("controller_runtime_reconcile_total", HELP_TOTAL, {
            ...labels,
            result: "requeue_after",
          });
        }
      } else if (result && result.requeue) {
        this.#queue.addRateLimited(key);
        if (!failed) {
          env.metrics?.counter("controller_runtime_reconcile_total", HELP_TOTAL, {
            ...labels,
            result: "requeue",
          });
        }
      } else {
        this.#queue.forget(key);
        if (!failed) {
          env.metrics?.counter("controller_runtime_reconcile_total", HELP_TOTAL, {
            ...labels,
            result: "success",
          });
        }
      }
      log.debug("Reconciled", { durationMs: env.clock.now() - started });
    } finally {
      this.#queue.done(key);
    }
  }

  /** Reconciles running now. */
  active(): number {
    return this.#active;
  }

  /** Keys waiting in the queue. */
  queueLength(): number {
    return this.#queue.len();
  }
}
