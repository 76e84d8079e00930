/**
 * {@linkcode Watcher}: the events of one watch request as an async iterable, with `stop()`.
 *
 * @module
 */
import { type Clock, REAL_CLOCK, type Timer } from "../_internal/clock.ts";
import { linkSignals } from "../_internal/async.ts";
import { ApiError, TransportError, WatchDecodeError } from "./errors.ts";
import type { DeadlineKind } from "./deadline.ts";
import type { KubeObject, WatchEvent } from "./types.ts";
import { decodeWatchStream } from "./watch_decoder.ts";

/**
 * The events of a watch (client-go's `watch.Interface`; the async iterable replaces `ResultChan()`).
 * Iterate it once. ERROR events are yielded as events (their object is a Status). The iteration
 * ends when the server closes the watch (for example after `timeoutSeconds`) or after
 * {@linkcode Watcher.stop}; it rejects with the signal's reason when the request's signal aborts, with
 * a {@linkcode WatchDecodeError} for a stream that cannot be decoded, with a
 * {@linkcode TransportError} when the connection breaks, and with a `DeadlineExceededError` (a
 * `TransportError`) when a client-side deadline passes: the watch went silent for longer than its
 * idle timeout, or outlived its `timeoutSeconds` plus a grace.
 *
 * @example
 * ```ts
 * import type { RESTClient } from "@kubeweb/client/rest";
 * import type { Pod } from "@kubeweb/client/clientset/core/v1";
 *
 * declare const client: RESTClient;
 * const watcher = await client.get().namespace("default").resource("pods").watch<Pod>();
 * for await (const event of watcher) {
 *   if (event.type === "ERROR") throw new Error(`watch failed: ${event.object.message}`);
 *   if (event.type === "BOOKMARK") continue; // only a resource version
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
  /**
   * Ends the watch with the error `deadlineError` makes when no byte arrives for this many ms while
   * the consumer waits for an event (undefined or 0: never). Time the consumer spends between events
   * does not count.
   */
  idleTimeoutMs?: number;
  /** Ends the watch with the error `deadlineError` makes this many ms after it was created (undefined or 0: never). */
  deadlineMs?: number;
  /** The clock of the deadlines (default: the real clock's timers). */
  clock?: Clock;
  /** Makes the error a passed deadline ends the watch with (default: a `TransportError`). */
  deadlineError?: (kind: DeadlineKind, timeoutMs: number) => Error;
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
  #options: WatcherFromResponseOptions;
  #clock: Clock;
  /** Aborted, with the deadline's error as reason, when a deadline passes. */
  #expired = new AbortController();
  #idleTimer: Timer | undefined;
  #deadlineTimer: Timer | undefined;
  /** When the last chunk arrived, or the consumer last asked for an event. */
  #lastActivity = 0;
  /** True while the consumer waits for the next event (silence then counts against the idle timeout). */
  #reading = false;

  constructor(body: ReadableStream<Uint8Array>, options: WatcherFromResponseOptions) {
    this.#options = options;
    this.#clock = options.clock ?? REAL_CLOCK;
    this.#stop = options.stopController ?? new AbortController();
    this.#signal = options.signal;
    this.#request = options.request;
    this.#onEnd = options.onEnd;
    this.#maxFrameBytes = options.maxFrameBytes;
    const idle = options.idleTimeoutMs;
    const total = options.deadlineMs;
    this.#body = body;
    if (idle !== undefined && idle > 0) {
      this.#body = this.#tapped(body);
      this.#lastActivity = this.#clock.now();
      this.#armIdle(idle, idle);
    }
    if (total !== undefined && total > 0) {
      this.#deadlineTimer = this.#clock.setTimer(() => this.#expire("watch-deadline", total), total);
    }
  }

  /**
   * The idle countdown is checked lazily: when the timer fires, the watch expires only if the consumer
   * is waiting and nothing arrived for `ms`; otherwise the timer is set again for the time left.
   */
  #armIdle(ms: number, wait: number): void {
    this.#idleTimer = this.#clock.setTimer(() => {
      if (this.#ended || this.#expired.signal.aborted) return;
      const quiet = this.#clock.now() - this.#lastActivity;
      if (this.#reading && quiet >= ms) this.#expire("watch-idle", ms);
      else this.#armIdle(ms, this.#reading ? ms - quiet : ms);
    }, Math.max(1, wait));
  }

  /** The body, noting the time of every chunk. */
  #tapped(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    const reader = body.getReader();
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const r = await reader.read();
        if (r.done) controller.close();
        else {
          this.#lastActivity = this.#clock.now();
          controller.enqueue(r.value);
        }
      },
      cancel: (reason) => reader.cancel(reason),
    }, { highWaterMark: 0 });
  }

  #expire(kind: DeadlineKind, ms: number): void {
    if (this.#ended || this.#expired.signal.aborted) return;
    const make = this.#options.deadlineError;
    const err = make ? make(kind, ms) : new TransportError(this.#host(), {
      cause: new Error(`the watch passed its ${kind} of ${ms} ms`),
      method: this.#request?.method,
      url: this.#request?.url,
    });
    this.#expired.abort(err);
    // Not iterated: nobody reads the body; end the watch now (an iteration rejects with the error).
    if (!this.#iterated) {
      this.#iterated = true;
      this.#stop.abort();
      this.#body.cancel().catch(() => {});
      this.#end();
    }
  }

  #host(): string {
    try {
      return new URL(this.#request?.url ?? "").host || "the API server";
    } catch {
      return "the API server";
    }
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
    this.#idleTimer?.cancel();
    this.#deadlineTimer?.cancel();
    this.#onEnd?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    if (this.#iterated) {
      if (this.#expired.signal.aborted) {
        const reason = this.#expired.signal.reason;
        return { next: () => Promise.reject(reason) };
      }
      if (this.#stop.signal.aborted) return (async function* () {})();
      throw new TypeError("A watcher can be iterated only once");
    }
    this.#iterated = true;
    return this.#events();
  }

  async *#events(): AsyncGenerator<WatchEvent<T>> {
    const linked = linkSignals(this.#signal, this.#stop.signal, this.#expired.signal);
    const events = decodeWatchStream<T>(this.#body, {
      signal: linked.signal,
      maxFrameBytes: this.#maxFrameBytes,
    });
    try {
      for (;;) {
        let r: IteratorResult<WatchEvent<T>>;
        try {
          this.#reading = true;
          this.#lastActivity = this.#clock.now();
          r = await events.next();
        } catch (e) {
          if (this.#stop.signal.aborted) return;
          if (this.#signal?.aborted) throw this.#signal.reason;
          if (this.#expired.signal.aborted) throw this.#expired.signal.reason;
          if (e instanceof WatchDecodeError || e instanceof ApiError || e instanceof TransportError) throw e;
          throw new TransportError(this.#host(), {
            cause: e,
            method: this.#request?.method,
            url: this.#request?.url ?? "",
          });
        } finally {
          this.#reading = false;
        }
        if (r.done) return;
        // A deadline that passed while the event was being handed over still ends the watch.
        if (this.#expired.signal.aborted) throw this.#expired.signal.reason;
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
 * import { watcherFromResponse } from "@kubeweb/client/rest";
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
