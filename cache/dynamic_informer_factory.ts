/**
 * {@linkcode newDynamicSharedInformerFactory}: shared informers for any resource, custom resources
 * included, through the dynamic client (client-go's `dynamicinformer.DynamicSharedInformerFactory`).
 *
 * @module
 */
import type { DynamicClient, Unstructured } from "../dynamic/dynamic_client.ts";
import type { Stored } from "../meta/stored.ts";
import type { InformerFactory, SharedInformerFactoryOptions } from "./informer_factory.ts";
import { factoryArguments } from "./_informer_set.ts";
import { ResourceInformerFactory } from "./_resource_informer_factory.ts";

/**
 * Shared informers for any group, version and resource, with objects as plain JSON (client-go's
 * `DynamicSharedInformerFactory`).
 */
export type DynamicSharedInformerFactory = InformerFactory<Stored<Unstructured>>;

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
  return new ResourceInformerFactory<Stored<Unstructured>>(client, resyncMs, o);
}
