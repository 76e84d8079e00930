/**
 * {@linkcode CacheLogger}: where reflectors and informers report what they handled on their own
 * (client-go logs these with klog).
 *
 * @module
 */

/**
 * Receives the warnings of a reflector or an informer: a watch that ended with an error (it is
 * restarted), a watch event that could not be applied, an event handler that falls behind. A logger
 * that throws is ignored: it never stops the reflector or the informer.
 *
 * @example
 * ```ts
 * import type { CacheLogger } from "@kubeweb/client/cache";
 *
 * const logger: CacheLogger = { warn: (message, error) => console.warn(message, error ?? "") };
 * logger.warn("informer of configmaps: watch ended with: too old resource version");
 * ```
 */
export interface CacheLogger {
  /** A problem that was handled; `error` is its cause, when there is one. */
  warn(message: string, error?: unknown): void;
}
