/**
 * The errors of the cache module.
 *
 * @module
 */

/**
 * An error of the cache module: a key that cannot be computed, an unknown index, an informer used
 * in a way its state does not allow.
 *
 * @example
 * ```ts
 * import { CacheError, newIndexer, metaNamespaceKeyFunc } from "@kubeweb/client/cache";
 *
 * const indexer = newIndexer(metaNamespaceKeyFunc, {});
 * try {
 *   indexer.byIndex("byNode", "node-1");
 * } catch (e) {
 *   console.log(e instanceof CacheError); // true
 * }
 * ```
 */
export class CacheError extends Error {
  /** Creates the error; `options.cause` is the underlying error, if any. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CacheError";
  }
}

/**
 * The error a queue's `pop` rejects with once the queue is closed and empty (client-go's
 * `ErrFIFOClosed`).
 *
 * @example
 * ```ts
 * import { FIFOClosedError, RealFIFO, newIndexer, deletionHandlingMetaNamespaceKeyFunc } from "@kubeweb/client/cache";
 *
 * const fifo = new RealFIFO({ knownObjects: newIndexer(deletionHandlingMetaNamespaceKeyFunc, {}) });
 * fifo.close();
 * await fifo.pop(() => {}).catch((e) => console.log(e instanceof FIFOClosedError)); // true
 * ```
 */
export class FIFOClosedError extends CacheError {
  /** Creates the error. */
  constructor() {
    super("The queue is closed");
    this.name = "FIFOClosedError";
  }
}

/**
 * The error a factory's `waitForCacheSync` rejects with when an informer has not synced before its
 * signal aborted: `unsynced` names them by key (`"v1/pods"`, `"apps/v1/deployments"`).
 *
 * @example
 * ```ts
 * import { CacheError, CacheSyncError } from "@kubeweb/client/cache";
 *
 * const e = new CacheSyncError(["v1/pods"], { cause: new DOMException("timed out", "TimeoutError") });
 * console.log(e instanceof CacheError, e.unsynced); // true [ "v1/pods" ]
 * ```
 */
export class CacheSyncError extends CacheError {
  /** The keys of the informers that had not synced. */
  readonly unsynced: readonly string[];

  /** Creates the error; `options.cause` is the reason of the signal that stopped the wait. */
  constructor(unsynced: readonly string[], options?: { cause?: unknown }) {
    super(`The informers of ${unsynced.join(", ")} did not sync before the wait was stopped`, options);
    this.name = "CacheSyncError";
    this.unsynced = unsynced;
  }
}
