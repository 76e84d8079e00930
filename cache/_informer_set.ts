/**
 * The part shared by the typed, dynamic and metadata informer factories: one informer (and its lister) per
 * resource, made with the factory's options, started by `start`, waited for by `waitForCacheSync`,
 * stopped and awaited by `shutDown`.
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import { linkSignals } from "../_internal/async.ts";
import type { KubeObject } from "../rest/types.ts";
import type { GroupVersionResource } from "../meta/group_version.ts";
import type { GenericInformer, SharedInformerFactoryOptions } from "./informer_factory.ts";
import { metaNamespaceIndexFunc, NAMESPACE_INDEX } from "./index.ts";
import { type Lister, newLister } from "./lister.ts";
import { type ListWatchClient, listWatchFromClient } from "./listwatch.ts";
import type { TransformFunc } from "./queue.ts";
import { newSharedIndexInformer, type SharedIndexInformer } from "./shared_informer.ts";
import { waitForCacheSync } from "./wait_for_cache_sync.ts";
import { CacheSyncError } from "./cache_error.ts";

/**
 * The key of a resource's informer: its apiVersion and plural name, `"v1/pods"` or
 * `"apps/v1/deployments"`.
 */
export function informerKey(gvr: GroupVersionResource): string {
  return gvr.group === "" ? `${gvr.version}/${gvr.resource}` : `${gvr.group}/${gvr.version}/${gvr.resource}`;
}

/** The informers of one factory, by key ("v1/pods", "apps/v1/deployments"). */
export class InformerSet {
  #informers = new Map<string, SharedIndexInformer<unknown>>();
  #started = new Set<string>();
  #running = new Set<Promise<void>>();
  #shutdown = new AbortController();
  #clock: Clock;
  #resyncMs: number;
  #options: SharedInformerFactoryOptions;
  #generics = new Map<string, GenericInformer<KubeObject>>();

  constructor(resyncMs: number, options: SharedInformerFactoryOptions) {
    this.#resyncMs = resyncMs;
    this.#options = options;
    this.#clock = options.clock ?? REAL_CLOCK;
  }

  /** The informer and lister of a resource, if {@linkcode InformerSet.genericFor} made them already. */
  cachedGeneric(gvr: GroupVersionResource): GenericInformer<KubeObject> | undefined {
    return this.#generics.get(informerKey(gvr));
  }

  /**
   * The informer and lister of a resource, made on first use with the factory's options; `client` is
   * asked for only then.
   */
  genericFor<T extends KubeObject>(
    gvr: GroupVersionResource,
    client: () => ListWatchClient<T>,
  ): GenericInformer<T> {
    const key = informerKey(gvr);
    const cached = this.#generics.get(key);
    if (cached !== undefined) return cached as unknown as GenericInformer<T>;
    const { group, resource } = gvr;
    const options = this.#options;
    const informer = (): SharedIndexInformer<T> =>
      this.informerFor(key, () =>
        newSharedIndexInformer<T>(
          listWatchFromClient(client(), { tweakListOptions: options.tweakListOptions }),
          {
            resyncPeriodMs: options.customResync?.[key] ?? this.#resyncMs,
            indexers: { [NAMESPACE_INDEX]: metaNamespaceIndexFunc },
            transform: options.transform as TransformFunc<T> | undefined,
            clock: this.#clock,
            objectDescription: group === "" ? resource : `${resource}.${group}`,
            useWatchList: options.useWatchList ?? true,
            watchErrorHandler: options.watchErrorHandler,
            logger: options.logger,
            handlerBacklogWarningThreshold: options.handlerBacklogWarningThreshold,
          },
        ));
    const generic: GenericInformer<T> = {
      informer,
      lister: (): Lister<T> => newLister(informer().getIndexer(), { group, resource }),
    };
    this.#generics.set(key, generic as unknown as GenericInformer<KubeObject>);
    return generic;
  }

  informerFor<T>(key: string, create: () => SharedIndexInformer<T>): SharedIndexInformer<T> {
    let informer = this.#informers.get(key);
    if (informer === undefined) {
      informer = create() as SharedIndexInformer<unknown>;
      this.#informers.set(key, informer);
    }
    return informer as SharedIndexInformer<T>;
  }

  /** Runs every informer requested so far and not yet started, until `signal` aborts or shutdown. */
  start(signal: AbortSignal): void {
    if (this.#shutdown.signal.aborted) return;
    for (const [key, informer] of this.#informers) {
      if (this.#started.has(key)) continue;
      this.#started.add(key);
      // Started by its user already: it is theirs to stop.
      if (informer.hasStarted()) continue;
      const linked = linkSignals(signal, this.#shutdown.signal);
      const done: Promise<void> = informer.run(linked.signal).finally(() => {
        linked.dispose();
        this.#running.delete(done);
      });
      this.#running.add(done);
    }
  }

  /**
   * Waits until each started informer has synced: resolves with key -> true, or rejects with a
   * {@linkcode CacheSyncError} naming those that had not when `signal` aborted.
   */
  async waitForCacheSync(signal?: AbortSignal): Promise<Record<string, true>> {
    const started = [...this.#informers].filter(([key]) => this.#started.has(key));
    const synced = await Promise.all(
      started.map(([, informer]) => waitForCacheSync({ signal, clock: this.#clock }, informer.hasSynced)),
    );
    const unsynced = started.filter((_, i) => !synced[i]).map(([key]) => key);
    if (unsynced.length > 0) throw new CacheSyncError(unsynced, { cause: signal?.reason });
    return Object.fromEntries(started.map(([key]) => [key, true as const]));
  }

  /** Stops every informer this set started and resolves once all have stopped; later starts do nothing. */
  async shutDown(): Promise<void> {
    this.#shutdown.abort();
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }
}

/** The resync period and options of a factory, given as `(resyncMs, options)` or `(options)`. */
export function factoryArguments(
  resyncMsOrOptions: number | SharedInformerFactoryOptions | undefined,
  options: SharedInformerFactoryOptions | undefined,
): [number, SharedInformerFactoryOptions] {
  const o = typeof resyncMsOrOptions === "object" ? resyncMsOrOptions : options ?? {};
  const resyncMs = typeof resyncMsOrOptions === "number" ? resyncMsOrOptions : o.resyncMs ?? 0;
  if (!Number.isFinite(resyncMs) || resyncMs < 0) {
    throw new RangeError(`The resync period must be a number of milliseconds >= 0, not ${resyncMs}`);
  }
  return [resyncMs, o];
}
