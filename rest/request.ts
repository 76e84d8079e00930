/**
 * {@linkcode Request}: the builder and executor of one REST call (client-go's `rest.Request`).
 * Requests are made by a `RESTClient`: `client.get().namespace("default").resource("pods")`.
 *
 * @module
 */
import type { Clock } from "../_internal/clock.ts";
import { linkSignals } from "../_internal/async.ts";
import { deadlineQueue } from "../_internal/deadline_queue.ts";
import { apiErrorFromResponse, TransportError } from "./errors.ts";
import { ConfigError } from "./config_error.ts";
import { INVALID_HEADER_VALUE, isValidHeaderName, isValidHeaderValue } from "./_header_value.ts";
import {
  DeadlineExceededError,
  type DeadlineKind,
  DEFAULT_RESPONSE_HEADER_TIMEOUT_MS,
  DEFAULT_UNBOUNDED_WATCH_DEADLINE_MS,
  DEFAULT_WATCH_DEADLINE_GRACE_MS,
  DEFAULT_WATCH_IDLE_TIMEOUT_MS,
} from "./deadline.ts";
import { nextDelay } from "./backoff.ts";
import type { RateLimiter } from "./rate_limiter.ts";
import { impersonationHeaders, type RestConfig } from "./rest_config.ts";
import { RuntimeCapabilityError, type Transport } from "./runtime/runtime.ts";
import { type WebSocketConnection, WebSocketHandshakeError } from "./runtime/websocket.ts";
import type { KubeObject } from "./types.ts";
import { Result } from "./result.ts";
import type { JsonBodyDecoder } from "./_json_body_decoder.ts";
import { parseWarningHeader, type WarningHandler } from "./warning_handler.ts";
import type { Watcher } from "./watcher.ts";

/** The patch formats of the API server, named as client-go's `types.PatchType`. */
export type PatchType = "json" | "merge" | "strategic" | "apply";

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  // The body is JSON, which is valid YAML.
  apply: "application/apply-patch+yaml",
};

/** A value of a query parameter; `undefined` (and `null`) parameters are left out. */
export type ParamValue = string | number | boolean | undefined | null;

/**
 * What a {@linkcode Request} needs from the client that made it. `RESTClient` provides it;
 * tests and other clients may build their own.
 */
export interface RequestContext {
  /** Server, credentials, impersonation, timeout. */
  readonly config: RestConfig;
  /** "/api", "/apis" or "" (with `absPath`). */
  readonly apiPath: string;
  /** "v1", "apps/v1" or "". */
  readonly groupVersion: string;
  /** The transport to send with (looked up per request, so a closed pool is replaced). */
  transport(): Transport;
  /** Client-side rate limiter; undefined: no limit. Watches never wait for it. */
  readonly rateLimiter: RateLimiter | undefined;
  /** Clock for Retry-After waits, backoff and timeouts. */
  readonly clock: Clock;
  /** Retries of 429/5xx answers that carry Retry-After (default 10 in client-go). */
  readonly maxRetries: number;
  /** Retries of GETs whose connection failed (with backoff). */
  readonly maxConnectionRetries: number;
  /** Receives the server's warnings. */
  readonly warningHandler: WarningHandler;
  /** `User-Agent` header. */
  readonly userAgent: string;
  /** Randomness of the connection retry jitter (default `Math.random`). */
  readonly random?: () => number;
  /** Longest wait for the response headers of an attempt (default 120 000; 0: none). */
  readonly responseHeaderTimeoutMs?: number;
  /** Longest silence of a watch that allows bookmarks (default 120 000; 0: none). */
  readonly watchIdleTimeoutMs?: number;
  /** Added to a watch's `timeoutSeconds` for its client-side deadline (default 30 000). */
  readonly watchDeadlineGraceMs?: number;
  /**
   * Called with the transport of a request whose deadline passed (its connection is presumed dead),
   * to drop its pooled connections; undefined: nothing is dropped.
   */
  dropConnections?(transport: Transport): void;
}

/** Backoff between retries of a GET whose connection failed: 250 ms doubling to 5 s, 10 % jitter. */
const CONNECTION_BACKOFF = { initialMs: 250, factor: 2, maxMs: 5000, jitter: 0.1 };

function invalidSegment(value: string): string | undefined {
  if (value === "." || value === "..") return `may not be "${value}"`;
  if (value.includes("/")) return 'may not contain "/"';
  if (value.includes("%")) return 'may not contain "%"';
  return undefined;
}

/** Characters encodeURIComponent leaves alone (most names are made of them only). */
const UNRESERVED = /^[A-Za-z0-9._~-]*$/;

function encodeSegment(s: string): string {
  if (UNRESERVED.test(s)) return s;
  return encodeURIComponent(s).replace(/%3A/gi, ":").replace(/%40/g, "@");
}

