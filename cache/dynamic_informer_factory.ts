/**
 * {@linkcode newDynamicSharedInformerFactory}: shared informers for any resource, custom resources
 * included, through the dynamic client (client-go's `dynamicinformer.DynamicSharedInformerFactory`).
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import type { DynamicClient, Unstructured } from "../dynamic/dynamic_client.ts";
import type { GroupVersionResource } from "../discovery/group_version.ts";
import { metaNamespaceIndexFunc, NAMESPACE_INDEX } from "./index.ts";
import {
  type GenericInformer,
  type InformerFactory,
  informerKey,
  type SharedInformerFactoryOptions,
} from "./informer_factory.ts";
import { InformerSet } from "./_informer_set.ts";
import { type Lister, newLister } from "./lister.ts";
import { type ListWatchClient, listWatchFromClient } from "./listwatch.ts";
import type { TransformFunc } from "./queue.ts";
import { newSharedIndexInformer, type SharedIndexInformer } from "./shared_informer.ts";

/**
 * Shared informers for any group, version and resource, with objects as plain JSON (client-go's
 * `DynamicSharedInformerFactory`).
 */
export type DynamicSharedInformerFactory = InformerFactory<Unstructured>;

class DynamicInformerFactory implements DynamicSharedInformerFactory {
  #client: DynamicClient;
  #resyncMs: number;
  #options: SharedInformerFactoryOptions;
  #set: InformerSet;
  #clock: Clock;
  #generics = new Map<string, GenericInformer<Unstructured>>();

  constructor(client: DynamicClient, resyncMs: number, options: SharedInformerFactoryOptions) {
    this.#client = client;
    this.#resyncMs = resyncMs;
    this.#options = options;
    this.#clock = options.clock ?? REAL_CLOCK;
    this.#set = new InformerSet(this.#clock);
  }

  forResource(gvr: GroupVersionResource): GenericInformer<Unstructured> {
    const key = informerKey(gvr);
    const cached = this.#generics.get(key);
    if (cached !== undefined) return cached;
    const { group, version, resource } = gvr;
    const namespace = this.#options.namespace ?? "";
    const resourceClient = this.#client.resource({ group, version, resource });
    const client: ListWatchClient<Unstructured> = namespace === ""
      ? resourceClient
      : resourceClient.namespace(namespace);
    const informer = (): SharedIndexInformer<Unstructured> =>
      this.#set.informerFor(key, () =>
        newSharedIndexInformer<Unstructured>(
          listWatchFromClient(client, { tweakListOptions: this.#options.tweakListOptions }),
          {
            resyncPeriodMs: this.#options.customResync?.[key] ?? this.#resyncMs,
            indexers: { [NAMESPACE_INDEX]: metaNamespaceIndexFunc },
            transform: this.#options.transform as TransformFunc<Unstructured> | undefined,
            clock: this.#clock,
            objectDescription: group === "" ? resource : `${resource}.${group}`,
          },
        ));
    const generic: GenericInformer<Unstructured> = {
      informer,
      lister: (): Lister<Unstructured> => newLister(informer().getIndexer(), { group, resource }),
    };
    this.#generics.set(key, generic);
    return generic;
  }

  start(signal: AbortSignal): void {
    this.#set.start(signal);
  }

  waitForCacheSync(signal?: AbortSignal): Promise<Map<string, boolean>> {
    return this.#set.waitForCacheSync(signal);
  }

  shutdown(): Promise<void> {
    return this.#set.shutdown();
  }
}

/**
 * Creates a factory of shared informers over the dynamic client (client-go's
 * `dynamicinformer.NewFilteredDynamicSharedInformerFactory`): `forResource(gvr)` works for any
 * resource the server serves, custom resources included. With `options.namespace`, every informer
 * watches that namespace only, so use it for namespaced resources.
 *
 * @param client The dynamic client the informers list and watch through.
 * @param resyncMs The default resync period of the informers' handlers (0: none).
 * @param options Namespace, list option changes, transform, per-resource resync, clock.
 * @returns The factory.
 *
 * @example
 * ```ts ignore
 * import { newDynamicSharedInformerFactory } from "@kubeweb/client/cache";
 * import { newDynamicClient } from "@kubeweb/client/dynamic";
 * import { loadRestConfig } from "@kubeweb/client/rest";
 *
 * const factory = newDynamicSharedInformerFactory(newDynamicClient(await loadRestConfig()), 0);
 * const crontabs = factory.forResource({ group: "stable.example.com", version: "v1", resource: "crontabs" });
 * crontabs.informer().addEventHandler({ onAdd: (ct) => console.log("crontab", ct.metadata?.name, ct.spec) });
 *
 * const controller = new AbortController();
 * factory.start(controller.signal);
 * await factory.waitForCacheSync(controller.signal);
 * console.log(crontabs.lister().namespace("default").list().length);
 * controller.abort();
 * await factory.shutdown();
 * ```
 */
export function newDynamicSharedInformerFactory(
  client: DynamicClient,
  resyncMs: number = 0,
  options: SharedInformerFactoryOptions = {},
): DynamicSharedInformerFactory {
  return new DynamicInformerFactory(client, resyncMs, options);
}
