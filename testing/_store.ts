/**
 * The object store of the fake API server: every object by resource, namespace and name, one global
 * resourceVersion counter (etcd's revision), and the bounded history of changes that watches replay.
 *
 * @module
 */
import { expired } from "./_status.ts";

// deno-lint-ignore no-explicit-any
export type Obj = any;

/** A change to one object. */
export interface StoreEvent {
  /** ADDED, MODIFIED or DELETED. */
  type: "ADDED" | "MODIFIED" | "DELETED";
  /** Storage key of the resource ("apps/deployments"). */
  key: string;
  /** The object after the change (for DELETED: its last state, with the deletion's resourceVersion). */
  object: Obj;
  /** The object before the change (MODIFIED), for watches with selectors. */
  previous?: Obj;
  /** The resourceVersion of the change. */
  rv: number;
}

/** Receives the changes after the resourceVersion it subscribed from. */
export type StoreListener = (event: StoreEvent) => void;

/** Options of {@linkcode Store}. */
export interface StoreOptions {
  /** How many changes the history keeps for watches (default 1000). */
  historySize?: number;
}

function nsName(obj: Obj): string {
  return `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name}`;
}

/** The store. Objects handed out are copies; objects taken in are copied. */
export class Store {
  #rv = 1;
  #objects = new Map<string, Map<string, Obj>>();
  #history: StoreEvent[] = [];
  #historySize: number;
  /** Changes with a resourceVersion at or below this one are no longer in the history. */
  #floor = 1;
  #lastByKey = new Map<string, number>();
  #listeners = new Set<{ key: string; fn: StoreListener }>();

  /** Creates an empty store. */
  constructor(options: StoreOptions = {}) {
    this.#historySize = options.historySize ?? 1000;
    if (!Number.isInteger(this.#historySize) || this.#historySize < 1) {
      throw new RangeError(`historySize must be a positive integer, got ${options.historySize}`);
    }
  }

  /** The current resourceVersion. */
  get rv(): number {
    return this.#rv;
  }

  /** The oldest resourceVersion a watch can start from. */
  get floor(): number {
    return this.#floor;
  }

  /** Forgets the history up to now (the watch window starts here), as a fresh watch cache does. */
  resetHistory(): void {
    this.#history = [];
    this.#lastByKey.clear();
    this.#floor = this.#rv;
  }

  #bucket(key: string): Map<string, Obj> {
    let b = this.#objects.get(key);
    if (!b) this.#objects.set(key, b = new Map());
    return b;
  }

  /** One object, or undefined. */
  get(key: string, namespace: string, name: string): Obj | undefined {
    const o = this.#objects.get(key)?.get(`${namespace}/${name}`);
    return o === undefined ? undefined : structuredClone(o);
  }

  /** Every object of a resource (in one namespace when given), in key order (namespace, then name). */
  list(key: string, namespace?: string): Obj[] {
    const b = this.#objects.get(key);
    if (!b) return [];
    const keys = [...b.keys()].filter((k) => namespace === undefined || k.startsWith(`${namespace}/`)).sort();
    return keys.map((k) => structuredClone(b.get(k)));
  }

  /**
   * The objects of a resource as they were at `rv` (rebuilt from the history; the caller checks that
   * `rv` is within it).
   */
  listAt(key: string, namespace: string | undefined, rv: number): Obj[] {
    const now = new Map<string, Obj>();
    for (const o of this.list(key, namespace)) now.set(nsName(o), o);
    for (let i = this.#history.length - 1; i >= 0 && this.#history[i].rv > rv; i--) {
      const e = this.#history[i];
      if (e.key !== key) continue;
      const k = nsName(e.object);
      if (namespace !== undefined && !k.startsWith(`${namespace}/`)) continue;
      if (e.type === "ADDED") now.delete(k);
      else if (e.previous !== undefined) now.set(k, structuredClone(e.previous));
    }
    return [...now.keys()].sort().map((k) => now.get(k));
  }

  /** Stores a new or changed object with the next resourceVersion; returns the stored copy. */
  put(key: string, obj: Obj): Obj {
    const b = this.#bucket(key);
    const k = nsName(obj);
    const previous = b.get(k);
    const rv = ++this.#rv;
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(rv);
    b.set(k, stored);
    this.#record({ type: previous === undefined ? "ADDED" : "MODIFIED", key, object: stored, previous, rv });
    return structuredClone(stored);
  }

  /** Removes an object; returns its last state with the deletion's resourceVersion. */
  remove(key: string, obj: Obj): Obj {
    const b = this.#bucket(key);
    const k = nsName(obj);
    const previous = b.get(k);
    b.delete(k);
    const rv = ++this.#rv;
    const last = structuredClone(obj);
    last.metadata.resourceVersion = String(rv);
    this.#record({ type: "DELETED", key, object: last, previous, rv });
    return structuredClone(last);
  }

  /** The resourceVersion of the last change to a resource (the watch cache's own resourceVersion). */
  lastRv(key: string): number {
    return this.#lastByKey.get(key) ?? this.#floor;
  }

  #record(e: StoreEvent): void {
    this.#lastByKey.set(e.key, e.rv);
    this.#history.push(e);
    while (this.#history.length > this.#historySize) this.#floor = this.#history.shift()!.rv;
    for (const l of [...this.#listeners]) if (l.key === e.key) l.fn(e);
  }

  /**
   * Subscribes to the changes of a resource after `fromRv`: replays those in the history, then
   * delivers new ones. Throws a 410 Expired StatusError when `fromRv` is older than the history.
   * Returns the unsubscribe function.
   */
  subscribe(key: string, fromRv: number, fn: StoreListener): () => void {
    if (fromRv < this.#floor) {
      throw expired(`too old resource version: ${fromRv} (${this.#floor})`);
    }
    for (const e of this.#history) if (e.key === key && e.rv > fromRv) fn(e);
    const entry = { key, fn };
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  /** Number of active subscriptions (for tests of cleanup). */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** Every storage key with objects. */
  keys(): string[] {
    return [...this.#objects.keys()];
  }
}
