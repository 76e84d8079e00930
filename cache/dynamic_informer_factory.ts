/**
 * {@linkcode newDynamicSharedInformerFactory}: shared informers for any resource, custom resources
 * included, through the dynamic client (client-go's `dynamicinformer.DynamicSharedInformerFactory`).
 *
 * @module
 */
import type { DynamicClient, Unstructured } from "../dynamic/dynamic_client.ts";
import type { GroupVersionResource } from "../meta/group_version.ts";
import type { Stored } from "../meta/stored.ts";
import type { GenericInformer, InformerFactory, SharedInformerFactoryOptions } from "./informer_factory.ts";
import { factoryArguments, InformerSet } from "./_informer_set.ts";

/**
 * Shared informers for any group, version and resource, with objects as plain JSON (client-go's
 * `DynamicSharedInformerFactory`).
 */
export type DynamicSharedInformerFactory = InformerFactory<Stored<Unstructured>>;

class DynamicInformerFactory implements DynamicSharedInformerFactory {
  #client: DynamicClient;
  #options: SharedInformerFactoryOptions;
  #set: InformerSet;

  constructor(client: DynamicClient, resyncMs: number, options: SharedInformerFactoryOptions) {
    this.#client = client;
    this.#options = options;
    this.#set = new InformerSet(resyncMs, options);
  }

  forResource(gvr: GroupVersionResource): GenericInformer<Stored<Unstructured>> {
    return this.#set.genericFor<Stored<Unstructured>>(gvr, () => {
      const client = this.#client.resource({
        group: gvr.group,
        version: gvr.version,
        resource: gvr.resource,
      });
      const namespace = this.#options.namespace ?? "";
      return namespace === "" ? client : client.namespace(namespace);
    });
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
}

/**
 * Creates a factory of shared informers over the dynamic client (client-go's
 * `dynamicinformer.NewFilteredDynamicSharedInformerFactory`): `forResource(gvr)` works for any
 * resource the server serves, custom resources included. With `options.namespace`, every informer
 * watches that namespace only, so use it for namespaced resources.
 *
 * @param client The dynamic client the informers list and watch through.
 * @param resyncMsOrOptions The default resync period of the informers' handlers (0: none), or the
 * options (then `options.resyncMs` is the period).
 * @param options Namespace, list option changes, transform, per-resource resync, clock.
 * @returns The factory.
 *
 * @example
 * ```ts
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
 * await factory.shutDown();
 * ```
 */
export function newDynamicSharedInformerFactory(
  client: DynamicClient,
  resyncMsOrOptions?: number | SharedInformerFactoryOptions,
  options?: SharedInformerFactoryOptions,
): DynamicSharedInformerFactory {
  const [resyncMs, o] = factoryArguments(resyncMsOrOptions, options);
  return new DynamicInformerFactory(client, resyncMs, o);
}
