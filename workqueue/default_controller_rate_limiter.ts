/**
 * The rate limiter controllers use by default (client-go's `DefaultTypedControllerRateLimiter`).
 *
 * @module
 */
import type { Clock } from "../_internal/clock.ts";
import { bucketRateLimiter } from "./bucket_rate_limiter.ts";
import { itemExponentialFailureRateLimiter } from "./item_exponential_failure_rate_limiter.ts";
import { maxOfRateLimiter } from "./max_of_rate_limiter.ts";
import type { RateLimiter } from "./rate_limiter.ts";

/** Options for {@linkcode defaultControllerRateLimiter}. */
export interface DefaultControllerRateLimiterOptions {
  /** The clock the overall token bucket refills on (default: the real clock). */
  clock?: Clock;
}

/**
 * Creates the default controller limiter: per-item exponential backoff from 5 ms to 1000 s, and an
 * overall token bucket of 10 qps with a burst of 100, whichever is slower.
 *
 * @example
 * ```ts
 * import { defaultControllerRateLimiter, newRateLimitingQueue } from "@kubeweb/client/workqueue";
 *
 * const queue = newRateLimitingQueue<string>(defaultControllerRateLimiter(), { name: "pods" });
 * queue.addRateLimited("default/web"); // queued after 5 ms
 * queue.shutDown();
 * ```
 */
export function defaultControllerRateLimiter<T>(
  options: DefaultControllerRateLimiterOptions = {},
): RateLimiter<T> {
  return maxOfRateLimiter<T>(
    itemExponentialFailureRateLimiter<T>(5, 1000 * 1000),
    bucketRateLimiter<T>(10, 100, { clock: options.clock }),
  );
}
