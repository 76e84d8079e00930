/**
 * {@linkcode NamespacedStore}: the {@linkcode Indexer} behind stores keyed by "namespace/name" (the
 * informers' caches). It keeps no key strings and no Map entry per object: one table of objects by
 * name per namespace, and the namespace index is those tables.
 *
 * @module
 */
import type { KubeObject } from "../rest/types.ts";
import { CacheError } from "./cache_error.ts";
import type { DeletedFinalStateUnknown } from "./deleted_final_state_unknown.ts";
import { type Indexer, type Indexers, type IndexFunc, metaNamespaceIndexFunc } from "./index.ts";
import type { KeyFunc } from "./store.ts";
import { CacheStore } from "./_cache_store.ts";
import { NameTable } from "./_name_table.ts";
import { callIndexFunc, indexValuesOf, moveIndexMember } from "./_thread_safe_map.ts";

/** One index other than the namespace index: index value -> the objects indexed under it. */
type ObjectIndex<T> = Map<string, Set<T>>;

/**
 * A store for a key function that gives "namespace/name", or "name" without a namespace
 * (`metaNamespaceKeyFunc`, `deletionHandlingMetaNamespaceKeyFunc`): the same contract as a
 * store over a `Map<key, object>` with a `Map<namespace, Set<key>>` index, for about 13 bytes per
 * object instead of about 135 (measured at 20,000 objects: key string 56, Map entry 46, index Set
 * entry 33). The order of `list` and `listKeys` is not promised, as in client-go.
 *
 * Objects are kept by namespace, then by name, taken from the object (so its key is never built).
 * An index whose function is {@linkcode metaNamespaceIndexFunc} is answered from the namespaces.
 * Anything else stored (a tombstone, a string, a name or namespace holding "/") moves the whole
 * content to a plain {@linkcode CacheStore} for good, so every key keeps its exact meaning.
 */
export class NamespacedStore<T> implements Indexer<T> {
  #keyFunc: KeyFunc;
  #tables: Map<string, NameTable<T>> = new Map();
  #indexers: Map<string, IndexFunc<T>> = new Map();
  /** The indexes kept per object (not answered from the namespaces). */
  #indices: Map<string, ObjectIndex<T>> = new Map();
  #indexerList: [string, IndexFunc<T>, ObjectIndex<T>][] = [];
  /** Set once something outside the fast path was stored: then everything goes there. */
  #generic: CacheStore<T> | undefined;
  /** The namespace and name #split found. */
  #ns = "";
  #name = "";
  /** The namespace of the last upsert and its table (a list is mostly of one namespace). */
  #lastNs = "";
  #lastTable: NameTable<T> | undefined;

  /** A store keyed by `keyFunc`, which must give "namespace/name" or "name" for objects. */
  constructor(keyFunc: KeyFunc, indexers: Indexers<T>) {
    this.#keyFunc = keyFunc;
    for (const name of Object.keys(indexers)) this.#addIndexer(name, indexers[name]);
  }

