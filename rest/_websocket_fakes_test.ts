// A WebSocketConnection in memory for the unit tests of the streaming protocols: the test pushes the
// server's messages and reads what the client sent.
import type { WebSocketCloseInfo, WebSocketConnection, WebSocketMessage } from "./runtime/websocket.ts";

/** The fake connection and its server side. */
export interface FakeWebSocket {
  conn: WebSocketConnection;
  /** Messages the client sent. */
  sent: WebSocketMessage[];
  /** Delivers a server message. */
  push(m: WebSocketMessage): void;
  /** Ends the server's messages (the connection closes). */
  end(): void;
  closedByClient: () => boolean;
}

/** Makes a fake connection with the negotiated `protocol`. */
export function fakeWebSocket(protocol: string): FakeWebSocket {
  let controller!: ReadableStreamDefaultController<WebSocketMessage>;
  let resolveClosed!: (i: WebSocketCloseInfo) => void;
  const closed = new Promise<WebSocketCloseInfo>((r) => resolveClosed = r);
  const sent: WebSocketMessage[] = [];
  let byClient = false;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    controller.close();
    resolveClosed({ code: 1000, reason: "" });
  };
  const conn: WebSocketConnection = {
    protocol,
    readable: new ReadableStream({ start: (c) => void (controller = c) }),
    send(m) {
      if (ended) return Promise.reject(new TypeError("closed"));
      sent.push(m);
      return Promise.resolve();
    },
    close() {
      byClient = true;
      end();
    },
    closed,
  };
  return { conn, sent, push: (m) => controller.enqueue(m), end, closedByClient: () => byClient };
}

/** A binary channel message. */
export function msg(channel: number, data: string | number[]): Uint8Array {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : new Uint8Array(data);
  const out = new Uint8Array(bytes.length + 1);
  out[0] = channel;
  out.set(bytes, 1);
  return out;
}
