/**
 * {@linkcode waitForCacheSync}: waits until informers have synced.
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";

/** Options of {@linkcode waitForCacheSync}. */
export interface WaitForCacheSyncOptions {
  /** Stops waiting: the result is then false. */
  signal?: AbortSignal;
  /** The clock to poll on (default: real). */
  clock?: Clock;
  /** How often to check (default 100 ms, as client-go). */
  pollIntervalMs?: number;
}

/**
 * Resolves true once every function returns true (checked at once, then every 100 ms), or false if
 * the signal aborts first (client-go's `WaitForCacheSync`).
 *
 * @example
 * ```ts
 * import { waitForCacheSync } from "@kubeweb/client/cache";
 *
 * let synced = false;
 * setTimeout(() => (synced = true), 10);
 * console.log(await waitForCacheSync(AbortSignal.timeout(5000), () => synced)); // true
 * ```
 */
export async function waitForCacheSync(
  signalOrOptions: AbortSignal | WaitForCacheSyncOptions,
  ...cacheSyncs: (() => boolean)[]
): Promise<boolean> {
  const options: WaitForCacheSyncOptions = signalOrOptions instanceof AbortSignal
    ? { signal: signalOrOptions }
    : signalOrOptions;
  const clock = options.clock ?? REAL_CLOCK;
  const interval = options.pollIntervalMs ?? 100;
  const signal = options.signal;
  for (;;) {
    if (signal?.aborted) return false;
    if (cacheSyncs.every((synced) => synced())) return true;
    try {
      await clock.sleep(interval, signal);
    } catch {
      return false;
    }
  }
}
