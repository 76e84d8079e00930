/**
 * The implementation behind {@linkcode ThreadSafeStore}: objects by key in a Map, indexes as
 * Map<index value, Set<key>>.
 *
 * @module
 */
import { CacheError } from "./cache_error.ts";
import type { Indexers, IndexFunc } from "./index.ts";
import type { ThreadSafeStore } from "./thread_safe_store.ts";

/** One index: index value -> set of keys. */
type Index = Map<string, Set<string>>;

const NO_VALUES: string[] = [];

/** The {@linkcode ThreadSafeStore} implementation; `upsert` also tells the previous object. */
export class ThreadSafeMap<T> implements ThreadSafeStore<T> {
  #items: Map<string, T> = new Map();
  #indexers: Map<string, IndexFunc<T>> = new Map();
  #indices: Map<string, Index> = new Map();
  /** The indexers as an array, for the hot path. */
  #indexerList: [string, IndexFunc<T>, Index][] = [];

  constructor(indexers: Indexers<T>) {
    for (const name of Object.keys(indexers)) this.#addIndexer(name, indexers[name]);
  }

  #addIndexer(name: string, fn: IndexFunc<T>): Index {
    if (typeof fn !== "function") throw new CacheError(`Index function ${name} is not a function`);
    const index: Index = new Map();
    this.#indexers.set(name, fn);
    this.#indices.set(name, index);
    this.#indexerList.push([name, fn, index]);
    return index;
  }

  add(key: string, obj: T): void {
    this.update(key, obj);
  }

  update(key: string, obj: T): void {
    this.upsert(key, obj);
  }

  /** Stores `obj` under `key` and returns the object it replaced, if any. */
  upsert(key: string, obj: T): T | undefined {
    const old = this.#items.get(key);
    this.#items.set(key, obj);
    const list = this.#indexerList;
    for (let i = 0; i < list.length; i++) {
      const [name, fn, index] = list[i];
      updateSingleIndex(name, fn, index, old, obj, key);
    }
    return old;
  }

  delete(key: string): void {
    const old = this.#items.get(key);
    if (old === undefined && !this.#items.has(key)) return;
    const list = this.#indexerList;
    for (let i = 0; i < list.length; i++) {
      const [name, fn, index] = list[i];
      updateSingleIndex(name, fn, index, old, undefined, key);
    }
    this.#items.delete(key);
  }

  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  list(): T[] {
    return Array.from(this.#items.values());
  }

  listKeys(): string[] {
    return Array.from(this.#items.keys());
  }

  replace(items: Map<string, T>, _resourceVersion: string): void {
    this.#items = items;
    for (const [name, fn, index] of this.#indexerList) {
      index.clear();
      for (const [key, obj] of items) updateSingleIndex(name, fn, index, undefined, obj, key);
    }
  }

  #indexNamed(indexName: string): [IndexFunc<T>, Index] {
    const fn = this.#indexers.get(indexName);
    if (fn === undefined) throw new CacheError(`Index with name ${indexName} does not exist`);
    return [fn, this.#indices.get(indexName)!];
  }

  index(indexName: string, obj: T): T[] {
    const [fn, index] = this.#indexNamed(indexName);
    const values = callIndexFunc(indexName, fn, obj);
    const out: T[] = [];
    if (values.length === 1) {
      const keys = index.get(values[0]);
      if (keys) { for (const k of keys) out.push(this.#items.get(k)!); }
      return out;
    }
    const seen = new Set<string>();
    for (const v of values) {
      const keys = index.get(v);
      if (!keys) continue;
      for (const k of keys) {
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(this.#items.get(k)!);
      }
    }
    return out;
  }

  indexKeys(indexName: string, indexedValue: string): string[] {
    const [, index] = this.#indexNamed(indexName);
    const keys = index.get(indexedValue);
    return keys ? Array.from(keys) : [];
  }

  listIndexFuncValues(indexName: string): string[] {
    const [, index] = this.#indexNamed(indexName);
    return Array.from(index.keys());
  }

  byIndex(indexName: string, indexedValue: string): T[] {
    const [, index] = this.#indexNamed(indexName);
    const keys = index.get(indexedValue);
    const out: T[] = [];
    if (keys) { for (const k of keys) out.push(this.#items.get(k)!); }
    return out;
  }

  getIndexers(): Indexers<T> {
    const out: Indexers<T> = {};
    for (const [name, fn] of this.#indexers) out[name] = fn;
    return out;
  }

  addIndexers(newIndexers: Indexers<T>): void {
    const names = Object.keys(newIndexers);
    const conflicts = names.filter((n) => this.#indexers.has(n));
    if (conflicts.length > 0) throw new CacheError(`Indexer conflict: ${conflicts.join(", ")}`);
    for (const name of names) {
      const fn = newIndexers[name];
      const index = this.#addIndexer(name, fn);
      for (const [key, obj] of this.#items) updateSingleIndex(name, fn, index, undefined, obj, key);
    }
  }

  resync(): void {}
}

/** Calls an index function, wrapping what it throws in a {@linkcode CacheError}. */
export function callIndexFunc<T>(name: string, fn: IndexFunc<T>, obj: T): string[] {
  try {
    return fn(obj);
  } catch (e) {
    throw new CacheError(`Index function ${name} failed`, { cause: e });
  }
}

function updateSingleIndex<T>(
  name: string,
  fn: IndexFunc<T>,
  index: Index,
  oldObj: T | undefined,
  newObj: T | undefined,
  key: string,
): void {
  const oldValues = indexValuesOf(name, fn, oldObj);
  const newValues = indexValuesOf(name, fn, newObj);
  // The common case: one value, unchanged.
  if (oldValues.length === 1 && newValues.length === 1 && oldValues[0] === newValues[0]) return;
  moveIndexMember(index, oldValues, key, newValues, key);
}

/** The index values of an object, or none for an absent one. */
export function indexValuesOf<T>(name: string, fn: IndexFunc<T>, obj: T | undefined): string[] {
  return obj === undefined ? NO_VALUES : callIndexFunc(name, fn, obj);
}

/**
 * Moves a member of an index (a key, or an object) out of the entries of its old values and into those of
 * its new ones. Entries left empty are dropped, so that values of deleted objects do not accumulate.
 */
export function moveIndexMember<M>(
  index: Map<string, Set<M>>,
  oldValues: readonly string[],
  oldMember: M,
  newValues: readonly string[],
  newMember: M,
): void {
  for (let i = 0; i < oldValues.length; i++) {
    const set = index.get(oldValues[i]);
    if (set === undefined) continue;
    set.delete(oldMember);
    if (set.size === 0) index.delete(oldValues[i]);
  }
  for (let i = 0; i < newValues.length; i++) {
    const v = newValues[i];
    let set = index.get(v);
    if (set === undefined) {
      set = new Set();
      index.set(v, set);
    }
    set.add(newMember);
  }
}
