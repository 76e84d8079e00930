/**
 * The {@linkcode Store} interface, its implementation and the key functions (client-go's
 * `tools/cache/store.go`).
 *
 * @module
 */
import type { KubeObject } from "../rest/types.ts";
import { CacheError } from "./cache_error.ts";
import { DeletedFinalStateUnknown } from "./deleted_final_state_unknown.ts";
import type { Indexer, Indexers } from "./index.ts";
import { CacheStore } from "./_cache_store.ts";
import { NamespacedStore } from "./_namespaced_store.ts";

/**
 * Computes the key of an object. Store keys are "namespace/name", or "name" for cluster-scoped
 * objects. Throws {@linkcode CacheError} when the object has no key.
 */
export type KeyFunc = (obj: unknown) => string;

/**
 * A keyed collection of objects: client-go's `Store`. Methods that Go answers with an error throw
 * {@linkcode CacheError} here; lookups answer `undefined` when nothing is stored.
 *
 * @example
 * ```ts
 * import { newStore, metaNamespaceKeyFunc } from "@kubeweb/client/cache";
 *
 * const store = newStore(metaNamespaceKeyFunc);
 * store.add({ metadata: { namespace: "default", name: "web" } });
 * console.log(store.listKeys()); // ["default/web"]
 * ```
 */
export interface Store<T> {
  /** Stores `obj` under its key. */
  add(obj: T): void;
  /** Stores `obj` under its key, replacing the previous state. */
  update(obj: T): void;
  /** Removes the object with the key of `obj` (a tombstone is accepted when the key function handles it). */
  delete(obj: T | DeletedFinalStateUnknown<T>): void;
  /** All stored objects. */
  list(): T[];
  /** All keys. */
  listKeys(): string[];
  /** The stored object with the key of `obj`, or undefined. */
  get(obj: T): T | undefined;
  /** The stored object under `key`, or undefined. */
  getByKey(key: string): T | undefined;
  /** Replaces the whole content with `list`; `resourceVersion` is the list's resourceVersion. */
  replace(list: T[], resourceVersion: string): void;
  /** Asks the store to resync; a plain store does nothing. */
  resync(): void;
}

/**
 * Creates a {@linkcode Store} that keys objects with `keyFunc`.
 *
 * @example
 * ```ts
 * import { newStore, metaNamespaceKeyFunc } from "@kubeweb/client/cache";
 *
 * const store = newStore(metaNamespaceKeyFunc);
 * store.add({ metadata: { name: "node-1" } });
 * console.log(store.getByKey("node-1")?.metadata?.name); // "node-1"
 * ```
 */
export function newStore<T = KubeObject>(keyFunc: KeyFunc): Store<T> {
  return newIndexer<T>(keyFunc, {});
}

/**
 * Creates an {@linkcode Indexer}: a store keyed by `keyFunc` with the given indexes.
 *
 * @example
 * ```ts
 * import { newIndexer, deletionHandlingMetaNamespaceKeyFunc, metaNamespaceIndexFunc, NAMESPACE_INDEX } from "@kubeweb/client/cache";
 *
 * const indexer = newIndexer(deletionHandlingMetaNamespaceKeyFunc, { [NAMESPACE_INDEX]: metaNamespaceIndexFunc });
 * indexer.add({ metadata: { namespace: "kube-system", name: "dns" } });
 * console.log(indexer.byIndex(NAMESPACE_INDEX, "kube-system").length); // 1
 * ```
 */
export function newIndexer<T = KubeObject>(keyFunc: KeyFunc, indexers: Indexers<T>): Indexer<T> {
  // The namespace/name key functions get the compact store (no key string per object).
  if (keyFunc === metaNamespaceKeyFunc || keyFunc === deletionHandlingMetaNamespaceKeyFunc) {
    return new NamespacedStore<T>(keyFunc, indexers);
  }
  return new CacheStore<T>(keyFunc, indexers);
}

/**
 * The default key function: "namespace/name", or "name" when the object has no namespace. A string
 * is taken as an explicit key (client-go's `ExplicitKey`). Throws {@linkcode CacheError} for a value
 * without `metadata`.
 *
 * @example
 * ```ts
 * import { metaNamespaceKeyFunc } from "@kubeweb/client/cache";
 *
 * console.log(metaNamespaceKeyFunc({ metadata: { namespace: "default", name: "web" } })); // "default/web"
 * console.log(metaNamespaceKeyFunc({ metadata: { name: "node-1" } })); // "node-1"
 * ```
 */
export function metaNamespaceKeyFunc(obj: unknown): string {
  if (typeof obj === "string") return obj;
  const meta = obj !== null && typeof obj === "object" ? (obj as KubeObject).metadata : undefined;
  if (meta === null || typeof meta !== "object") {
    throw new CacheError("Cannot compute the key of an object without metadata");
  }
  const ns = meta.namespace;
  const name = meta.name ?? "";
  return ns ? ns + "/" + name : name;
}

/**
 * Like {@linkcode metaNamespaceKeyFunc}, but a {@linkcode DeletedFinalStateUnknown} tombstone gives
 * its stored key. The key function of informer caches.
 *
 * @example
 * ```ts
 * import { deletionHandlingMetaNamespaceKeyFunc, DeletedFinalStateUnknown } from "@kubeweb/client/cache";
 *
 * console.log(deletionHandlingMetaNamespaceKeyFunc(new DeletedFinalStateUnknown("ns/gone", undefined))); // "ns/gone"
 * ```
 */
export function deletionHandlingMetaNamespaceKeyFunc(obj: unknown): string {
  if (obj instanceof DeletedFinalStateUnknown) return obj.key;
  return metaNamespaceKeyFunc(obj);
}

/** The namespace and name a store key stands for (namespace "" for cluster-scoped objects). */
export interface ObjectName {
  /** The namespace, "" when the key has none. */
  namespace: string;
  /** The name. */
  name: string;
}

/**
 * Splits a store key into namespace and name. Throws {@linkcode CacheError} for a key with more than
 * one "/".
 *
 * @example
 * ```ts
 * import { splitMetaNamespaceKey } from "@kubeweb/client/cache";
 *
 * console.log(splitMetaNamespaceKey("default/web")); // { namespace: "default", name: "web" }
 * console.log(splitMetaNamespaceKey("node-1")); // { namespace: "", name: "node-1" }
 * ```
 */
export function splitMetaNamespaceKey(key: string): ObjectName {
  const i = key.indexOf("/");
  if (i < 0) return { namespace: "", name: key };
  if (key.indexOf("/", i + 1) >= 0) throw new CacheError(`Unexpected key format: ${JSON.stringify(key)}`);
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
