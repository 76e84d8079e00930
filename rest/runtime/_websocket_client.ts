/**
 * A small RFC 6455 WebSocket client over any byte stream pair (a runtime's TLS socket): the opening
 * handshake with any headers (so client certificates, custom CAs and `Authorization` all work), masked
 * client frames, fragmented messages, ping/pong and the closing handshake. Messages are read from the
 * socket only when the caller reads, so a slow reader slows the server down instead of filling memory.
 *
 * @module
 */
import {
  type WebSocketCloseInfo,
  type WebSocketConnection,
  WebSocketHandshakeError,
  type WebSocketMessage,
} from "./websocket.ts";

import type { ByteSocket } from "./runtime.ts";

/** Options of {@linkcode openWebSocket}. */
export interface OpenWebSocketOptions {
  url: URL;
  protocols: string[];
  headers: [string, string][];
  signal?: AbortSignal;
  /** Largest message accepted (default 64 MiB); a bigger one closes the connection with 1009. */
  maxMessageBytes?: number;
}

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const MAX_HEAD = 64 * 1024;
const enc = new TextEncoder();

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** The `Sec-WebSocket-Accept` value for a key. */
export async function acceptKey(key: string): Promise<string> {
  return base64(new Uint8Array(await crypto.subtle.digest("SHA-1", enc.encode(key + GUID))));
}

/** Reads from a socket with a carry-over buffer (chunks are joined once per wanted size). */
class Reader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  buf: Uint8Array = new Uint8Array(0);
  constructor(readable: ReadableStream<Uint8Array>) {
    this.#reader = readable.getReader();
  }
  /** Reads more bytes; false at the end of the stream. */
  async more(): Promise<boolean> {
    const { value, done } = await this.#reader.read();
    if (done) return false;
    this.buf = concat(this.buf, value);
    return true;
  }
  async atLeast(n: number): Promise<boolean> {
    if (this.buf.length >= n) return true;
    const chunks = [this.buf];
    let have = this.buf.length;
    let ok = true;
    while (have < n) {
      const { value, done } = await this.#reader.read();
      if (done) {
        ok = false;
        break;
      }
      chunks.push(value);
      have += value.length;
    }
    const all = new Uint8Array(have);
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    this.buf = all;
    return ok;
  }
  take(n: number): Uint8Array {
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }
  cancel(): void {
    this.#reader.cancel().catch(() => {});
  }
}

/** Encodes one masked client frame. */
export function encodeFrame(opcode: number, payload: Uint8Array, fin = true): Uint8Array {
  const len = payload.length;
  const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const out = new Uint8Array(2 + ext + 4 + len);
  out[0] = (fin ? 0x80 : 0) | opcode;
  const view = new DataView(out.buffer);
  if (ext === 0) out[1] = 0x80 | len;
  else if (ext === 2) {
    out[1] = 0x80 | 126;
    view.setUint16(2, len);
  } else {
    out[1] = 0x80 | 127;
    view.setBigUint64(2, BigInt(len));
  }
  const maskAt = 2 + ext;
  const mask = crypto.getRandomValues(new Uint8Array(4));
  out.set(mask, maskAt);
  const body = maskAt + 4;
  for (let i = 0; i < len; i++) out[body + i] = payload[i] ^ mask[i & 3];
  return out;
}

function parseHead(text: string): { status: number; headers: Headers } {
  const lines = text.split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
  if (!m) {
    throw new WebSocketHandshakeError(
      `Not an HTTP answer: ${JSON.stringify(lines[0].slice(0, 80))}`,
      0,
      new Headers(),
      "",
    );
  }
  const headers = new Headers();
  for (const l of lines.slice(1)) {
    const i = l.indexOf(":");
    if (i > 0) headers.append(l.slice(0, i).trim(), l.slice(i + 1).trim());
  }
  return { status: Number(m[1]), headers };
}

async function readBody(r: Reader, headers: Headers): Promise<string> {
  const length = Number(headers.get("content-length") ?? NaN);
  const want = Number.isFinite(length) ? Math.min(length, MAX_HEAD) : MAX_HEAD;
  while (r.buf.length < want) {
    if (!await r.more()) break;
  }
  return new TextDecoder().decode(r.take(Math.min(want, r.buf.length)));
}

/**
 * Performs the opening handshake on `socket` and returns the connection. Rejects with a
 * {@linkcode WebSocketHandshakeError} when the server answers anything but 101 with a valid accept key
 * and one of the offered subprotocols.
 */
