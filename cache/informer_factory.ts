/**
 * {@linkcode newSharedInformerFactory}: shared informers for every listable built-in resource of a
 * clientset, one per resource per factory (client-go's `informers.SharedInformerFactory`).
 *
 * @module
 */
import type { Clock } from "../_internal/clock.ts";
import type { Clientset } from "../clientset/clientset.ts";
import type { ResourceInfo } from "../clientset/resource_client.ts";
import type { GroupVersionResource } from "../meta/group_version.ts";
import type { KubeObject } from "../rest/types.ts";
import type { Watcher } from "../rest/watcher.ts";
import { CacheError } from "./cache_error.ts";
import { informerKey, InformerSet } from "./_informer_set.ts";
import type { Lister } from "./lister.ts";
import type { ListWatchClient, TweakListOptionsFunc } from "./listwatch.ts";
import type { TransformFunc } from "./queue.ts";
import type { SharedIndexInformer } from "./shared_informer.ts";

export { informerKey };

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

/** A resource client that can be watched (the typed factory reads the object type `T` from it). */
export interface WatchableClient<T> {
  /** The resource the client is for. */
  readonly info: ResourceInfo;
  /** Starts a watch. */
  watch(...args: never[]): Promise<Watcher<T>>;
}

/**
 * The informer accessors of one group-version client `C` of the clientset: one per resource that
 * can be listed and watched, named as the client's accessor (`pods`, `configMaps`).
 */
export type VersionInformers<C> = {
  [K in keyof C as C[K] extends (...args: never[]) => WatchableClient<KubeObject> ? K : never]: C[K] extends
    (...args: never[]) => WatchableClient<infer T extends KubeObject> ? () => GenericInformer<T> : never;
};

/** The clientset accessors of group `G`'s versions that have informers (`"appsV1"`). */
export type InformerVersionKeys<G extends string> = {
  [K in keyof Clientset]: K extends `${G}V${string}`
    ? keyof VersionInformers<ReturnType<Clientset[K]>> extends never ? never : K
    : never;
}[keyof Clientset];

/** The versions of API group `G` ("core", "apps", ...) that have informers: `v1()`, `v1beta1()`. */
export type GroupInformers<G extends string> = {
  [K in InformerVersionKeys<G> as K extends `${G}V${infer V}` ? `v${V}` : never]: () => VersionInformers<
    ReturnType<Clientset[K]>
  >;
};

/** The group name in a clientset accessor: `"apps"` in `"appsV1"`, `"core"` in `"coreV1"`. */
export type InformerGroupName<K> = K extends `${infer G}V${string}` ? G : never;

/**
 * One accessor per API group with informers, named as client-go's: `core()`, `apps()`, `batch()`,
 * `rbac()`, `networking()`...
 */
export type InformerGroups = {
  [
    K in keyof Clientset as InformerVersionKeys<InformerGroupName<K>> extends never ? never
      : InformerGroupName<K>
  ]: () => GroupInformers<InformerGroupName<K>>;
};

/**
 * Shared informers for the built-in resources of a clientset (client-go's
 * `informers.SharedInformerFactory`): `factory.core().v1().pods()`, `factory.apps().v1().deployments()`,
 * each with `informer()` and `lister()`, plus `forResource`.
 */
export type SharedInformerFactory = InformerFactory & InformerGroups;

const GROUP_VERSION_KEY = /^([a-z][a-z0-9]*)V([0-9]+(?:(?:alpha|beta)[0-9]+)?)$/;

/** Every method name of `obj`, own and inherited (generated clients are object literals, fakes may be classes). */
function methodNames(obj: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = obj; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name !== "constructor" && typeof (obj as Record<string, unknown>)[name] === "function") {
        names.add(name);
      }
    }
  }
  return [...names];
}

type AnyClient = ListWatchClient<KubeObject> & { readonly info: ResourceInfo };
type ResourceAccessor = (namespace?: string) => AnyClient;
type GroupVersionClient = Record<string, unknown>;

class TypedInformerFactory implements InformerFactory {
  #clientset: Clientset;
  #options: SharedInformerFactoryOptions;
  #set: InformerSet;