/** Joins path parts as Go's path.Join does (no empty segments), keeping a trailing slash of the last. */
function joinPath(parts: string[]): string {
  const segments = parts.flatMap((p) => p.split("/")).filter((s) => s !== "" && s !== ".");
  const last = parts.filter((p) => p !== "").at(-1);
  return "/" + segments.join("/") + (last?.endsWith("/") && segments.length > 0 ? "/" : "");
}

/** The query string of `params` ("" for none, else "?k=v&..."). */
function queryOf(params: [string, string][]): string {
  if (params.length === 0) return "";
  return "?" + params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
}

/** What every request of a context shares: the server's origin and path prefix, the group-version path. */
interface Base {
  origin: string;
  host: string;
  prefix: string;
  groupVersionPath: string;
}

const BASES = new WeakMap<RequestContext, Base>();

/** The parsed server URL of a context, parsed once (a host the context changes is parsed again). */
function baseOf(ctx: RequestContext): Base & { hostUrl?: string } {
  const cached = BASES.get(ctx) as (Base & { hostUrl?: string }) | undefined;
  if (cached !== undefined && cached.hostUrl === ctx.config.host) return cached;
  const url = new URL(ctx.config.host);
  const base = {
    origin: url.origin,
    host: url.host,
    prefix: url.pathname === "/" ? "" : url.pathname.replace(/\/+$/, ""),
    groupVersionPath: joinPath([ctx.apiPath, ctx.groupVersion]),
    hostUrl: ctx.config.host,
  };
  BASES.set(ctx, base);
  return base;
}

/** The `Authorization` value of a static bearer token or basic credentials. */
function staticAuthorization(config: RestConfig): string | undefined {
  if (config.bearerToken) return `Bearer ${config.bearerToken}`;
  if (config.username !== undefined) {
    const bytes = new TextEncoder().encode(`${config.username}:${config.password ?? ""}`);
    return `Basic ${btoa(String.fromCharCode(...bytes))}`;
  }
  return undefined;
}

interface FixedHeaders {
  headers: [string, string][];
  /** The settings they were built from: a change builds them again. */
  from: [string, string | undefined, string | undefined, string | undefined, boolean, unknown];
}

const FIXED_HEADERS = new WeakMap<RequestContext, FixedHeaders>();

/**
 * The headers of a request of `ctx` without headers of its own or a credential provider: Accept,
 * User-Agent, Accept-Encoding, a static Authorization and impersonation, built once per context.
 * The array is shared: callers copy it before adding to it.
 */
function fixedHeadersOf(ctx: RequestContext): [string, string][] {
  const { config } = ctx;
  const cached = FIXED_HEADERS.get(ctx);
  if (cached !== undefined) {
    const f = cached.from;
    if (
      f[0] === ctx.userAgent && f[1] === config.bearerToken && f[2] === config.username &&
      f[3] === config.password && f[4] === (config.disableCompression === true) && f[5] === config.impersonate
    ) return cached.headers;
  }
  const from: FixedHeaders["from"] = [
    ctx.userAgent,
    config.bearerToken,
    config.username,
    config.password,
    config.disableCompression === true,
    config.impersonate,
  ];
  const headers: [string, string][] = [["Accept", "application/json"], ["User-Agent", ctx.userAgent]];
  if (config.disableCompression) headers.push(["Accept-Encoding", "identity"]);
  const authorization = staticAuthorization(config);
  if (authorization !== undefined) {
    if (!isValidHeaderValue(authorization)) {
      // As the request's own check: name the field, never quote the credential.
      const field = config.bearerToken ? "bearerToken" : "username";
      throw new ConfigError(`The credential of the configuration (${field}) ${INVALID_HEADER_VALUE}`, {
        field,
      });
    }
    headers.push(["Authorization", authorization]);
  }
  headers.push(...impersonationHeaders(config.impersonate));
  for (const [name, value] of headers) {
    if (!isValidHeaderValue(value)) {
      throw new ConfigError(`The ${name} header ${INVALID_HEADER_VALUE}`, { field: name });
    }
  }
  FIXED_HEADERS.set(ctx, { headers, from });
  return headers;
}

function parseRetryAfter(headers: Headers): number | undefined {
  const h = headers.get("retry-after");
  if (h === null || !/^\s*\d+\s*$/.test(h)) return undefined;
  return Number(h);
}

const TLS_FAILURE =
  /certificate|\bcert\b|handshake|\btls\b|ssl|alert|UNABLE_TO|SELF_SIGNED|DEPTH_ZERO|ERR_TLS|altname|UnknownIssuer/i;

