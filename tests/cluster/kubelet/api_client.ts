/**
 * The test kubelet's own small API client: plain `fetch` with the admin client certificate. The kubelet is
 * test infrastructure, so it does not use the library under test.
 *
 * @module
 */

/** Connection facts of the API server, as in the kubelet's config file. */
export interface ApiClientOptions {
  server: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** A failed API request: `status` is the HTTP status (0 when the server could not be reached). */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly reason: string;
  constructor(message: string, status: number, reason: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
    this.reason = reason;
  }
}

const REQUEST_TIMEOUT_MS = 15_000;

/** One event of a watch stream. */
export interface WatchEvent<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}

/** JSON requests and watch streams against one API server. */
export class ApiClient {
  readonly server: string;
  #client: Deno.HttpClient;

  constructor(options: ApiClientOptions) {
    this.server = options.server;
    this.#client = Deno.createHttpClient({
      caCerts: [options.caPem],
      cert: options.certPem,
      key: options.keyPem,
    });
  }

  /**
   * Sends a request and returns the decoded JSON body; throws {@linkcode ApiError} on a non-2xx status, and
   * with status 0 when the server cannot be reached or does not answer within 15 s.
   */
  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    options: { contentType?: string; signal?: AbortSignal } = {},
  ): Promise<T> {
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.server}${path}`, {
        method,
        client: this.#client,
        signal,
        headers: body === undefined ? {} : { "content-type": options.contentType ?? "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      text = await res.text();
    } catch (e) {
      throw new ApiError(`${method} ${path}: ${e instanceof Error ? e.message : e}`, 0, "Unreachable", {
        cause: e,
      });
    }
    if (!res.ok) {
      let reason = res.statusText;
      let message = text.slice(0, 500);
      try {
        const s = JSON.parse(text);
        reason = s.reason ?? reason;
        message = s.message ?? message;
      } catch { /* not a Status */ }
      throw new ApiError(`${method} ${path}: ${res.status} ${message}`, res.status, reason);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A JSON merge patch (RFC 7386). */
  mergePatch<T = unknown>(path: string, patch: unknown, signal?: AbortSignal): Promise<T> {
    return this.request<T>("PATCH", path, patch, { contentType: "application/merge-patch+json", signal });
  }

  /**
   * Streams the events of a watch request (`path` must carry `watch=1`) until the server ends it, or until
   * `maxMs` have passed (so a connection that died silently cannot stall the watch for ever).
   */
  async *watch<T>(path: string, signal: AbortSignal, maxMs: number): AsyncGenerator<WatchEvent<T>> {
    signal = AbortSignal.any([signal, AbortSignal.timeout(maxMs)]);
    let res: Response;
    try {
      res = await fetch(`${this.server}${path}`, { client: this.#client, signal });
    } catch (e) {
      throw new ApiError(`watch ${path}: ${e instanceof Error ? e.message : e}`, 0, "Unreachable", {
        cause: e,
      });
    }
    if (!res.ok || !res.body) {
      const text = await res.text();
      throw new ApiError(`watch ${path}: ${res.status} ${text.slice(0, 300)}`, res.status, res.statusText);
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += value;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) yield JSON.parse(line) as WatchEvent<T>;
        }
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
  }

  close(): void {
    this.#client.close();
  }
}
