/**
 * {@linkcode WebSocketConnection} over a standard `WebSocket` object: the global constructor (Deno, Bun,
 * Node 22+, browsers), or the socket of a `fetch` upgrade on workerd. A standard WebSocket cannot set
 * headers, so a bearer token travels in the `base64url.bearer.authorization.k8s.io.<token>` subprotocol,
 * which the API server accepts and strips.
 *
 * The standard socket has no read backpressure: messages are queued until read, up to a bound
 * (64 MiB by default), beyond which the connection is closed with 1009 rather than growing.
 *
 * @module
 */
import type {
  WebSocketCloseInfo,
  WebSocketConnection,
  WebSocketConnectOptions,
  WebSocketMessage,
} from "./websocket.ts";
import { WebSocketHandshakeError } from "./websocket.ts";

/** The subset of the standard WebSocket interface used here. */
export interface StandardWebSocket {
  binaryType: string;
  readonly protocol: string;
  readonly readyState: number;
  readonly bufferedAmount?: number;
  send(data: string | ArrayBufferView | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (ev: Event) => void): void;
}

/** The subprotocol carrying a bearer token (base64url, no padding). */
export function bearerProtocol(token: string): string {
  const bytes = new TextEncoder().encode(token);
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return `base64url.bearer.authorization.k8s.io.${
    btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
  }`;
}

/** The bearer token of an `Authorization` header among `headers`, if any; throws for other schemes. */
export function bearerTokenOf(headers: [string, string][], runtime: string): string | undefined {
  const auth = headers.find(([k]) => k.toLowerCase() === "authorization");
  if (!auth) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(auth[1]);
  if (!m) {
    throw new TypeError(
      `The ${runtime} runtime's WebSocket cannot send this Authorization scheme; use a bearer token`,
    );
  }
  return m[1].trim();
}

/**
 * True when a standard WebSocket can carry these upgrade headers: nothing but a bearer `Authorization`
 * (sent as a subprotocol) and `User-Agent` (which the runtime sets itself).
 */
export function standardCanCarry(headers: [string, string][]): boolean {
  return headers.every(([k, v]) => {
    const name = k.toLowerCase();
    return name === "user-agent" || (name === "authorization" && /^Bearer\s+\S/i.test(v));
  });
}

/** Wraps an already created (connecting or open) standard WebSocket. */
export function wrapStandardWebSocket(
  ws: StandardWebSocket,
  offered: string[],
  options: {
    signal?: AbortSignal;
    maxQueuedBytes?: number;
    /** Set for a socket that is already open (a `fetch` upgrade): its negotiated subprotocol. */
    protocol?: string;
  } = {},
): Promise<WebSocketConnection> {
  ws.binaryType = "arraybuffer";
  const max = options.maxQueuedBytes ?? 64 * 1024 * 1024;
  let resolveClosed!: (info: WebSocketCloseInfo) => void;
  const closed = new Promise<WebSocketCloseInfo>((r) => resolveClosed = r);
  let controller!: ReadableStreamDefaultController<WebSocketMessage>;
  let ended = false;
  const readable = new ReadableStream<WebSocketMessage>({
    start: (c) => {
      controller = c;
    },
    cancel: () => ws.close(1000),
  }, {
    highWaterMark: max,
    size: (m) => typeof m === "string" ? m.length : m.byteLength,
  });
  return new Promise<WebSocketConnection>((resolve, reject) => {
    let open = false;
    const onAbort = () => ws.close(1000);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const conn: WebSocketConnection = {
      get protocol(): string {
        return options.protocol ?? ws.protocol;
      },
      readable,
      closed,
      send(message: WebSocketMessage): Promise<void> {
        if (ended || (options.protocol === undefined && ws.readyState !== 1)) {
          return Promise.reject(new TypeError("The WebSocket connection is closed"));
        }
        ws.send(message);
        // Wait while the socket's send buffer is large, so writers feel backpressure.
        return (async () => {
          while ((ws.bufferedAmount ?? 0) > 1024 * 1024 && ws.readyState === 1) {
            await new Promise((r) => setTimeout(r, 5));
          }
        })();
      },
      close(code = 1000, reason = ""): void {
        if (ws.readyState <= 1) ws.close(code, reason);
      },
    };
    ws.addEventListener("open", () => {
      open = true;
      const p = ws.protocol;
      if (offered.length > 0 && !offered.includes(p)) {
        ws.close(1002);
        reject(
          new WebSocketHandshakeError(
            p
              ? `The server chose the subprotocol ${JSON.stringify(p)}, which was not offered`
              : "The server accepted none of the offered subprotocols",
            101,
            new Headers(),
            "",
          ),
        );
        return;
      }
      resolve(conn);
    });
    ws.addEventListener("message", (ev) => {
      const data = (ev as MessageEvent).data;
      const m: WebSocketMessage = typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer);
      if (ended) return;
      if ((controller.desiredSize ?? 0) <= 0) {
        ws.close(1009, "reader too slow");
        controller.error(
          new RangeError(`More than ${max} bytes of WebSocket messages are waiting to be read`),
        );
        ended = true;
        return;
      }
      controller.enqueue(m);
    });
    ws.addEventListener("error", (ev) => {
      if (!open) {
        const msg = (ev as ErrorEvent).message;
        reject(
          new WebSocketHandshakeError(
            `The WebSocket connection failed${msg ? `: ${msg}` : ""}`,
            0,
            new Headers(),
            "",
          ),
        );
      }
    });
    ws.addEventListener("close", (ev) => {
      const e = ev as CloseEvent;
      options.signal?.removeEventListener("abort", onAbort);
      if (!open) {
        reject(
          new WebSocketHandshakeError(
            `The WebSocket connection closed before opening (code ${e.code}${
              e.reason ? `: ${e.reason}` : ""
            })`,
            0,
            new Headers(),
            "",
          ),
        );
      }
      if (!ended) {
        ended = true;
        try {
          controller.close();
        } catch { /* already errored */ }
      }
      resolveClosed({ code: e.code, reason: e.reason });
    });
    if (options.protocol !== undefined) {
      open = true;
      resolve(conn);
    }
  });
}

/** Opens a connection with the global `WebSocket`, the bearer token (if any) as a subprotocol. */
export function connectStandardWebSocket(
  url: string,
  options: WebSocketConnectOptions,
  runtime: string,
): Promise<WebSocketConnection> {
  const Ctor = (globalThis as { WebSocket?: new (url: string, protocols: string[]) => StandardWebSocket })
    .WebSocket;
  if (!Ctor) throw new TypeError(`The ${runtime} runtime has no global WebSocket`);
  const token = bearerTokenOf(options.headers, runtime);
  const protocols = token ? [...options.protocols, bearerProtocol(token)] : options.protocols;
  const wsUrl = url.replace(/^http/, "ws");
  return wrapStandardWebSocket(new Ctor(wsUrl, protocols), options.protocols, { signal: options.signal });
}
