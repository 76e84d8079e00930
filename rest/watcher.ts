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
import { DEFAULT_MAX_WATCH_FRAME_BYTES } from "./watch_decoder.ts";
import { WatchEventIterator } from "./_watch_event_reader.ts";

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
  /** Whether the idle deadline applies (its timer is armed). */
  #idle = false;
  /** When the pending read of the body began (valid while #reading). */
  #readSince = 0;
  /**
   * True while a read of the body is pending: the consumer waits for an event and none is decoded
   * yet, so silence counts against the idle timeout. Reads begin when the consumer asks for an event
   * and the decoded ones are used up, and again after each chunk that completes none; the clock is
   * read once per read, not once per event.
   */
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
      this.#idle = true;
      this.#armIdle(idle, idle);
    }
    if (total !== undefined && total > 0) {
      this.#deadlineTimer = this.#clock.setTimer(() => this.#expire("watch-deadline", total), total);
    }
  }

  /**
   * The idle countdown is checked lazily, by one timer per watch that is never reset by traffic:
   * when it fires, the watch expires only if a read of the body has been pending for `ms`;
   * otherwise the timer is set again for the time left (or for `ms` when no read is pending).
   */
  #armIdle(ms: number, wait: number): void {
    this.#idleTimer = this.#clock.setTimer(() => {
      if (this.#ended || this.#expired.signal.aborted) return;
      const quiet = this.#reading ? this.#clock.now() - this.#readSince : 0;
      if (this.#reading && quiet >= ms) this.#expire("watch-idle", ms);
      else this.#armIdle(ms, ms - quiet);
    }, Math.max(1, wait));
  }

  /** Notes when a read of the body begins and ends (only watches with an idle deadline). */
  readonly #onRead = (pending: boolean): void => {
    this.#reading = pending;
    if (pending) this.#readSince = this.#clock.now();
  };

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
      if (this.#stop.signal.aborted) {
        return {
          next: () => Promise.resolve(DONE),
          return: () => Promise.resolve(DONE),
        };
      }
      throw new TypeError("A watcher can be iterated only once");
    }
    this.#iterated = true;
    return this.#iterate();
  }

  /**
   * The iteration: a plain iterator over the decoder's (no async generator in between). An event
   * already decoded is handed out at once; otherwise the decoder's `next()` is awaited and its
   * outcome mapped (errors to the watch's errors, a passed deadline to its error). However the
   * iteration ends (done, an error, `return()`), the watch is stopped once and its resources freed.
   */
  #iterate(): AsyncIterator<WatchEvent<T>> {
    const linked = linkSignals(this.#signal, this.#stop.signal, this.#expired.signal);
    let events: WatchEventIterator<T> | undefined;
    let finished: Promise<void> | undefined;
    const finish = (): Promise<void> =>
      finished ??= (async () => {
        this.#stop.abort();
        await events?.return();
        linked.dispose();
        this.#end();
      })();
    const start = (): WatchEventIterator<T> => {
      const max = this.#maxFrameBytes ?? DEFAULT_MAX_WATCH_FRAME_BYTES;
      if (!(max >= 1)) throw new RangeError(`maxFrameBytes must be a positive number of bytes, not ${max}`);
      return new WatchEventIterator<T>(this.#body, {
        signal: linked.signal,
        maxFrameBytes: max,
        onRead: this.#idle ? this.#onRead : undefined,
      });
    };
    const onResult = async (r: IteratorResult<WatchEvent<T>>): Promise<IteratorResult<WatchEvent<T>>> => {
      if (r.done) {
        await finish();
        return DONE;
      }
      // A deadline that passed while the event was being handed over still ends the watch.
      if (this.#expired.signal.aborted) return fail(this.#expired.signal.reason);
      return r;
    };
    const fail = async (e: unknown): Promise<IteratorResult<WatchEvent<T>>> => {
      await finish();
      throw e;
    };
    const onError = (e: unknown): Promise<IteratorResult<WatchEvent<T>>> => {
      if (this.#stop.signal.aborted) return finish().then(() => DONE);
      if (this.#signal?.aborted) return fail(this.#signal.reason);
      if (this.#expired.signal.aborted) return fail(this.#expired.signal.reason);
      if (e instanceof WatchDecodeError || e instanceof ApiError || e instanceof TransportError) {
        return fail(e);
      }
      return fail(
        new TransportError(this.#host(), {
          cause: e,
          method: this.#request?.method,
          url: this.#request?.url ?? "",
        }),
      );
    };
    return {
      next: (): Promise<IteratorResult<WatchEvent<T>>> => {
        if (finished !== undefined) return finished.then(() => DONE);
        try {
          events ??= start();
        } catch (e) {
          return fail(e);
        }
        if (!this.#expired.signal.aborted) {
          const queued = events.takeDecoded();
          if (queued !== undefined) return Promise.resolve({ value: queued, done: false });
        }
        return events.next().then(onResult, onError);
      },
      return: async (): Promise<IteratorResult<WatchEvent<T>>> => {
        await finish();
        return DONE;
      },
    };
  }
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

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
