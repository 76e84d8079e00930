/**
 * Walks a {@linkcode Backoff}: the state that apimachinery's `Backoff.Step` keeps in the struct.
 *
 * @module
 */
import type { Backoff } from "./backoff.ts";

/** Checks a backoff's fields; throws RangeError naming the bad one. */
export function validateBackoff(b: Backoff): void {
  if (!(b.durationMs >= 0)) {
    throw new RangeError(`Backoff durationMs must be at least 0, got ${b.durationMs}`);
  }
  if (!(b.steps >= 1)) throw new RangeError(`Backoff steps must be at least 1, got ${b.steps}`);
  if (b.factor !== undefined && !(b.factor >= 0)) {
    throw new RangeError(`Backoff factor must be at least 0, got ${b.factor}`);
  }
  if (b.jitter !== undefined && !(b.jitter >= 0)) {
    throw new RangeError(`Backoff jitter must be at least 0, got ${b.jitter}`);
  }
  if (b.capMs !== undefined && !(b.capMs >= 0)) {
    throw new RangeError(`Backoff capMs must be at least 0, got ${b.capMs}`);
  }
}

/** The successive waits of a backoff, consumed one at a time. */
export class BackoffStepper {
  /** Attempts left (including the one about to be made). */
  steps: number;
  #duration: number;
  #factor: number;
  #jitter: number;
  #cap: number;
  #random: () => number;

  constructor(b: Backoff, random: () => number = Math.random) {
    validateBackoff(b);
    this.steps = b.steps;
    this.#duration = b.durationMs;
    this.#factor = b.factor ?? 0;
    this.#jitter = b.jitter ?? 0;
    this.#cap = b.capMs ?? 0;
    this.#random = random;
  }

  /** Uses up one attempt and returns the wait that follows it. */
  step(): number {
    let wait = this.#duration;
    if (this.steps >= 1) {
      this.steps--;
      if (this.#factor !== 0) {
        this.#duration *= this.#factor;
        if (this.#cap > 0 && this.#duration > this.#cap) {
          this.#duration = this.#cap;
          this.steps = Math.min(this.steps, 1); // one last attempt after this wait
        }
      }
    }
    if (this.#jitter > 0) wait += this.#random() * this.#jitter * wait;
    return wait;
  }
}
