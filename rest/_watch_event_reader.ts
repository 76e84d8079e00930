/**
 * The event iterator of a watch body: reads the body, feeds the frame decoder and hands out the
 * decoded events. Internal to the rest layer: `decodeWatchStream` and the watcher build on it.
 *
 * @module
 */
import type { WatchDecodeError } from "./errors.ts";
import type { WatchEvent } from "./types.ts";
import { FrameDecoder } from "./_watch_frames.ts";

/** A BYOB reader of `body` when it is a byte stream, else undefined. */
function byobReader(body: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | undefined {
  try {
    return body.getReader({ mode: "byob" });
  } catch {
    return undefined; // Not a byte stream (or locked: getReader() below says so).
  }
}

const DONE_READ: ReadableStreamReadDoneResult<Uint8Array> = Object.freeze({ value: undefined, done: true });

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/** Options of {@linkcode WatchEventIterator}. */
export interface WatchEventIteratorOptions {
  /** Aborting cancels the body at once; pending and later `next()` calls reject with the reason. */
  signal?: AbortSignal;
  /** The largest frame accepted, in bytes of UTF-8. */
  maxFrameBytes: number;
  /**
   * Called with true just before each read of the body and with false when that read settles: the
   * watcher's idle deadline counts only time spent waiting for bytes.
   */
  onRead?: (pending: boolean) => void;
}

/**
 * The size of the buffer a byte stream body is read into: reads return what has arrived (the API
 * server writes about one event at a time), and one reused buffer spares an allocation per read.
 */
export const READ_BUFFER_BYTES = 64 * 1024;

/**
 * The events of a watch body. A byte stream (a fetch response body) is read with a BYOB reader into
 * one reused buffer; the frame decoder copies what it keeps (the bytes of a character split by the
 * end of a read), so the buffer is free again when `push` returns. Other streams are read with a
 * default reader.
 */
export class WatchEventIterator<T> implements AsyncIterableIterator<WatchEvent<T>> {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array> | ReadableStreamBYOBReader;
  /** The reused read buffer of a BYOB reader; undefined with a default reader. */
  #buffer: Uint8Array<ArrayBuffer> | undefined;
  readonly #decoder: FrameDecoder;
  readonly #signal: AbortSignal | undefined;
  readonly #onRead: ((pending: boolean) => void) | undefined;
  #queue: WatchEvent<T>[] = [];
  #head = 0;
  #error: WatchDecodeError | undefined;
  /** No more reads: the body ended, was cancelled, or failed. */
  #closed = false;
  #aborted = false;
  #inflight: Promise<IteratorResult<WatchEvent<T>>> | undefined;
  readonly #onAbort = (): void => {
    this.#aborted = true;
    this.#close(this.#signal!.reason);
  };

  constructor(body: ReadableStream<Uint8Array>, options: WatchEventIteratorOptions) {
    const { signal } = options;
    this.#decoder = new FrameDecoder(options.maxFrameBytes);
    this.#reader = byobReader(body) ?? body.getReader();
    if (this.#reader instanceof ReadableStreamBYOBReader) this.#buffer = new Uint8Array(READ_BUFFER_BYTES);
    this.#onRead = options.onRead;
    this.#signal = signal;
    if (signal?.aborted) this.#onAbort();
    else signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<WatchEvent<T>>> {
    if (this.#inflight === undefined && this.#head < this.#queue.length && !this.#aborted) {
      return Promise.resolve({ value: this.#take(), done: false });
    }
    const run = () => this.#pull();
    const p = this.#inflight === undefined ? run() : this.#inflight.then(run, run);
    this.#inflight = p;
    const clear = () => {
      if (this.#inflight === p) this.#inflight = undefined;
    };
    p.then(clear, clear);
    return p;
  }

  /**
   * The next event if one is decoded and no `next()` is pending (a fast path that needs no promise),
   * else undefined (then call `next()`).
   */
  takeDecoded(): WatchEvent<T> | undefined {
    if (this.#inflight !== undefined || this.#head >= this.#queue.length || this.#aborted) return undefined;
    return this.#take();
  }

  async return(): Promise<IteratorResult<WatchEvent<T>>> {
    this.#queue = [];
    this.#head = 0;
    this.#error = undefined;
    await this.#close(undefined);
    return DONE;
  }

  #take(): WatchEvent<T> {
    const v = this.#queue[this.#head++];
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    }
    return v;
  }

  /** Stops reading; cancels the body (closing the connection) unless it already ended. */
  #close(reason: unknown): Promise<void> {
    this.#signal?.removeEventListener("abort", this.#onAbort);
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return this.#reader.cancel(reason).catch(() => {});
  }

  /** The next chunk of the body: with a BYOB reader a view of the reused buffer, valid until the next read. */
  async #read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    const buffer = this.#buffer;
    if (buffer === undefined) return await (this.#reader as ReadableStreamDefaultReader<Uint8Array>).read();
    const r = await (this.#reader as ReadableStreamBYOBReader).read(buffer);
    // The read transferred the buffer: the next read reuses its memory.
    if (r.value !== undefined) this.#buffer = new Uint8Array(r.value.buffer);
    return r.done ? DONE_READ : r;
  }

  async #pull(): Promise<IteratorResult<WatchEvent<T>>> {
    for (;;) {
      if (this.#aborted) throw this.#signal!.reason;
      if (this.#head < this.#queue.length) return { value: this.#take(), done: false };
      if (this.#error) {
        const e = this.#error;
        this.#error = undefined;
        throw e;
      }
      if (this.#closed) return DONE;
      let r: ReadableStreamReadResult<Uint8Array>;
      this.#onRead?.(true);
      try {
        r = await this.#read();
      } catch (e) {
        this.#onRead?.(false);
        if (this.#aborted) throw this.#signal!.reason;
        this.#closed = true;
        this.#signal?.removeEventListener("abort", this.#onAbort);
        throw e;
      }
      this.#onRead?.(false);
      if (this.#closed) continue; // Returned or aborted while reading.
      if (r.done) {
        this.#closed = true;
        this.#signal?.removeEventListener("abort", this.#onAbort);
        this.#error = this.#decoder.end(this.#queue);
        continue;
      }
      const err = this.#decoder.push(r.value, this.#queue);
      if (err) {
        this.#error = err;
        void this.#close(err);
      }
    }
  }
}
