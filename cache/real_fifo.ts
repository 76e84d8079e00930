/**
 * {@linkcode RealFIFO}: the in-order queue informers use by default (client-go 1.36's `RealFIFO`,
 * feature InOrderInformers).
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

/** Options of {@linkcode RealFIFO}. */
export interface RealFIFOOptions<T> {
  /** Computes object keys (default {@linkcode metaNamespaceKeyFunc}). */
  keyFunction?: KeyFunc;
  /** The store the consumer maintains (required): `replace` and `resync` read it. */
  knownObjects: KeyListerGetter<T>;
  /** Runs once on every object entering the queue, except Sync deltas and tombstones. */
  transformer?: TransformFunc<T>;
}

/**
 * A queue with no per-key coalescing: every event is its own item, popped in arrival order (as a
 * single-element {@linkcode Deltas}). `replace` queues tombstones for queued or known objects
 * that are not listed, then a `Replaced` delta for every listed object.
 *
 * @example
 * ```ts
 * import { RealFIFO, newIndexer, deletionHandlingMetaNamespaceKeyFunc } from "@kubeweb/client/cache";
 * import type { KubeObject } from "@kubeweb/client/rest";
 *
 * const known = newIndexer<KubeObject>(deletionHandlingMetaNamespaceKeyFunc, {});
 * const fifo = new RealFIFO<KubeObject>({ knownObjects: known });
 * fifo.add({ metadata: { name: "a" } });
 * fifo.update({ metadata: { name: "a" } });
 * await fifo.pop(([d]) => console.log(d.type)); // "Added"
 * await fifo.pop(([d]) => console.log(d.type)); // "Updated"
 * ```
 */
export class RealFIFO<T> implements Queue<T> {
  #items: (Delta<T> | undefined)[] = [];
  #head = 0;
  #populated = false;
  #initialPopulationCount = 0;
  #closed = false;
  #keyFunc: KeyFunc;
  #knownObjects: KeyListerGetter<T>;
  #transformer: TransformFunc<T> | undefined;
  #wake: (() => void) | undefined;
  #woken: Promise<void> | undefined;

  /** Creates an empty queue. Throws {@linkcode CacheError} without `knownObjects`. */
  constructor(options: RealFIFOOptions<T>) {
    if (options?.knownObjects === undefined) throw new CacheError("RealFIFO needs knownObjects");
    this.#keyFunc = options.keyFunction ?? metaNamespaceKeyFunc;
    this.#knownObjects = options.knownObjects;
    this.#transformer = options.transformer;
  }

  /** The key of an object, or of a tombstone (its key). */
  keyOf(obj: T | DeletedFinalStateUnknown<T>): string {
    if (obj instanceof DeletedFinalStateUnknown) return obj.key;
    return this.#keyFunc(obj);
  }

  /** True once the items queued by the first `replace` (or any add/update/delete before it) are popped. */
  hasSynced(): boolean {
    return this.#populated && this.#initialPopulationCount === 0;
  }

  /** The number of queued items. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Queues an Added item. */
  add(obj: T): void {
    this.#populated = true;
    this.#push("Added", obj, false);
  }

  /** Queues an Updated item. */
  update(obj: T): void {
    this.#populated = true;
    this.#push("Updated", obj, false);
  }

  /** Queues a Deleted item. */
  delete(obj: T | DeletedFinalStateUnknown<T>): void {
    this.#populated = true;
    this.#push("Deleted", obj, false);
  }

  /**
   * Queues a tombstone for every queued key whose last item is not a deletion and every known key
   * not queued, when the key is not listed; then a Replaced item for every listed object.
   */
  replace(list: T[], _resourceVersion: string): void {
    const knownKeys = this.#knownObjects.listKeys();
    if (this.#head === this.#items.length && knownKeys.length === 0) {
      // Nothing queued or known, so nothing can have been deleted: skip the key sets (the initial list).
      for (let i = 0; i < list.length; i++) this.#push("Replaced", list[i], false);
    } else {
      this.#reconcile(list, knownKeys);
    }
    if (!this.#populated) {
      this.#populated = true;
      this.#initialPopulationCount = this.length;
    }
  }

  #reconcile(list: T[], knownKeys: string[]): void {
    const newKeys = new Set<string>();
    for (let i = 0; i < list.length; i++) newKeys.add(this.keyOf(list[i]));

