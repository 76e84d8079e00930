/**
 * {@linkcode SharedIndexInformer}: one reflector, one queue and one indexed cache per resource, shared
 * by any number of event handlers (client-go's `tools/cache/shared_informer.go`).
 *
 * @module
 */
import { linkSignals } from "../_internal/async.ts";
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import type { KubeObject } from "../rest/types.ts";
import { CacheError, FIFOClosedError } from "./cache_error.ts";
import type { CacheLogger } from "./cache_logger.ts";
import { CONSOLE_CACHE_LOGGER, warnSafely } from "./_log.ts";
import { DeltaFIFO } from "./delta_fifo.ts";
import type { Indexer, Indexers } from "./index.ts";
import type { ListerWatcher } from "./listwatch.ts";
import {
  ADD,
  type BacklogWarning,
  DELETE,
  type Notification,
  ProcessorListener,
  type ResourceEventHandler,
  type ResourceEventHandlerRegistration,
  UPDATE,
} from "./_processor_listener.ts";
import type { Deltas, Queue, TransformFunc } from "./queue.ts";
import { RealFIFO } from "./real_fifo.ts";
import { Reflector, type ServerVersion, type WatchErrorHandler } from "./reflector.ts";
import { deletionHandlingMetaNamespaceKeyFunc, type Store } from "./store.ts";
import { NamespacedStore } from "./_namespaced_store.ts";

export type { ResourceEventHandler, ResourceEventHandlerRegistration } from "./_processor_listener.ts";

/** The default of {@linkcode SharedIndexInformerOptions.handlerBacklogWarningThreshold}: 10,000. */
export const DEFAULT_HANDLER_BACKLOG_WARNING_THRESHOLD = 10_000;

/** The shortest resync period a handler can have (client-go's `minimumResyncPeriod`): 1 s. */
export const MINIMUM_RESYNC_PERIOD_MS = 1000;

/** Options of {@linkcode SharedIndexInformer.addEventHandler}. */
export interface HandlerOptions {
  /**
   * How often this handler gets every cached object again as an update with an unchanged
   * resourceVersion (default: the informer's `resyncPeriodMs`; 0: never; at least 1 s).
   */
  resyncPeriodMs?: number;
}

/** Options of {@linkcode newSharedIndexInformer}. */
export interface SharedIndexInformerOptions<T> {
  /**
   * The default resync period of handlers, and the period at which resync is checked (lowered by a
   * handler that asks for less before start). 0 (default): no resync.
   */
  resyncPeriodMs?: number;
  /** Indexes of the cache. */
  indexers?: Indexers<T>;
  /** The clock for resync, backoff and timeouts (default: real). */
  clock?: Clock;
  /** Random numbers in [0, 1) for backoff jitter and watch timeouts (default `Math.random`). */
  random?: () => number;
  /**
   * Use the in-order {@linkcode RealFIFO} (default, as client-go 1.36) or, with false, the
   * coalescing {@linkcode DeltaFIFO}.
   */
  useRealFIFO?: boolean;
  /** Rewrites each object once before it is cached and handed to handlers (for example to drop managedFields). */
  transform?: TransformFunc<T>;
  /** What is watched, in messages (for example "configmaps"). */
  objectDescription?: string;
  /**
   * Receives list errors and watch-start errors (default: a console warning, silent for expiry).
   * Errors ending a running watch go to `logger`, as client-go logs them.
   */
  watchErrorHandler?: WatchErrorHandler;
  /**
   * Receives warnings: watches that ended with an error (they are restarted), watch events that could
   * not be applied, handlers falling behind (default: `console.warn`). A logger that throws is ignored.
   */
  logger?: CacheLogger;
  /**
   * Warn through `logger` when a handler's buffer holds more than this many notifications it has not
   * received yet (see {@linkcode ResourceEventHandlerRegistration.pending}): once per crossing,
   * again only after it has drained to half of it. Default 10,000; 0: never.
   */
  handlerBacklogWarningThreshold?: number;
  /** Receives errors thrown by event handlers (default: `console.error`). */
  handlerErrorHandler?: (err: unknown) => void;
  /** Use WatchList for the initial state (see {@linkcode ReflectorOptions.useWatchList}). */
  useWatchList?: boolean;
  /** The server's version: WatchList is used from 1.32 unless `useWatchList` says otherwise. */
  serverVersion?: ServerVersion;
  /** Page size of the reflector's lists (default 500). */
  pageSize?: number;
}

/**
 * An informer: lists and watches one resource, keeps an indexed cache of it, and tells registered
 * handlers about every change. It never stops on its own; errors go to the watch-error handler and it
 * retries with backoff until the signal given to `run` aborts.
 */
