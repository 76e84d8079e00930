/**
 * Errors of the discovery module: {@linkcode DiscoveryError} and its variants for partial discovery
 * failures and for REST mapping lookups that find nothing or too much.
 *
 * @module
 */

/** The base class of every discovery error. */
export class DiscoveryError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DiscoveryError";
  }
}

/**
 * Some group-versions could not be discovered (client-go's `ErrGroupDiscoveryFailed`): the
 * discovery call still returns what the other group-versions gave.
 *
 * @example
 * ```ts
 * import { GroupDiscoveryFailedError } from "@kubeweb/client/discovery";
 *
 * const err = new GroupDiscoveryFailedError(new Map([["metrics.k8s.io/v1beta1", new Error("Service unavailable")]]));
 * console.log(err.message); // "Unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: Service unavailable"
 * ```
 */
export class GroupDiscoveryFailedError extends DiscoveryError {
  /** The group-versions that failed ("apps/v1"), each with its error. */
  readonly groups: ReadonlyMap<string, unknown>;

  /** Creates the error for the failed group-versions. */
  constructor(groups: ReadonlyMap<string, unknown>) {
    const parts = [...groups.entries()].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
      .map(([gv, e]) => `${gv}: ${e instanceof Error ? e.message : String(e)}`);
    super(`Unable to retrieve the complete list of server APIs: ${parts.join(", ")}`, {
      cause: groups.size === 1 ? [...groups.values()][0] : undefined,
    });
    this.name = "GroupDiscoveryFailedError";
    this.groups = groups;
  }
}

/** No resource or kind matches what was asked (client-go's `NoResourceMatchError`/`NoKindMatchError`). */
export class NoMatchError extends DiscoveryError {
  /** What was searched for, as the user gave it. */
  readonly searched: string;

  /** Creates the error for what was `searched`. */
  constructor(what: "resource" | "kind", searched: string) {
    super(`No matches for ${what} "${searched}"`);
    this.name = "NoMatchError";
    this.searched = searched;
  }
}

/** More than one resource or kind matches equally well (client-go's `AmbiguousResourceError`). */
export class AmbiguousMatchError extends DiscoveryError {
  /** What was searched for. */
  readonly searched: string;
  /** The candidates, formatted ("deployments.v1.apps"). */
  readonly matches: string[];

  /** Creates the error. */
  constructor(searched: string, matches: string[]) {
    super(`"${searched}" matches more than one resource: ${matches.join(", ")}`);
    this.name = "AmbiguousMatchError";
    this.searched = searched;
    this.matches = matches;
  }
}
