/**
 * The WebSocket part of the {@linkcode Transport} interface: one message-based connection type that every
 * runtime provides, either through its standard `WebSocket` (when that can carry the credentials) or
 * through kubeweb's small RFC 6455 client over the runtime's TLS socket (client certificates, a custom CA).
 *
 * @module
 */

/** One WebSocket message: binary messages are bytes, text messages strings. */
export type WebSocketMessage = Uint8Array | string;

/** How a WebSocket connection ended. */
export interface WebSocketCloseInfo {
  /** The close code (1000 normal, 1005 none given, 1006 the connection dropped without a close frame). */
  code: number;
  /** The close reason the peer gave, if any. */
  reason: string;
}

/** An open WebSocket connection (after a successful handshake). */
export interface WebSocketConnection {
  /** The subprotocol the server chose ("" when none). */
  readonly protocol: string;
  /**
   * The messages from the server, in order. Reading applies backpressure where the runtime allows it
   * (kubeweb's own client reads the socket only when asked). Ends when the connection closes.
   */
  readonly readable: ReadableStream<WebSocketMessage>;
  /** Sends one message; resolves once it has been handed to the socket. Rejects after close. */
  send(message: WebSocketMessage): Promise<void>;
  /** Starts the closing handshake (code 1000 unless given) and releases the socket. */
  close(code?: number, reason?: string): void;
  /** Resolves when the connection has ended, with the close code and reason. */
  readonly closed: Promise<WebSocketCloseInfo>;
}

/** Options of {@linkcode WebSocketConnector}. */
export interface WebSocketConnectOptions {
  /** Subprotocols to offer, most wanted first. */
  protocols: string[];
  /** Headers of the upgrade request (credentials, `User-Agent`, impersonation). */
  headers: [string, string][];
  /** Aborts the connection attempt and, once open, closes the connection. */
  signal?: AbortSignal;
}

/** Opens a WebSocket connection to a `https:` (or `http:`) URL. */
export type WebSocketConnector = (
  url: string,
  options: WebSocketConnectOptions,
) => Promise<WebSocketConnection>;

/**
 * The server refused the WebSocket upgrade: its HTTP status, headers and (at most 64 KiB of) body, which
 * the REST layer turns into an `ApiError`.
 */
export class WebSocketHandshakeError extends Error {
  /** The HTTP status of the answer (0 when the answer was not HTTP). */
  readonly status: number;
  /** The answer's headers. */
  readonly headers: Headers;
  /** The answer's body as text. */
  readonly body: string;
  /** Creates the error. */
  constructor(message: string, status: number, headers: Headers, body: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "WebSocketHandshakeError";
    this.status = status;
    this.headers = headers;
    this.body = body;
  }
}
