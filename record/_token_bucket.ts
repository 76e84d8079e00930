/**
 * A passive token bucket (client-go's `NewTokenBucketPassiveRateLimiterWithClock`): it starts full and
 * refills at `qps` tokens per second up to `burst`; `tryAccept` never waits.
 *
 * @module
 */

/** A token bucket read against a caller-supplied time. */
export class PassiveTokenBucket {
  #qps: number;
  #burst: number;
  #tokens: number;
  #last: number;

  /** A full bucket of `burst` tokens at time `nowMs`, refilling at `qps` per second. */
  constructor(qps: number, burst: number, nowMs: number) {
    this.#qps = qps;
    this.#burst = burst;
    this.#tokens = burst;
    this.#last = nowMs;
  }

  /** Takes a token if one is available at `nowMs`. */
  tryAccept(nowMs: number): boolean {
    const elapsed = Math.max(0, nowMs - this.#last) / 1000;
    this.#last = Math.max(this.#last, nowMs);
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#qps);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
