/**
 * {@linkcode Stored}: the type of an object the API server returned. Request types (what callers
 * send to create, update or apply) leave every field optional, as the OpenAPI spec does; an object
 * read back from the server always has its type and identity, so callers need not write
 * `obj.metadata!.uid!`.
 *
 * @module
 */
import type { ListMeta, ObjectMeta } from "../rest/types.ts";

/**
 * The metadata the API server sets on every object it returns: name, uid, resourceVersion and
 * creationTimestamp, and the namespace of an object of a namespaced resource.
 */
export type StoredObjectMeta<Namespaced extends boolean = boolean> =
  & ObjectMeta
  & {
    /** Name, unique within a namespace. */
    name: string;
    /** Unique id the server assigned. */
    uid: string;
    /** Opaque version for optimistic concurrency and watches. */
    resourceVersion: string;
    /** Creation time (RFC 3339). */
    creationTimestamp: string;
  }
  & (Namespaced extends true ? {
      /** Namespace of the object. */
      namespace: string;
    }
    : unknown);

/**
 * An object as the API server returned it (from get, list, create, update, patch, apply, a watch
 * event, an informer's cache or a lister): `T` with `apiVersion`, `kind` and the server-set metadata
 * present. `Namespaced` (true for pods, false for nodes; unknown by default) says whether
 * `metadata.namespace` is present.
 *
 * @example
 * ```ts
 * import type { Stored } from "@kubeweb/client/meta";
 * import type { ConfigMap } from "@kubeweb/client/clientset/core/v1";
 *
 * function owner(cm: Stored<ConfigMap, true>) {
 *   return { apiVersion: cm.apiVersion, kind: cm.kind, name: cm.metadata.name, uid: cm.metadata.uid };
 * }
 * ```
 */
export type Stored<T, Namespaced extends boolean = boolean> = T & {
  /** API version, for example `v1` or `apps/v1`. */
  apiVersion: string;
  /** Kind, for example `Pod`. */
  kind: string;
  /** Standard object metadata, as the server set it. */
  metadata: StoredObjectMeta<Namespaced>;
};

/**
 * A list as the API server returned it: its items {@linkcode Stored}, its metadata with the
 * resourceVersion to start a watch from.
 */
export type StoredList<L, T, Namespaced extends boolean = boolean> = Omit<L, "items" | "metadata"> & {
  /** List metadata: the version of the list, and the token of the next page if any. */
  metadata: ListMeta & { resourceVersion: string };
  /** The objects. */
  items: Stored<T, Namespaced>[];
};
