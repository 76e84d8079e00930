/**
 * Runs a queue's pop callback and calls `processed` once it has finished, whether it returned, threw,
 * or returned a promise (shared by DeltaFIFO and RealFIFO, so hasSynced follows the consumer).
 *
 * @module
 */
import type { Deltas, PopProcessFunc } from "./queue.ts";

/** Calls `process(deltas, isInInitialList)`; `processed()` runs when it is done. */
export function runProcess<T>(
  process: PopProcessFunc<T>,
  deltas: Deltas<T>,
  isInInitialList: boolean,
  processed: () => void,
): Promise<void> | undefined {
  let r: void | Promise<void>;
  try {
    r = process(deltas, isInInitialList);
  } catch (e) {
    processed();
    throw e;
  }
  if (r === undefined || typeof (r as Promise<void>).then !== "function") {
    processed();
    return undefined;
  }
  return (r as Promise<void>).finally(processed);
}
