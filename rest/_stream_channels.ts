/**
 * The channel framing of Kubernetes' streaming WebSockets (`channel.k8s.io` and its versions): each
 * message starts with its channel number, as a byte in the binary protocols and as an ASCII digit before
 * base64 text in the `base64.` ones. {@linkcode ChannelDemux} splits the server's messages into one byte
 * stream per channel, with backpressure: a channel whose reader falls behind pauses the socket.
 *
 * @module
 */
import type { WebSocketConnection, WebSocketMessage } from "./runtime/websocket.ts";

/** The v5 message that closes a channel: `[255, channel]`. */
export const CLOSE_CHANNEL = 255;

function base64Encode(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function base64Decode(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** True for the text (base64) variants of the channel protocols. */
export function isBase64Protocol(protocol: string): boolean {
  return protocol.includes("base64.");
}

/** Encodes `data` for `channel` in the negotiated protocol. */
export function encodeChannelMessage(protocol: string, channel: number, data: Uint8Array): WebSocketMessage {
  if (isBase64Protocol(protocol)) return `${String.fromCharCode(48 + channel)}${base64Encode(data)}`;
  const out = new Uint8Array(data.length + 1);
  out[0] = channel;
  out.set(data, 1);
  return out;
}

/** Decodes one server message into its channel and bytes; undefined for an empty message. */
export function decodeChannelMessage(
  protocol: string,
  message: WebSocketMessage,
): { channel: number; data: Uint8Array } | undefined {
  if (typeof message === "string") {
    if (message.length === 0) return undefined;
    const channel = message.charCodeAt(0) - 48;
    return { channel, data: base64Decode(message.slice(1)) };
  }
  if (message.length === 0) return undefined;
  if (isBase64Protocol(protocol)) {
    // A binary message on a base64 connection: decode its text.
    return decodeChannelMessage(protocol, new TextDecoder().decode(message));
  }
  return { channel: message[0], data: message.subarray(1) };
}

/** One incoming channel: a byte stream fed by the demultiplexer. */
class Inbound {
  readonly readable: ReadableStream<Uint8Array>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #wake: (() => void) | undefined;
  #done = false;

  constructor() {
    this.readable = new ReadableStream<Uint8Array>({
      start: (c) => {
        this.#controller = c;
      },
      pull: () => {
        this.#wake?.();
        this.#wake = undefined;
      },
      cancel: () => {
        this.#done = true;
        this.#wake?.();
      },
    }, { highWaterMark: 256 * 1024, size: (c) => c.byteLength });
  }

  /** Queues bytes; resolves once the reader has room for more (backpressure). */
  async push(data: Uint8Array): Promise<void> {
    if (this.#done) return;
    this.#controller.enqueue(data);
    while (!this.#done && (this.#controller.desiredSize ?? 1) <= 0) {
      await new Promise<void>((r) => this.#wake = r);
    }
  }

  end(error?: unknown): void {
    if (this.#done) return;
    this.#done = true;
    try {
      if (error === undefined) this.#controller.close();
      else this.#controller.error(error);
    } catch { /* already closed */ }
  }
}

/**
 * Reads the server's messages and feeds one byte stream per channel. Messages for channels nobody asked
 * for are dropped. `done` resolves when the connection's messages end (or rejects with its read error).
 */
export class ChannelDemux {
  #inbound = new Map<number, Inbound>();
  /** Resolves when the server's messages ended. */
  readonly done: Promise<void>;

  /** Starts reading `conn`; `channels` are the channel numbers to expose. */
  constructor(
    conn: WebSocketConnection,
    channels: number[],
    onFirst?: (channel: number, data: Uint8Array) => boolean,
  ) {
    for (const c of channels) this.#inbound.set(c, new Inbound());
    this.done = (async () => {
      const seen = new Set<number>();
      const reader = conn.readable.getReader();
      try {
        while (true) {
          const { value, done } = await reader.read();
          if (done) break;
          const m = decodeChannelMessage(conn.protocol, value);
          if (!m) continue;
          if (onFirst && !seen.has(m.channel)) {
            seen.add(m.channel);
            if (onFirst(m.channel, m.data)) continue;
          }
          const target = this.#inbound.get(m.channel);
          if (target && m.data.length > 0) await target.push(m.data.slice());
        }
        for (const i of this.#inbound.values()) i.end();
      } catch (e) {
        for (const i of this.#inbound.values()) i.end(e);
        throw e;
      } finally {
        reader.releaseLock();
      }
    })();
    this.done.catch(() => {});
  }

  /** The byte stream of `channel` (one of those given to the constructor). */
  stream(channel: number): ReadableStream<Uint8Array> {
    const i = this.#inbound.get(channel);
    if (!i) throw new RangeError(`Channel ${channel} is not read`);
    return i.readable;
  }
}

/** A writable byte stream that sends each chunk on `channel`; `onClose` runs when it is closed. */
export function channelWriter(
  conn: WebSocketConnection,
  channel: number,
  onClose: () => Promise<void> | void,
): WritableStream<Uint8Array> {
  return new WritableStream<Uint8Array>({
    async write(chunk) {
      // Large chunks go in pieces, so one message never holds more than 1 MiB.
      for (let at = 0; at < chunk.length; at += 1024 * 1024) {
        await conn.send(encodeChannelMessage(conn.protocol, channel, chunk.subarray(at, at + 1024 * 1024)));
      }
    },
    close: () => onClose(),
  });
}
