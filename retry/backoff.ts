/**
 * Backoff settings (apimachinery's `wait.Backoff`) and the two defaults of client-go's `util/retry`.
 *
 * @module
 */

/**
 * How long to wait between attempts: the first wait is `durationMs`, each later one `factor` times the
 * one before, each lengthened by up to `jitter` times itself at random, for at most `steps` attempts.
 */
export interface Backoff {
  /** The first wait, in milliseconds. */
  durationMs: number;
  /** Each wait is the previous one times this (0 or 1: constant waits). Default 0. */
  factor?: number;
  /** Adds a random extra of up to `jitter * wait` to each wait (0: none). Default 0. */
  jitter?: number;
  /** The number of attempts (at least 1): there are `steps - 1` waits in between. */
  steps: number;
  /**
   * The longest wait, in milliseconds (0 or absent: no cap). When growing the wait would pass it, the
   * wait is set to the cap and that wait is the last one.
   */
  capMs?: number;
}

/**
 * The backoff for retrying an update on conflict (client-go's `retry.DefaultRetry`): 5 attempts,
 * 10 ms apart, with 10% jitter.
 *
 * @example
 * ```ts
 * import { DEFAULT_RETRY, retryOnConflict } from "@kubeweb/client/retry";
 *
 * await retryOnConflict(DEFAULT_RETRY, async () => {
 *   // get the object, change it, update it; a Conflict error is retried
 * });
 * ```
 */
export const DEFAULT_RETRY: Readonly<Backoff> = Object.freeze({
  steps: 5,
  durationMs: 10,
  factor: 1.0,
  jitter: 0.1,
});

/**
 * The backoff for operations expected to take longer (client-go's `retry.DefaultBackoff`): 4 attempts,
 * waiting 10 ms, 50 ms, then 250 ms, with 10% jitter.
 *
 * @example
 * ```ts
 * import { DEFAULT_BACKOFF, onError } from "@kubeweb/client/retry";
 *
 * await onError(DEFAULT_BACKOFF, (err) => err instanceof TypeError, () => {
 *   // an operation that may fail with a TypeError for a while
 * });
 * ```
 */
export const DEFAULT_BACKOFF: Readonly<Backoff> = Object.freeze({
  steps: 4,
  durationMs: 10,
  factor: 5.0,
  jitter: 0.1,
});
