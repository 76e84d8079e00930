/**
 * The implementation behind {@linkcode newStore} and {@linkcode newIndexer}.
 *
 * @module
 */
import type { DeletedFinalStateUnknown } from "./deleted_final_state_unknown.ts";
import type { Indexer, Indexers } from "./index.ts";
import type { KeyFunc } from "./store.ts";
import { ThreadSafeMap } from "./_thread_safe_map.ts";

/** The {@linkcode Indexer} implementation; `upsert` stores with one key computation and returns the old object. */
export class CacheStore<T> implements Indexer<T> {
  #store: ThreadSafeMap<T>;
  #keyFunc: KeyFunc;

  constructor(keyFunc: KeyFunc, indexers: Indexers<T>) {
    this.#keyFunc = keyFunc;
    this.#store = new ThreadSafeMap(indexers);
  }

  #key(obj: unknown): string {
    return this.#keyFunc(obj);
  }

  add(obj: T): void {
    this.#store.add(this.#key(obj), obj);
  }
  update(obj: T): void {
    this.#store.update(this.#key(obj), obj);
  }
  /** Stores `obj` under its key; returns the object it replaced, if any. */
  upsert(obj: T): T | undefined {
    return this.#store.upsert(this.#keyFunc(obj), obj);
  }
  delete(obj: T | DeletedFinalStateUnknown<T>): void {
    this.#store.delete(this.#key(obj));
  }
  list(): T[] {
    return this.#store.list();
  }
  listKeys(): string[] {
    return this.#store.listKeys();
  }
  get(obj: T): T | undefined {
    return this.#store.get(this.#key(obj));
  }
  getByKey(key: string): T | undefined {
    return this.#store.get(key);
  }
  replace(list: T[], resourceVersion: string): void {
    const items = new Map<string, T>();
    for (let i = 0; i < list.length; i++) items.set(this.#key(list[i]), list[i]);
    this.#store.replace(items, resourceVersion);
  }
  resync(): void {}
  index(indexName: string, obj: T): T[] {
    return this.#store.index(indexName, obj);
  }
  indexKeys(indexName: string, indexedValue: string): string[] {
    return this.#store.indexKeys(indexName, indexedValue);
  }
  listIndexFuncValues(indexName: string): string[] {
    return this.#store.listIndexFuncValues(indexName);
  }
  byIndex(indexName: string, indexedValue: string): T[] {
    return this.#store.byIndex(indexName, indexedValue);
  }
  getIndexers(): Indexers<T> {
    return this.#store.getIndexers();
  }
  addIndexers(newIndexers: Indexers<T>): void {
    this.#store.addIndexers(newIndexers);
  }
}
