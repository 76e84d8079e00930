/**
 * The error type of the record module.
 *
 * @module
 */

/**
 * Thrown by a recorder called with an event it cannot record: a type other than Normal or Warning, or
 * an object without a kind (and no ObjectReference given).
 *
 * @example
 * ```ts
 * import { RecordError } from "@kubeweb/client/record";
 *
 * const err = new RecordError('Unsupported event type "Info": use "Normal" or "Warning"');
 * console.log(err.name); // "RecordError"
 * ```
 */
export class RecordError extends Error {
  /** Creates the error; `cause` is the underlying failure, if any. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RecordError";
  }
}
