/**
 * The error type of the leaderelection module.
 *
 * @module
 */

/**
 * Thrown for an invalid leader election configuration and by locks used out of order (for example
 * updating a lock that was never read or created).
 *
 * @example Catching a configuration error
 * ```ts
 * import { LeaderElectionError } from "@kubeweb/client/leaderelection";
 *
 * try {
 *   throw new LeaderElectionError("leaseDuration must be greater than renewDeadline");
 * } catch (e) {
 *   if (!(e instanceof LeaderElectionError)) throw e;
 * }
 * ```
 */
export class LeaderElectionError extends Error {
  /** Creates the error; `cause` is the underlying failure, if any. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LeaderElectionError";
  }
}
