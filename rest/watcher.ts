/**
 * {@linkcode Watcher}: the events of one watch request as an async iterable, with `stop()`.
 *
 * @module
 */
import { linkSignals } from "../_internal/async.ts";
import { ApiError, TransportError, WatchDecodeError } from "./errors.ts";
import type { KubeObject, WatchEvent } from "./types.ts";
import { decodeWatchStream } from "./watch_decoder.ts";

/**
 * The events of a watch (client-go's `watch.Interface`; the async iterable replaces `ResultChan()`).
 * Iterate it once. ERROR events are yielded as events (their object is a Status). The iteration
 * ends when the server closes the watch (for example after `timeoutSeconds`) or after
 * {@linkcode Watcher.stop}; it rejects with the signal's reason when the request's signal aborts, with
 * a {@linkcode WatchDecodeError} for a stream that cannot be decoded, and with a
 * {@linkcode TransportError} when the connection breaks.
 *
 * @example
 * ```ts ignore
 * const watcher = await client.get().namespace("default").resource("pods").watch<Pod>();
 * for await (const event of watcher) {
 *   console.log(event.type, event.object.metadata?.name);
 *   if (event.type === "DELETED") watcher.stop();
 * }
 * ```
 */
export interface Watcher<T = KubeObject> extends AsyncIterable<WatchEvent<T>>, AsyncDisposable {
  /** Ends the watch: closes the connection at once and ends the iteration. Idempotent. */
  stop(): void;
  /** Stops the watch, as {@linkcode Watcher.stop}, for `await using watcher = await client.watch()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@linkcode watcherFromResponse}. */
export interface WatcherFromResponseOptions {
  /** The request's signal: aborting it closes the connection and rejects the iteration. */
  signal?: AbortSignal;
  /** Aborted by `stop()`; the request should have been sent with a signal linked to it. */
  stopController?: AbortController;
  /** Method and URL of the request, for errors. */
  request?: { method: string; url: string };
  /** Called once when the watch ends, however it ends. */
  onEnd?: () => void;
  /** The largest watch frame accepted, in bytes (default 16 MiB; see `decodeWatchStream`). */
  maxFrameBytes?: number;
}

class StreamWatcher<T> implements Watcher<T> {
  #body: ReadableStream<Uint8Array>;
  #stop: AbortController;
  #signal: AbortSignal | undefined;
  #request: { method: string; url: string } | undefined;
  #onEnd: (() => void) | undefined;
  #maxFrameBytes: number | undefined;
  #iterated = false;
  #ended = false;

  constructor(body: ReadableStream<Uint8Array>, options: WatcherFromResponseOptions) {
    this.#body = body;
    this.#stop = options.stopController ?? new AbortController();
    this.#signal = options.signal;
    this.#request = options.request;
    this.#onEnd = options.onEnd;
    this.#maxFrameBytes = options.maxFrameBytes;
  }

  stop(): void {
    this.#stop.abort();
    // Not iterated yet: nobody will read the body, so release it now.
    if (!this.#iterated) {
      this.#iterated = true;
      this.#body.cancel().catch(() => {});
      this.#end();
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.stop();
    return Promise.resolve();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#onEnd?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    if (this.#iterated) {
      if (this.#stop.signal.aborted) return (async function* () {})();
      throw new TypeError("A watcher can be iterated only once");
    }
    this.#iterated = true;
    return this.#events();
  }

  async *#events(): AsyncGenerator<WatchEvent<T>> {
    const linked = linkSignals(this.#signal, this.#stop.signal);
    const events = decodeWatchStream<T>(this.#body, {
      signal: linked.signal,
      maxFrameBytes: this.#maxFrameBytes,
    });
    try {
      for (;;) {
        let r: IteratorResult<WatchEvent<T>>;
        try {
          r = await events.next();
        } catch (e) {
          if (this.#stop.signal.aborted) return;
          if (this.#signal?.aborted) throw this.#signal.reason;
          if (e instanceof WatchDecodeError || e instanceof ApiError || e instanceof TransportError) throw e;
          const url = this.#request?.url ?? "";
          let host = "";
          try {
            host = new URL(url).host;
          } catch { /* no URL */ }
          throw new TransportError(host || "the API server", {
            cause: e,
            method: this.#request?.method,
            url,
          });
        }
        if (r.done) return;
        yield r.value;
      }
    } finally {
      this.#stop.abort();
      await events.return?.();
      linked.dispose();
      this.#end();
    }
  }
}

/**
 * Wraps the body of a successful watch response in a {@linkcode Watcher}.
 *
 * @example
 * ```ts
 * import { watcherFromResponse } from "./watcher.ts";
 *
 * const body = new Blob(['{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n']).stream();
 * for await (const e of watcherFromResponse(body)) console.log(e.type); // "ADDED"
 * ```
 */
export function watcherFromResponse<T = KubeObject>(
  body: ReadableStream<Uint8Array>,
  options: WatcherFromResponseOptions = {},
): Watcher<T> {
  return new StreamWatcher<T>(body, options);
}
