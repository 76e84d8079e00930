/**
 * {@linkcode RetryWatcher}: one endless stream of watch events over many watch requests (client-go's
 * `tools/watch.RetryWatcher`), which also survives watch expiry: on 410 Gone it lists again and turns
 * the difference into events.
 *
 * @module
 */
import { type Clock, REAL_CLOCK, sleepOn } from "../_internal/clock.ts";
import { linkSignals } from "../_internal/async.ts";
import type { ListerWatcher } from "../cache/listwatch.ts";
import { newExponentialBackoffManager } from "../rest/backoff.ts";
import {
  apiErrorFromStatus,
  isGone,
  isInternalError,
  isResourceExpired,
  isServerTimeout,
  isServiceUnavailable,
  isTimeout,
  isTooLargeResourceVersion,
  isTooManyRequests,
  TransportError,
} from "../rest/errors.ts";
import type { KubeObject, WatchEvent } from "../rest/types.ts";

/** An event a {@linkcode RetryWatcher} yields: an object added, modified or deleted. */
export type ObjectEvent<T> = { type: "ADDED" | "MODIFIED" | "DELETED"; object: T };

/** Options of {@linkcode newRetryWatcher}. */
export interface RetryWatcherOptions<T> {
  /**
   * Watch from this resource version, as client-go's RetryWatcher (no initial events). Unset or "":
   * list first and yield every listed object as ADDED, then watch from the list's version.
   */
  resourceVersion?: string;
  /** Called after every list (the first and each relist after expiry) with the complete state. */
  onList?: (items: T[]) => void;
  /** Aborting it ends the iteration with the signal's reason. */
  signal?: AbortSignal;
  /** Server-side timeout of each watch request, in seconds (default 300; the watch then resumes). */
  timeoutSeconds?: number;
  /** The clock of the backoff (default: the real clock). */
  clock?: Clock;
  /** Random numbers in [0, 1) for the backoff's jitter (default `Math.random`). */
  random?: () => number;
}

/**
 * Watch events across reconnects, as one async iterable (iterate it once). It resumes from the last
 * resource version seen (bookmarks included) whenever a watch ends; a connection failure, 429 or 5xx
 * is retried after a backoff (800 ms doubling to 30 s, jitter 1.0, as the reflector); a watch that
 * expired (410 Gone, "too old resource version") is followed by a new list, whose differences from
 * what was seen come out as ADDED, MODIFIED and DELETED events. Any other error (403, 404, a bad
 * selector, an undecodable stream) ends the iteration with that error. BOOKMARK events are consumed.
 * It remembers the last state of every object it has yielded (to diff a relist), as an informer does.
 */
export interface RetryWatcher<T> extends AsyncIterable<ObjectEvent<T>>, AsyncDisposable {
  /** Ends the iteration (normally) and the current watch. Idempotent. */
  stop(): void;
  /** Stops, as {@linkcode RetryWatcher.stop}. */
  [Symbol.asyncDispose](): Promise<void>;
  /** The resource version the next watch would start from ("" before the first list). */
  readonly resourceVersion: string;
}

const STOPPED = Symbol("stopped");