export interface SharedIndexInformer<T> extends AsyncDisposable {
  /**
   * Registers a handler and returns its registration. Added after start, the handler first receives
   * the whole cache as adds with `isInInitialList` true. The same handler may be added twice (two
   * registrations). Throws {@linkcode CacheError} once the informer has stopped.
   */
  addEventHandler(
    handler: ResourceEventHandler<T>,
    options?: HandlerOptions,
  ): ResourceEventHandlerRegistration;
  /** Unregisters a handler: it receives nothing more. Removing twice, or an unknown registration, does nothing. */
  removeEventHandler(registration: ResourceEventHandlerRegistration): void;
  /**
   * Runs the informer until `signal` aborts; resolves when it has stopped (handler calls in flight
   * included). Rejects with {@linkcode CacheError} if already started.
   */
  run(signal: AbortSignal): Promise<void>;
  /** True once the initial list has been delivered to the cache. Bound: pass `informer.hasSynced` as is. */
  hasSynced(): boolean;
  /** True once `run` was called. */
  hasStarted(): boolean;
  /** True once `run` has returned. */
  isStopped(): boolean;
  /** The cache, as a store. */
  getStore(): Store<T>;
  /** The cache, with its indexes. */
  getIndexer(): Indexer<T>;
  /** Adds indexes; on a running informer they are built at once. Throws when stopped or on a name conflict. */
  addIndexers(indexers: Indexers<T>): void;
  /** Sets the transform function. Throws {@linkcode CacheError} once started. */
  setTransform(transform: TransformFunc<T>): void;
  /** Sets the watch-error handler. Throws {@linkcode CacheError} once started. */
  setWatchErrorHandler(handler: WatchErrorHandler): void;
  /** The resourceVersion the cache last synced to ("" before the first list). */
  lastSyncResourceVersion(): string;
  /**
   * Stops the informer as if the signal given to `run` aborted, and resolves once it has stopped
   * (`await using informer = newSharedIndexInformer(...)`). Does nothing to an informer never run.
   */
  [Symbol.asyncDispose](): Promise<void>;
}

function determineResyncPeriod(desired: number, check: number): number {
  if (desired === 0) return 0;
  if (check === 0) return 0; // this informer does not resync
  return desired < check ? check : desired;
}

function defaultHandlerErrorHandler(err: unknown): void {
  console.error("An informer event handler failed:", err);
}

function resourceVersionOf(obj: unknown): string | undefined {
  const meta = (obj as KubeObject | null)?.metadata;
  return meta !== null && typeof meta === "object" ? meta.resourceVersion ?? "" : undefined;
}

class SharedInformer<T> implements SharedIndexInformer<T> {
  #lw: ListerWatcher<T>;
  #indexer: NamespacedStore<T>;
  #listeners: ProcessorListener<T>[] = [];
  #clock: Clock;
  #options: SharedIndexInformerOptions<T>;
  #defaultEventHandlerResyncPeriodMs: number;
  #resyncCheckPeriodMs: number;
  #transform: TransformFunc<T> | undefined;
  #watchErrorHandler: WatchErrorHandler | undefined;
  #reportHandlerError: (err: unknown) => void;
  #logger: CacheLogger;
  #backlogWarning: BacklogWarning;
  #queue: Queue<T> | undefined;
  #reflector: Reflector<T> | undefined;
  #started = false;
  #stopped = false;
  #disposed = new AbortController();
  #done: Promise<void> = Promise.resolve();