export async function openWebSocket(
  socket: ByteSocket,
  o: OpenWebSocketOptions,
): Promise<WebSocketConnection> {
  const key = base64(crypto.getRandomValues(new Uint8Array(16)));
  const path = `${o.url.pathname}${o.url.search}`;
  const head = [
    `GET ${path} HTTP/1.1`,
    `Host: ${o.url.host}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Key: ${key}`,
    "Sec-WebSocket-Version: 13",
  ];
  if (o.protocols.length > 0) head.push(`Sec-WebSocket-Protocol: ${o.protocols.join(", ")}`);
  for (const [k, v] of o.headers) {
    if (/[\r\n]/.test(k) || /[\r\n]/.test(v)) {
      throw new TypeError(`Header ${JSON.stringify(k)} contains a line break`);
    }
    head.push(`${k}: ${v}`);
  }
  const writer = socket.writable.getWriter();
  const reader = new Reader(socket.readable);
  const onAbort = () => socket.close();
  o.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await writer.write(enc.encode(head.join("\r\n") + "\r\n\r\n"));
    let end: number;
    while ((end = indexOfHeadEnd(reader.buf)) < 0) {
      if (reader.buf.length > MAX_HEAD) {
        throw new WebSocketHandshakeError("The upgrade answer's headers exceed 64 KiB", 0, new Headers(), "");
      }
      if (!await reader.more()) {
        throw new WebSocketHandshakeError(
          "The server closed the connection during the WebSocket handshake",
          0,
          new Headers(),
          "",
        );
      }
    }
    const { status, headers } = parseHead(new TextDecoder().decode(reader.take(end + 4)));
    if (status !== 101) {
      const body = await readBody(reader, headers);
      throw new WebSocketHandshakeError(
        `The server refused the WebSocket upgrade with HTTP ${status}`,
        status,
        headers,
        body,
      );
    }
    if (headers.get("sec-websocket-accept") !== await acceptKey(key)) {
      throw new WebSocketHandshakeError(
        "The server's Sec-WebSocket-Accept does not match the key",
        status,
        headers,
        "",
      );
    }
    const protocol = headers.get("sec-websocket-protocol") ?? "";
    if (o.protocols.length > 0 && !o.protocols.includes(protocol)) {
      throw new WebSocketHandshakeError(
        protocol
          ? `The server chose the subprotocol ${JSON.stringify(protocol)}, which was not offered`
          : `The server accepted none of the subprotocols ${o.protocols.join(", ")}`,
        status,
        headers,
        "",
      );
    }
    o.signal?.removeEventListener("abort", onAbort);
    return new ClientConnection(socket, reader, writer, protocol, o);
  } catch (e) {
    o.signal?.removeEventListener("abort", onAbort);
    socket.close();
    if (o.signal?.aborted) throw o.signal.reason;
    throw e;
  }
}

function indexOfHeadEnd(b: Uint8Array): number {
  for (let i = 0; i + 3 < b.length; i++) {
    if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  }
  return -1;
}

class ClientConnection implements WebSocketConnection {
  readonly protocol: string;
  readonly readable: ReadableStream<WebSocketMessage>;
  readonly closed: Promise<WebSocketCloseInfo>;
  #socket: ByteSocket;
  #reader: Reader;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #writing: Promise<void> = Promise.resolve();
  #sentClose = false;
  #done = false;
  #resolveClosed!: (info: WebSocketCloseInfo) => void;
  #max: number;

  constructor(
    socket: ByteSocket,
    reader: Reader,
    writer: WritableStreamDefaultWriter<Uint8Array>,
    protocol: string,
    o: OpenWebSocketOptions,
  ) {
    this.#socket = socket;
    this.#reader = reader;
    this.#writer = writer;
    this.protocol = protocol;
    this.#max = o.maxMessageBytes ?? 64 * 1024 * 1024;
    this.closed = new Promise((r) => this.#resolveClosed = r);
    o.signal?.addEventListener("abort", () => this.close(1000, ""), { once: true });
    this.readable = new ReadableStream<WebSocketMessage>({
      pull: async (controller) => {
        try {
          const m = await this.#nextMessage();
          if (m === undefined) controller.close();
          else controller.enqueue(m);
        } catch (e) {
          this.#finish(1006, "");
          controller.error(e);
        }
      },
      cancel: () => this.close(1000, ""),
    }, { highWaterMark: 0 });
  }

  #write(bytes: Uint8Array): Promise<void> {
    const p = this.#writing.then(() => this.#writer.write(bytes));
    this.#writing = p.catch(() => {});
    return p;
  }