function keyOf(obj: KubeObject): string {
  const m = obj.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name ?? ""}` : m.name ?? "";
}

/** Errors after which the same request is tried again later. */
function isRetriable(e: unknown): boolean {
  return e instanceof TransportError || isTooManyRequests(e) || isInternalError(e) ||
    isServiceUnavailable(e) || isServerTimeout(e) || isTimeout(e);
}

/** Errors after which only a new list helps. */
function isExpired(e: unknown): boolean {
  return isGone(e) || isResourceExpired(e) || isTooLargeResourceVersion(e);
}

class RetryWatcherImpl<T extends KubeObject> implements RetryWatcher<T> {
  #lw: ListerWatcher<T>;
  #options: RetryWatcherOptions<T>;
  #stop = new AbortController();
  #signal: AbortSignal;
  #dispose: () => void;
  #clock: Clock;
  #rv: string;
  #iterated = false;

  constructor(lw: ListerWatcher<T>, options: RetryWatcherOptions<T>) {
    this.#lw = lw;
    this.#options = options;
    this.#clock = options.clock ?? REAL_CLOCK;
    this.#rv = options.resourceVersion ?? "";
    const linked = linkSignals(options.signal, this.#stop.signal);
    this.#signal = linked.signal;
    this.#dispose = linked.dispose;
  }

  get resourceVersion(): string {
    return this.#rv;
  }

  stop(): void {
    if (!this.#stop.signal.aborted) this.#stop.abort(STOPPED);
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.stop();
    return Promise.resolve();
  }

  [Symbol.asyncIterator](): AsyncIterator<ObjectEvent<T>> {
    if (this.#iterated) throw new TypeError("A retry watcher can be iterated only once");
    this.#iterated = true;
    return this.#run();
  }

  async *#run(): AsyncGenerator<ObjectEvent<T>, void, undefined> {
    try {
      yield* this.#loop();
    } catch (e) {
      if (this.#stop.signal.aborted && this.#signal.reason === STOPPED) return;
      throw e;
    } finally {
      this.#dispose();
    }
  }

  async *#loop(): AsyncGenerator<ObjectEvent<T>, void, undefined> {
    const signal = this.#signal;
    const known = new Map<string, T>();
    const backoff = newExponentialBackoffManager({
      initialMs: 800,
      maxMs: 30_000,
      resetMs: 120_000,
      factor: 2,
      jitter: 1,
      clock: this.#clock,
      random: this.#options.random,
    });
    const wait = () => sleepOn(this.#clock, backoff.step(), signal);
    let needList = this.#rv === "";
    for (;;) {
      signal.throwIfAborted();
      if (needList) {
        let items: T[];
        try {
          const list = await this.#lw.list({ resourceVersion: "" }, signal);
          items = list.items ?? [];
          this.#rv = list.metadata?.resourceVersion ?? "";
        } catch (e) {
          signal.throwIfAborted();
          if (!isRetriable(e)) throw e;
          await wait();
          continue;
        }
        needList = false;
        this.#options.onList?.(items);
        const listed = new Set<string>();
        for (const item of items) {
          const key = keyOf(item);
          listed.add(key);
          const before = known.get(key);
          known.set(key, item);
          if (before === undefined) yield { type: "ADDED", object: item };
          else if (before.metadata?.resourceVersion !== item.metadata?.resourceVersion) {
            yield { type: "MODIFIED", object: item };
          }
        }
        for (const [key, obj] of [...known]) {
          if (listed.has(key)) continue;
          known.delete(key);
          yield { type: "DELETED", object: obj };
        }
      }
      let watch: AsyncIterable<WatchEvent<T>> & { stop(): void };
      try {
        watch = await this.#lw.watch({
          resourceVersion: this.#rv,
          allowWatchBookmarks: true,
          timeoutSeconds: this.#options.timeoutSeconds ?? 300,
        }, signal);
      } catch (e) {
        signal.throwIfAborted();
        if (isExpired(e)) needList = true;
        else if (isRetriable(e)) await wait();
        else throw e;
        continue;
      }
      const started = this.#clock.now();
      let events = 0;
      try {
        for await (const event of watch) {
          if (event.type === "ERROR") throw apiErrorFromStatus(event.object);
          const rv = event.object.metadata?.resourceVersion;
          if (rv) this.#rv = rv;
          if (event.type === "BOOKMARK") continue;
          events++;
          const key = keyOf(event.object);
          if (event.type === "DELETED") known.delete(key);
          else known.set(key, event.object);
          yield event;
        }
        // The server ended the watch (its timeout): resume, unless it ended at once with nothing.
        if (events === 0 && this.#clock.now() - started < 1000) await wait();
      } catch (e) {
        signal.throwIfAborted();
        if (isExpired(e)) needList = true;
        else if (isRetriable(e)) await wait();
        else throw e;
      } finally {
        watch.stop();
      }
    }
  }
}

/**
 * Creates a {@linkcode RetryWatcher} over a lister-watcher (client-go's `NewRetryWatcher`, with a
 * relist on expiry instead of an error).
 *
 * @example Every change of the ConfigMaps of a namespace, across reconnects and expiries
 * ```ts
 * import { listWatchFromClient } from "@kubeweb/client/cache";
 * import { newClientset } from "@kubeweb/client/clientset";
 * import { newRetryWatcher } from "@kubeweb/client/tools";
 * import type { RestConfig } from "@kubeweb/client/rest";
 *
 * declare const config: RestConfig;
 * const lw = listWatchFromClient(newClientset(config).coreV1().configMaps("default"));
 * await using watcher = newRetryWatcher(lw, { signal: AbortSignal.timeout(600_000) });
 * for await (const { type, object } of watcher) console.log(type, object.metadata?.name);
 * ```
 */
export function newRetryWatcher<T extends KubeObject>(
  lw: ListerWatcher<T>,
  options: RetryWatcherOptions<T> = {},
): RetryWatcher<T> {
  return new RetryWatcherImpl(lw, options);
}
