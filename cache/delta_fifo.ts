/**
 * {@linkcode DeltaFIFO}: a queue that keeps, per object key, the list of changes not yet processed
 * (client-go's `DeltaFIFO`).
 *
 * @module
 */
import { CacheError, FIFOClosedError } from "./cache_error.ts";
import { DeletedFinalStateUnknown } from "./deleted_final_state_unknown.ts";
import { runProcess } from "./_run_process.ts";
import type {
  Delta,
  Deltas,
  DeltaType,
  KeyListerGetter,
  PopProcessFunc,
  Queue,
  TransformFunc,
} from "./queue.ts";
import { type KeyFunc, metaNamespaceKeyFunc } from "./store.ts";

/** Options of {@linkcode DeltaFIFO}. */
export interface DeltaFIFOOptions<T> {
  /** Computes object keys (default {@linkcode metaNamespaceKeyFunc}). */
  keyFunction?: KeyFunc;
  /**
   * The store the consumer maintains (an informer's indexer): lets `delete` and `replace` detect
   * deletions of objects no longer queued, and `resync` re-deliver them.
   */
  knownObjects?: KeyListerGetter<T>;
  /** `replace` emits `Replaced` deltas instead of `Sync` (informers set this). */
  emitDeltaTypeReplaced?: boolean;
  /** Runs once on every object entering the queue, except Sync deltas and tombstones. */
  transformer?: TransformFunc<T>;
}

/**
 * A producer-consumer queue keyed by object: changes to one object accumulate as {@linkcode Deltas}
 * under its key, and `pop` hands over all of them at once. A key keeps its place while queued.
 * Deletions the watch missed are detected on `replace` and delivered as
 * {@linkcode DeletedFinalStateUnknown} tombstones.
 *
 * @example
 * ```ts
 * import { DeltaFIFO } from "@kubeweb/client/cache";
 * import type { KubeObject } from "@kubeweb/client/rest";
 *
 * const fifo = new DeltaFIFO<KubeObject>();
 * fifo.add({ metadata: { name: "a", resourceVersion: "1" } });
 * fifo.update({ metadata: { name: "a", resourceVersion: "2" } });
 * await fifo.pop((deltas) => console.log(deltas.map((d) => d.type))); // ["Added", "Updated"]
 * ```
 */
export class DeltaFIFO<T> implements Queue<T> {
  #items: Map<string, Deltas<T>> = new Map();
  #queue: string[] = [];
  #head = 0;
  #populated = false;
  #initialPopulationCount = 0;
  #closed = false;
  #keyFunc: KeyFunc;
  #knownObjects: KeyListerGetter<T> | undefined;
  #emitDeltaTypeReplaced: boolean;
  #transformer: TransformFunc<T> | undefined;
  #wake: (() => void) | undefined;
  #woken: Promise<void> | undefined;

  /** Creates an empty queue. */
  constructor(options: DeltaFIFOOptions<T> = {}) {
    this.#keyFunc = options.keyFunction ?? metaNamespaceKeyFunc;
    this.#knownObjects = options.knownObjects;
    this.#emitDeltaTypeReplaced = options.emitDeltaTypeReplaced ?? false;
    this.#transformer = options.transformer;
  }

  /**
   * The key of an object, of a tombstone (its key), or of Deltas (the newest object's key).
   * Throws {@linkcode CacheError} for empty Deltas or an object without a key.
   */
  keyOf(obj: T | Deltas<T> | DeletedFinalStateUnknown<T>): string {
    let o: unknown = obj;
    if (Array.isArray(o)) {
      if (o.length === 0) throw new CacheError("Cannot compute the key of an empty Deltas list");
      o = (o[o.length - 1] as Delta<T>).object;
    }
    if (o instanceof DeletedFinalStateUnknown) return o.key;
    return this.#keyFunc(o);
  }

  /** True once the first `replace` has been popped completely (or after any add/update/delete before it). */
  hasSynced(): boolean {
    return this.#populated && this.#initialPopulationCount === 0;
  }

  /** Queues an Added delta. */
  add(obj: T): void {
    this.#populated = true;
    this.#queueAction("Added", "Added", obj);
  }

  /** Queues an Updated delta. */
  update(obj: T): void {
    this.#populated = true;
    this.#queueAction("Updated", "Updated", obj);
  }