  constructor(lw: ListerWatcher<T>, options: SharedIndexInformerOptions<T>) {
    this.#lw = lw;
    this.#options = options;
    this.#indexer = new NamespacedStore<T>(deletionHandlingMetaNamespaceKeyFunc, options.indexers ?? {});
    this.#clock = options.clock ?? REAL_CLOCK;
    this.#defaultEventHandlerResyncPeriodMs = options.resyncPeriodMs ?? 0;
    this.#resyncCheckPeriodMs = this.#defaultEventHandlerResyncPeriodMs;
    this.#transform = options.transform;
    this.#watchErrorHandler = options.watchErrorHandler;
    this.#logger = options.logger ?? CONSOLE_CACHE_LOGGER;
    const threshold = options.handlerBacklogWarningThreshold ?? DEFAULT_HANDLER_BACKLOG_WARNING_THRESHOLD;
    if (typeof threshold !== "number" || Number.isNaN(threshold) || threshold < 0) {
      throw new CacheError(
        `Invalid handlerBacklogWarningThreshold ${String(threshold)}: it must be a number, 0 or more`,
      );
    }
    const name = options.objectDescription ? `informer of ${options.objectDescription}` : "informer";
    this.#backlogWarning = {
      threshold,
      warn: (pending) =>
        warnSafely(
          this.#logger,
          `${name}: an event handler is falling behind: ${pending} notifications wait in its buffer (threshold ${threshold})`,
        ),
    };
    const report = options.handlerErrorHandler ?? defaultHandlerErrorHandler;
    this.#reportHandlerError = (err) => {
      try {
        report(err);
      } catch {
        // A failing reporter must not stop delivery.
      }
    };
  }

  addEventHandler(
    handler: ResourceEventHandler<T>,
    options: HandlerOptions = {},
  ): ResourceEventHandlerRegistration {
    if (this.#stopped) {
      throw new CacheError("The handler was not added to the informer: it has stopped already");
    }
    let resyncPeriod = options.resyncPeriodMs ?? this.#defaultEventHandlerResyncPeriodMs;
    if (resyncPeriod > 0) {
      if (resyncPeriod < MINIMUM_RESYNC_PERIOD_MS) resyncPeriod = MINIMUM_RESYNC_PERIOD_MS;
      if (resyncPeriod < this.#resyncCheckPeriodMs) {
        if (this.#started) {
          // Too late to check more often: the reflector already runs.
          resyncPeriod = this.#resyncCheckPeriodMs;
        } else {
          this.#resyncCheckPeriodMs = resyncPeriod;
          for (const l of this.#listeners) {
            l.resyncPeriodMs = determineResyncPeriod(l.requestedResyncPeriodMs, resyncPeriod);
          }
        }
      }
    } else {
      resyncPeriod = 0;
    }
    const listener = new ProcessorListener<T>(
      handler,
      resyncPeriod,
      determineResyncPeriod(resyncPeriod, this.#resyncCheckPeriodMs),
      this.#clock.now(),
      () => this.hasSynced(),
      this.#reportHandlerError,
      this.#backlogWarning,
    );
    this.#listeners.push(listener);
    if (this.#started) {
      // Everything cached so far, before any later change (this runs between two deltas).
      for (const obj of this.#indexer.list()) listener.add({ kind: ADD, obj, old: undefined, initial: true });
    }
    return listener;
  }

  removeEventHandler(registration: ResourceEventHandlerRegistration): void {
    const i = this.#listeners.indexOf(registration as ProcessorListener<T>);
    if (i < 0) return;
    this.#listeners.splice(i, 1);
    void (registration as ProcessorListener<T>).stop();
  }

  run(signal: AbortSignal): Promise<void> {
    if (this.#started) {
      return Promise.reject(new CacheError("The informer has already started: run it only once"));
    }
    const linked = linkSignals(signal, this.#disposed.signal);
    this.#done = this.#run(linked.signal).finally(linked.dispose);
    return this.#done;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#disposed.abort();
    await this.#done.catch(() => {});
  }

  async #run(signal: AbortSignal): Promise<void> {
    const o = this.#options;
    const queue: Queue<T> = o.useRealFIFO === false
      ? new DeltaFIFO<T>({
        knownObjects: this.#indexer,
        emitDeltaTypeReplaced: true,
        transformer: this.#transform,
      })
      : new RealFIFO<T>({ knownObjects: this.#indexer, transformer: this.#transform });
    const reflector = new Reflector<T>(this.#lw, queue, {
      name: o.objectDescription ? `informer of ${o.objectDescription}` : "informer",
      typeDescription: o.objectDescription,
      resyncPeriodMs: this.#resyncCheckPeriodMs,
      shouldResync: () => this.#shouldResync(),
      clock: this.#clock,
      random: o.random,
      watchErrorHandler: this.#watchErrorHandler,
      logger: this.#logger,
      useWatchList: o.useWatchList,
      serverVersion: o.serverVersion,
      pageSize: o.pageSize,
    });
    this.#queue = queue;
    this.#reflector = reflector;
    this.#started = true;
    try {
      if (!signal.aborted) {
        const stopped = new Promise<void>((resolve) =>
          signal.addEventListener("abort", () => resolve(), { once: true })
        );
        const reflectorDone = reflector.run(signal);
        const processDone = this.#processLoop(queue, signal);
        await stopped;
        queue.close();
        await Promise.all([reflectorDone, processDone]);
      }
    } finally {
      this.#stopped = true;
      const listeners = this.#listeners;
      await Promise.all(listeners.map((l) => l.stop()));
    }
  }

  async #processLoop(queue: Queue<T>, signal: AbortSignal): Promise<void> {
    const process = (deltas: Deltas<T>, isInInitialList: boolean): void =>
      this.#handleDeltas(deltas, isInInitialList);
    while (!signal.aborted) {
      try {
        await queue.popBatch(process, 1024);
      } catch (e) {
        if (e instanceof FIFOClosedError) return;
        this.#reportHandlerError(e);
      }
    }
  }

  #handleDeltas(deltas: Deltas<T>, isInInitialList: boolean): void {
    const indexer = this.#indexer;
    for (let i = 0; i < deltas.length; i++) {
      const d = deltas[i];
      const obj = d.object;
      if (d.type === "Deleted") {
        indexer.delete(obj);
        this.#distribute({ kind: DELETE, obj, old: undefined, initial: false }, false);
        continue;
      }
      const old = indexer.upsert(obj as T);
      if (old !== undefined) {
        // An unchanged resourceVersion means a resync (or a relist re-delivering the object).
        const oldRv = resourceVersionOf(old);
        const isSync = oldRv !== undefined && oldRv === resourceVersionOf(obj);
        this.#distribute({ kind: UPDATE, obj, old, initial: false }, isSync);
      } else {
        this.#distribute({ kind: ADD, obj, old: undefined, initial: isInInitialList }, false);
      }
    }
  }

  #distribute(n: Notification<T>, sync: boolean): void {
    const listeners = this.#listeners;
    for (let i = 0; i < listeners.length; i++) {
      const l = listeners[i];
      if (!sync || l.syncing) l.add(n);
    }
  }

  #shouldResync(): boolean {
    const now = this.#clock.now();
    let needed = false;
    for (const l of this.#listeners) {
      l.syncing = l.shouldResync(now);
      if (l.syncing) {
        needed = true;
        l.determineNextResync(now);
      }
    }
    return needed;
  }

  /** Bound, so `informer.hasSynced` can be passed around as a function. */
  readonly hasSynced = (): boolean => this.#queue?.hasSynced() ?? false;

  hasStarted(): boolean {
    return this.#started;
  }

  isStopped(): boolean {
    return this.#stopped;
  }

  getStore(): Store<T> {
    return this.#indexer;
  }

  getIndexer(): Indexer<T> {
    return this.#indexer;
  }

  addIndexers(indexers: Indexers<T>): void {
    if (this.#stopped) {
      throw new CacheError("The indexers were not added to the informer: it has stopped already");
    }
    this.#indexer.addIndexers(indexers);
  }

  setTransform(transform: TransformFunc<T>): void {
    if (this.#started) throw new CacheError("The transform cannot be set: the informer has already started");
    this.#transform = transform;
  }

  setWatchErrorHandler(handler: WatchErrorHandler): void {
    if (this.#started) {
      throw new CacheError("The watch error handler cannot be set: the informer has already started");
    }
    this.#watchErrorHandler = handler;
  }

  lastSyncResourceVersion(): string {
    return this.#reflector?.lastSyncResourceVersion() ?? "";
  }
}

