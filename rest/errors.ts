/**
 * Typed errors of the REST layer (apimachinery's `api/errors` in client-go): {@linkcode ApiError} for
 * every non-2xx answer of the API server, {@linkcode TransportError} for connections that failed, and
 * {@linkcode WatchDecodeError} for a watch stream that cannot be decoded; plus the client-go predicates
 * (`isNotFound`, `isConflict`, ...).
 *
 * @module
 */
import type { Status, StatusReason } from "./types.ts";

/** The request an error belongs to: its method and URL (only the path is kept). */
export interface ApiErrorRequest {
  /** HTTP method, for example "GET". */
  method: string;
  /** The request URL; the query string and fragment are dropped, only the path is kept. */
  url: string | URL;
  /**
   * The resource the request is for, qualified with its group ("configmaps", "deployments.apps"),
   * when known: named in the message of an error whose body is not a Status.
   */
  resource?: string;
  /** The name of the object the request is for, when known (named with `resource`). */
  name?: string;
}

/** Options of the {@linkcode ApiError} constructor. */
export interface ApiErrorOptions {
  /** The request that failed (method and URL; only the URL's path is kept). */
  request?: ApiErrorRequest;
  /** The seconds the server asked us to wait before retrying (the `Retry-After` header). */
  retryAfterSeconds?: number;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * An error answer of the API server (client-go's `StatusError`): carries the server's
 * {@linkcode Status}, and the method and path of the request. The message is the Status message.
 *
 * @example Telling a missing object apart from other failures
 * ```ts
 * import { ApiError, isNotFound } from "@kubeweb/client/rest";
 *
 * const err = new ApiError({ kind: "Status", status: "Failure", code: 404, reason: "NotFound",
 *   message: 'pods "web" not found' }, { request: { method: "GET", url: "https://k8s/api/v1/namespaces/default/pods/web" } });
 * if (!isNotFound(err)) throw err;
 * console.log(err.path); // "/api/v1/namespaces/default/pods/web"
 * ```
 */
export class ApiError extends Error {
  /** The Status the server sent, or the one derived from the HTTP answer. */
  readonly status: Status;
  /** The HTTP status code (the Status's `code`; 0 when the Status has none). */
  readonly code: number;
  /** The reason (the Status's `reason`; "" when the server gave none). */
  readonly reason: StatusReason;
  /** The Status's details, if any. */
  readonly details: Status["details"];
  /** Seconds the server asked the client to wait: the `Retry-After` header or `details.retryAfterSeconds`. */
  readonly retryAfterSeconds: number | undefined;
  /** HTTP method of the failed request, when known. */
  readonly method: string | undefined;
  /** URL path of the failed request (no query string), when known. */
  readonly path: string | undefined;

  /** Wraps a Status; a Status without `code` has code 0, as in client-go. */
  constructor(status: Status, options: ApiErrorOptions = {}) {
    super(
      status.message || `The server answered with status code ${status.code ?? "unknown"}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "ApiError";
    this.status = status;
    this.code = typeof status.code === "number" && Number.isFinite(status.code) ? status.code : 0;
    this.reason = status.reason ?? "";
    this.details = status.details;
    const fromDetails = status.details?.retryAfterSeconds;
    this.retryAfterSeconds = options.retryAfterSeconds ??
      (typeof fromDetails === "number" && fromDetails > 0
        ? fromDetails
        // ServerTimeout asks for a delay even when it names none (client-go's SuggestsClientDelay).
        : status.reason === "ServerTimeout" && status.details
        ? Math.max(0, fromDetails ?? 0)
        : undefined);
    this.method = options.request?.method.toUpperCase();
    this.path = options.request ? pathOf(options.request.url) : undefined;
  }
}

/** Options of the {@linkcode TransportError} constructor. */
export interface TransportErrorOptions {
  /** The failure of the connection (required: it is what went wrong). */
  cause: unknown;
  /** HTTP method of the request, when known. */
  method?: string;
  /** URL of the request, when known (only its path is kept). */
  url?: string | URL;
}

/**
 * A request that got no answer from the server: the connection failed (refused, reset, TLS, DNS).
 * The message names the host and the cause; the original error is `cause`.
 *
 * @example
 * ```ts
 * import { TransportError } from "@kubeweb/client/rest";
 *
 * const err = new TransportError("127.0.0.1:6443", { cause: new Error("Connection refused") });
 * console.log(err.message); // "Cannot connect to 127.0.0.1:6443: Connection refused"
 * ```
 */
export class TransportError extends Error {
  /** The host (and port) that could not be reached. */
  readonly host: string;
  /** HTTP method of the request, when known. */
  readonly method: string | undefined;
  /** URL path of the request (no query string), when known. */
  readonly path: string | undefined;

  /** Creates the error for `host`; the message carries the cause's message without URL query strings. */
  constructor(host: string, options: TransportErrorOptions) {
    super(`Cannot connect to ${host}: ${describeCause(options.cause)}`, { cause: options.cause });
    this.name = "TransportError";
    this.host = host;
    this.method = options.method?.toUpperCase();
    this.path = options.url === undefined ? undefined : pathOf(options.url);
  }
}

/** Options of the {@linkcode WatchDecodeError} constructor. */
export interface WatchDecodeErrorOptions {
  /** The 1-based number of the frame in the stream that could not be decoded. */
  event?: number;
  /** The underlying error (for example the `SyntaxError` of `JSON.parse`). */
  cause?: unknown;
}

/**
 * A watch stream that could not be decoded: a frame that is not JSON, an unknown event type, or a
 * stream that ended inside a frame. Raised after every good event before the bad frame.
 *
 * @example
 * ```ts
 * import { WatchDecodeError } from "@kubeweb/client/rest";
 *
 * const err = new WatchDecodeError('Unknown watch event type "SYNC" at event 3', { event: 3 });
 * console.log(err.event); // 3
 * ```
 */
export class WatchDecodeError extends Error {
  /** The 1-based number of the frame that could not be decoded, when known. */
  readonly event: number | undefined;

  /** Creates the error. */
  constructor(message: string, options: WatchDecodeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "WatchDecodeError";
    this.event = options.event;
  }
}

/**
 * A URL's query and fragment: up to whitespace, a quote, `<`, `>` or a `)` it did not open, so that
 * "(https://h/x?token=t): refused" keeps its parentheses (one level of parentheses inside the query,
 * as in a label selector `in (a,b)`, is part of it).
 */
const URL_QUERY = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s?#"'<>]*)[?#](?:[^\s"'<>()]|\([^\s"'<>()]*\))*/gi;

function describeCause(cause: unknown): string {
  let text: string;
  if (cause instanceof Error) text = cause.message || cause.name;
  else if (typeof cause === "string") text = cause;
  else text = String(cause);
  return text.replace(URL_QUERY, "$1") || "unknown error";
}

function pathOf(url: string | URL): string {
  if (url instanceof URL) return url.pathname;
  try {
    return new URL(url).pathname;
  } catch {
    // A relative URL: cut the query and fragment off by hand.
    const cut = url.search(/[?#]/);
    return cut < 0 ? url : url.slice(0, cut);
  }
}

/** The reasons apimachinery knows; for any other reason (and ""), predicates fall back to the code. */
const KNOWN_REASONS: ReadonlySet<string> = new Set([
  "Unauthorized",
  "Forbidden",
  "NotFound",
  "AlreadyExists",
  "Conflict",
  "Gone",
  "Invalid",
  "ServerTimeout",
  "StoreReadError",
  "Timeout",
  "TooManyRequests",
  "BadRequest",
  "MethodNotAllowed",
  "NotAcceptable",
  "RequestEntityTooLarge",
  "UnsupportedMediaType",
  "InternalError",
  "Expired",
  "ServiceUnavailable",
]);

/**
 * The reason and message client-go's `NewGenericServerResponse` gives an HTTP code when the body is not
 * a Status; `undefined` as message means the server's own text (for 403 and 415).
 */
const GENERIC: Record<number, [StatusReason, string | undefined]> = {
  400: ["BadRequest", "the server rejected our request for an unknown reason"],
  401: ["Unauthorized", "the server has asked for the client to provide credentials"],
  403: ["Forbidden", undefined],
  404: ["NotFound", "the server could not find the requested resource"],
  405: ["MethodNotAllowed", "the server does not allow this method on the requested resource"],
  406: ["NotAcceptable", "the server was unable to respond with a content type that the client supports"],
  409: ["Conflict", "the server reported a conflict"],
  415: ["UnsupportedMediaType", undefined],
  422: ["Invalid", "the server rejected our request due to an error in our request"],
  429: ["TooManyRequests", "the server has received too many requests and has asked us to try again later"],
  503: ["ServiceUnavailable", "the server is currently unable to handle the request"],
  504: [
    "Timeout",
    "the server was unable to return a response in the time allotted, but may still be processing the request",
  ],
};

/** Longest body excerpt kept in an error built from a body that is not a Status. */
const EXCERPT_CHARS = 200;

function excerptOf(bodyText: string): string {
  // Look at a bounded prefix only: the body may be megabytes of HTML.
  const text = bodyText.slice(0, EXCERPT_CHARS * 8).replace(/\s+/g, " ").trim();
  return text.length <= EXCERPT_CHARS ? text : text.slice(0, EXCERPT_CHARS - 1) + "…";
}

function isStatusBody(v: unknown): v is Status {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const s = v as Record<string, unknown>;
  return s.kind === "Status" ||
    (typeof s.status === "string" && s.status !== "" && ("code" in s || "reason" in s || "message" in s));
}

/** Parses a `Retry-After` header given in seconds (HTTP dates are not used by the API server). */
function parseRetryAfter(headers: Headers): number | undefined {
  const h = headers.get("retry-after");
  if (h === null || !/^\s*\d+\s*$/.test(h)) return undefined;
  return Number(h);
}

/**
 * Builds the {@linkcode ApiError} for a non-2xx HTTP answer. A body that is a Status is used as is
 * (a missing `code` is taken from the HTTP status). Any other body (an HTML page from a proxy, empty,
 * truncated JSON) gives the error client-go's `NewGenericServerResponse` makes: the reason the HTTP
 * code implies (404 NotFound, 409 Conflict, or AlreadyExists for a POST, 5xx InternalError, ...), its
 * message followed by the verb, resource and name of the request when `request` names them
 * (`the server could not find the requested resource (get configmaps foo)`), and details holding one
 * cause of type "UnexpectedServerResponse" with a short excerpt of the body. The `Retry-After` header
 * becomes `retryAfterSeconds`.
 *
 * @example
 * ```ts
 * import { apiErrorFromResponse, isNotFound } from "@kubeweb/client/rest";
 *
 * const err = apiErrorFromResponse(404, new Headers(), "404 page not found",
 *   { method: "GET", url: "https://k8s/api/v1/namespaces/default/configmaps/foo", resource: "configmaps", name: "foo" });
 * console.log(isNotFound(err), err.message); // true "the server could not find the requested resource (get configmaps foo)"
 * ```
 */
export function apiErrorFromResponse(
  status: number,
  headers: Headers,
  bodyText: string,
  request: ApiErrorRequest,
): ApiError {
  const retryAfterSeconds = parseRetryAfter(headers);
  let parsed: unknown;
  const trimmed = bodyText.trimStart();
  if (trimmed.startsWith("{")) {
    try {
      parsed = JSON.parse(bodyText);
    } catch {
      parsed = undefined;
    }
  }
  if (isStatusBody(parsed)) {
    const s: Status = parsed.code ? parsed : { ...parsed, code: status };
    return new ApiError(s, { request, retryAfterSeconds });
  }
  const excerpt = excerptOf(bodyText);
  const generic = GENERIC[status];
  let reason: StatusReason;
  let message: string;
  if (generic) {
    reason = generic[0];
    // 403 and 415 keep the server's text, as client-go does; 406 does when there is one.
    message = generic[1] === undefined || (status === 406 && excerpt !== "")
      ? excerpt || `the server responded with the status code ${status} but did not return more information`
      : generic[1];
  } else if (status >= 500) {
    reason = "InternalError";
    message = `an error on the server (${JSON.stringify(excerpt || "unknown")}) has prevented the request ` +
      "from succeeding";
  } else {
    reason = "";
    message = `the server responded with the status code ${status} but did not return more information`;
  }
  if (status === 409 && request.method.toUpperCase() === "POST") reason = "AlreadyExists";
  if (request.resource) {
    const what = [request.method.toLowerCase(), request.resource, request.name].filter(Boolean).join(" ");
    message = `${message} (${what})`;
  }
  const details: NonNullable<Status["details"]> = {};
  if (request.resource) {
    const dot = request.resource.indexOf(".");
    if (dot > 0) details.group = request.resource.slice(dot + 1);
    details.kind = dot > 0 ? request.resource.slice(0, dot) : request.resource;
  }
  if (request.name) details.name = request.name;
  details.causes = [{ reason: "UnexpectedServerResponse", message: excerpt }];
  if (retryAfterSeconds !== undefined) details.retryAfterSeconds = retryAfterSeconds;
  return new ApiError(
    { kind: "Status", apiVersion: "v1", status: "Failure", code: status, reason, message, details },
    { request, retryAfterSeconds },
  );
}

/**
 * Builds the {@linkcode ApiError} for a Status received in a watch ERROR event (or anywhere else a
 * Status arrives without an HTTP answer). A Status without `code` keeps code 0, as client-go's
 * `FromObject` does: it is not taken for an internal error.
 *
 * @example
 * ```ts
 * import { apiErrorFromStatus, isResourceExpired } from "@kubeweb/client/rest";
 *
 * const err = apiErrorFromStatus({ kind: "Status", status: "Failure", code: 410, reason: "Expired",
 *   message: "too old resource version: 1 (20)" });
 * console.log(isResourceExpired(err)); // true
 * ```
 */
export function apiErrorFromStatus(status: Status, request?: ApiErrorRequest): ApiError {
  return new ApiError(status, { request });
}

/** The first {@linkcode ApiError} in `err` or its `cause` chain (as Go's `errors.As`), or undefined. */
function apiErrorIn(err: unknown): ApiError | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 16 && e !== null && e !== undefined; depth++) {
    if (e instanceof ApiError) return e;
    if (!(e instanceof Error)) return undefined;
    e = e.cause;
  }
  return undefined;
}

/** Reason match, or (when the reason is "" or one apimachinery does not know) code match. */
function matches(err: unknown, reason: string, code?: number): boolean {
  const e = apiErrorIn(err);
  if (!e) return false;
  if (e.reason === reason) return true;
  return code !== undefined && !KNOWN_REASONS.has(e.reason) && e.code === code;
}

/** The reason of an {@linkcode ApiError} (also found in a `cause` chain); "" for any other value. */
export function reasonForError(err: unknown): StatusReason {
  return apiErrorIn(err)?.reason ?? "";
}

/**
 * True for a NotFound error (reason NotFound, or code 404 with no known reason).
 *
 * @example
 * ```ts
 * import { apiErrorFromResponse, isNotFound } from "@kubeweb/client/rest";
 *
 * const err = apiErrorFromResponse(404, new Headers(), "", { method: "GET", url: "/api/v1/namespaces/x" });
 * console.log(isNotFound(err)); // true
 * ```
 */
export function isNotFound(err: unknown): boolean {
  return matches(err, "NotFound", 404);
}

/** True for an AlreadyExists error (reason only, as in client-go). */
export function isAlreadyExists(err: unknown): boolean {
  return matches(err, "AlreadyExists");
}

/** True for a Conflict error (reason Conflict, or code 409 with no known reason). */
export function isConflict(err: unknown): boolean {
  return matches(err, "Conflict", 409);
}

/** True for a Forbidden error (reason Forbidden, or code 403 with no known reason). */
export function isForbidden(err: unknown): boolean {
  return matches(err, "Forbidden", 403);
}

/** True for an Unauthorized error (reason Unauthorized, or code 401 with no known reason). */
export function isUnauthorized(err: unknown): boolean {
  return matches(err, "Unauthorized", 401);
}

/** True for an Invalid error (reason Invalid, or code 422 with no known reason). */
export function isInvalid(err: unknown): boolean {
  return matches(err, "Invalid", 422);
}

/** True for a BadRequest error (reason BadRequest, or code 400 with no known reason). */
export function isBadRequest(err: unknown): boolean {
  return matches(err, "BadRequest", 400);
}

/**
 * True for a Gone error: reason Gone, or code 410 with no known reason (a bare 410). The reflector
 * relists on this and on {@linkcode isResourceExpired}, as client-go's `isExpiredError` does.
 */
export function isGone(err: unknown): boolean {
  return matches(err, "Gone", 410);
}

/**
 * True when the resource version asked for is too old and the action is no longer possible: reason
 * Expired only, as in client-go (the API server sends Expired with code 410 since 1.18; a bare 410
 * or reason Gone is {@linkcode isGone}).
 *
 * @example
 * ```ts
 * import { apiErrorFromStatus, isGone, isResourceExpired } from "@kubeweb/client/rest";
 *
 * const err = apiErrorFromStatus({ kind: "Status", status: "Failure", code: 410, reason: "Gone" });
 * console.log(isResourceExpired(err), isGone(err)); // false true
 * ```
 */
export function isResourceExpired(err: unknown): boolean {
  return matches(err, "Expired");
}

/** True for a TooManyRequests error: reason TooManyRequests, or code 429 whatever the reason. */
export function isTooManyRequests(err: unknown): boolean {
  return matches(err, "TooManyRequests") || apiErrorIn(err)?.code === 429;
}

/** True for a ServerTimeout error (reason ServerTimeout only, as in client-go). */
export function isServerTimeout(err: unknown): boolean {
  return matches(err, "ServerTimeout");
}

/** True for a Timeout error (reason Timeout, or code 504 with no known reason). */
export function isTimeout(err: unknown): boolean {
  return matches(err, "Timeout", 504);
}

/** True for an InternalError (reason InternalError, or code 500 with no known reason). */
export function isInternalError(err: unknown): boolean {
  return matches(err, "InternalError", 500);
}

/** True for a MethodNotAllowed error (reason MethodNotAllowed, or code 405 with no known reason). */
export function isMethodNotSupported(err: unknown): boolean {
  return matches(err, "MethodNotAllowed", 405);
}

/** True for a NotAcceptable error (reason NotAcceptable, or code 406 with no known reason). */
export function isNotAcceptable(err: unknown): boolean {
  return matches(err, "NotAcceptable", 406);
}

/** True for an UnsupportedMediaType error (reason UnsupportedMediaType, or code 415 with no known reason). */
export function isUnsupportedMediaType(err: unknown): boolean {
  return matches(err, "UnsupportedMediaType", 415);
}

/** True for a ServiceUnavailable error (reason ServiceUnavailable, or code 503 with no known reason). */
export function isServiceUnavailable(err: unknown): boolean {
  return matches(err, "ServiceUnavailable", 503);
}

/** True for a RequestEntityTooLarge error: reason RequestEntityTooLarge, or code 413 whatever the reason. */
export function isRequestEntityTooLarge(err: unknown): boolean {
  return matches(err, "RequestEntityTooLarge") || apiErrorIn(err)?.code === 413;
}

/** True when the server's answer was not a Status (it came from a proxy, or was empty or truncated). */
export function isUnexpectedServerError(err: unknown): boolean {
  const causes = apiErrorIn(err)?.details?.causes;
  return causes?.some((c) => c.reason === "UnexpectedServerResponse") ?? false;
}

/**
 * True when the server refused a list or watch because the resource version asked for is newer
 * than its own: a Timeout (504) whose details hold the cause "ResourceVersionTooLarge" (or, from
 * older servers, the message "Too large resource version").
 */
export function isTooLargeResourceVersion(err: unknown): boolean {
  if (!isTimeout(err)) return false;
  const causes = apiErrorIn(err)?.details?.causes ?? [];
  return causes.some((c) =>
    c.reason === "ResourceVersionTooLarge" || c.message?.startsWith("Too large resource version") === true
  );
}

/**
 * The delay in seconds the server asked for (`Retry-After`, or the Status's
 * `details.retryAfterSeconds`), or undefined when it asked for none or `err` is not an ApiError.
 * client-go's `SuggestsClientDelay`.
 *
 * @example
 * ```ts
 * import { apiErrorFromResponse, retryAfterSeconds } from "@kubeweb/client/rest";
 *
 * const err = apiErrorFromResponse(429, new Headers({ "Retry-After": "3" }), "", { method: "GET", url: "/api" });
 * console.log(retryAfterSeconds(err)); // 3
 * ```
 */
export function retryAfterSeconds(err: unknown): number | undefined {
  return apiErrorIn(err)?.retryAfterSeconds;
}
