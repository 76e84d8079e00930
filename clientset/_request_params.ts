/**
 * The request building the resource client and the metadata client share: the REST client of a
 * group-version, a call's signal and timeout, the list and watch query parameters, the name check and
 * the DeleteOptions body.
 *
 * @module
 */
import type { ClientOptions } from "../meta/client_options.ts";
import type { CallOptions, DeleteOptions, ListOptions, WatchOptions } from "../meta/options.ts";
import type { Request } from "../rest/request.ts";
import { type RESTClient, restClientFor } from "../rest/rest_client.ts";
import type { RestConfig } from "../rest/rest_config.ts";

/** The REST client of a group-version: API path "/api" for the core group (""), "/apis" otherwise. */
export function groupVersionRestClient(
  config: RestConfig,
  group: string,
  version: string,
  options: ClientOptions,
): RESTClient {
  return restClientFor(config, {
    ...options,
    apiPath: group === "" ? "/api" : "/apis",
    groupVersion: group === "" ? version : `${group}/${version}`,
  });
}

/** Gives `r` the call's abort signal and timeout, those that are set. */
export function callParams(r: Request, options: CallOptions): Request {
  if (options.signal !== undefined) r.signal(options.signal);
  if (options.timeoutMs !== undefined) r.timeout(options.timeoutMs);
  return r;
}

/** Adds the list (and watch) options to `r` as query parameters, those that are set. */
export function listParams(r: Request, o: ListOptions & WatchOptions): Request {
  return r.param("labelSelector", o.labelSelector)
    .param("fieldSelector", o.fieldSelector)
    .param("resourceVersion", o.resourceVersion)
    .param("resourceVersionMatch", o.resourceVersionMatch)
    .param("timeoutSeconds", o.timeoutSeconds)
    .param("limit", o.limit)
    .param("continue", o.continue)
    .param("allowWatchBookmarks", o.allowWatchBookmarks)
    .param("sendInitialEvents", o.sendInitialEvents);
}

/** `name`, or a TypeError ("The `what` name may not be empty") when it is not a non-empty string. */
export function requireName(name: string | undefined, what: string): string {
  if (typeof name !== "string" || name === "") throw new TypeError(`The ${what} name may not be empty`);
  return name;
}

/** The `DeleteOptions` body of a delete with the options that are set, or undefined when none is. */
export function deleteBody(options: DeleteOptions): Record<string, unknown> | undefined {
  const body: Record<string, unknown> = {};
  if (options.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = options.gracePeriodSeconds;
  if (options.preconditions !== undefined) body.preconditions = options.preconditions;
  if (options.propagationPolicy !== undefined) body.propagationPolicy = options.propagationPolicy;
  if (options.orphanDependents !== undefined) body.orphanDependents = options.orphanDependents;
  if (options.dryRun !== undefined) body.dryRun = options.dryRun;
  if (options.ignoreStoreReadErrorWithClusterBreakingPotential !== undefined) {
    body.ignoreStoreReadErrorWithClusterBreakingPotential =
      options.ignoreStoreReadErrorWithClusterBreakingPotential;
  }
  return Object.keys(body).length === 0 ? undefined : { apiVersion: "v1", kind: "DeleteOptions", ...body };
}