/**
 * Creates a {@linkcode SharedIndexInformer} over a {@linkcode ListerWatcher}. Objects are cached under
 * "namespace/name" keys; add the namespace index for namespace listers.
 *
 * @example
 * ```ts
 * import { newSharedIndexInformer, listWatchFromClient, waitForCacheSync, NAMESPACE_INDEX,
 *   metaNamespaceIndexFunc } from "@kubeweb/client/cache";
 * import type { Clientset } from "@kubeweb/client/clientset";
 *
 * declare const clientset: Clientset;
 * const informer = newSharedIndexInformer(listWatchFromClient(clientset.coreV1().configMaps("")), {
 *   indexers: { [NAMESPACE_INDEX]: metaNamespaceIndexFunc },
 *   transform: (cm) => ({ ...cm, metadata: { ...cm.metadata, managedFields: undefined } }),
 * });
 * informer.addEventHandler({
 *   onAdd: (cm, initial) => console.log("add", cm.metadata?.name, initial),
 *   onUpdate: (_old, cm) => console.log("update", cm.metadata?.name),
 *   onDelete: (cm) => console.log("delete", cm),
 * });
 * const controller = new AbortController();
 * const done = informer.run(controller.signal);
 * await waitForCacheSync(controller.signal, informer.hasSynced);
 * ```
 */
export function newSharedIndexInformer<T = KubeObject>(
  lw: ListerWatcher<T>,
  options: SharedIndexInformerOptions<T> = {},
): SharedIndexInformer<T> {
  return new SharedInformer<T>(lw, options);
}
