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
 * import { CacheError, newIndexer, metaNamespaceKeyFunc } from "./mod.ts";
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
 * import { FIFOClosedError, RealFIFO, newIndexer, deletionHandlingMetaNamespaceKeyFunc } from "./mod.ts";
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
