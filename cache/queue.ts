/**
 * The queue between a reflector and an informer: the {@linkcode Queue} interface shared by
 * {@linkcode DeltaFIFO} and {@linkcode RealFIFO}, and the delta types they carry.
 *
 * @module
 */
import type { DeletedFinalStateUnknown } from "./deleted_final_state_unknown.ts";

/**
 * The kind of change a {@linkcode Delta} records. `Replaced` and `Sync` come from a relist
 * (`replace`) and a resync; `Deleted` may carry a {@linkcode DeletedFinalStateUnknown}.
 */
export type DeltaType = "Added" | "Updated" | "Deleted" | "Replaced" | "Sync";

/** One change of one object. */
export interface Delta<T> {
  /** What happened. */
  type: DeltaType;
  /** The object after the change (for Deleted: its last state, possibly a tombstone). */
  object: T | DeletedFinalStateUnknown<T>;
}

/** The changes of one object, oldest first. */
export type Deltas<T> = Delta<T>[];

/**
 * Rewrites an object once as it enters a queue (for example to drop `managedFields`). Never called
 * for Sync deltas or tombstones.
 */
export type TransformFunc<T> = (obj: T) => T;

/** The read side of the store a queue checks deletions and resyncs against (an informer's indexer). */
export interface KeyListerGetter<T> {
  /** All keys in the store. */
  listKeys(): string[];
  /** The object under `key`, or undefined. */
  getByKey(key: string): T | undefined;
}

/**
 * Handles one popped item. `isInInitialList` is true while the items of the first `replace` are
 * being drained. May return a promise; the pop settles after it.
 */
export type PopProcessFunc<T> = (deltas: Deltas<T>, isInInitialList: boolean) => void | Promise<void>;

/** What a reflector writes to: a store or a queue. */
export interface ReflectorStore<T> {
  /** An object was added. */
  add(obj: T): void;
  /** An object was modified. */
  update(obj: T): void;
  /** An object was deleted. */
  delete(obj: T | DeletedFinalStateUnknown<T>): void;
  /** The complete list at `resourceVersion` (a list or the end of a watch-list stream). */
  replace(list: T[], resourceVersion: string): void;
  /** Periodic resync: re-deliver what is known. */
  resync(): void;
}

/**
 * A queue of changes that an informer drains with `pop`: implemented by {@linkcode DeltaFIFO}
 * (coalesces per key) and {@linkcode RealFIFO} (every event in arrival order).
 */
export interface Queue<T> extends ReflectorStore<T> {
  /**
   * Waits for the next item, removes it and runs `process` on it. Resolves with the item; rejects
   * with what `process` threw, or with {@linkcode FIFOClosedError} when the queue is closed and empty.
   */
  pop(process: PopProcessFunc<T>): Promise<Deltas<T>>;
  /**
   * Like `pop`, but goes on popping and processing, in order, until `maxItems` (default: no limit)
   * are done or the queue is empty; resolves with the number processed. Synchronous `process` calls
   * run back to back, which makes draining a large list cheap.
   */
  popBatch(process: PopProcessFunc<T>, maxItems?: number): Promise<number>;
  /** True once the first `replace` (or any add/update/delete before it) has been fully popped. */
  hasSynced(): boolean;
  /** Closes the queue: pops waiting on an empty queue reject with {@linkcode FIFOClosedError}. */
  close(): void;
  /** True after `close`. */
  isClosed(): boolean;
}
