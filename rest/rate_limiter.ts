/**
 * Client-side rate limiting of requests (client-go's `util/flowcontrol` token bucket): a bucket of
 * `burst` tokens that refills at `qps` tokens a second; each request takes one.
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import { TokenBucket } from "../_internal/token_bucket.ts";

/** A limiter of request rates (client-go's `flowcontrol.RateLimiter`). */
export interface RateLimiter {
  /** Takes a token if one is available now; returns false (taking nothing) otherwise. */
  tryAccept(): boolean;
  /**
   * Waits for a token and takes it. Rejects with the signal's reason if `signal` aborts first; the
   * reserved token is then given back.
   */
  accept(signal?: AbortSignal): Promise<void>;
  /** The refill rate, in tokens per second. */
  qps(): number;
}

/** Options of {@linkcode newTokenBucketRateLimiter}. */
export interface TokenBucketOptions {
  /** The clock that measures refills and waits (default: the real clock). */
  clock?: Clock;
}

/** Default QPS of a client whose configuration leaves it at 0 (client-go's `DefaultQPS`). */
export const DEFAULT_QPS: number = 5;
/** Default burst of a client whose configuration leaves it at 0 (client-go's `DefaultBurst`). */
export const DEFAULT_BURST: number = 10;

class TokenBucketRateLimiter implements RateLimiter {
  readonly #bucket: TokenBucket;
  readonly #clock: Clock;

  constructor(qps: number, burst: number, clock: Clock) {
    this.#clock = clock;
    this.#bucket = new TokenBucket(qps, burst, clock.now());
  }

  tryAccept(): boolean {
    return this.#bucket.tryTake(this.#clock.now());
  }

  accept(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) {
      return Promise.reject(signal.reason ?? new DOMException("The operation was aborted", "AbortError"));
    }
    const waitMs = this.#bucket.reserve(this.#clock.now());
    if (waitMs === 0) return Promise.resolve();
    return this.#clock.sleep(Math.ceil(waitMs - 1e-6), signal).catch((e) => {
      this.#bucket.giveBack(this.#clock.now());
      throw e;
    });
  }

  qps(): number {
    return this.#bucket.qps;
  }
}

/**
 * A token bucket that starts full with `burst` tokens and refills `qps` tokens a second
 * (client-go's `flowcontrol.NewTokenBucketRateLimiter`). `qps` may be `Infinity` (no limit).
 *
 * @throws {RangeError} when qps is not a positive number or burst is not a positive integer.
 *
 * @example
 * ```ts
 * import { newTokenBucketRateLimiter } from "@kubeweb/client/rest";
 *
 * const limiter = newTokenBucketRateLimiter(1, 3);
 * console.log([1, 2, 3, 4].map(() => limiter.tryAccept())); // [true, true, true, false]
 * // `await limiter.accept(signal)` would now wait about one second for the next token.
 * ```
 */
export function newTokenBucketRateLimiter(
  qps: number,
  burst: number,
  options: TokenBucketOptions = {},
): RateLimiter {
  if (!(qps > 0)) throw new RangeError(`Rate limiter qps must be a positive number, got ${qps}`);
  if (!Number.isInteger(burst) || burst < 1) {
    throw new RangeError(`Rate limiter burst must be a positive integer, got ${burst}`);
  }
  return new TokenBucketRateLimiter(qps, burst, options.clock ?? REAL_CLOCK);
}

/**
 * The rate limiter for a client's `qps` and `burst` settings, with client-go's rules: qps 0 or unset
 * means {@linkcode DEFAULT_QPS} (5), burst 0 or unset means {@linkcode DEFAULT_BURST} (10), and a
 * negative qps disables client-side limiting (returns undefined).
 *
 * @example
 * ```ts
 * import { rateLimiterFor } from "@kubeweb/client/rest";
 *
 * console.log(rateLimiterFor()?.qps()); // 5
 * console.log(rateLimiterFor(-1)); // undefined
 * ```
 */
export function rateLimiterFor(
  qps?: number,
  burst?: number,
  options: TokenBucketOptions = {},
): RateLimiter | undefined {
  if (qps !== undefined && qps < 0) return undefined;
  return newTokenBucketRateLimiter(qps || DEFAULT_QPS, burst || DEFAULT_BURST, options);
}
