/**
 * Test helper of the integration tests: polls a check until it gives a value, or fails naming what
 * it waited for (and the check's last error).
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../../_internal/clock.ts";

/** Options of {@linkcode pollFor}. */
export interface PollForOptions {
  /** Fails after this many ms. */
  timeoutMs: number;
  /** The pause between two checks, in ms. */
  intervalMs: number;
  /** The clock of the deadline and the pauses (default: real). */
  clock?: Clock;
}

/**
 * Calls `check` until it returns a value other than undefined, pausing `intervalMs` between calls; a
 * check that throws is called again. After `timeoutMs`, fails with "Timed out waiting for `what`" and
 * the last error's message.
 */
export async function pollFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: PollForOptions,
): Promise<T> {
  const clock = options.clock ?? REAL_CLOCK;
  const deadline = clock.now() + options.timeoutMs;
  let last: unknown;
  while (clock.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await clock.sleep(options.intervalMs);
  }
  throw new Error(`Timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
}
