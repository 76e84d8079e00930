/**
 * {@linkcode newMetadataSharedInformerFactory}: shared informers that cache only the metadata of any
 * resource, through the metadata client (client-go's `metadatainformer.SharedInformerFactory`).
 *
 * @module
 */
import type { GroupVersionResource } from "../meta/group_version.ts";
import type { MetadataClient, PartialObjectMetadata } from "../metadata/metadata_client.ts";
import type { GenericInformer, InformerFactory, SharedInformerFactoryOptions } from "./informer_factory.ts";
import { factoryArguments, InformerSet } from "./_informer_set.ts";

/**
 * Shared informers for any group, version and resource whose caches hold `PartialObjectMetadata`
 * (client-go's `metadatainformer.SharedInformerFactory`).
 */
export type MetadataSharedInformerFactory = InformerFactory<PartialObjectMetadata>;

class MetadataInformerFactory implements MetadataSharedInformerFactory {
  #client: MetadataClient;
  #options: SharedInformerFactoryOptions;
  #set: InformerSet;

  constructor(client: MetadataClient, resyncMs: number, options: SharedInformerFactoryOptions) {
    this.#client = client;
    this.#options = options;
    this.#set = new InformerSet(resyncMs, options);
  }

  forResource(gvr: GroupVersionResource): GenericInformer<PartialObjectMetadata> {
    return this.#set.genericFor<PartialObjectMetadata>(gvr, () => {
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
  return new MetadataInformerFactory(client, resyncMs, o);
}
