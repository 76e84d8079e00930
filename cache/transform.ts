/**
 * {@linkcode transformStripManagedFields}: a ready-made informer transform that drops
 * `metadata.managedFields` (client-go's `cache.TransformStripManagedFields`).
 *
 * @module
 */
import type { KubeObject } from "../rest/types.ts";
import type { TransformFunc } from "./queue.ts";

/**
 * A transform that removes `metadata.managedFields` from each object before it is cached (client-go's
 * `TransformStripManagedFields`). Server-side apply records there which manager owns which field; a
 * controller seldom needs it, and on small objects it is a large share of the cache. The object is
 * changed in place (no copy is made), so its other fields stay as the server sent them. Anything
 * without metadata (a tombstone) is returned as it is.
 *
 * @returns The transform, for `transform` of an informer or a factory.
 *
 * @example
 * ```ts
 * import { transformStripManagedFields } from "@kubeweb/client/cache";
 *
 * const strip = transformStripManagedFields();
 * const cm = strip({ metadata: { name: "a", managedFields: [{ manager: "kubectl" }] } });
 * console.log(cm.metadata?.managedFields); // undefined
 * ```
 */
export function transformStripManagedFields<T extends KubeObject = KubeObject>(): TransformFunc<T> {
  return (obj: T): T => {
    const meta = (obj as KubeObject | null)?.metadata;
    // Assigning keeps the object's shape (a `delete` would turn it into a slower, larger dictionary).
    if (meta !== null && typeof meta === "object" && meta.managedFields !== undefined) {
      meta.managedFields = undefined;
    }
    return obj;
  };
}
