/**
 * {@linkcode newSharedInformerFactory}: shared informers for every listable built-in resource of a
 * clientset, one per resource per factory (client-go's `informers.SharedInformerFactory`).
 *
 * @module
 */
import type { Clock } from "../_internal/clock.ts";
import type { Clientset } from "../clientset/clientset.ts";
import type { GroupVersionResource } from "../meta/group_version.ts";
import type { KubeObject } from "../rest/types.ts";
import { CacheError } from "./cache_error.ts";
import { factoryArguments, informerKey } from "./_informer_set.ts";
import { InformerSetFactory } from "./_resource_informer_factory.ts";
import { INFORMER_CLIENTS, type InformerClient } from "./_informer_clients.ts";
import type { InformerGroups } from "./informer_groups.ts";
import type { Lister } from "./lister.ts";
import type { TweakListOptionsFunc } from "./listwatch.ts";
import type { TransformFunc } from "./queue.ts";
import type { SharedIndexInformer } from "./shared_informer.ts";
import type { WatchErrorHandler } from "./reflector.ts";
import type { CacheLogger } from "./cache_logger.ts";

export { informerKey };
export type { InformerGroups };

/** The informer and the lister of one resource (client-go's `GenericInformer` and typed informers). */
export interface GenericInformer<T extends KubeObject = KubeObject> {
  /**
   * The factory's shared informer of the resource: the same object on every call. Requesting it
   * registers it with the factory, so the next `factory.start()` runs it.
   */
  informer(): SharedIndexInformer<T>;
  /** A lister over the informer's cache (requests the informer). */
  lister(): Lister<T>;
}

/** Options of {@linkcode newSharedInformerFactory} and {@linkcode newDynamicSharedInformerFactory}. */
export interface SharedInformerFactoryOptions {
  /**
   * The default resync period of the informers' handlers in milliseconds (0 or unset: none). The
   * `resyncMs` argument, when given, takes precedence.
   */
  resyncMs?: number;
  /** Watch only this namespace ("" or undefined: all namespaces). Cluster-scoped resources ignore it. */
  namespace?: string;
  /** Changes the options of every list and watch call of every informer (for example a label selector). */
  tweakListOptions?: TweakListOptionsFunc;
  /** Rewrites each object once before it is cached (for example to drop managedFields). */
  transform?: TransformFunc<KubeObject>;
  /**
   * Resync periods that differ from the factory's, by informer key: the resource's apiVersion and
   * plural name, `"v1/pods"` or `"apps/v1/deployments"`.
   */
  customResync?: Record<string, number>;
  /** The clock of the informers and of `waitForCacheSync` (default: real). */
  clock?: Clock;
  /**
   * Each informer gets its initial state by WatchList, one watch with `sendInitialEvents=true` that
   * goes on as the informer's watch, instead of a LIST (default true, as client-go 1.36, whose
   * `WatchListClient` feature is on). On any error (a server that does not serve it, as before 1.27,
   * answers 400) that cycle lists and watches instead; the server's version is not consulted.
   */
  useWatchList?: boolean;
  /** Told of list errors and watch-start errors of every informer (client-go's `WatchErrorHandler`). */
  watchErrorHandler?: WatchErrorHandler;
  /** Receives the informers' routine warnings (running-watch endings, slow handlers); default `console.warn`. */
  logger?: CacheLogger;
  /**
   * Warn through `logger` when one handler's buffer holds more than this many notifications (default
   * 10,000; 0: never).
   */
  handlerBacklogWarningThreshold?: number;
}

/** What every informer factory does: start, wait for sync, shut down, and informers by resource. */
export interface InformerFactory<T extends KubeObject = KubeObject> extends AsyncDisposable {
  /**
   * Runs every informer requested so far that has not run yet; informers requested later run on
   * the next call. They stop when `signal` aborts or on {@linkcode InformerFactory.shutDown}.
   * Does nothing after shut down.
   */
  start(signal: AbortSignal): void;
  /**
   * Waits until every started informer has synced. Resolves with an object holding `true` for each
   * started informer's key (`"v1/pods"`, `"apps/v1/deployments"`); when `signal` aborts first, rejects
   * with a `CacheSyncError` whose `unsynced` names the informers that had not synced.
   */
  waitForCacheSync(signal?: AbortSignal): Promise<Record<string, true>>;
  /**
   * Stops every informer the factory started (as if their start signals aborted) and resolves once
   * all have stopped, their handlers included. Later `start` calls do nothing (client-go's `Shutdown`).
   */
  shutDown(): Promise<void>;
  /** @deprecated The same as {@linkcode InformerFactory.shutDown}: the package spells it `shutDown`. */
  shutdown(): Promise<void>;
  /** Shuts the factory down, as {@linkcode InformerFactory.shutDown}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
  /**
   * The informer and lister of a resource by group, version and plural name. The typed factory
   * throws {@linkcode CacheError} for a resource its clientset does not know.
   */
  forResource(gvr: GroupVersionResource): GenericInformer<T>;
}

