/**
 * Fast retries first, then slow ones (client-go's `ItemFastSlowRateLimiter`).
 *
 * @module
 */
import type { RateLimiter } from "./rate_limiter.ts";

/**
 * Creates a limiter that delays an item `fastMs` for its first `maxFastAttempts` requeues and `slowMs`
 * after that; `forget` resets the item.
 *
 * @example
 * ```ts
 * import { itemFastSlowRateLimiter } from "@kubeweb/client/workqueue";
 *
 * const limiter = itemFastSlowRateLimiter<string>(5, 10_000, 3);
 * limiter.when("a"); // 5, then 5, 5, then 10000 from the fourth call
 * ```
 */
export function itemFastSlowRateLimiter<T>(
  fastMs: number,
  slowMs: number,
  maxFastAttempts: number,
): RateLimiter<T> {
  const attempts = new Map<T, number>();
  return {
    when(item: T): number {
      const n = (attempts.get(item) ?? 0) + 1;
      attempts.set(item, n);
      return n <= maxFastAttempts ? fastMs : slowMs;
    },
    forget(item: T): void {
      attempts.delete(item);
    },
    numRequeues(item: T): number {
      return attempts.get(item) ?? 0;
    },
  };
}
