/**
 * {@linkcode transportFor}: the {@linkcode Transport} of a {@linkcode RestConfig}, built once per
 * configuration object and shared by every client made from it (one connection pool).
 *
 * @module
 */
import type { Runtime, TlsOptions, Transport } from "./runtime/runtime.ts";
import type { WebSocketConnection, WebSocketConnectOptions } from "./runtime/websocket.ts";
import { detectRuntime } from "./runtime/detect.ts";
import { type RestConfig, restConfigTlsOptions } from "./rest_config.ts";
import type { ExecAuthProvider } from "./exec_credential.ts";

/** Options of {@linkcode transportFor}. */
export interface TransportForOptions {
  /** The runtime that builds the transport (default: the detected one). */
  runtime?: Runtime;
}

/** A transport that `await using` closes: `[Symbol.asyncDispose]` is `close()`. */
export type DisposableTransport = Transport & AsyncDisposable;

const CACHE = new WeakMap<RestConfig, WeakMap<Runtime, DisposableTransport>>();

/**
 * A transport whose client certificate comes from an exec credential plugin: before each request it
 * asks the plugin for the current credential (cached by the plugin until it expires) and builds a new
 * inner transport when the certificate changed. Replaced transports are closed on `close()`.
 */
class ExecTlsTransport implements Transport {
  readonly runtime: string;
  #runtime: Runtime;
  #base: TlsOptions;
  #exec: ExecAuthProvider;
  #current: Transport | undefined;
  #currentKey = "";
  #retired: Transport[] = [];

  constructor(runtime: Runtime, base: TlsOptions, exec: ExecAuthProvider) {
    this.runtime = runtime.name;
    this.#runtime = runtime;
    this.#base = base;
    this.#exec = exec;
  }

  async #transport(signal: AbortSignal | undefined): Promise<Transport> {
    const c = await this.#exec.getCredential(signal);
    const key = c.certPem && c.keyPem ? `${c.certPem}\n${c.keyPem}` : "";
    if (!this.#current || key !== this.#currentKey) {
      const tls: TlsOptions = { ...this.#base };
      if (c.certPem && c.keyPem) {
        tls.certPem = c.certPem;
        tls.keyPem = c.keyPem;
      }
      if (this.#current) this.#retired.push(this.#current);
      this.#current = this.#runtime.createTransport(tls);
      this.#currentKey = key;
    }
    return this.#current;
  }

  async fetch(input: Request | string | URL, init?: RequestInit): Promise<Response> {
    const t = await this.#transport(init?.signal ?? undefined);
    return t.fetch(input, init);
  }

  async connectWebSocket(url: string, options: WebSocketConnectOptions): Promise<WebSocketConnection> {
    const t = await this.#transport(options.signal);
    if (!t.connectWebSocket) throw new TypeError(`The ${this.runtime} transport cannot open WebSockets`);
    return await t.connectWebSocket(url, options);
  }

  close(): void {
    for (const t of this.#retired) t.close();
    this.#retired = [];
    this.#current?.close();
    this.#current = undefined;
    this.#currentKey = "";
  }
}

/** A cached transport that drops itself from the cache when closed, so the next use builds a new one. */
function cached(config: RestConfig, runtime: Runtime, inner: Transport): DisposableTransport {
  let closed = false;
  const wrapper: DisposableTransport = {
    runtime: inner.runtime,
    fetch: (input, init) => inner.fetch(input, init),
    connectWebSocket: inner.connectWebSocket
      ? (url, options) => inner.connectWebSocket!(url, options)
      : undefined,
    close(): void {
      if (closed) return;
      closed = true;
      const byRuntime = CACHE.get(config);
      if (byRuntime?.get(runtime) === wrapper) byRuntime.delete(runtime);
      inner.close();
    },
    [Symbol.asyncDispose](): Promise<void> {
      wrapper.close();
      return Promise.resolve();
    },
  };
  return wrapper;
}

/**
 * Returns the transport for `config`: TLS settings (CA, client certificate, server name, insecure
 * skip, proxy) from the configuration, a client certificate from an exec plugin when it provides one.
 * The same configuration object always gets the same transport, so every client built from it shares
 * one connection pool. `close()` on it (or `await using`) releases the connections; the next call
 * builds a new one.
 *
 * @throws {RuntimeCapabilityError} when the runtime cannot honour the TLS settings (for example a
 * client certificate on an edge runtime).
 *
 * @example
 * ```ts
 * import { loadRestConfig, transportFor } from "@kubeweb/client/rest";
 *
 * const config = await loadRestConfig();
 * const res = await transportFor(config).fetch(`${config.host}/version`);
 * ```
 */
export function transportFor(config: RestConfig, options: TransportForOptions = {}): DisposableTransport {
  const runtime = options.runtime ?? detectRuntime();
  let byRuntime = CACHE.get(config);
  if (!byRuntime) CACHE.set(config, byRuntime = new WeakMap());
  const hit = byRuntime.get(runtime);
  if (hit) return hit;
  const tls = restConfigTlsOptions(config);
  const inner = config.tlsFromExec
    ? new ExecTlsTransport(runtime, tls, config.tlsFromExec)
    : runtime.createTransport(tls);
  const transport = cached(config, runtime, inner);
  byRuntime.set(runtime, transport);
  return transport;
}
