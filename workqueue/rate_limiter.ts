/**
 * The rate limiter interface (client-go's `workqueue.TypedRateLimiter`) behind
 * {@linkcode RateLimitingQueue.addRateLimited}.
 *
 * @module
 */

/** Decides how long an item waits before it is queued again. */
export interface RateLimiter<T> {
  /** Records one more requeue of `item` and returns how many milliseconds it should wait. */
  when(item: T): number;
  /** Forgets `item`'s history: it is done retrying (succeeded or given up on). */
  forget(item: T): void;
  /** How many times `item` has been requeued since it was last forgotten. */
  numRequeues(item: T): number;
}
