/**
 * {@linkcode RESTClient} and {@linkcode restClientFor}: the client every typed, dynamic and discovery
 * client calls (client-go's `rest.RESTClient`).
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import type { ClientDeadlines } from "./deadline.ts";
import { type RateLimiter, rateLimiterFor } from "./rate_limiter.ts";
import type { RestConfig } from "./rest_config.ts";
import type { Runtime, Transport } from "./runtime/runtime.ts";
import { detectRuntime } from "./runtime/detect.ts";
import { transportFor } from "./transport_for.ts";
import { type PatchType, Request, type RequestContext } from "./request.ts";
import { defaultWarningHandler, type WarningHandler } from "./warning_handler.ts";

/** The version kubeweb reports in its default `User-Agent`. */
export const KUBEWEB_VERSION: string = "0.1.0";

/**
 * Options of {@linkcode restClientFor}, with the client-side deadlines of {@linkcode ClientDeadlines}
 * (response headers, watch idle time, watch total time).
 */
export interface RESTClientOptions extends ClientDeadlines {
  /** "/api" for the core group, "/apis" for the others, "" for raw paths given with `absPath`. */
  apiPath: string;
  /** "v1", "apps/v1", or "" for raw paths. */
  groupVersion: string;
  /** Runtime whose transport is used (default: the detected one). */
  runtime?: Runtime;
  /** A transport to use instead of the configuration's (tests, custom stacks). */
  transport?: Transport;
  /**
   * The client-side rate limiter. Default: one per configuration object (shared by every client made
   * from it) from `config.qps`/`config.burst`; `null` disables limiting.
   */
  rateLimiter?: RateLimiter | null;
  /** Clock for retries, timeouts and the default rate limiter (default: the real clock). */
  clock?: Clock;
  /** Retries of 429/5xx answers that carry `Retry-After` (default 10). */
  maxRetries?: number;
  /** Retries of GETs whose connection failed, with backoff (default 3; they count toward `maxRetries`). */
  maxConnectionRetries?: number;
  /** Receives the server's warnings (default: the one set with `setDefaultWarningHandler`). */
  warningHandler?: WarningHandler;
  /** Randomness for retry jitter (default `Math.random`). */
  random?: () => number;
}

const LIMITERS = new WeakMap<RestConfig, WeakMap<Clock, RateLimiter | undefined>>();

function sharedRateLimiter(config: RestConfig, clock: Clock): RateLimiter | undefined {
  let byClock = LIMITERS.get(config);
  if (!byClock) LIMITERS.set(config, byClock = new WeakMap());
  if (!byClock.has(clock)) byClock.set(clock, rateLimiterFor(config.qps, config.burst, { clock }));
  return byClock.get(clock);
}

/**
 * Makes requests against one API group version of one server. Each verb method returns a new
 * {@linkcode Request} to complete and send.
 *
 * @example
 * ```ts
 * import { type RestConfig, restClientFor } from "@kubeweb/client/rest";
 * import type { PodList } from "@kubeweb/client/clientset/core/v1";
 *
 * declare const config: RestConfig;
 * const core = restClientFor(config, { apiPath: "/api", groupVersion: "v1" });
 * const pods = (await core.get().namespace("default").resource("pods").param("limit", 10).do()).into<PodList>();
 * ```
 */
export class RESTClient {
  /** The configuration the client was made from. */
  readonly config: RestConfig;
  /** "/api", "/apis" or "". */
  readonly apiPath: string;
  /** "v1", "apps/v1" or "". */
  readonly groupVersion: string;
  #ctx: RequestContext;
  #ownTransport: Transport | undefined;
  #runtime: Runtime | undefined;

