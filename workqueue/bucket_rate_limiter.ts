/**
 * An overall token bucket for all items (client-go's `BucketRateLimiter`).
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import type { RateLimiter } from "./rate_limiter.ts";
import { TokenBucket } from "../_internal/token_bucket.ts";

/** Options for {@linkcode bucketRateLimiter}. */
export interface BucketRateLimiterOptions {
  /** The clock the bucket refills on (default: the real clock). */
  clock?: Clock;
}

/**
 * Creates a token bucket shared by all items: it holds at most `burst` tokens, starts full, and refills
 * at `qps` tokens per second. Each `when` takes a token, reserving one in the future when the bucket is
 * empty, and returns how long until that reservation is due. `qps` may be `Infinity` (no limit).
 * `numRequeues` is always 0 and `forget` does nothing.
 *
 * @example
 * ```ts
 * import { bucketRateLimiter } from "@kubeweb/client/workqueue";
 *
 * const limiter = bucketRateLimiter<string>(10, 2);
 * limiter.when("a"); // 0
 * limiter.when("b"); // 0
 * limiter.when("c"); // about 100: the bucket is empty
 * ```
 */
export function bucketRateLimiter<T>(
  qps: number,
  burst: number,
  options: BucketRateLimiterOptions = {},
): RateLimiter<T> {
  if (!(qps > 0)) throw new RangeError(`Rate must be a positive number of tokens per second, got ${qps}`);
  if (!(burst >= 1)) throw new RangeError(`Burst must be at least 1, got ${burst}`);
  const clock = options.clock ?? REAL_CLOCK;
  const bucket = new TokenBucket(qps, burst, clock.now());
  return {
    when(): number {
      return bucket.reserve(clock.now());
    },
    forget(): void {},
    numRequeues(): number {
      return 0;
    },
  };
}
