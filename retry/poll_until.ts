/**
 * Polling a condition at a fixed interval (apimachinery's `wait.PollUntilContextCancel` and
 * `PollUntilContextTimeout`).
 *
 * @module
 */
import { REAL_CLOCK } from "../_internal/clock.ts";
import { linkSignals } from "../_internal/async.ts";
import type { ConditionFunc, WaitOptions } from "./exponential_backoff.ts";
import { WaitTimeoutError } from "./wait_timeout_error.ts";

/** Options of {@linkcode pollUntil}. */
export interface PollUntilOptions extends WaitOptions {
  /** Checks the condition at once instead of after the first interval. Default false. */
  immediate?: boolean;
  /**
   * Gives up after this many milliseconds: the wait rejects with {@linkcode WaitTimeoutError} and the
   * signal passed to the condition aborts. Default: no limit.
   */
  timeoutMs?: number;
}

/**
 * Checks `condition` every `intervalMs` until it returns true. Rejects with the condition's error if it
 * throws, with the signal's reason if the signal aborts, and with {@linkcode WaitTimeoutError} when
 * `timeoutMs` passes. The interval is measured from the end of one check to the start of the next.
 *
 * @example Waiting until a flag is set, checking every 10 ms for at most a second
 * ```ts
 * import { pollUntil } from "@kubeweb/client/retry";
 *
 * let ready = false;
 * setTimeout(() => (ready = true), 30);
 * await pollUntil(10, () => ready, { immediate: true, timeoutMs: 1000 });
 * ```
 */
export async function pollUntil(
  intervalMs: number,
  condition: ConditionFunc,
  options: PollUntilOptions = {},
): Promise<void> {
  if (!(intervalMs > 0)) throw new RangeError(`Poll interval must be more than 0 ms, got ${intervalMs}`);
  const clock = options.clock ?? REAL_CLOCK;
  const timeoutMs = options.timeoutMs;
  if (timeoutMs === undefined) return await poll(intervalMs, condition, options, options.signal);
  const { signal, controller, dispose } = linkSignals(options.signal);
  const timer = clock.setTimer(
    () => controller.abort(new WaitTimeoutError(`Timed out after ${timeoutMs} ms waiting for the condition`)),
    timeoutMs,
  );
  try {
    return await poll(intervalMs, condition, options, signal);
  } finally {
    timer.cancel();
    dispose();
  }
}

async function poll(
  intervalMs: number,
  condition: ConditionFunc,
  options: PollUntilOptions,
  signal: AbortSignal | undefined,
): Promise<void> {
  const clock = options.clock ?? REAL_CLOCK;
  if (!options.immediate) await clock.sleep(intervalMs, signal);
  for (;;) {
    signal?.throwIfAborted();
    if (await condition(signal)) return;
    await clock.sleep(intervalMs, signal);
  }
}
