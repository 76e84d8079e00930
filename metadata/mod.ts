/**
 * The metadata client: lists, watches and gets of any resource that return only the objects'
 * metadata (`PartialObjectMetadata`), as client-go's `metadata` package. Use it with
 * `newMetadataSharedInformerFactory` (in `@kubeweb/client/cache`) for caches of metadata only.
 *
 * @example
 * ```ts
 * import { newMetadataClient } from "@kubeweb/client/metadata";
 * import { loadRestConfig } from "@kubeweb/client/rest";
 *
 * const metadata = newMetadataClient(await loadRestConfig());
 * const pods = await metadata.resource({ group: "", version: "v1", resource: "pods" }).list({ limit: 10 });
 * for (const p of pods.items) console.log(p.metadata.namespace, p.metadata.name);
 * ```
 *
 * @module
 */
export * from "./metadata_client.ts";