/** A connection failure worth retrying: anything but certificate and TLS problems. */
function isRetryableConnectionError(e: unknown): boolean {
  let text = "";
  for (let c: unknown = e, depth = 0; c !== undefined && c !== null && depth < 8; depth++) {
    const err = c as { message?: unknown; code?: unknown; cause?: unknown };
    text += ` ${String(err.message ?? "")} ${String(err.code ?? "")}`;
    c = err.cause;
  }
  return !TLS_FAILURE.test(text);
}

/** The informative error behind fetch's generic `TypeError("fetch failed")`. */
function connectionCause(e: unknown): unknown {
  if (e instanceof TypeError && /^fetch failed$/i.test(e.message) && e.cause instanceof Error) return e.cause;
  return e;
}

/** A deadline option: undefined gives the default, 0 or less (or not a number) turns it off. */
function resolveDeadline(value: number | undefined, fallback: number): number | undefined {
  const v = value ?? fallback;
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

/**
 * Whether a response of this content type is read as text: JSON (the API server's answers), YAML and
 * `text/*`. Other bodies (and bodies without a type) are read as bytes, kept exactly.
 */
function isTextContentType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const ct = contentType.toLowerCase();
  return ct.startsWith("application/json") || ct.startsWith("text/") || ct.includes("+json") ||
    ct.includes("yaml");
}

let jsonBodyDecoder: typeof JsonBodyDecoder | undefined;

/** The buffer `into()` reads a byte-stream body into (a read returns what has arrived, up to this). */
const BODY_READ_BUFFER_BYTES = 64 * 1024;

function isJsonContentType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const ct = contentType.toLowerCase();
  return ct.startsWith("application/json") || ct.includes("+json");
}

function timeoutError(ms: number): DOMException {
  return new DOMException(`The request timed out after ${ms} ms`, "TimeoutError");
}

interface Sent {
  response: Response;
  url: string;
  /** The transport the response came through. */
  transport: Transport;
  /** Detaches the request's signals and cancels its timeout. */
  dispose(): void;
  /** Cancels the timeout only (for streams and watches, whose bodies are not bounded by it). */
  clearTimeout(): void;
  signal: AbortSignal;
  stopController: AbortController;
}

/**
 * One REST call: set its target with the chainable builder methods, then run it with
 * {@linkcode Request.do}, {@linkcode Request.into}, {@linkcode Request.stream} or {@linkcode Request.watch}.
 *
 * Every attempt waits for the client-side rate limiter (watches excepted). Answers 429 and 5xx that
 * carry `Retry-After` are retried after that many seconds, up to `maxRetries` times; GETs whose
 * connection failed are retried with backoff; a 401 makes the credential provider drop its cached
 * credential, and the request is sent once more. Non-2xx answers reject with an
 * `ApiError`, failed connections with a {@linkcode TransportError}, an elapsed timeout with a
 * `TimeoutError` DOMException and an aborted signal with its reason.
 *
 * Client-side deadlines (see `ClientDeadlines`): each attempt waits at most `responseHeaderTimeoutMs`
 * for the response headers (a GET is then retried on a new connection, other verbs reject with a
 * `DeadlineExceededError`); a watch ends with a `DeadlineExceededError` when it outlives its
 * `timeoutSeconds` plus `watchDeadlineGraceMs`, or when it allows bookmarks and receives nothing for
 * `watchIdleTimeoutMs`. When a deadline passes, the client's pooled connections are dropped.
 *
 * @example
 * ```ts
 * import type { RESTClient } from "@kubeweb/client/rest";
 * import type { Pod } from "@kubeweb/client/clientset/core/v1";
 *
 * declare const client: RESTClient;
 * const pod = (await client.get().namespace("default").resource("pods").name("web").do()).into<Pod>();
 * ```
 */
export class Request {
  #ctx: RequestContext;
  #verb: string;
  #patchType: PatchType | undefined;
  #namespace: string | undefined;
  #resource: string | undefined;
  #name: string | undefined;
  #subresource: string[] = [];
  #absPath: string | undefined;
  #params: [string, string][] = [];
  #headers: [string, string][] = [];
  #body: string | Uint8Array<ArrayBuffer> | undefined;
  #timeoutMs: number | undefined;
  #signal: AbortSignal | undefined;
  #error: Error | undefined;

  /** Creates a request for `verb` ("GET", "POST", ...). Usually made by `RESTClient`. */
  constructor(ctx: RequestContext, verb: string, patchType?: PatchType) {
    this.#ctx = ctx;
    this.#verb = verb.toUpperCase();
    this.#patchType = patchType;
  }