  /**
   * Queues a Deleted delta, unless the key is neither queued nor known (then it was deleted already,
   * for example by a relist, and the call is dropped).
   */
  delete(obj: T | DeletedFinalStateUnknown<T>): void {
    const id = this.keyOf(obj);
    this.#populated = true;
    if (!this.#items.has(id)) {
      if (this.#knownObjects === undefined) return;
      if (this.#knownObjects.getByKey(id) === undefined) return;
    }
    this.#queueAction("Deleted", "Deleted", obj);
  }

  /**
   * Queues a Sync (or, with `emitDeltaTypeReplaced`, a Replaced) delta for every listed object, then
   * a Deleted tombstone for every queued or known key that is not listed.
   */
  replace(list: T[], _resourceVersion: string): void {
    const action: DeltaType = this.#emitDeltaTypeReplaced ? "Replaced" : "Sync";
    const knownKeys = this.#knownObjects?.listKeys() ?? [];
    if (this.#head === this.#queue.length && knownKeys.length === 0) {
      // Nothing queued or known, so nothing can have been deleted: skip the key set (the initial list).
      for (let i = 0; i < list.length; i++) {
        this.#queueActionKeyed(this.keyOf(list[i]), action, "Replaced", list[i]);
      }
      if (!this.#populated) {
        this.#populated = true;
        this.#initialPopulationCount = this.#queue.length - this.#head; // duplicate keys count once
      }
      return;
    }
    const keys = new Set<string>();
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      const id = this.keyOf(item);
      keys.add(id);
      this.#queueActionKeyed(id, action, "Replaced", item);
    }
    let queuedDeletions = 0;
    // Queued keys not listed: deleted while we were not watching. Walk the queue (not the map)
    // so the order is deterministic; the new items at its end are all listed.
    const queueEnd = this.#queue.length;
    for (let i = this.#head; i < queueEnd; i++) {
      const k = this.#queue[i];
      if (keys.has(k)) continue;
      const deltas = this.#items.get(k)!;
      let deletedObj: T | DeletedFinalStateUnknown<T> | undefined = deltas[deltas.length - 1]?.object;
      if (deletedObj instanceof DeletedFinalStateUnknown) deletedObj = deletedObj.obj;
      queuedDeletions++;
      this.#queueActionKeyed(k, "Deleted", "Deleted", new DeletedFinalStateUnknown(k, deletedObj));
    }
    if (this.#knownObjects !== undefined) {
      for (const k of knownKeys) {
        if (keys.has(k)) continue;
        const queued = this.#items.get(k);
        if (queued !== undefined && queued.length > 0) continue;
        const deletedObj = this.#knownObjects.getByKey(k);
        queuedDeletions++;
        this.#queueActionKeyed(k, "Deleted", "Deleted", new DeletedFinalStateUnknown(k, deletedObj));
      }
    }
    if (!this.#populated) {
      this.#populated = true;
      this.#initialPopulationCount = keys.size + queuedDeletions;
    }
  }

  /**
   * Queues a Sync delta for every known object that has no pending deltas (pending deltas are
   * newer than the known state, so a Sync would go back in time). Does nothing without knownObjects.
   */
  resync(): void {
    const known = this.#knownObjects;
    if (known === undefined) return;
    for (const k of known.listKeys()) {
      const obj = known.getByKey(k);
      if (obj === undefined) continue;
      const id = this.keyOf(obj);
      const queued = this.#items.get(id);
      if (queued !== undefined && queued.length > 0) continue;
      this.#queueAction("Sync", "Sync", obj);
    }
  }

  #queueAction(type: DeltaType, internalType: DeltaType, obj: T | DeletedFinalStateUnknown<T>): void {
    this.#queueActionKeyed(this.keyOf(obj), type, internalType, obj);
  }

