/**
 * The strictest of several limiters (client-go's `MaxOfRateLimiter`).
 *
 * @module
 */
import type { RateLimiter } from "./rate_limiter.ts";

/**
 * Creates a limiter that asks every given limiter and returns the longest delay and the largest
 * `numRequeues`; `forget` forgets in all of them.
 *
 * @example
 * ```ts
 * import { bucketRateLimiter, itemExponentialFailureRateLimiter, maxOfRateLimiter } from "@kubeweb/client/workqueue";
 *
 * const limiter = maxOfRateLimiter<string>(
 *   itemExponentialFailureRateLimiter(5, 60_000),
 *   bucketRateLimiter(10, 100),
 * );
 * limiter.when("a"); // 5
 * ```
 */
export function maxOfRateLimiter<T>(...limiters: RateLimiter<T>[]): RateLimiter<T> {
  return {
    when(item: T): number {
      let max = 0;
      for (const l of limiters) {
        const d = l.when(item);
        if (d > max) max = d;
      }
      return max;
    },
    forget(item: T): void {
      for (const l of limiters) l.forget(item);
    },
    numRequeues(item: T): number {
      let max = 0;
      for (const l of limiters) {
        const n = l.numRequeues(item);
        if (n > max) max = n;
      }
      return max;
    },
  };
}
