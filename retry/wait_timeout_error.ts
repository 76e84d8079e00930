/**
 * The error of the retry and wait helpers when they run out of attempts or time.
 *
 * @module
 */

/**
 * Thrown when a wait runs out of attempts or time before its condition is met (apimachinery's
 * `wait.ErrWaitTimeout`).
 *
 * @example
 * ```ts
 * import { exponentialBackoff, WaitTimeoutError } from "@kubeweb/client/retry";
 *
 * try {
 *   await exponentialBackoff({ durationMs: 1, steps: 2 }, () => false);
 * } catch (err) {
 *   if (!(err instanceof WaitTimeoutError)) throw err;
 * }
 * ```
 */
export class WaitTimeoutError extends Error {
  /** Creates the error; `cause` is the last thing that went wrong, if known. */
  constructor(message = "Timed out waiting for the condition", options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WaitTimeoutError";
  }
}
