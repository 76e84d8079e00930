/**
 * The keyed storage with indexes behind every store (client-go's `ThreadSafeStore`; JavaScript is
 * single-threaded, so no locks, but the same contract).
 *
 * @module
 */
import type { Indexers } from "./index.ts";
import { ThreadSafeMap } from "./_thread_safe_map.ts";

/**
 * Objects by key, with indexes kept up to date on every change. Keys are computed by the caller
 * (see {@linkcode newIndexer} for a store that computes them).
 */
export interface ThreadSafeStore<T> {
  /** Stores `obj` under `key` (same as update). */
  add(key: string, obj: T): void;
  /** Stores `obj` under `key`, re-indexing it (stale index values are removed). */
  update(key: string, obj: T): void;
  /** Removes the object under `key`, if any, and its index entries. */
  delete(key: string): void;
  /** The object under `key`, or undefined. */
  get(key: string): T | undefined;
  /** All stored objects. */
  list(): T[];
  /** All keys. */
  listKeys(): string[];
  /** Replaces the whole content with `items` and rebuilds the indexes. */
  replace(items: Map<string, T>, resourceVersion: string): void;
  /** The objects whose values of index `indexName` intersect those of `obj`. */
  index(indexName: string, obj: T): T[];
  /** The keys indexed under `indexedValue` in index `indexName`. */
  indexKeys(indexName: string, indexedValue: string): string[];
  /** The distinct values present in index `indexName`. */
  listIndexFuncValues(indexName: string): string[];
  /** The objects indexed under `indexedValue` in index `indexName`. */
  byIndex(indexName: string, indexedValue: string): T[];
  /** The index functions (a copy). */
  getIndexers(): Indexers<T>;
  /** Adds index functions and indexes the stored objects at once. */
  addIndexers(newIndexers: Indexers<T>): void;
  /** Does nothing (a store has nothing to resync); kept for the client-go shape. */
  resync(): void;
}

/**
 * Creates a {@linkcode ThreadSafeStore} with the given index functions.
 *
 * @example
 * ```ts
 * import { newThreadSafeStore } from "@kubeweb/client/cache";
 *
 * const store = newThreadSafeStore<{ node: string }>({ byNode: (o) => [o.node] });
 * store.add("a", { node: "n1" });
 * console.log(store.indexKeys("byNode", "n1")); // ["a"]
 * ```
 */
export function newThreadSafeStore<T>(indexers: Indexers<T>): ThreadSafeStore<T> {
  return new ThreadSafeMap<T>(indexers);
}
