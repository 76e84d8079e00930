/**
 * Indexes over a store: index functions, the `namespace` index, and the {@linkcode Indexer}
 * interface (client-go's `tools/cache/index.go`).
 *
 * @module
 */
import type { KubeObject } from "../rest/types.ts";
import type { Store } from "./store.ts";

/**
 * Computes the values an object is indexed under. An object may have zero, one or many values (for
 * example one per container image).
 */
export type IndexFunc<T> = (obj: T) => string[];

/** Index functions by index name. */
export type Indexers<T> = Record<string, IndexFunc<T>>;

/** The name of the index of objects by namespace (client-go's `NamespaceIndex`). */
export const NAMESPACE_INDEX = "namespace";

/**
 * Indexes an object by its namespace ("" for cluster-scoped objects); the usual function of the
 * {@linkcode NAMESPACE_INDEX} index.
 *
 * @example
 * ```ts
 * import { metaNamespaceIndexFunc, NAMESPACE_INDEX, newIndexer, metaNamespaceKeyFunc } from "@kubeweb/client/cache";
 *
 * const indexer = newIndexer(metaNamespaceKeyFunc, { [NAMESPACE_INDEX]: metaNamespaceIndexFunc });
 * indexer.add({ metadata: { namespace: "default", name: "web" } });
 * console.log(indexer.byIndex(NAMESPACE_INDEX, "default").length); // 1
 * ```
 */
export function metaNamespaceIndexFunc(obj: KubeObject): string[] {
  return [obj.metadata?.namespace ?? ""];
}

/**
 * A store with indexes: client-go's `Indexer`. Look objects up by the values of an index function
 * instead of by key.
 *
 * @example
 * ```ts
 * import { newIndexer, metaNamespaceKeyFunc } from "@kubeweb/client/cache";
 * import type { KubeObject } from "@kubeweb/client/rest";
 *
 * const byApp = (o: KubeObject) => o.metadata?.labels?.app ? [o.metadata.labels.app] : [];
 * const indexer = newIndexer<KubeObject>(metaNamespaceKeyFunc, { byApp });
 * indexer.add({ metadata: { namespace: "a", name: "x", labels: { app: "web" } } });
 * console.log(indexer.indexKeys("byApp", "web")); // ["a/x"]
 * ```
 */
export interface Indexer<T> extends Store<T> {
  /**
   * The stored objects whose values of index `indexName` intersect those of `obj`.
   * Throws {@linkcode CacheError} for an unknown index.
   */
  index(indexName: string, obj: T): T[];
  /** The keys of the stored objects indexed under `indexedValue`. Throws for an unknown index. */
  indexKeys(indexName: string, indexedValue: string): string[];
  /** The distinct values present in index `indexName`. Throws for an unknown index. */
  listIndexFuncValues(indexName: string): string[];
  /** The stored objects indexed under `indexedValue` (empty when none). Throws for an unknown index. */
  byIndex(indexName: string, indexedValue: string): T[];
  /** The index functions, by name (a copy). */
  getIndexers(): Indexers<T>;
  /**
   * Adds index functions and indexes the objects already stored. Throws {@linkcode CacheError} when a
   * name is already taken.
   */
  addIndexers(newIndexers: Indexers<T>): void;
}
