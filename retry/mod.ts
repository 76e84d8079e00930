/**
 * Retrying and waiting, to client-go's `util/retry` and apimachinery's `wait` contracts:
 * {@linkcode retryOnConflict} and {@linkcode onError} with {@linkcode DEFAULT_RETRY} and
 * {@linkcode DEFAULT_BACKOFF}, {@linkcode exponentialBackoff} and {@linkcode pollUntil}. Every helper
 * takes an AbortSignal and a clock in its options.
 *
 * @example Read, modify, write, retried on conflict
 * ```ts
 * import { ApiError } from "@kubeweb/client/rest";
 * import { DEFAULT_RETRY, retryOnConflict } from "@kubeweb/client/retry";
 *
 * let attempts = 0;
 * await retryOnConflict(DEFAULT_RETRY, () => {
 *   attempts++;
 *   if (attempts < 3) {
 *     throw new ApiError({ kind: "Status", status: "Failure", code: 409, reason: "Conflict", message: "conflict" });
 *   }
 * });
 * console.log(attempts); // 3
 * ```
 *
 * @module
 */
export * from "./backoff.ts";
export * from "./exponential_backoff.ts";
export * from "./poll_until.ts";
export * from "./on_error.ts";
export * from "./retry_on_conflict.ts";
export * from "./wait_timeout_error.ts";
