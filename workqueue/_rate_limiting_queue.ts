/**
 * The rate-limiting queue implementation: `addRateLimited` is `addAfter` with the limiter's delay.
 *
 * @module
 */
import { DelayingQueueImpl } from "./_delaying_queue.ts";
import type { QueueOptions } from "./queue.ts";
import type { RateLimiter } from "./rate_limiter.ts";
import type { RateLimitingQueue } from "./rate_limiting_queue.ts";

/** A {@linkcode DelayingQueueImpl} with a rate limiter. */
export class RateLimitingQueueImpl<T> extends DelayingQueueImpl<T> implements RateLimitingQueue<T> {
  #limiter: RateLimiter<T>;

  constructor(limiter: RateLimiter<T>, options: QueueOptions = {}) {
    super(options);
    this.#limiter = limiter;
  }

  addRateLimited(item: T): void {
    if (this.shuttingDown()) return;
    this.addAfter(item, this.#limiter.when(item));
  }

  forget(item: T): void {
    this.#limiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.#limiter.numRequeues(item);
  }
}
