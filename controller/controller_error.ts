/**
 * The controller module's errors.
 *
 * @module
 */

/**
 * An error of the controller runtime: bad options, a cache that did not sync, a shutdown that timed
 * out. `cause` holds the underlying error when there is one.
 *
 * @example
 * ```ts
 * import { ControllerError } from "@kubeweb/client/controller";
 *
 * const err = new ControllerError("Controller name is empty");
 * console.log(err.name, err.message); // ControllerError Controller name is empty
 * ```
 */
export class ControllerError extends Error {
  /** Creates the error; `options.cause` is kept as `cause`. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ControllerError";
  }
}

/**
 * The lease was lost while leading: `Manager.run()` rejects with it (unless told to return to
 * candidacy), and the signals of running reconciles abort with it.
 *
 * @example
 * ```ts
 * import { LeaseLostError } from "@kubeweb/client/controller";
 *
 * const err = new LeaseLostError("Lease default/demo lost: not renewed in time");
 * console.log(err instanceof Error, err.name); // true LeaseLostError
 * ```
 */
export class LeaseLostError extends ControllerError {
  /** Creates the error. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LeaseLostError";
  }
}
