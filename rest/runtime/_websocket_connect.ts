/**
 * The WebSocket connectors of the Deno, Bun and Node transports: the standard `WebSocket` when the
 * settings need nothing it lacks (no client certificate, custom CA, server name or skipped verification),
 * else kubeweb's RFC 6455 client over a TLS socket: `Deno.connectTls` on Deno, `node:tls` on Bun, Node
 * (and on Deno for a server name or skipped verification, which `Deno.connectTls` cannot do). The Deno
 * socket opener lives in deno.ts. The clients themselves are loaded by the first connection: a
 * program that opens no WebSocket never evaluates them.
 *
 * @module
 */
import type * as NodeNet from "node:net";
import type * as NodeTls from "node:tls";
import {
  type ByteSocket,
  type ListenTcpOptions,
  RuntimeCapabilityError,
  type TcpListener,
  type TlsOptions,
} from "./runtime.ts";
import type { WebSocketConnection, WebSocketConnectOptions, WebSocketConnector } from "./websocket.ts";
import { nodeBuiltin } from "./_node_https.ts";

/** How a runtime opens a raw socket to `url`'s host and port. */
export type SocketOpener = (url: URL, tls: TlsOptions) => Promise<ByteSocket>;

export function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/** A `node:net`/`node:tls` socket as a byte stream pair, with backpressure both ways. */
export function nodeByteSocket(socket: NodeNet.Socket): ByteSocket {
  let ended = false;
  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      socket.on("data", (chunk: Uint8Array) => {
        if (ended) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) socket.pause();
      });
      socket.on("end", () => {
        if (!ended) {
          ended = true;
          controller.close();
        }
      });
      socket.on("error", (e: Error) => {
        if (!ended) {
          ended = true;
          controller.error(e);
        }
      });
      socket.on("close", () => {
        if (!ended) {
          ended = true;
          controller.close();
        }
      });
    },
    pull() {
      socket.resume();
    },
    cancel() {
      ended = true;
      socket.destroy();
    },
  }, { highWaterMark: 4 });
  const writable = new WritableStream<Uint8Array>({
    write(chunk) {
      return new Promise<void>((resolve, reject) => {
        socket.write(chunk, (e?: Error | null) => e ? reject(e) : resolve());
      });
    },
    close() {
      socket.end();
    },
    abort() {
      socket.destroy();
    },
  });
  return { readable, writable, close: () => socket.destroy() };
}

/** Opens a TLS (or, for `http:`, TCP) socket with `node:tls`/`node:net`. */
export function nodeSocketOpener(runtime: string): SocketOpener {
  return (url, tls) => {
    const netMod = nodeBuiltin<typeof NodeNet>("node:net");
    const tlsMod = nodeBuiltin<typeof NodeTls>("node:tls");
    if (!netMod || !tlsMod) {
      throw new RuntimeCapabilityError(runtime, "load node:tls", "use Node 20.16 or later, Deno or Bun");
    }
    return new Promise<ByteSocket>((resolve, reject) => {
      const host = hostOf(url);
      const socket: NodeNet.Socket = url.protocol === "https:"
        ? tlsMod.connect({
          host,
          port: portOf(url),
          ca: tls.caPem,
          cert: tls.certPem,
          key: tls.keyPem,
          servername: tls.serverName ?? (netMod.isIP(host) ? undefined : host),
          rejectUnauthorized: !tls.insecureSkipVerify,
          ALPNProtocols: ["http/1.1"],
        })
        : netMod.connect({ host, port: portOf(url) });
      const ready = url.protocol === "https:" ? "secureConnect" : "connect";
      socket.once(ready, () => {
        socket.off("error", reject);
        resolve(nodeByteSocket(socket));
      });
      socket.once("error", reject);
    });
  };
}

/**
 * Builds the WebSocket connector of a transport with these TLS settings. The standard WebSocket is used
 * only when the headers are nothing but a bearer token (impersonation and basic auth need our client). `open` opens the socket for
 * kubeweb's own client; `standard` says whether the runtime's global `WebSocket` may be used when the
 * settings allow it.
 */
export function webSocketConnector(
  tls: TlsOptions,
  runtime: string,
  open: SocketOpener,
  standard: boolean,
): WebSocketConnector {
  if (Boolean(tls.certPem) !== Boolean(tls.keyPem)) {
    throw new TypeError("A client certificate and its key must be given together");
  }
  const plain = !tls.caPem && !tls.certPem && !tls.serverName && !tls.insecureSkipVerify;
  return async (url: string, options: WebSocketConnectOptions): Promise<WebSocketConnection> => {
    if (tls.proxyUrl) {
      throw new RuntimeCapabilityError(
        runtime,
        "open a WebSocket through a proxy-url",
        "reach the API server directly (or through a tunnel such as kubectl proxy) for exec, attach and port-forward",
      );
    }
    const u = new URL(url);
    if (u.protocol !== "https:" && u.protocol !== "http:") {
      throw new TypeError(`A WebSocket URL must be https: or http:, got ${JSON.stringify(u.protocol)}`);
    }
    if (u.protocol === "http:" && options.headers.some(([k]) => k.toLowerCase() === "authorization")) {
      throw new TypeError("Refusing to send credentials over plain http; use https");
    }
    if (plain && standard && typeof (globalThis as { WebSocket?: unknown }).WebSocket === "function") {
      const ws = await import("./_websocket_standard.ts");
      if (ws.standardCanCarry(options.headers)) {
        return await ws.connectStandardWebSocket(url, options, runtime);
      }
    }
    const { openWebSocket } = await import("./_websocket_client.ts");
    options.signal?.throwIfAborted();
    const socket = await open(u, tls);
    return await openWebSocket(socket, {
      url: u,
      protocols: options.protocols,
      headers: options.headers,
      signal: options.signal,
    });
  };
}

/** Listens with `node:net` (Node and Bun). */
export function nodeListenTcp(runtime: string): (options: ListenTcpOptions) => Promise<TcpListener> {
  return (options) => {
    const netMod = nodeBuiltin<typeof NodeNet>("node:net");
    if (!netMod) throw new RuntimeCapabilityError(runtime, "load node:net", "use Node 20.16 or later or Bun");
    const queue: ByteSocket[] = [];
    let wake: (() => void) | undefined;
    let closed = false;
    const server = netMod.createServer((socket: NodeNet.Socket) => {
      queue.push(nodeByteSocket(socket));
      wake?.();
    });
    return new Promise<TcpListener>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, options.hostname ?? "127.0.0.1", () => {
        server.off("error", reject);
        const address = server.address() as { port: number };
        resolve({
          port: address.port,
          connections: {
            async *[Symbol.asyncIterator]() {
              while (true) {
                const next = queue.shift();
                if (next) {
                  yield next;
                  continue;
                }
                if (closed) return;
                await new Promise<void>((r) => wake = r);
              }
            },
          },
          close(): void {
            if (closed) return;
            closed = true;
            server.close();
            wake?.();
          },
        });
      });
    });
  };
}
