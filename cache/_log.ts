/**
 * The default {@linkcode CacheLogger} and the one way the cache calls a logger (a throwing logger
 * is contained).
 *
 * @module
 */
import type { CacheLogger } from "./cache_logger.ts";

/** Writes warnings to `console.warn`. */
export const CONSOLE_CACHE_LOGGER: CacheLogger = {
  warn(message: string): void {
    console.warn(message);
  },
};

/** Calls `logger.warn`; whatever the logger throws is dropped. */
export function warnSafely(logger: CacheLogger, message: string, error?: unknown): void {
  try {
    logger.warn(message, error);
  } catch {
    // A failing logger must not stop the caller.
  }
}