  #addIndexer(name: string, fn: IndexFunc<T>): ObjectIndex<T> | undefined {
    if (typeof fn !== "function") throw new CacheError(`Index function ${name} is not a function`);
    this.#indexers.set(name, fn);
    if (fn === metaNamespaceIndexFunc) return undefined;
    const index: ObjectIndex<T> = new Map();
    this.#indices.set(name, index);
    this.#indexerList.push([name, fn, index]);
    return index;
  }

  /**
   * Sets #ns and #name from the object's metadata, exactly the two halves of its key; false when
   * the object is not one the fast path keeps (its key must be computed and the store made generic).
   */
  #split(obj: unknown): boolean {
    if (obj === null || typeof obj !== "object") return false;
    const meta = (obj as KubeObject).metadata;
    if (meta === null || typeof meta !== "object") return false;
    const ns = meta.namespace;
    let name: unknown = meta.name;
    if (name === undefined || name === null) name = "";
    else if (typeof name !== "string") return false;
    if (!ns) {
      // "name": a slash would make it read as "namespace/name".
      if ((name as string).indexOf("/") >= 0) return false;
      this.#ns = "";
    } else if (ns === this.#lastNs) {
      this.#ns = this.#lastNs;
    } else {
      if (typeof ns !== "string" || ns.indexOf("/") >= 0) return false;
      this.#ns = ns;
    }
    this.#name = name as string;
    return true;
  }

  /** Sets #ns and #name from a key, as the fast path stores it. */
  #splitKey(key: string): void {
    const i = key.indexOf("/");
    if (i < 0) {
      this.#ns = "";
      this.#name = key;
    } else {
      this.#ns = key.slice(0, i);
      this.#name = key.slice(i + 1);
    }
  }

  /** Sets #ns and #name for any value the key function accepts (throws as it does). */
  #locate(obj: unknown): void {
    if (!this.#split(obj)) this.#splitKey(this.#keyFunc(obj));
  }

  /** Moves everything into a plain CacheStore, which from now on does all the work. */
  #goGeneric(): CacheStore<T> {
    const g = new CacheStore<T>(this.#keyFunc, this.getIndexers());
    const all = this.list();
    if (all.length > 0) g.replace(all, "");
    this.#generic = g;
    this.#tables = new Map();
    this.#lastTable = undefined;
    this.#indices = new Map();
    this.#indexerList = [];
    return g;
  }

  add(obj: T): void {
    this.upsert(obj);
  }

  update(obj: T): void {
    this.upsert(obj);
  }

  /** Stores `obj` under its key; returns the object it replaced, if any. */
  upsert(obj: T): T | undefined {
    if (this.#generic !== undefined) return this.#generic.upsert(obj);
    if (!this.#split(obj)) {
      this.#keyFunc(obj); // throws for values without a key, as the generic store would
      return this.#goGeneric().upsert(obj);
    }
    const ns = this.#ns;
    let table = ns === this.#lastNs ? this.#lastTable : undefined;
    if (table === undefined) {
      table = this.#tables.get(ns);
      if (table === undefined) {
        table = new NameTable<T>();
        this.#tables.set(ns, table);
      }
      this.#lastNs = ns;
      this.#lastTable = table;
    }
    const old = table.set(this.#name, obj);
    const list = this.#indexerList;
    for (let i = 0; i < list.length; i++) {
      const [name, fn, index] = list[i];
      updateObjectIndex(name, fn, index, old, obj);
    }
    return old;
  }

  delete(obj: T | DeletedFinalStateUnknown<T>): void {
    if (this.#generic !== undefined) return this.#generic.delete(obj);
    this.#locate(obj);
    const table = this.#tables.get(this.#ns);
    if (table === undefined) return;
    const old = table.get(this.#name);
    if (old === undefined) return;
    const list = this.#indexerList;
    for (let i = 0; i < list.length; i++) {
      const [name, fn, index] = list[i];
      updateObjectIndex(name, fn, index, old, undefined);
    }
    table.delete(this.#name);
    if (table.size === 0) {
      this.#tables.delete(this.#ns);
      if (this.#lastTable === table) this.#lastTable = undefined;
    }
  }

  list(): T[] {
    if (this.#generic !== undefined) return this.#generic.list();
    const out: T[] = [];
    for (const table of this.#tables.values()) table.pushTo(out);
    return out;
  }

  listKeys(): string[] {
    if (this.#generic !== undefined) return this.#generic.listKeys();
    const out: string[] = [];
    for (const [ns, table] of this.#tables) pushKeys(ns, table, out);
    return out;
  }

  get(obj: T): T | undefined {
    if (this.#generic !== undefined) return this.#generic.get(obj);
    this.#locate(obj);
    return this.#tables.get(this.#ns)?.get(this.#name);
  }

  getByKey(key: string): T | undefined {
    if (this.#generic !== undefined) return this.#generic.getByKey(key);
    this.#splitKey(key);
    return this.#tables.get(this.#ns)?.get(this.#name);
  }

  replace(list: T[], resourceVersion: string): void {
    if (this.#generic !== undefined) return this.#generic.replace(list, resourceVersion);
    const tables = new Map<string, NameTable<T>>();
    for (let i = 0; i < list.length; i++) {
      const obj = list[i];
      if (!this.#split(obj)) {
        this.#keyFunc(obj);
        this.#goGeneric().replace(list, resourceVersion);
        return;
      }
      let table = tables.get(this.#ns);
      if (table === undefined) {
        table = new NameTable<T>(tables.size === 0 ? list.length : 0);
        tables.set(this.#ns, table);
      }
      table.set(this.#name, obj);
    }
    this.#tables = tables;
    this.#lastTable = undefined;
    for (const [name, fn, index] of this.#indexerList) {
      index.clear();
      for (const table of tables.values()) {
        table.forEach((obj) => updateObjectIndex(name, fn, index, undefined, obj));
      }
    }
  }

  resync(): void {}

  #indexNamed(indexName: string): [IndexFunc<T>, ObjectIndex<T> | undefined] {
    const fn = this.#indexers.get(indexName);
    if (fn === undefined) throw new CacheError(`Index with name ${indexName} does not exist`);
    return [fn, this.#indices.get(indexName)];
  }

  /** The objects indexed under `value` (the namespace's objects for the namespace index), or none. */
  #objectsOf(index: ObjectIndex<T> | undefined, value: string, out: T[]): void {
    if (index === undefined) {
      this.#tables.get(value)?.pushTo(out);
      return;
    }
    const set = index.get(value);
    if (set !== undefined) { for (const o of set) out.push(o); }
  }

  index(indexName: string, obj: T): T[] {
    if (this.#generic !== undefined) return this.#generic.index(indexName, obj);
    const [fn, index] = this.#indexNamed(indexName);
    const values = callIndexFunc(indexName, fn, obj);
    const out: T[] = [];
    if (values.length === 1) {
      this.#objectsOf(index, values[0], out);
      return out;
    }
    const seen = new Set<T>();
    const seenValues = new Set<string>();
    for (const v of values) {
      if (seenValues.has(v)) continue;
      seenValues.add(v);
      const found: T[] = [];
      this.#objectsOf(index, v, found);
      for (const o of found) {
        if (seen.has(o)) continue;
        seen.add(o);
        out.push(o);
      }
    }
    return out;
  }

  indexKeys(indexName: string, indexedValue: string): string[] {
    if (this.#generic !== undefined) return this.#generic.indexKeys(indexName, indexedValue);
    const [, index] = this.#indexNamed(indexName);
    const out: string[] = [];
    if (index === undefined) {
      const table = this.#tables.get(indexedValue);
      if (table !== undefined) pushKeys(indexedValue, table, out);
      return out;
    }
    const set = index.get(indexedValue);
    if (set !== undefined) { for (const o of set) out.push(this.#keyFunc(o)); }
    return out;
  }

  listIndexFuncValues(indexName: string): string[] {
    if (this.#generic !== undefined) return this.#generic.listIndexFuncValues(indexName);
    const [, index] = this.#indexNamed(indexName);
    return Array.from(index === undefined ? this.#tables.keys() : index.keys());
  }

  byIndex(indexName: string, indexedValue: string): T[] {
    if (this.#generic !== undefined) return this.#generic.byIndex(indexName, indexedValue);
    const [, index] = this.#indexNamed(indexName);
    const out: T[] = [];
    this.#objectsOf(index, indexedValue, out);
    return out;
  }

  getIndexers(): Indexers<T> {
    if (this.#generic !== undefined) return this.#generic.getIndexers();
    const out: Indexers<T> = {};
    for (const [name, fn] of this.#indexers) out[name] = fn;
    return out;
  }

  addIndexers(newIndexers: Indexers<T>): void {
    if (this.#generic !== undefined) return this.#generic.addIndexers(newIndexers);
    const names = Object.keys(newIndexers);
    const conflicts = names.filter((n) => this.#indexers.has(n));
    if (conflicts.length > 0) throw new CacheError(`Indexer conflict: ${conflicts.join(", ")}`);
    for (const name of names) {
      const fn = newIndexers[name];
      const index = this.#addIndexer(name, fn);
      if (index === undefined) continue;
      for (const table of this.#tables.values()) {
        table.forEach((obj) => updateObjectIndex(name, fn, index, undefined, obj));
      }
    }
  }
}

/** Appends the keys of a namespace's objects ("namespace/name", or "name" in namespace ""). */
function pushKeys<T>(ns: string, table: NameTable<T>, out: string[]): void {
  const prefix = ns === "" ? "" : ns + "/";
  table.forEach((obj) => out.push(prefix + ((obj as KubeObject).metadata!.name ?? "")));
}

/** Moves an object from the index entries of its old state to those of its new one. */
function updateObjectIndex<T>(
  name: string,
  fn: IndexFunc<T>,
  index: ObjectIndex<T>,
  oldObj: T | undefined,
  newObj: T | undefined,
): void {
  const oldValues = indexValuesOf(name, fn, oldObj);
  const newValues = indexValuesOf(name, fn, newObj);
  if (
    oldObj === newObj && oldValues.length === 1 && newValues.length === 1 && oldValues[0] === newValues[0]
  ) {
    return;
  }
  moveIndexMember(index, oldValues, oldObj!, newValues, newObj!);
}
