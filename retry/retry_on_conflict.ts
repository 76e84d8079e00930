/**
 * Retrying an update that lost a race (client-go's `retry.RetryOnConflict`).
 *
 * @module
 */
import { isConflict } from "../rest/errors.ts";
import type { Backoff } from "./backoff.ts";
import type { WaitOptions } from "./exponential_backoff.ts";
import { onError } from "./on_error.ts";

/**
 * Calls `fn` again, after the backoff's delay, each time it fails with a Conflict error (HTTP 409): the
 * object changed since it was read. `fn` should get the object, change it, and update it. Resolves with
 * `fn`'s result; throws any other error at once, and the last Conflict error when the attempts run out.
 *
 * @example Updating a ConfigMap without losing concurrent writes
 * ```ts
 * import { DEFAULT_RETRY, retryOnConflict } from "@kubeweb/client/retry";
 * import type { ConfigMapsClient } from "@kubeweb/client/clientset/core/v1";
 *
 * declare const configMaps: ConfigMapsClient;
 * await retryOnConflict(DEFAULT_RETRY, async () => {
 *   const cm = await configMaps.get("settings");
 *   cm.data = { ...cm.data, mode: "fast" };
 *   await configMaps.update(cm); // a 409 Conflict makes retryOnConflict try again
 * });
 * ```
 */
export function retryOnConflict<R>(
  backoff: Backoff,
  fn: () => R | Promise<R>,
  options: WaitOptions = {},
): Promise<R> {
  return onError(backoff, isConflict, fn, options);
}