  send(message: WebSocketMessage): Promise<void> {
    if (this.#sentClose || this.#done) {
      return Promise.reject(new TypeError("The WebSocket connection is closed"));
    }
    return typeof message === "string"
      ? this.#write(encodeFrame(1, enc.encode(message)))
      : this.#write(encodeFrame(2, message));
  }

  close(code = 1000, reason = ""): void {
    if (this.#done) return;
    if (!this.#sentClose) {
      this.#sentClose = true;
      const r = enc.encode(reason).subarray(0, 123);
      const payload = new Uint8Array(2 + r.length);
      new DataView(payload.buffer).setUint16(0, code);
      payload.set(r, 2);
      this.#write(encodeFrame(8, payload)).catch(() => {});
    }
    // Give the server a moment to answer the close frame, then drop the socket.
    const timer = setTimeout(() => this.#finish(code, reason), 1000);
    (timer as unknown as { unref?: () => void }).unref?.();
    this.closed.then(() => clearTimeout(timer));
  }

  #finish(code: number, reason: string): void {
    if (this.#done) return;
    this.#done = true;
    this.#reader.cancel();
    this.#writing.then(() => this.#writer.close()).catch(() => {}).finally(() => this.#socket.close());
    this.#resolveClosed({ code, reason });
  }

  /** Reads frames until a whole data message; undefined at the end. */
  async #nextMessage(): Promise<WebSocketMessage | undefined> {
    const r = this.#reader;
    let parts: Uint8Array[] = [];
    let size = 0;
    let messageOpcode = 0;
    while (true) {
      if (this.#done) return undefined;
      if (!await r.atLeast(2)) {
        this.#finish(1006, "");
        return undefined;
      }
      const b0 = r.buf[0], b1 = r.buf[1];
      const fin = (b0 & 0x80) !== 0;
      const opcode = b0 & 0x0f;
      let len = b1 & 0x7f;
      const masked = (b1 & 0x80) !== 0;
      let headLen = 2;
      if (len === 126) headLen += 2;
      else if (len === 127) headLen += 8;
      if (masked) headLen += 4;
      if (!await r.atLeast(headLen)) {
        this.#finish(1006, "");
        return undefined;
      }
      const view = new DataView(r.buf.buffer, r.buf.byteOffset, r.buf.byteLength);
      if (len === 126) len = view.getUint16(2);
      else if (len === 127) {
        const big = view.getBigUint64(2);
        if (big > BigInt(this.#max)) return this.#tooBig();
        len = Number(big);
      }
      if (size + len > this.#max) return this.#tooBig();
      if (!await r.atLeast(headLen + len)) {
        this.#finish(1006, "");
        return undefined;
      }
      const head = r.take(headLen);
      let payload = r.take(len).slice();
      if (masked) {
        const mask = head.subarray(headLen - 4);
        payload = payload.map((b, i) => b ^ mask[i & 3]);
      }
      if (opcode === 8) {
        const code = payload.length >= 2 ? new DataView(payload.buffer).getUint16(0) : 1005;
        const reason = new TextDecoder().decode(payload.subarray(2));
        if (!this.#sentClose) {
          this.#sentClose = true;
          await this.#write(encodeFrame(8, payload.subarray(0, 2))).catch(() => {});
        }
        this.#finish(code, reason);
        return undefined;
      }
      if (opcode === 9) {
        if (!this.#sentClose) await this.#write(encodeFrame(10, payload)).catch(() => {});
        continue;
      }
      if (opcode === 10) continue;
      if (opcode === 0 && messageOpcode === 0) {
        throw new Error("WebSocket protocol error: continuation without a message");
      }
      if (opcode !== 0) {
        if (opcode !== 1 && opcode !== 2) {
          throw new Error(`WebSocket protocol error: unknown opcode ${opcode}`);
        }
        messageOpcode = opcode;
        parts = [];
        size = 0;
      }
      parts.push(payload);
      size += payload.length;
      if (!fin) continue;
      const whole = parts.length === 1 ? parts[0] : parts.reduce(concat, new Uint8Array(0));
      return messageOpcode === 1 ? new TextDecoder().decode(whole) : whole;
    }
  }

  #tooBig(): undefined {
    this.close(1009, "message too big");
    throw new RangeError(`A WebSocket message exceeds the limit of ${this.#max} bytes`);
  }
}
