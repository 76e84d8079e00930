/**
 * {@linkcode newMetadataSharedInformerFactory}: shared informers that cache only the metadata of any
 * resource, through the metadata client (client-go's `metadatainformer.SharedInformerFactory`).
 *
 * @module
 */
import type { MetadataClient, PartialObjectMetadata } from "../metadata/metadata_client.ts";
import type { InformerFactory, SharedInformerFactoryOptions } from "./informer_factory.ts";
import { factoryArguments } from "./_informer_set.ts";
import { ResourceInformerFactory } from "./_resource_informer_factory.ts";

/**
 * Shared informers for any group, version and resource whose caches hold `PartialObjectMetadata`
 * (client-go's `metadatainformer.SharedInformerFactory`).
 */
export type MetadataSharedInformerFactory = InformerFactory<PartialObjectMetadata>;

/**
 * Creates a factory of shared informers over the metadata client (client-go's
 * `metadatainformer.NewFilteredSharedInformerFactory`): `forResource(gvr)` gives an informer whose
 * cache and handlers see `PartialObjectMetadata` (name, namespace, labels, annotations, owners,
 * resourceVersion...) of any resource, for a fraction of the memory of whole objects. Add
 * `transform: transformStripManagedFields()` to drop `managedFields` too, often the largest part left.
 *
 * @param client The metadata client the informers list and watch through.
 * @param resyncMsOrOptions The default resync period of the informers' handlers (0: none), or the
 * options (then `options.resyncMs` is the period).
 * @param options Namespace, list option changes, transform, per-resource resync, clock, WatchList.
 * @returns The factory.
 *
 * @example
 * ```ts
 * import { newMetadataSharedInformerFactory, transformStripManagedFields } from "@kubeweb/client/cache";
 * import { newMetadataClient } from "@kubeweb/client/metadata";
 * import { loadRestConfig } from "@kubeweb/client/rest";
 *
 * const factory = newMetadataSharedInformerFactory(newMetadataClient(await loadRestConfig()), {
 *   transform: transformStripManagedFields(),
 * });
 * const secrets = factory.forResource({ group: "", version: "v1", resource: "secrets" });
 * secrets.informer().addEventHandler({ onAdd: (s) => console.log("secret", s.metadata.name) });
 *
 * const controller = new AbortController();
 * factory.start(controller.signal);
 * await factory.waitForCacheSync(controller.signal);
 * console.log(secrets.lister().namespace("default").list().length);
 * controller.abort();
 * await factory.shutDown();
 * ```
 */
export function newMetadataSharedInformerFactory(
  client: MetadataClient,
  resyncMsOrOptions?: number | SharedInformerFactoryOptions,
  options?: SharedInformerFactoryOptions,
): MetadataSharedInformerFactory {
  const [resyncMs, o] = factoryArguments(resyncMsOrOptions, options);
  return new ResourceInformerFactory<PartialObjectMetadata>(client, resyncMs, o);
}
