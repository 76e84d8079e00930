/**
 * Retrying a condition with exponential backoff (apimachinery's `wait.ExponentialBackoffWithContext`).
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import type { Backoff } from "./backoff.ts";
import { BackoffStepper } from "./_stepper.ts";
import { WaitTimeoutError } from "./wait_timeout_error.ts";

/**
 * A condition to wait for: true when done, false to try again; throwing stops the wait with that error.
 * It receives the wait's signal, to pass on to any request it makes.
 */
export type ConditionFunc = (signal: AbortSignal | undefined) => boolean | Promise<boolean>;

/** Options of the wait helpers. */
export interface WaitOptions {
  /** Stops the wait: it rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The clock to wait on (default: the real clock). */
  clock?: Clock;
}

/**
 * Runs `condition` until it returns true, at most `backoff.steps` times, waiting the backoff's growing
 * delays in between. Rejects with {@linkcode WaitTimeoutError} when the attempts run out, with the
 * condition's error if it throws, and with the signal's reason if the signal aborts.
 *
 * @example Waiting for a resource to show up
 * ```ts
 * import { exponentialBackoff } from "@kubeweb/client/retry";
 *
 * let tries = 0;
 * await exponentialBackoff({ durationMs: 1, factor: 2, steps: 5 }, () => ++tries === 3);
 * console.log(tries); // 3
 * ```
 */
export async function exponentialBackoff(
  backoff: Backoff,
  condition: ConditionFunc,
  options: WaitOptions = {},
): Promise<void> {
  const stepper = new BackoffStepper(backoff);
  const clock = options.clock ?? REAL_CLOCK;
  const signal = options.signal;
  for (;;) {
    signal?.throwIfAborted();
    if (await condition(signal)) return;
    signal?.throwIfAborted();
    if (stepper.steps <= 1) break;
    await clock.sleep(stepper.step(), signal);
  }
  throw new WaitTimeoutError();
}
