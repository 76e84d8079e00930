/**
 * {@linkcode WaitFailedError}: a wait ended because its condition can never be met.
 *
 * @module
 */

/**
 * Thrown by a wait condition when the object reached a state from which the condition can never
 * become true (a Job that failed, a Deployment past its progress deadline, a Pod that terminated
 * while waiting for it to be ready); `waitFor` and `untilWithSync` reject with it at once.
 *
 * @example
 * ```ts
 * import { jobComplete, WaitFailedError } from "@kubeweb/client/tools";
 *
 * try {
 *   jobComplete({ metadata: { name: "migrate" }, status: { conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" }] } });
 * } catch (e) {
 *   if (e instanceof WaitFailedError) console.log(e.message);
 * }
 * ```
 */
export class WaitFailedError extends Error {
  /** The object in the state that ended the wait, when there is one. */
  readonly object: unknown;

  /** Creates the error; `object` is the object in its final state. */
  constructor(message: string, options: { object?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "WaitFailedError";
    this.object = options.object;
  }
}
