/**
 * Port-forward over WebSocket (`pods/portforward`, subprotocols `v4.channel.k8s.io` and
 * `v4.base64.channel.k8s.io`): one WebSocket per forwarded TCP connection, the port in `?ports=`, a data
 * (0) and an error (1) channel whose first frames carry the port number. {@linkcode portForwardStream}
 * gives one connection as a byte stream pair on every runtime; {@linkcode portForward} listens on a local
 * TCP port (Deno, Bun, Node) and forwards each accepted connection.
 *
 * A WebSocket cannot half-close: when the local side ends its output, the connection stays open until
 * the pod's side closes it (or the local socket fails).
 *
 * @module
 */
import type { RESTClient } from "./rest_client.ts";
import { detectRuntime } from "./runtime/detect.ts";
import { type ByteSocket, type Runtime, RuntimeCapabilityError } from "./runtime/runtime.ts";
import { ChannelDemux, channelWriter } from "./_stream_channels.ts";

/** The subprotocols offered for port-forward. */
export const PORT_FORWARD_PROTOCOLS: readonly string[] = ["v4.channel.k8s.io", "v4.base64.channel.k8s.io"];

/** The pod side reported an error on the port's error channel (for example, nothing listens there). */
export class PortForwardError extends Error {
  /** The pod's port. */
  readonly port: number;
  /** Creates the error. */
  constructor(port: number, message: string, options?: ErrorOptions) {
    super(`Port-forward to port ${port} failed: ${message}`, options);
    this.name = "PortForwardError";
    this.port = port;
  }
}

/** Options of {@linkcode portForwardStream}. */
export interface PortForwardStreamOptions {
  /** Closes the connection when aborted. */
  signal?: AbortSignal;
  /** The subprotocols to offer (default {@linkcode PORT_FORWARD_PROTOCOLS}). */
  protocols?: string[];
}

/** One forwarded connection. */
export interface PortForwardStream {
  /** The negotiated subprotocol. */
  readonly protocol: string;
  /** Bytes from the pod's port; errors with a {@linkcode PortForwardError} when the pod side failed. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Bytes to the pod's port. Closing it stops sending (the connection stays open for the answer). */
  readonly writable: WritableStream<Uint8Array>;
  /** Resolves when the connection has ended. */
  readonly closed: Promise<void>;
  /** Closes the connection. */
  close(): void;
}

function checkPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`${what} must be an integer from 1 to 65535, got ${port}`);
  }
}

/**
 * Opens one forwarded connection to `port` of the pod.
 *
 * @param client A REST client of the core group.
 * @param namespace The pod's namespace.
 * @param name The pod's name.
 * @param port The pod's port.
 * @param options Signal and protocols.
 * @returns The connection's byte streams.
 *
 * @example
 * ```ts
 * import { loadRestConfig, portForwardStream, restClientFor } from "@kubeweb/client/rest";
 * const core = restClientFor(await loadRestConfig(), { apiPath: "/api", groupVersion: "v1" });
 * const s = await portForwardStream(core, "default", "web", 8080);
 * await s.writable.getWriter().write(new TextEncoder().encode("GET / HTTP/1.0\r\n\r\n"));
 * ```
 */
export async function portForwardStream(
  client: RESTClient,
  namespace: string,
  name: string,
  port: number,
  options: PortForwardStreamOptions = {},
): Promise<PortForwardStream> {
  checkPort(port, "The pod's port");
  const conn = await client.get().namespace(namespace).resource("pods").name(name).subResource("portforward")
    .param("ports", port).signal(options.signal).webSocket(options.protocols ?? [...PORT_FORWARD_PROTOCOLS]);
  let errorText = "";
  const decoder = new TextDecoder();
  // The first frame of each channel is the port number (2 bytes, little-endian).
  const demux = new ChannelDemux(conn, [0, 1], (_channel, data) => data.length === 2);
  const errors = (async () => {
    for await (const chunk of demux.stream(1)) {
      if (errorText.length < 64 * 1024) errorText += decoder.decode(chunk, { stream: true });
    }
  })().catch(() => {});
  const data = demux.stream(0).getReader();
  const readable = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await data.read();
      if (!done) return controller.enqueue(value);
      await errors;
      if (errorText) controller.error(new PortForwardError(port, errorText));
      else controller.close();
      conn.close();
    },
    cancel() {
      conn.close();
    },
  });
  return {
    protocol: conn.protocol,
    readable,
    writable: channelWriter(conn, 0, () => {}),
    closed: conn.closed.then(() => {}),
    close: () => conn.close(),
  };
}

