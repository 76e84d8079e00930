/**
 * The one token bucket behind every rate limit in kubeweb: the REST client's QPS/burst limiter, the
 * workqueue's bucket rate limiter and the event recorder's spam filter (client-go's
 * `golang.org/x/time/rate` limiter and flowcontrol token bucket). Time is passed in, so each user keeps
 * its own clock.
 *
 * @module
 */

/** A bucket of `burst` tokens refilled at `qps` tokens per second. */
export class TokenBucket {
  readonly qps: number;
  readonly burst: number;
  #tokens: number;
  #last: number;

  /** A full bucket at time `nowMs`. `qps` may be Infinity (no limit). */
  constructor(qps: number, burst: number, nowMs: number) {
    this.qps = qps;
    this.burst = burst;
    this.#tokens = burst;
    this.#last = nowMs;
  }

  #refill(nowMs: number): void {
    if (nowMs > this.#last) {
      this.#tokens = Math.min(this.burst, this.#tokens + ((nowMs - this.#last) * this.qps) / 1000);
      this.#last = nowMs;
    }
  }

  /** Takes a token if one is available now. */
  tryTake(nowMs: number): boolean {
    if (this.qps === Infinity) return true;
    this.#refill(nowMs);
    if (this.#tokens < 1 - 1e-9) return false;
    this.#tokens -= 1;
    return true;
  }

  /**
   * Takes a token, possibly one not yet refilled (a reservation), and returns how many milliseconds to
   * wait until it is due (0 when one was available).
   */
  reserve(nowMs: number): number {
    if (this.qps === Infinity) return 0;
    this.#refill(nowMs);
    this.#tokens -= 1;
    return this.#tokens >= -1e-9 ? 0 : (-this.#tokens * 1000) / this.qps;
  }

  /** Returns a reserved token that will not be used (a cancelled wait). */
  giveBack(nowMs: number): void {
    this.#refill(nowMs);
    this.#tokens = Math.min(this.burst, this.#tokens + 1);
  }
}
