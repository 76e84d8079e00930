/**
 * The plain web runtime (Cloudflare workerd and any other runtime with only `fetch`): the global
 * `fetch`, nothing else. No custom CA, client certificate, TLS override or proxy; no files, environment
 * or processes.
 *
 * @module
 */
import { type Runtime, RuntimeCapabilityError, type TlsOptions, type Transport } from "./runtime.ts";
import type { WebSocketConnection, WebSocketConnectOptions } from "./websocket.ts";
import { WebSocketHandshakeError } from "./websocket.ts";
import type { StandardWebSocket } from "./_websocket_standard.ts";

/** The WebSocket of a workerd `fetch` upgrade answer. */
interface UpgradeResponse extends Response {
  webSocket?: StandardWebSocket & { accept(): void };
}

/**
 * Opens a WebSocket. On workerd through `fetch` with `Upgrade: websocket`, which carries any header
 * (the `Authorization` bearer token included); elsewhere with the global `WebSocket`, the bearer token
 * in its subprotocol.
 */
async function webSocket(url: string, options: WebSocketConnectOptions): Promise<WebSocketConnection> {
  // Loaded by the first connection: a program that opens no WebSocket never evaluates it.
  const { connectStandardWebSocket, standardCanCarry, wrapStandardWebSocket } = await import(
    "./_websocket_standard.ts"
  );
  const u = new URL(url);
  if (u.protocol === "http:" && options.headers.some(([k]) => k.toLowerCase() === "authorization")) {
    throw new TypeError("Refusing to send credentials over plain http; use https");
  }
  const isWorkerd = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ===
    "Cloudflare-Workers";
  if (!isWorkerd) {
    if (!standardCanCarry(options.headers)) {
      throw new RuntimeCapabilityError(
        "web",
        "send impersonation or basic-auth headers with the standard WebSocket",
        "use a bearer token without impersonation for exec, attach and port-forward on this runtime",
      );
    }
    return await connectStandardWebSocket(url, options, "web");
  }
  const headers = new Headers(options.headers);
  headers.set("Upgrade", "websocket");
  if (options.protocols.length > 0) headers.set("Sec-WebSocket-Protocol", options.protocols.join(", "));
  const res = await globalThis.fetch(url, { headers, signal: options.signal }) as UpgradeResponse;
  const ws = res.webSocket;
  if (res.status !== 101 || !ws) {
    const body = await res.text().catch(() => "");
    throw new WebSocketHandshakeError(
      `The server refused the WebSocket upgrade with HTTP ${res.status}`,
      res.status,
      res.headers,
      body.slice(0, 64 * 1024),
    );
  }
  const protocol = res.headers.get("sec-websocket-protocol") ?? "";
  if (options.protocols.length > 0 && !options.protocols.includes(protocol)) {
    ws.close(1002);
    throw new WebSocketHandshakeError(
      `The server accepted none of the subprotocols ${options.protocols.join(", ")}`,
      res.status,
      res.headers,
      "",
    );
  }
  const opened = wrapStandardWebSocket(ws, [], { signal: options.signal, protocol });
  ws.accept();
  return await opened;
}

const WAY_OUT =
  "use a bearer token to an API server whose certificate this runtime already trusts, or configure the " +
  "client certificate (mTLS) in the worker's own configuration and connect without it in the kubeconfig";

function createWebTransport(tls: TlsOptions): Transport {
  const wanted: string[] = [];
  if (tls.caPem) wanted.push("a custom certificate authority");
  if (tls.certPem || tls.keyPem) wanted.push("a client certificate");
  if (tls.serverName) wanted.push("a TLS server name");
  if (tls.insecureSkipVerify) wanted.push("insecure-skip-tls-verify");
  if (tls.proxyUrl) wanted.push("a proxy-url");
  if (wanted.length > 0) {
    const list = wanted.length === 1
      ? wanted[0]
      : `${wanted.slice(0, -1).join(", ")} and ${wanted[wanted.length - 1]}`;
    throw new RuntimeCapabilityError("web", `use ${list} with fetch`, WAY_OUT);
  }
  return {
    runtime: "web",
    fetch: (input, init) => globalThis.fetch(input, init),
    connectWebSocket: webSocket,
    close(): void {/* the runtime owns its connections */},
  };
}

/**
 * The web-standards-only implementation of {@linkcode Runtime}: `createTransport` throws
 * {@linkcode RuntimeCapabilityError} for any TLS or proxy setting.
 *
 * @example
 * ```ts
 * import { webRuntime } from "@kubeweb/client/rest";
 * const transport = webRuntime.createTransport({});
 * transport.close();
 * ```
 */
export const webRuntime: Runtime = {
  name: "web",
  createTransport: createWebTransport,
};
