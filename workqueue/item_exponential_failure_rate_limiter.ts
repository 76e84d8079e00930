/**
 * Per-item exponential backoff (client-go's `ItemExponentialFailureRateLimiter`).
 *
 * @module
 */
import type { RateLimiter } from "./rate_limiter.ts";

/**
 * Creates a limiter that delays an item `baseMs * 2^n` milliseconds on its n-th requeue (counting from
 * 0), never more than `maxMs`. Each `when` counts one failure; `forget` resets the item.
 *
 * @example
 * ```ts
 * import { itemExponentialFailureRateLimiter } from "@kubeweb/client/workqueue";
 *
 * const limiter = itemExponentialFailureRateLimiter<string>(5, 1000);
 * limiter.when("a"); // 5
 * limiter.when("a"); // 10
 * limiter.forget("a");
 * limiter.when("a"); // 5
 * ```
 */
export function itemExponentialFailureRateLimiter<T>(baseMs: number, maxMs: number): RateLimiter<T> {
  if (!(baseMs >= 0)) throw new RangeError(`Base delay must be a non-negative number of ms, got ${baseMs}`);
  if (!(maxMs >= 0)) throw new RangeError(`Maximum delay must be a non-negative number of ms, got ${maxMs}`);
  const failures = new Map<T, number>();
  return {
    when(item: T): number {
      const n = failures.get(item) ?? 0;
      failures.set(item, n + 1);
      // 2 ** 1023 is the largest finite power of two: past it the delay stays at its cap (or 0 for a
      // base of 0) instead of becoming NaN.
      return Math.min(maxMs, baseMs * 2 ** Math.min(n, 1023));
    },
    forget(item: T): void {
      failures.delete(item);
    },
    numRequeues(item: T): number {
      return failures.get(item) ?? 0;
    },
  };
}