    const queued = new Map<string, Delta<T>>();
    for (let i = this.#head; i < this.#items.length; i++) {
      const d = this.#items[i]!;
      queued.set(this.keyOf(d.object), d);
    }
    for (const [key, last] of queued) {
      if (newKeys.has(key) || last.type === "Deleted") continue;
      this.#push("Deleted", new DeletedFinalStateUnknown(key, last.object as T), true);
    }
    for (const key of knownKeys) {
      if (newKeys.has(key) || queued.has(key)) continue;
      this.#push("Deleted", new DeletedFinalStateUnknown(key, this.#knownObjects.getByKey(key)), true);
    }
    for (let i = 0; i < list.length; i++) this.#push("Replaced", list[i], false);
  }

  /** Queues a Sync item for every known object with nothing queued. */
  resync(): void {
    const inQueue = new Set<string>();
    for (let i = this.#head; i < this.#items.length; i++) inQueue.add(this.keyOf(this.#items[i]!.object));
    for (const key of this.#knownObjects.listKeys()) {
      if (inQueue.has(key)) continue;
      const obj = this.#knownObjects.getByKey(key);
      if (obj === undefined) continue;
      this.#push("Sync", obj, true);
    }
  }

  #push(type: DeltaType, obj: T | DeletedFinalStateUnknown<T>, skipTransform: boolean): void {
    if (
      !skipTransform && this.#transformer !== undefined && type !== "Sync" &&
      !(obj instanceof DeletedFinalStateUnknown)
    ) {
      obj = this.#transformer(obj);
    }
    this.#items.push({ type, object: obj });
    const wake = this.#wake;
    if (wake !== undefined) {
      this.#wake = undefined;
      this.#woken = undefined;
      wake();
    }
  }

  /**
   * Waits for the oldest item, removes it and runs `process` on it (as a one-element Deltas).
   * Rejects with {@linkcode FIFOClosedError} when the queue is closed and empty.
   */
  async pop(process: PopProcessFunc<T>): Promise<Deltas<T>> {
    const deltas: Deltas<T> = [await this.#next()];
    await this.#process(process, deltas);
    return deltas;
  }

  /**
   * Waits for at least one item, then pops and processes items in order until `maxItems` are done
   * or the queue is empty; synchronous `process` calls run back to back. Resolves with the count.
   * Rejects with a RangeError when `maxItems` is less than 1.
   */
  async popBatch(process: PopProcessFunc<T>, maxItems: number = Infinity): Promise<number> {
    if (!(maxItems >= 1)) throw new RangeError(`popBatch needs maxItems of 1 or more, got ${maxItems}`);
    let item = await this.#next();
    let n = 0;
    for (;;) {
      n++;
      const r = this.#process(process, [item]);
      if (r !== undefined) await r;
      if (n >= maxItems || this.#head === this.#items.length) return n;
      item = this.#take();
    }
  }

  /**
   * Waits for an item and takes it in the same turn as the check, so concurrent pops never take the
   * same item (or one that another pop has just taken).
   */
  async #next(): Promise<Delta<T>> {
    while (this.#head === this.#items.length) {
      if (this.#closed) throw new FIFOClosedError();
      if (this.#woken === undefined) this.#woken = new Promise<void>((resolve) => (this.#wake = resolve));
      await this.#woken;
    }
    return this.#take();
  }

  #take(): Delta<T> {
    const item = this.#items[this.#head]!;
    this.#items[this.#head] = undefined;
    this.#head++;
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Runs `process`; the initial-list count goes down once it is done (so hasSynced follows the consumer). */
  #process(process: PopProcessFunc<T>, deltas: Deltas<T>): Promise<void> | undefined {
    // Computed before the item counts as processed.
    return runProcess(
      process,
      deltas,
      !(this.#populated && this.#initialPopulationCount === 0),
      this.#processed,
    );
  }

  #processed = (): void => {
    if (this.#initialPopulationCount > 0) this.#initialPopulationCount--;
  };

  /** Closes the queue and wakes every waiting pop. */
  close(): void {
    this.#closed = true;
    const wake = this.#wake;
    if (wake !== undefined) {
      this.#wake = undefined;
      this.#woken = undefined;
      wake();
    }
  }

  /** True after {@linkcode RealFIFO.close}. */
  isClosed(): boolean {
    return this.#closed;
  }
}