  /** Creates the client; prefer {@linkcode restClientFor}. */
  constructor(config: RestConfig, options: RESTClientOptions) {
    this.config = config;
    this.apiPath = options.apiPath;
    this.groupVersion = options.groupVersion;
    this.#ownTransport = options.transport;
    this.#runtime = options.runtime;
    const clock = options.clock ?? REAL_CLOCK;
    const rateLimiter = options.rateLimiter === null
      ? undefined
      : options.rateLimiter ?? sharedRateLimiter(config, clock);
    const runtimeName = options.transport?.runtime ?? (options.runtime ?? detectRuntime()).name;
    const explicitHandler = options.warningHandler;
    this.#ctx = {
      config,
      apiPath: options.apiPath,
      groupVersion: options.groupVersion,
      transport: () => this.transport(),
      rateLimiter,
      clock,
      maxRetries: Math.max(0, options.maxRetries ?? 10),
      maxConnectionRetries: Math.max(0, options.maxConnectionRetries ?? 3),
      // Read the default at each request, so setDefaultWarningHandler applies to existing clients.
      get warningHandler(): WarningHandler {
        return explicitHandler ?? defaultWarningHandler();
      },
      userAgent: config.userAgent || `kubeweb/${KUBEWEB_VERSION} (${runtimeName})`,
      random: options.random,
      responseHeaderTimeoutMs: options.responseHeaderTimeoutMs,
      watchIdleTimeoutMs: options.watchIdleTimeoutMs,
      watchDeadlineGraceMs: options.watchDeadlineGraceMs,
      // A deadline passed: drop the shared pool (the next request builds a new one). A transport the
      // caller gave is theirs to manage.
      dropConnections: (transport: Transport) => {
        if (!this.#ownTransport) transport.close();
      },
    };
    // Build the transport now, so a configuration the runtime cannot serve (a client certificate or a
    // custom CA on an edge runtime) fails here with a RuntimeCapabilityError, not at the first request.
    if (!this.#ownTransport) this.transport();
  }

  /** The transport requests go through (the configuration's shared one unless one was given). */
  transport(): Transport {
    return this.#ownTransport ?? transportFor(this.config, { runtime: this.#runtime });
  }

  /** The client-side rate limiter, if any. */
  get rateLimiter(): RateLimiter | undefined {
    return this.#ctx.rateLimiter;
  }

  /** A request with any HTTP method. */
  verb(verb: string): Request {
    return new Request(this.#ctx, verb);
  }

  /** A GET request. */
  get(): Request {
    return this.verb("GET");
  }

  /** A POST request. */
  post(): Request {
    return this.verb("POST");
  }

  /** A PUT request. */
  put(): Request {
    return this.verb("PUT");
  }

  /** A DELETE request. */
  delete(): Request {
    return this.verb("DELETE");
  }

  /** A PATCH request; the patch type sets the `Content-Type`. */
  patch(patchType: PatchType): Request {
    return new Request(this.#ctx, "PATCH", patchType);
  }

  /**
   * Releases the pooled connections of the transport (shared with every client made from the same
   * configuration). Later requests open new connections.
   */
  close(): void {
    this.transport().close();
  }

  /** Closes the client's transport, as {@linkcode RESTClient.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

/**
 * Makes a {@linkcode RESTClient} for one group version of the server in `config` (client-go's
 * `rest.RESTClientFor`). Clients made from the same configuration object share its transport and its
 * rate limiter.
 *
 * @example
 * ```ts
 * import { loadRestConfig, restClientFor } from "@kubeweb/client/rest";
 *
 * const config = await loadRestConfig();
 * const apps = restClientFor(config, { apiPath: "/apis", groupVersion: "apps/v1" });
 * const res = await apps.get().namespace(config.namespace).resource("deployments").do();
 * console.log(res.statusCode, res.warnings);
 * const raw = restClientFor(config, { apiPath: "", groupVersion: "" });
 * console.log((await raw.get().absPath("/version").do()).into<{ gitVersion: string }>().gitVersion);
 * ```
 */
export function restClientFor(config: RestConfig, options: RESTClientOptions): RESTClient {
  return new RESTClient(config, options);
}
