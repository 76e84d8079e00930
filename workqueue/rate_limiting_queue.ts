/**
 * The rate-limiting queue (client-go's `workqueue.TypedRateLimitingInterface`): a
 * {@linkcode DelayingQueue} that asks a {@linkcode RateLimiter} how long each retry waits.
 *
 * @module
 */
import { RateLimitingQueueImpl } from "./_rate_limiting_queue.ts";
import type { DelayingQueue } from "./delaying_queue.ts";
import type { QueueOptions } from "./queue.ts";
import type { RateLimiter } from "./rate_limiter.ts";

/** A {@linkcode DelayingQueue} with per-item retry delays from a {@linkcode RateLimiter}. */
export interface RateLimitingQueue<T> extends DelayingQueue<T> {
  /** Adds `item` after the delay the rate limiter gives it (`addAfter(item, limiter.when(item))`). */
  addRateLimited(item: T): void;
  /**
   * Tells the rate limiter that `item` is done retrying, resetting its backoff. It does not remove the
   * item from the queue.
   */
  forget(item: T): void;
  /** How many times `item` has been requeued through the rate limiter since it was last forgotten. */
  numRequeues(item: T): number;
}

/**
 * Creates a rate-limiting queue (client-go's `workqueue.NewTypedRateLimitingQueueWithConfig`).
 *
 * @example A controller worker
 * ```ts
 * import { defaultControllerRateLimiter, newRateLimitingQueue } from "@kubeweb/client/workqueue";
 *
 * const queue = newRateLimitingQueue<string>(defaultControllerRateLimiter(), { name: "pods" });
 * queue.add("default/web");
 * const { item, shutdown } = await queue.get();
 * if (!shutdown) {
 *   try {
 *     // reconcile(item) ...
 *     queue.forget(item);
 *   } catch {
 *     queue.addRateLimited(item); // retried after 5 ms, 10 ms, 20 ms ...
 *   } finally {
 *     queue.done(item);
 *   }
 * }
 * queue.shutDown();
 * ```
 */
export function newRateLimitingQueue<T>(
  rateLimiter: RateLimiter<T>,
  options: QueueOptions = {},
): RateLimitingQueue<T> {
  return new RateLimitingQueueImpl<T>(rateLimiter, options);
}
