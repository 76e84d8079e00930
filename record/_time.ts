/**
 * metav1.Time's wire format: RFC 3339 in UTC with whole seconds.
 *
 * @module
 */

/** Formats epoch milliseconds as "2026-01-01T00:00:00Z" (seconds precision, truncated). */
export function formatTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().slice(0, 19) + "Z";
}

/**
 * Hands out nanosecond timestamps for event names: the clock's time in nanoseconds, bumped by one when
 * it would not be later than the previous one (the clock has millisecond resolution), so two events
 * made in the same millisecond still get distinct names.
 */
export class NanoStamps {
  #last = -1n;

  /** A nanosecond timestamp for `epochMs`, later than every earlier one. */
  next(epochMs: number): bigint {
    let ns = BigInt(Math.floor(epochMs)) * 1_000_000n;
    if (ns <= this.#last) ns = this.#last + 1n;
    this.#last = ns;
    return ns;
  }
}
