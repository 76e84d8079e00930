/**
 * Client-side deadlines for connections that go silent: {@linkcode DeadlineExceededError} and the
 * defaults of {@linkcode ClientDeadlines}.
 *
 * `fetch` gives no HTTP/2 pings and no TCP keep-alive settings, so a connection that a NAT or a load
 * balancer dropped without a FIN (half-open) would leave a request waiting forever. Every request made
 * by a `RESTClient` is therefore bounded until its response headers arrive, and every watch is
 * bounded in total (its `timeoutSeconds` plus a grace) and, when it allows bookmarks, by an idle
 * deadline: the API server's watch cache sends a bookmark about once a minute to such a watch
 * (`defaultBookmarkFrequency`), so a watch silent for two minutes is dead, not quiet.
 *
 * @module
 */
import { TransportError } from "./errors.ts";

/** The longest wait for the response headers of a request (default of `responseHeaderTimeoutMs`). */
export const DEFAULT_RESPONSE_HEADER_TIMEOUT_MS = 120_000;
/** The longest silence of a watch that allows bookmarks (default of `watchIdleTimeoutMs`). */
export const DEFAULT_WATCH_IDLE_TIMEOUT_MS = 120_000;
/** Added to a watch's `timeoutSeconds` for its client-side deadline (default of `watchDeadlineGraceMs`). */
export const DEFAULT_WATCH_DEADLINE_GRACE_MS = 30_000;
/**
 * The total deadline of a watch sent without `timeoutSeconds`: the API server then picks a timeout of
 * at most twice its `--min-request-timeout` (1800 s by default), so one hour, plus the grace.
 */
export const DEFAULT_UNBOUNDED_WATCH_DEADLINE_MS = 3_600_000;

/**
 * The client-side deadlines of a `RESTClient` (and of the clientsets built with these options). A
 * value of 0 turns that deadline off.
 */
export interface ClientDeadlines {
  /**
   * The longest wait for the response headers of each attempt of a request, counted from the moment
   * it is sent (rate limiter and credential plugin excluded). Default 120 000.
   */
  responseHeaderTimeoutMs?: number;
  /**
   * The longest a watch that allows bookmarks (`allowWatchBookmarks=true`) may go without receiving
   * a byte. Default 120 000 (the server sends a bookmark about every minute).
   */
  watchIdleTimeoutMs?: number;
  /**
   * Added to a watch's `timeoutSeconds` for its client-side deadline (a watch without
   * `timeoutSeconds` gets one hour plus the grace). Default 30 000.
   */
  watchDeadlineGraceMs?: number;
}

/** Which deadline passed. */
export type DeadlineKind = "response-headers" | "watch-idle" | "watch-deadline";

/** Options of the {@linkcode DeadlineExceededError} constructor. */
export interface DeadlineExceededErrorOptions {
  /** Which deadline passed. */
  kind: DeadlineKind;
  /** The deadline, in ms. */
  timeoutMs: number;
  /** HTTP method of the request, when known. */
  method?: string;
  /** URL of the request, when known (only its path is kept). */
  url?: string | URL;
}

function describe(kind: DeadlineKind, ms: number): string {
  switch (kind) {
    case "response-headers":
      return `no response headers within ${ms} ms; the connection is presumed dead`;
    case "watch-idle":
      return `the watch received nothing for ${ms} ms; the connection is presumed dead`;
    case "watch-deadline":
      return `the watch outlived its deadline of ${ms} ms; the connection is presumed dead`;
  }
}

/**
 * A request or watch ended by a client-side deadline ({@linkcode ClientDeadlines}): the server did
 * not answer, or a watch went silent. It is a {@linkcode TransportError} (the connection is presumed
 * dead, and the client's pooled connections are dropped), so code that retries connection failures
 * retries it; the reflector backs off and watches again.
 *
 * @example
 * ```ts
 * import { DeadlineExceededError, TransportError } from "@kubeweb/client/rest";
 *
 * const err = new DeadlineExceededError("127.0.0.1:6443", { kind: "watch-idle", timeoutMs: 120_000 });
 * console.log(err instanceof TransportError, err.kind); // true "watch-idle"
 * ```
 */
export class DeadlineExceededError extends TransportError {
  /** Which deadline passed. */
  readonly kind: DeadlineKind;
  /** The deadline, in ms. */
  readonly timeoutMs: number;

  /** Creates the error for `host`. */
  constructor(host: string, options: DeadlineExceededErrorOptions) {
    super(host, {
      cause: new Error(describe(options.kind, options.timeoutMs)),
      method: options.method,
      url: options.url,
    });
    this.name = "DeadlineExceededError";
    this.kind = options.kind;
    this.timeoutMs = options.timeoutMs;
  }
}