  #fail(message: string): this {
    this.#error ??= new TypeError(message);
    return this;
  }

  /** The namespace (`/namespaces/<ns>`); undefined or "" leaves it out. */
  namespace(namespace?: string): this {
    if (!namespace) {
      this.#namespace = undefined;
      return this;
    }
    const bad = invalidSegment(namespace);
    if (bad) return this.#fail(`Invalid namespace "${namespace}": it ${bad}`);
    this.#namespace = namespace;
    return this;
  }

  /** The resource, for example "pods". */
  resource(resource: string): this {
    const bad = invalidSegment(resource);
    if (bad) return this.#fail(`Invalid resource "${resource}": it ${bad}`);
    this.#resource = resource;
    return this;
  }

  /** The object name. */
  name(name: string): this {
    if (name === "") return this.#fail("The resource name may not be empty");
    const bad = invalidSegment(name);
    if (bad) return this.#fail(`Invalid resource name "${name}": it ${bad}`);
    this.#name = name;
    return this;
  }

  /** The subresource, for example "status", "scale" or "log" (several segments are joined). */
  subResource(...subresources: string[]): this {
    for (const s of subresources) {
      const bad = invalidSegment(s);
      if (bad) return this.#fail(`Invalid subresource "${s}": it ${bad}`);
    }
    this.#subresource = subresources.filter((s) => s !== "");
    return this;
  }

  /** Replaces the computed prefix (API path and group version) with these segments, joined. */
  absPath(...segments: string[]): this {
    this.#absPath = joinPath(segments);
    if (segments.at(-1)?.endsWith("/") && !this.#absPath.endsWith("/")) this.#absPath += "/";
    return this;
  }

  /** Adds a query parameter; repeated calls with one name add repeated parameters. */
  param(name: string, value: ParamValue): this {
    if (value === undefined || value === null) return this;
    this.#params.push([name, String(value)]);
    return this;
  }

  /** Adds every defined field of an options object as a query parameter (arrays repeat). */
  params(options: object | undefined): this {
    for (const [k, v] of Object.entries(options ?? {})) {
      if (Array.isArray(v)) { for (const item of v) this.param(k, item as ParamValue); }
      else this.param(k, v as ParamValue);
    }
    return this;
  }

  /**
   * The request body: objects are encoded as JSON; strings and bytes are sent as they are. The
   * content type follows the patch type for PATCH, else `application/json`.
   */
  body(body: unknown): this {
    if (body === undefined || body === null) this.#body = undefined;
    else if (typeof body === "string") this.#body = body;
    else if (body instanceof Uint8Array) this.#body = new Uint8Array(body);
    else this.#body = JSON.stringify(body);
    return this;
  }

  /** Adds a header; a repeated name is sent as separate header lines. */
  header(name: string, value: string): this {
    // Checked here, so the runtime's TypeError (which quotes the value) never reaches the caller.
    if (!isValidHeaderName(name)) return this.#fail(`Invalid header name ${JSON.stringify(name)}`);
    if (!isValidHeaderValue(value)) {
      return this.#fail(`The value of the ${name} header ${INVALID_HEADER_VALUE}`);
    }
    this.#headers.push([name, value]);
    return this;
  }

  /**
   * Bounds the request: for `do()` the whole call (retries and body included, and the server is told
   * with the `timeout` parameter); for `stream()` until the response headers arrive; for `watch()`
   * it becomes the `timeoutSeconds` parameter (unless set) and bounds the wait for the headers.
   */
  timeout(ms: number): this {
    this.#timeoutMs = ms > 0 ? ms : undefined;
    return this;
  }

  /** Aborting the signal cancels the request (and closes a stream or watch). */
  signal(signal: AbortSignal | undefined): this {
    this.#signal = signal;
    return this;
  }

  /** The URL the request goes to (without the parameters added when it is sent). */
  url(): string {
    return this.#url(this.#params);
  }

  #url(params: [string, string][]): string {
    const base = baseOf(this.#ctx);
    if (this.#absPath === undefined && this.#subresource.length === 0) {
      // The common shape: the segments are checked (no "/", ".", ".." or "%"), so joining them is
      // concatenation, as joinPath would give.
      let rest = "";
      if (this.#namespace) rest += `/namespaces/${encodeSegment(this.#namespace)}`;
      if (this.#resource) rest += `/${encodeSegment(this.#resource)}`;
      if (this.#name) rest += `/${encodeSegment(this.#name)}`;
      const gv = base.groupVersionPath;
      const path = rest === "" ? gv : (gv.endsWith("/") ? gv.slice(0, -1) : gv) + rest;
      return `${base.origin}${base.prefix}${path}${queryOf(params)}`;
    }
    const parts = [this.#absPath ?? base.groupVersionPath];
    if (this.#namespace) parts.push("namespaces", this.#namespace);
    if (this.#resource) parts.push(this.#resource);
    if (this.#name) parts.push(this.#name);
    parts.push(...this.#subresource);
    const trailing = this.#absPath?.endsWith("/") && parts.length === 1;
    let path = joinPath(parts.flatMap((p, i) => i === 0 ? [p] : [encodeSegment(p)]));
    if (trailing && !path.endsWith("/")) path += "/";
    return `${base.origin}${base.prefix}${path}${queryOf(params)}`;
  }

  /** The headers without any of the caller's or a credential provider's: the context's, built once. */
  #fixedHeaders(): [string, string][] {
    const fixed = fixedHeadersOf(this.#ctx);
    if (this.#body === undefined) return fixed;
    return [...fixed, [
      "Content-Type",
      this.#patchType ? PATCH_CONTENT_TYPES[this.#patchType] : "application/json",
    ]];
  }

  /**
   * The request's headers. The common case (no header of the caller's, no credential provider) is the
   * context's fixed headers, returned without a promise so an attempt needs no await for them.
   */
  #requestHeaders(signal: AbortSignal): [string, string][] | Promise<[string, string][]> {
    if (this.#headers.length === 0 && !this.#ctx.config.auth) return this.#fixedHeaders();
    return this.#customHeaders(signal);
  }

  async #customHeaders(signal: AbortSignal): Promise<[string, string][]> {
    const { config } = this.#ctx;
    const has = (name: string) => this.#headers.some(([k]) => k.toLowerCase() === name);
    const out: [string, string][] = [];
    if (!has("accept")) out.push(["Accept", "application/json"]);
    if (!has("user-agent")) out.push(["User-Agent", this.#ctx.userAgent]);
    if (this.#body !== undefined && !has("content-type")) {
      out.push(["Content-Type", this.#patchType ? PATCH_CONTENT_TYPES[this.#patchType] : "application/json"]);
    }
    if (config.disableCompression && !has("accept-encoding")) out.push(["Accept-Encoding", "identity"]);
    if (!has("authorization")) {
      const auth = new Headers();
      try {
        if (config.auth) await config.auth.authorize(auth, signal);
        else if (config.bearerToken) auth.set("Authorization", `Bearer ${config.bearerToken}`);
        else if (config.username !== undefined) {
          const bytes = new TextEncoder().encode(`${config.username}:${config.password ?? ""}`);
          auth.set("Authorization", `Basic ${btoa(String.fromCharCode(...bytes))}`);
        }
      } catch (e) {
        // Headers' TypeError quotes the credential: replace it, and keep nothing of it as cause.
        if (!(e instanceof TypeError)) throw e;
        const field = config.auth ? "auth" : config.bearerToken ? "bearerToken" : "username";
        throw new ConfigError(`The credential of the configuration (${field}) ${INVALID_HEADER_VALUE}`, {
          field,
        });
      }
      out.push(...auth);
    }
    out.push(...impersonationHeaders(config.impersonate));
    out.push(...this.#headers);
    for (const [name, value] of out) {
      if (!isValidHeaderValue(value)) {
        throw new ConfigError(`The ${name} header ${INVALID_HEADER_VALUE}`, { field: name });
      }
    }
    return out;
  }

  /** The resource with its group, as client-go's `GroupResource.String()` ("deployments.apps"). */
  #qualifiedResource(): string | undefined {
    if (!this.#resource) return undefined;
    const gv = this.#ctx.groupVersion;
    const group = gv.includes("/") ? gv.slice(0, gv.indexOf("/")) : "";
    return group ? `${this.#resource}.${group}` : this.#resource;
  }

  #handleWarnings(headers: Headers): string[] {
    const value = headers.get("warning");
    if (value === null) return [];
    const warnings = parseWarningHeader(value);
    for (const w of warnings) {
      try {
        this.#ctx.warningHandler(w);
      } catch { /* a faulty handler must not fail the request */ }
    }
    return warnings.map((w) => w.text);
  }

  /**
   * Opens a WebSocket to the request's URL with its credentials and headers, offering `protocols` (most
   * wanted first): the upgrade of exec, attach and port-forward. Waits for the rate limiter; the
   * request's signal aborts the attempt and, once open, closes the connection; its timeout bounds the
   * handshake. A refused upgrade rejects with the `ApiError` of the server's answer, a failed
   * connection with a {@linkcode TransportError}.
   *
   * @param protocols The subprotocols to offer.
   * @returns The open connection.
   */
  async webSocket(protocols: string[]): Promise<WebSocketConnection> {
    if (this.#error) throw this.#error;
    const ctx = this.#ctx;
    const url = this.#url(this.#params);
    const method = this.#verb;
    const timeoutMs = this.#timeoutMs ??
      (ctx.config.timeoutMs && ctx.config.timeoutMs > 0 ? ctx.config.timeoutMs : undefined);
    const timeoutController = new AbortController();
    const linked = linkSignals(this.#signal, timeoutController.signal);
    const timer = timeoutMs === undefined
      ? undefined
      : ctx.clock.setTimer(() => timeoutController.abort(timeoutError(timeoutMs)), timeoutMs);
    try {
      if (ctx.rateLimiter) await ctx.rateLimiter.accept(linked.signal);
      const headers = (await this.#requestHeaders(linked.signal)).filter(([k]) =>
        k.toLowerCase() !== "accept"
      );
      const transport = ctx.transport();
      if (!transport.connectWebSocket) {
        throw new TypeError(`The ${transport.runtime} transport cannot open WebSockets`);
      }
      try {
        // The request's own signal (not the timeout's) stays with the open connection.
        const handshake = transport.connectWebSocket(url, { protocols, headers, signal: this.#signal });
        return await new Promise<WebSocketConnection>((resolve, reject) => {
          const onTimeout = () => {
            handshake.then((c) => c.close(), () => {});
            reject(timeoutController.signal.reason);
          };
          timeoutController.signal.addEventListener("abort", onTimeout, { once: true });
          handshake.then(resolve, reject).finally(() =>
            timeoutController.signal.removeEventListener("abort", onTimeout)
          );
        });
      } catch (e) {
        if (linked.signal.aborted) throw linked.signal.reason;
        if (e instanceof WebSocketHandshakeError && e.status >= 300) {
          throw apiErrorFromResponse(e.status, e.headers, e.body, { method, url });
        }
        if (e instanceof RuntimeCapabilityError) throw e;
        if (e instanceof TypeError && /cannot open WebSockets|plain http|line break/.test(e.message)) throw e;
        throw new TransportError(new URL(url).host, { cause: e, method, url });
      }
    } finally {
      timer?.cancel();
      linked.dispose();
    }
  }

  /** Sends the request with retries; resolves with a 2xx response or rejects with the mapped error. */
  async #send(mode: "do" | "stream" | "watch", warnings: string[]): Promise<Sent> {
    if (this.#error) throw this.#error;
    const ctx = this.#ctx;
    const params = [...this.#params];
    const explicitTimeout = this.#timeoutMs;
    const timeoutMs = explicitTimeout ??
      (ctx.config.timeoutMs && ctx.config.timeoutMs > 0 ? ctx.config.timeoutMs : undefined);
    if (mode === "watch") {
      if (!params.some(([k]) => k === "watch")) params.push(["watch", "true"]);
      if (explicitTimeout !== undefined && !params.some(([k]) => k === "timeoutSeconds")) {
        params.push(["timeoutSeconds", String(Math.max(1, Math.ceil(explicitTimeout / 1000)))]);
      }
    } else if (mode === "do" && timeoutMs !== undefined && !params.some(([k]) => k === "timeout")) {
      params.push(["timeout", `${Math.ceil(timeoutMs)}ms`]);
    }
    const url = this.#url(params);
    const host = baseOf(ctx).host;
    const method = this.#verb;
    const stopController = new AbortController();
    // Link signals only when there is more than one: a GET without a signal or a timeout has only
    // the stop signal, and needs no listeners to add and remove.
    const timeoutController = timeoutMs === undefined ? undefined : new AbortController();
    const linked = this.#signal === undefined && timeoutController === undefined
      ? undefined
      : linkSignals(this.#signal, stopController.signal, timeoutController?.signal);
    const signal = linked?.signal ?? stopController.signal;
    const timer = timeoutMs === undefined
      ? undefined
      : ctx.clock.setTimer(() => timeoutController!.abort(timeoutError(timeoutMs)), timeoutMs);
    const clearTimer = () => timer?.cancel();
    const attemptLinks: { dispose(): void }[] = [];
    const dispose = () => {
      clearTimer();
      linked?.dispose();
      for (const l of attemptLinks) l.dispose();
    };
    const fail = (e: unknown): never => {
      dispose();
      if (signal.aborted) throw signal.reason;
      throw e;
    };
    const headerTimeoutMs = resolveDeadline(ctx.responseHeaderTimeoutMs, DEFAULT_RESPONSE_HEADER_TIMEOUT_MS);
    const dropConnections = (transport: Transport) => {
      try {
        ctx.dropConnections?.(transport);
      } catch { /* closing a pool must not mask the request's own error */ }
    };

    let retries = 0;
    let connectionRetries = 0;
    let reauthorized = false;
    try {
      for (;;) {
        if (mode !== "watch" && ctx.rateLimiter) await ctx.rateLimiter.accept(signal);
        const pending = this.#requestHeaders(signal);
        const headers = pending instanceof Promise ? await pending : pending;
        const transport = ctx.transport(); // outside the try: a capability error is not a connection failure
        let response: Response;
        // This attempt's signal: the request's, plus the response-header deadline.
        const attempt = new AbortController();
        // A call without a signal or timeout of its own: nothing aborts `signal` (its stop controller
        // serves streams and watches only), so the attempt's own signal is enough, without listeners.
        const attemptSignal = mode === "do" && linked === undefined
          ? { signal: attempt.signal, dispose() {} }
          : linkSignals(signal, attempt.signal);
        attemptLinks.push(attemptSignal);
        // One timer for every attempt's header deadline (they have one length): see DeadlineQueue.
        const headerTimer = headerTimeoutMs === undefined
          ? undefined
          : deadlineQueue(ctx.clock, headerTimeoutMs).add(() => {
            attempt.abort(
              new DeadlineExceededError(host, {
                kind: "response-headers",
                timeoutMs: headerTimeoutMs,
                method,
                url,
              }),
            );
          });
        try {
          response = await transport.fetch(url, {
            method,
            headers,
            body: this.#body,
            signal: attemptSignal.signal,
          });
        } catch (e) {
          // No answer within the request's own timeout or the header deadline: the connection may be dead.
          if (timeoutController?.signal.aborted || attempt.signal.aborted) dropConnections(transport);
          if (signal.aborted) throw signal.reason;
          const err = attempt.signal.aborted
            ? attempt.signal.reason as DeadlineExceededError
            : new TransportError(host, { cause: connectionCause(e), method, url });
          if (
            method === "GET" && retries < ctx.maxRetries && connectionRetries < ctx.maxConnectionRetries &&
            isRetryableConnectionError(e)
          ) {
            const delay = nextDelay(connectionRetries, { ...CONNECTION_BACKOFF, random: ctx.random });
            retries++;
            connectionRetries++;
            await ctx.clock.sleep(delay, signal);
            continue;
          }
          throw err;
        } finally {
          headerTimer?.cancel();
        }
        warnings.push(...this.#handleWarnings(response.headers));
        const status = response.status;
        if (status === 401 && !reauthorized && ctx.config.auth?.onUnauthorized) {
          reauthorized = true;
          await response.body?.cancel().catch(() => {});
          ctx.config.auth.onUnauthorized();
          continue;
        }
        const retryAfter = status === 429 || status >= 500 ? parseRetryAfter(response.headers) : undefined;
        if (retryAfter !== undefined && retries < ctx.maxRetries) {
          await response.body?.cancel().catch(() => {});
          retries++;
          await ctx.clock.sleep(retryAfter * 1000, signal);
          continue;
        }
        if (status < 200 || status > 299) {
          let text = "";
          try {
            text = await response.text();
          } catch {
            if (signal.aborted) throw signal.reason;
            // A body cut short still leaves the status code to go by.
          }
          throw apiErrorFromResponse(status, response.headers, text, {
            method,
            url,
            resource: this.#qualifiedResource(),
            name: this.#name,
          });
        }
        return { response, url, transport, dispose, clearTimeout: clearTimer, signal, stopController };
      }
    } catch (e) {
      return fail(e);
    }
  }

  /**
   * Sends the request and reads the whole answer. A JSON, YAML or text answer is read as text (as
   * `await response.text()`), others as bytes.
   *
   * @returns The status, headers, warnings and body.
   * @throws {ApiError} for a non-2xx answer.
   * @throws {TransportError} when the connection failed.
   */
  async do(): Promise<Result> {
    const warnings: string[] = [];
    return await this.#read(await this.#send("do", warnings), warnings);
  }

  /** The error of a failed read of a response body: the signal's reason once aborted, else a TransportError. */
  #readError(sent: Sent, e: unknown): unknown {
    if (sent.signal.aborted) return sent.signal.reason;
    return new TransportError(baseOf(this.#ctx).host, {
      cause: connectionCause(e),
      method: this.#verb,
      url: sent.url,
    });
  }

  /** Reads the whole answer of a sent request (see {@linkcode Request.do}). */
  async #read(sent: Sent, warnings: string[]): Promise<Result> {
    try {
      const response = sent.response;
      const body = isTextContentType(response.headers.get("content-type"))
        ? await response.text()
        : new Uint8Array(await response.arrayBuffer());
      return new Result(response.status, response.headers, body, warnings);
    } catch (e) {
      throw this.#readError(sent, e);
    } finally {
      sent.dispose();
    }
  }

  /**
   * Sends the request and decodes the JSON answer while it arrives (client-go's `Do(ctx).Into(obj)`).
   * A list's items are parsed chunk by chunk as the body streams in, so a large list is decoded by
   * the time its last byte comes and its text is never held whole. The value equals what
   * `(await request.do()).into()` gives; an answer that is not JSON (YAML, say) is read whole and
   * parsed as that does.
   *
   * @example
   * ```ts
   * import type { RESTClient } from "@kubeweb/client/rest";
   * import type { PodList } from "@kubeweb/client/clientset/core/v1";
   *
   * declare const client: RESTClient;
   * const pods = await client.get().namespace("default").resource("pods").into<PodList>();
   * console.log(pods.items.length);
   * ```
   *
   * @returns The decoded body.
   * @throws {ApiError} for a non-2xx answer.
   * @throws {TransportError} when the connection failed.
   * @throws {TypeError} when the body is empty.
   * @throws {SyntaxError} when the body is not JSON.
   */
  async into<T>(): Promise<T> {
    // Loaded by the first into(): a program that only gets objects never evaluates it.
    const Decoder = jsonBodyDecoder ??= (await import("./_json_body_decoder.ts")).JsonBodyDecoder;
    const warnings: string[] = [];
    const sent = await this.#send("do", warnings);
    const response = sent.response;
    if (!isJsonContentType(response.headers.get("content-type")) || response.body === null) {
      return (await this.#read(sent, warnings)).into<T>();
    }
    const decoder = new Decoder();
    // A byte stream (a fetch body) is read into one reused buffer: no allocation per read.
    let byob: ReadableStreamBYOBReader | undefined;
    try {
      byob = response.body.getReader({ mode: "byob" });
    } catch {
      byob = undefined; // Not a byte stream.
    }
    const reader = byob ?? response.body.getReader();
    let buffer = new Uint8Array(byob ? BODY_READ_BUFFER_BYTES : 0);
    try {
      for (;;) {
        let r: ReadableStreamReadResult<Uint8Array>;
        try {
          if (byob) {
            const read = await byob.read(buffer);
            // The read transferred the buffer: the next read reuses its memory.
            if (read.value !== undefined) buffer = new Uint8Array(read.value.buffer);
            r = read;
          } else r = await (reader as ReadableStreamDefaultReader<Uint8Array>).read();
        } catch (e) {
          throw this.#readError(sent, e);
        }
        if (r.done) break;
        decoder.push(r.value!);
      }
      const value = decoder.end();
      if (value === undefined) throw new TypeError(`The response body is empty (status ${response.status})`);
      return value as T;
    } catch (e) {
      await reader.cancel().catch(() => {});
      throw e;
    } finally {
      sent.dispose();
    }
  }

  /**
   * Sends the request and returns the body as a stream (for logs). The timeout bounds only the wait
   * for the response headers; the request's signal closes the stream.
   */
  async stream(): Promise<ReadableStream<Uint8Array>> {
    const sent = await this.#send("stream", []);
    sent.clearTimeout();
    const body = sent.response.body;
    if (!body) {
      sent.dispose();
      return new ReadableStream({ start: (c) => c.close() });
    }
    const reader = body.getReader();
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const r = await reader.read();
          if (r.done) {
            sent.dispose();
            controller.close();
          } else controller.enqueue(r.value);
        } catch (e) {
          sent.dispose();
          controller.error(sent.signal.aborted ? sent.signal.reason : e);
        }
      },
      async cancel(reason) {
        sent.dispose();
        await reader.cancel(reason).catch(() => {});
      },
    });
  }

  /**
   * Sends the request as a watch (`watch=true`; never rate limited) and returns its events.
   *
   * @throws {ApiError} when the server refuses the watch.
   * @throws {TransportError} when the connection failed.
   */
  async watch<T = KubeObject>(): Promise<Watcher<T>> {
    // The watch decoder is loaded by the first watch (while it is sent): a program that only reads
    // and writes objects never evaluates it.
    const decoding = import("./watcher.ts");
    decoding.catch(() => {}); // awaited below; a send that fails first leaves no unhandled rejection
    const sent = await this.#send("watch", []);
    const { watcherFromResponse } = await decoding;
    sent.clearTimeout();
    const body = sent.response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    const ctx = this.#ctx;
    const query = new URL(sent.url).searchParams;
    const bookmarks = query.get("allowWatchBookmarks") === "true";
    const seconds = Number(query.get("timeoutSeconds"));
    const grace = Math.max(0, ctx.watchDeadlineGraceMs ?? DEFAULT_WATCH_DEADLINE_GRACE_MS);
    const serverMs = Number.isFinite(seconds) && seconds > 0
      ? seconds * 1000
      : DEFAULT_UNBOUNDED_WATCH_DEADLINE_MS;
    const host = new URL(sent.url).host;
    return watcherFromResponse<T>(body, {
      signal: this.#signal,
      stopController: sent.stopController,
      request: { method: this.#verb, url: sent.url },
      onEnd: sent.dispose,
      maxFrameBytes: this.#ctx.config.maxWatchFrameBytes,
      clock: ctx.clock,
      idleTimeoutMs: bookmarks
        ? resolveDeadline(ctx.watchIdleTimeoutMs, DEFAULT_WATCH_IDLE_TIMEOUT_MS)
        : undefined,
      deadlineMs: serverMs + grace,
      deadlineError: (kind: DeadlineKind, timeoutMs: number) => {
        try {
          ctx.dropConnections?.(sent.transport);
        } catch { /* the watch's own error matters more */ }
        return new DeadlineExceededError(host, { kind, timeoutMs, method: this.#verb, url: sent.url });
      },
    });
  }
}
