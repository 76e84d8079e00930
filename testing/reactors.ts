/**
 * Reactors and fault injection of the fake cluster: per verb and resource, answer with an error,
 * delay the answer, or drop watches; and the record of the requests made (client-go's `Actions()`).
 *
 * @module
 */

/**
 * One request the fake cluster received (client-go's `testing.Action`).
 *
 * @example
 * ```ts
 * import { newFakeCluster } from "@kubeweb/client/testing";
 * import { newClientset } from "@kubeweb/client/clientset";
 *
 * const cluster = await newFakeCluster();
 * await newClientset(cluster.config, cluster.clientOptions).coreV1().pods("default").list();
 * const [action] = cluster.actions();
 * console.log(action.verb, action.resource, action.namespace); // "list" "pods" "default"
 * cluster.close();
 * ```
 */
export interface Action {
  /** The verb in client-go's names: get, list, watch, create, update, patch, delete, deletecollection. */
  verb: string;
  /** API group ("" for core). */
  group: string;
  /** API version. */
  version: string;
  /** Plural resource name ("" for discovery). */
  resource: string;
  /** Subresource ("status", "scale"...) or "". */
  subresource: string;
  /** Namespace of the request, "" when cluster-wide. */
  namespace: string;
  /** Object name, "" for collection verbs. */
  name: string;
  /** HTTP method. */
  method: string;
  /** Path and query. */
  path: string;
  /** The request body, parsed when it is JSON. */
  body: unknown;
  /** Content type of a patch. */
  patchType?: string;
}

/**
 * A reactor: called for each matching request before the fake answers. Return a `Response` (or a
 * Status error made with {@linkcode errorResponse}) to answer, or `undefined` to let the fake answer.
 *
 * @example Fail the first two updates of any ConfigMap
 * ```ts
 * import { errorResponse, newFakeCluster, type Reactor } from "@kubeweb/client/testing";
 *
 * let failures = 2;
 * const flaky: Reactor = () =>
 *   failures-- > 0 ? errorResponse(500, "InternalError", "Internal error occurred: injected") : undefined;
 * const cluster = await newFakeCluster();
 * cluster.prependReactor({ verb: "update", resource: "configmaps" }, flaky);
 * cluster.close();
 * ```
 */
export type Reactor = (action: Action) => Response | undefined | Promise<Response | undefined>;

/**
 * Matches a verb and resource ("*" for any).
 *
 * @example
 * ```ts
 * import type { ReactorMatch } from "@kubeweb/client/testing";
 * const podStatusWrites: ReactorMatch = { verb: "update", resource: "pods/status" };
 * const everything: ReactorMatch = { verb: "*", resource: "*" };
 * console.log(podStatusWrites, everything);
 * ```
 */
export interface ReactorMatch {
  /** Verb, or "*". */
  verb: string;
  /** Plural resource, optionally with a subresource ("pods/status"), or "*". */
  resource: string;
}

/**
 * Options of {@linkcode errorResponse}.
 *
 * @example
 * ```ts
 * import { errorResponse, type ErrorResponseOptions } from "@kubeweb/client/testing";
 * const options: ErrorResponseOptions = { retryAfterSeconds: 2, headers: { warning: '299 - "deprecated"' } };
 * console.log(errorResponse(503, "ServiceUnavailable", "try later", options).status); // 503
 * ```
 */
export interface ErrorResponseOptions {
  /** Seconds sent in `Retry-After` (and `details.retryAfterSeconds`). */
  retryAfterSeconds?: number;
  /** Extra headers (for example `Warning`). */
  headers?: Record<string, string>;
}

/**
 * A Status error response in the server's shape.
 *
 * @example
 * ```ts
 * import { errorResponse } from "@kubeweb/client/testing";
 * const res = errorResponse(429, "TooManyRequests", "slow down", { retryAfterSeconds: 1 });
 * console.log(res.status, res.headers.get("retry-after")); // 429 "1"
 * ```
 */
export function errorResponse(
  code: number,
  reason: string,
  message: string,
  options: ErrorResponseOptions = {},
): Response {
  const status: Record<string, unknown> = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
  };
  const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
  if (options.retryAfterSeconds !== undefined) {
    status.details = { retryAfterSeconds: options.retryAfterSeconds };
    headers["retry-after"] = String(options.retryAfterSeconds);
  }
  status.code = code;
  return new Response(JSON.stringify(status), { status: code, headers });
}

/**
 * Whether a match covers an action.
 *
 * @example
 * ```ts
 * import { type Action, matchesAction } from "@kubeweb/client/testing";
 * const action: Action = {
 *   verb: "get", group: "", version: "v1", resource: "pods", subresource: "status",
 *   namespace: "default", name: "p", method: "GET", path: "/api/v1/namespaces/default/pods/p/status", body: undefined,
 * };
 * console.log(matchesAction({ verb: "get", resource: "pods/status" }, action)); // true
 * console.log(matchesAction({ verb: "get", resource: "pods" }, action)); // false
 * ```
 */
export function matchesAction(match: ReactorMatch, action: Action): boolean {
  if (match.verb !== "*" && match.verb !== action.verb) return false;
  if (match.resource === "*") return true;
  const [res, sub] = match.resource.split("/");
  return res === action.resource && (sub ?? "") === action.subresource;
}