  constructor(clientset: Clientset, resyncMs: number, options: SharedInformerFactoryOptions) {
    this.#clientset = clientset;
    this.#options = options;
    this.#set = new InformerSet(resyncMs, options);
    const groups = new Map<string, Map<string, string>>();
    for (const name of methodNames(clientset)) {
      const m = GROUP_VERSION_KEY.exec(name);
      if (m === null) continue;
      let versions = groups.get(m[1]);
      if (versions === undefined) groups.set(m[1], versions = new Map());
      versions.set(`v${m[2]}`, name);
    }
    for (const [group, versions] of groups) {
      let accessors: Record<string, () => Record<string, () => GenericInformer>> | undefined;
      Object.defineProperty(this, group, {
        value: (): Record<string, () => Record<string, () => GenericInformer>> => {
          accessors ??= this.#groupAccessors(versions);
          return accessors;
        },
        enumerable: true,
      });
    }
  }

  #groupAccessors(
    versions: Map<string, string>,
  ): Record<string, () => Record<string, () => GenericInformer>> {
    const out: Record<string, () => Record<string, () => GenericInformer>> = {};
    for (const [version, clientsetKey] of versions) {
      let resources: Record<string, () => GenericInformer> | undefined;
      out[version] = () => resources ??= this.#versionAccessors(clientsetKey);
    }
    return out;
  }

  #groupVersionClient(clientsetKey: string): GroupVersionClient {
    return (this.#clientset as unknown as Record<string, () => GroupVersionClient>)[clientsetKey]();
  }

  #versionAccessors(clientsetKey: string): Record<string, () => GenericInformer> {
    const gv = this.#groupVersionClient(clientsetKey);
    const out: Record<string, () => GenericInformer> = {};
    for (const name of methodNames(gv)) {
      let generic: GenericInformer | undefined;
      out[name] = () =>
        generic ??= this.#generic((gv[name] as ResourceAccessor)(this.#options.namespace ?? ""));
    }
    return out;
  }

  #generic(client: AnyClient): GenericInformer {
    return this.#set.genericFor(client.info, () => client);
  }

  start(signal: AbortSignal): void {
    this.#set.start(signal);
  }

  waitForCacheSync(signal?: AbortSignal): Promise<Record<string, true>> {
    return this.#set.waitForCacheSync(signal);
  }

  shutDown(): Promise<void> {
    return this.#set.shutDown();
  }

  shutdown(): Promise<void> {
    return this.#set.shutDown();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.#set.shutDown();
  }

  forResource(gvr: GroupVersionResource): GenericInformer {
    const cached = this.#set.cachedGeneric(gvr);
    if (cached !== undefined) return cached;
    // The clientset's accessor of a group-version is named after the group's first label.
    const group = gvr.group === "" ? "core" : gvr.group.split(".")[0];
    const clientsetKey = `${group}V${gvr.version.slice(1)}`;
    const clientset = this.#clientset as unknown as Record<string, unknown>;
    if (
      gvr.version.startsWith("v") && GROUP_VERSION_KEY.test(clientsetKey) &&
      typeof clientset[clientsetKey] === "function"
    ) {
      const gv = this.#groupVersionClient(clientsetKey);
      for (const name of methodNames(gv)) {
        const client = (gv[name] as ResourceAccessor)(this.#options.namespace ?? "");
        const info = client?.info;
        if (
          info !== undefined && info.group === gvr.group && info.version === gvr.version &&
          info.resource === gvr.resource
        ) {
          return this.#generic(client);
        }
      }
    }
    throw new CacheError(
      `No informer found for ${informerKey(gvr)}: the clientset does not have this resource`,
    );
  }
}

/**
 * Creates a factory of shared informers over a clientset (client-go's
 * `informers.NewSharedInformerFactoryWithOptions`). Every listable built-in resource has a typed
 * accessor, `factory.core().v1().pods()`, giving its `informer()` and `lister()`; each resource has
 * one informer per factory, cached with the namespace index.
 *
 * @param clientset The clientset the informers list and watch through.
 * @param resyncMs The default resync period of the informers' handlers (0: none).
 * @param options Namespace, list option changes, transform, per-resource resync, clock.
 * @returns The factory.
 *
 * @example
 * ```ts ignore
 * import { newSharedInformerFactory } from "@kubeweb/client/cache";
 * import { newClientset } from "@kubeweb/client/clientset";
 * import { loadRestConfig } from "@kubeweb/client/rest";
 *
 * const factory = newSharedInformerFactory(newClientset(await loadRestConfig()), 0, { namespace: "default" });
 * const pods = factory.core().v1().pods();
 * pods.informer().addEventHandler({ onAdd: (pod) => console.log("pod", pod.metadata?.name, pod.status?.phase) });
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
  resyncMs: number = 0,
  options: SharedInformerFactoryOptions = {},
): SharedInformerFactory {
  return new TypedInformerFactory(clientset, resyncMs, options) as unknown as SharedInformerFactory;
}