/**
 * Shared informers for the built-in resources of a clientset (client-go's
 * `informers.SharedInformerFactory`): `factory.core().v1().pods()`, `factory.apps().v1().deployments()`,
 * each with `informer()` and `lister()` typed with the resource's stored objects, plus `forResource`.
 * The accessors are generated with the clientset (`cache/informer_groups.ts`): a resource the server
 * cannot list and watch has none.
 */
export type SharedInformerFactory = InformerFactory & InformerGroups;

class TypedInformerFactory extends InformerSetFactory<KubeObject> {
  #clientset: Clientset;
  #namespace: string;

  constructor(clientset: Clientset, resyncMs: number, options: SharedInformerFactoryOptions) {
    super(resyncMs, options);
    this.#clientset = clientset;
    this.#namespace = options.namespace ?? "";
    for (const [group, versions] of Object.entries(INFORMER_CLIENTS)) {
      let accessors: Record<string, () => Record<string, () => GenericInformer>> | undefined;
      Object.defineProperty(this, group, {
        value: (): Record<string, () => Record<string, () => GenericInformer>> =>
          accessors ??= this.#groupAccessors(versions),
        enumerable: true,
      });
    }
  }

  #groupAccessors(
    versions: Record<string, Record<string, InformerClientMaker>>,
  ): Record<string, () => Record<string, () => GenericInformer>> {
    const out: Record<string, () => Record<string, () => GenericInformer>> = {};
    for (const [version, makers] of Object.entries(versions)) {
      let resources: Record<string, () => GenericInformer> | undefined;
      out[version] = () => resources ??= this.#versionAccessors(makers);
    }
    return out;
  }

  #versionAccessors(makers: Record<string, InformerClientMaker>): Record<string, () => GenericInformer> {
    const out: Record<string, () => GenericInformer> = {};
    for (const [name, make] of Object.entries(makers)) {
      out[name] = () => this.#generic(make(this.#clientset, this.#namespace));
    }
    return out;
  }

  #generic(client: InformerClient): GenericInformer {
    return this.informers.genericFor(client.info, () => client);
  }

  forResource(gvr: GroupVersionResource): GenericInformer {
    const cached = this.informers.cachedGeneric(gvr);
    if (cached !== undefined) return cached;
    // The informer groups are named after the API group's first label, as the clientset's accessors.
    const group = gvr.group === "" ? "core" : gvr.group.split(".")[0];
    const makers = Object.hasOwn(INFORMER_CLIENTS, group) ? INFORMER_CLIENTS[group] : undefined;
    const byName = makers !== undefined && Object.hasOwn(makers, gvr.version) ? makers[gvr.version] : {};
    for (const make of Object.values(byName)) {
      const client = make(this.#clientset, this.#namespace);
      const info = client.info;
      if (info.group === gvr.group && info.version === gvr.version && info.resource === gvr.resource) {
        return this.#generic(client);
      }
    }
    throw new CacheError(
      `No informer found for ${informerKey(gvr)}: the clientset does not have this resource`,
    );
  }
}

type InformerClientMaker = (clientset: Clientset, namespace: string) => InformerClient;

/**
 * Creates a factory of shared informers over a clientset (client-go's
 * `informers.NewSharedInformerFactoryWithOptions`). Every listable built-in resource has a typed
 * accessor, `factory.core().v1().pods()`, giving its `informer()` and `lister()`; each resource has
 * one informer per factory, cached with the namespace index.
 *
 * @param clientset The clientset the informers list and watch through.
 * @param resyncMsOrOptions The default resync period of the informers' handlers (0: none), or the
 * options (then `options.resyncMs` is the period).
 * @param options Namespace, list option changes, transform, per-resource resync, clock.
 * @returns The factory.
 *
 * @example
 * ```ts no-eval
 * import { newSharedInformerFactory } from "@kubeweb/client/cache";
 * import { newClientset } from "@kubeweb/client/clientset";
 * import { loadRestConfig } from "@kubeweb/client/rest";
 *
 * const factory = newSharedInformerFactory(newClientset(await loadRestConfig()), { namespace: "default" });
 * const pods = factory.core().v1().pods();
 * pods.informer().addEventHandler({ onAdd: (pod) => console.log("pod", pod.metadata.name, pod.status?.phase) });
 * const deployments = factory.apps().v1().deployments().lister();
 *
 * const controller = new AbortController();
 * factory.start(controller.signal);
 * console.log(await factory.waitForCacheSync(controller.signal)); // { "v1/pods": true, "apps/v1/deployments": true }
 * console.log(deployments.namespace("default").list("app=web").length);
 * controller.abort();
 * await factory.shutDown();
 * ```
 */
export function newSharedInformerFactory(
  clientset: Clientset,
  resyncMsOrOptions?: number | SharedInformerFactoryOptions,
  options?: SharedInformerFactoryOptions,
): SharedInformerFactory {
  const [resyncMs, o] = factoryArguments(resyncMsOrOptions, options);
  return new TypedInformerFactory(clientset, resyncMs, o) as unknown as SharedInformerFactory;
}
