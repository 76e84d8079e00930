/**
 * The tombstone a queue emits for an object it knows was deleted without seeing its last state.
 *
 * @module
 */

/**
 * Placed in a Deleted delta when an object was deleted but the watch deletion event was missed (for
 * example during a relist after a disconnect). `obj` is the last state the cache knew, and may be
 * stale or `undefined`. Event handlers' `onDelete` may receive one of these instead of the object.
 *
 * @example Unwrapping a tombstone in a delete handler
 * ```ts
 * import { DeletedFinalStateUnknown } from "@kubeweb/client/cache";
 * import type { KubeObject } from "@kubeweb/client/rest";
 *
 * function onDelete(obj: KubeObject | DeletedFinalStateUnknown<KubeObject>): void {
 *   const last = obj instanceof DeletedFinalStateUnknown ? obj.obj : obj;
 *   console.log("deleted", last?.metadata?.name);
 * }
 * onDelete(new DeletedFinalStateUnknown("default/web", { metadata: { name: "web" } }));
 * ```
 */
export class DeletedFinalStateUnknown<T> {
  /** The object's key in the store ("namespace/name" or "name"). */
  readonly key: string;
  /** The last known state of the object, if any. */
  readonly obj: T | undefined;

  /** Creates a tombstone for `key` with the last known state `obj`. */
  constructor(key: string, obj: T | undefined) {
    this.key = key;
    this.obj = obj;
  }
}