  #queueActionKeyed(
    id: string,
    type: DeltaType,
    internalType: DeltaType,
    obj: T | DeletedFinalStateUnknown<T>,
  ): void {
    if (
      this.#transformer !== undefined && internalType !== "Sync" && !(obj instanceof DeletedFinalStateUnknown)
    ) {
      obj = this.#transformer(obj);
    }
    const existing = this.#items.get(id);
    const delta: Delta<T> = { type, object: obj };
    if (existing === undefined) {
      this.#items.set(id, [delta]);
      this.#queue.push(id);
    } else {
      existing.push(delta);
      dedupDeltas(existing);
    }
    this.#broadcast();
  }

  /** The newest object of every queued key (tombstones included). */
  list(): (T | DeletedFinalStateUnknown<T>)[] {
    const out: (T | DeletedFinalStateUnknown<T>)[] = [];
    for (const deltas of this.#items.values()) out.push(deltas[deltas.length - 1].object);
    return out;
  }

  /** The queued keys. */
  listKeys(): string[] {
    return Array.from(this.#items.keys());
  }

  /** A copy of the deltas queued for the key of `obj`, or undefined. */
  get(obj: T | DeletedFinalStateUnknown<T>): Deltas<T> | undefined {
    return this.getByKey(this.keyOf(obj));
  }

  /** A copy of the deltas queued under `key`, or undefined. */
  getByKey(key: string): Deltas<T> | undefined {
    const d = this.#items.get(key);
    return d === undefined ? undefined : d.slice();
  }

  /**
   * Waits for the oldest queued key, removes it and runs `process` on its deltas (the oldest first).
   * Rejects with {@linkcode FIFOClosedError} when the queue is closed and empty.
   */
  async pop(process: PopProcessFunc<T>): Promise<Deltas<T>> {
    const item = await this.#next();
    await this.#process(process, item);
    return item;
  }

  /**
   * Waits for at least one key, then pops and processes keys in order until `maxItems` are done or
   * the queue is empty; synchronous `process` calls run back to back. Resolves with the count.
   * Rejects with a RangeError when `maxItems` is less than 1.
   */
  async popBatch(process: PopProcessFunc<T>, maxItems: number = Infinity): Promise<number> {
    if (!(maxItems >= 1)) throw new RangeError(`popBatch needs maxItems of 1 or more, got ${maxItems}`);
    let item = await this.#next();
    let n = 0;
    for (;;) {
      n++;
      const r = this.#process(process, item);
      if (r !== undefined) await r;
      if (n >= maxItems || this.#head === this.#queue.length) return n;
      item = this.#take();
    }
  }

  /**
   * Waits for a key and takes it in the same turn as the check, so concurrent pops never take the
   * same key (or one that another pop has just taken).
   */
  async #next(): Promise<Deltas<T>> {
    while (this.#head === this.#queue.length) {
      if (this.#closed) throw new FIFOClosedError();
      await this.#wait();
    }
    return this.#take();
  }

  #take(): Deltas<T> {
    const id = this.#queue[this.#head];
    this.#queue[this.#head] = "";
    this.#head++;
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    const item = this.#items.get(id)!;
    this.#items.delete(id);
    return item;
  }

  /** Runs `process`; the initial-list count goes down once it is done (so hasSynced follows the consumer). */
  #process(process: PopProcessFunc<T>, deltas: Deltas<T>): Promise<void> | undefined {
    return runProcess(process, deltas, !this.hasSynced(), this.#processed);
  }

  #processed = (): void => {
    if (this.#initialPopulationCount > 0) this.#initialPopulationCount--;
  };

  /** Closes the queue and wakes every waiting pop. */
  close(): void {
    this.#closed = true;
    this.#broadcast();
  }

  /** True after {@linkcode DeltaFIFO.close}. */
  isClosed(): boolean {
    return this.#closed;
  }

  #wait(): Promise<void> {
    if (this.#woken === undefined) {
      this.#woken = new Promise<void>((resolve) => (this.#wake = resolve));
    }
    return this.#woken;
  }

  #broadcast(): void {
    const wake = this.#wake;
    if (wake === undefined) return;
    this.#wake = undefined;
    this.#woken = undefined;
    wake();
  }
}

/** Collapses two trailing Deleted deltas into one, keeping the one that is not a tombstone. */
function dedupDeltas<T>(deltas: Deltas<T>): void {
  const n = deltas.length;
  if (n < 2) return;
  const a = deltas[n - 1];
  const b = deltas[n - 2];
  if (a.type !== "Deleted" || b.type !== "Deleted") return;
  deltas[n - 2] = b.object instanceof DeletedFinalStateUnknown ? a : b;
  deltas.length = n - 1;
}