/** Options of {@linkcode portForward}. */
export interface PortForwardOptions extends PortForwardStreamOptions {
  /** The pod's port. */
  remotePort: number;
  /** The local port (default 0: a free one, see `listener.port`). */
  localPort?: number;
  /** The local address (default "127.0.0.1"). */
  hostname?: string;
  /** The runtime that listens (default: the detected one). */
  runtime?: Runtime;
  /** Receives the error of a connection that could not be forwarded (default: ignored). */
  onError?: (error: unknown) => void;
}

/** A local TCP listener forwarding to a pod's port. */
export interface PortForwarder extends AsyncDisposable {
  /** The local port. */
  readonly port: number;
  /** Connections forwarded so far. */
  readonly connections: number;
  /** Stops listening and closes the forwarded connections. */
  close(): Promise<void>;
}

async function forwardOne(local: ByteSocket, remote: PortForwardStream): Promise<void> {
  const toPod = local.readable.pipeTo(remote.writable).catch(() => remote.close());
  try {
    await remote.readable.pipeTo(local.writable);
  } finally {
    remote.close();
    local.close();
    await toPod.catch(() => {});
  }
}

/**
 * Listens on a local TCP port and forwards every accepted connection to `remotePort` of the pod, each
 * over its own WebSocket (kubectl port-forward).
 *
 * @param client A REST client of the core group.
 * @param namespace The pod's namespace.
 * @param name The pod's name.
 * @param options The ports, address, signal and error callback.
 * @returns The listener; close it (or `await using`) to stop.
 *
 * @example
 * ```ts
 * import { loadRestConfig, portForward, restClientFor } from "@kubeweb/client/rest";
 * const core = restClientFor(await loadRestConfig(), { apiPath: "/api", groupVersion: "v1" });
 * await using fwd = await portForward(core, "default", "web", { remotePort: 8080 });
 * console.log(await (await fetch(`http://127.0.0.1:${fwd.port}/`)).text());
 * ```
 */
export async function portForward(
  client: RESTClient,
  namespace: string,
  name: string,
  options: PortForwardOptions,
): Promise<PortForwarder> {
  checkPort(options.remotePort, "remotePort");
  if (options.localPort !== undefined && options.localPort !== 0) checkPort(options.localPort, "localPort");
  const runtime = options.runtime ?? detectRuntime();
  if (!runtime.listenTcp) {
    throw new RuntimeCapabilityError(
      runtime.name,
      "listen on a TCP port",
      "use portForwardStream for a byte stream pair per connection",
    );
  }
  const listener = await runtime.listenTcp({ hostname: options.hostname, port: options.localPort ?? 0 });
  const open = new Set<{ local: ByteSocket; remote?: PortForwardStream }>();
  let count = 0;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    listener.close();
    for (const c of open) {
      c.remote?.close();
      c.local.close();
    }
    await accepting.catch(() => {});
  };
  options.signal?.addEventListener("abort", () => void close(), { once: true });
  const accepting = (async () => {
    for await (const local of listener.connections) {
      count++;
      const entry: { local: ByteSocket; remote?: PortForwardStream } = { local };
      open.add(entry);
      void (async () => {
        try {
          entry.remote = await portForwardStream(client, namespace, name, options.remotePort, options);
          await forwardOne(local, entry.remote);
        } catch (e) {
          local.close();
          if (!closed) options.onError?.(e);
        } finally {
          open.delete(entry);
        }
      })();
    }
  })();
  return {
    port: listener.port,
    get connections(): number {
      return count;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
