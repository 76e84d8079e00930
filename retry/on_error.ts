/**
 * Retrying a function while it fails with a retriable error (client-go's `retry.OnError`).
 *
 * @module
 */
import type { Backoff } from "./backoff.ts";
import { exponentialBackoff, type WaitOptions } from "./exponential_backoff.ts";

/**
 * Calls `fn` until it succeeds, at most `backoff.steps` times, waiting the backoff's delays between
 * calls, as long as it fails with an error `retriable` accepts. Resolves with `fn`'s result. Throws a
 * non-retriable error at once, and the last retriable error when the attempts run out.
 *
 * @example Retrying a flaky call
 * ```ts
 * import { DEFAULT_BACKOFF, onError } from "@kubeweb/client/retry";
 *
 * let calls = 0;
 * const value = await onError(DEFAULT_BACKOFF, (err) => err instanceof TypeError, () => {
 *   if (++calls < 2) throw new TypeError("not yet");
 *   return "done";
 * });
 * console.log(value, calls); // "done" 2
 * ```
 */
export async function onError<R>(
  backoff: Backoff,
  retriable: (err: unknown) => boolean,
  fn: () => R | Promise<R>,
  options: WaitOptions = {},
): Promise<R> {
  let result: R | undefined;
  let lastErr: unknown;
  let failed = false;
  let fatal = false;
  try {
    await exponentialBackoff(backoff, async () => {
      try {
        result = await fn();
        return true;
      } catch (err) {
        if (!retriable(err)) {
          fatal = true;
          throw err;
        }
        failed = true;
        lastErr = err;
        return false;
      }
    }, options);
  } catch (err) {
    // Out of attempts: the last retriable error is the answer. Anything else (fn's fatal error, an
    // abort) is thrown as it is.
    if (!fatal && failed && !options.signal?.aborted) throw lastErr;
    throw err;
  }
  return result as R;
}
