/**
 * {@linkcode Reflector}: keeps a store in step with the server by listing and then watching one
 * resource, forever, with client-go's backoff, relist and WatchList rules.
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import { linkSignals } from "../_internal/async.ts";
import { type BackoffManager, newExponentialBackoffManager } from "../rest/backoff.ts";
import {
  apiErrorFromStatus,
  isGone,
  isInternalError,
  isResourceExpired,
  isTooLargeResourceVersion,
  isTooManyRequests,
  TransportError,
} from "../rest/errors.ts";
import { DeadlineExceededError } from "../rest/deadline.ts";
import type { KubeList, KubeObject, ListOptions, Status, WatchEvent } from "../rest/types.ts";
import { CacheError } from "./cache_error.ts";
import type { CacheLogger } from "./cache_logger.ts";
import { CONSOLE_CACHE_LOGGER, warnSafely } from "./_log.ts";
import type { ListerWatcher } from "./listwatch.ts";
import type { ReflectorStore } from "./queue.ts";
import { deletionHandlingMetaNamespaceKeyFunc } from "./store.ts";
import { CacheStore } from "./_cache_store.ts";

/** The annotation of the bookmark that ends the initial events of a watch-list stream. */
export const INITIAL_EVENTS_ANNOTATION_KEY = "k8s.io/initial-events-end";

/**
 * Receives the errors that end a list-and-watch cycle before its watch ran: a failed list, or a
 * watch that could not be started (the reflector then backs off and retries). As client-go, the
 * endings of a running watch (an ERROR event, a very short watch, a failed resync) go to the
 * reflector's logger instead, and so does a WatchList request that falls back to LIST.
 */
export type WatchErrorHandler = (reflector: ReflectorInfo, err: unknown) => void;

/** What a {@linkcode WatchErrorHandler} learns about the reflector that failed. */
export interface ReflectorInfo {
  /** The reflector's name. */
  readonly name: string;
  /** What it lists and watches, for messages ("configmaps"). */
  readonly typeDescription: string;
  /** The resourceVersion the store was last synced to. */
  lastSyncResourceVersion(): string;
}

/** A Kubernetes version, as "1.32", "v1.32.1" or a `/version` answer (`{ major: "1", minor: "32+" }`). */
export type ServerVersion = string | { major: string | number; minor: string | number };

/** Options of {@linkcode Reflector}. */
export interface ReflectorOptions {
  /** Name in messages (default "reflector"). */
  name?: string;
  /** What is listed, in messages (default "objects"). */
  typeDescription?: string;
  /** Calls `store.resync()` this often while watching (0 or undefined: never). */
  resyncPeriodMs?: number;
  /** Asked before each periodic resync; false skips it. */
  shouldResync?: () => boolean;
  /** The clock for backoff, timeouts and resync (default: real). */
  clock?: Clock;
  /** Random numbers in [0, 1) for jitter and watch timeouts (default `Math.random`). */
  random?: () => number;
  /** Page size of lists (default 500 for the first list; relists at a known version are unpaginated). */
  pageSize?: number;
  /**
   * Use WatchList (`sendInitialEvents=true`) instead of LIST for the initial state. Default: only when
   * `serverVersion` is 1.32 or newer. Falls back to LIST then WATCH on errors.
   */
  useWatchList?: boolean;
  /** The server's version, used to decide `useWatchList` when it is not given. */
  serverVersion?: ServerVersion;
  /** The shortest server-side watch timeout; each watch asks for a random one in [min, 2*min] (default 5 min). */
  minWatchTimeoutMs?: number;
  /** Internal errors (500) ending a watch are retried without relisting within this window (default 0: never). */
  maxInternalErrorRetryDurationMs?: number;
  /** Receives list errors and watch-start errors (default: a warning on the console). */
  watchErrorHandler?: WatchErrorHandler;
  /**
   * Receives warnings about watches that ended with an error and events that could not be applied
   * (default: `console.warn`).
   */
  logger?: CacheLogger;
}

/**
 * True for the errors that make the reflector relist: reason Expired, or Gone (also a bare 410), as
 * client-go's `isExpiredError` (servers before 1.18 sent either reason).
 */
function isExpiredError(err: unknown): boolean {
  return isResourceExpired(err) || isGone(err);
}

/**
 * The handler used when none is given: nothing for "expired" (the relist that follows is routine),
 * a console warning for anything else.
 */
export function defaultWatchErrorHandler(reflector: ReflectorInfo, err: unknown): void {
  if (isExpiredError(err)) return;
  const msg = err instanceof Error ? err.message : String(err);
  console.warn(`${reflector.name}: watch of ${reflector.typeDescription} failed: ${msg}`);
}

/** True when `version` is at least `major.minor`. Unparseable versions are not. */
function versionAtLeast(version: ServerVersion, major: number, minor: number): boolean {
  let ma: number;
  let mi: number;
  if (typeof version === "string") {
    const m = /^v?(\d+)\.(\d+)/.exec(version.trim());
    if (!m) return false;
    ma = Number(m[1]);
    mi = Number(m[2]);
  } else {
    ma = parseInt(String(version.major), 10);
    mi = parseInt(String(version.minor), 10);
  }
  if (!Number.isFinite(ma) || !Number.isFinite(mi)) return false;
  return ma > major || (ma === major && mi >= minor);
}

const DEFAULT_PAGE_SIZE = 500;
const STOP = Symbol("stop requested");

/** A started watch: its one iterator and its stop. */
interface ActiveWatch<T> {
  it: AsyncIterator<WatchEvent<T>>;
  stop(): void;
}

/** State shared by one watch-with-resync cycle and its resync loop. */
interface Cycle<T> {
  active: ActiveWatch<T> | undefined;
  resyncError: unknown;
  failed: boolean;
}

/**
 * client-go's RetryWithDeadline: retry internal errors until `maxMs` after the first of a run of
 * them. Other outcomes (a normal close included) leave the run alone; a run ends when no internal
 * error came for `resetMs`, or once its window is over.
 */
class RetryWithDeadline {
  #first = -Infinity;
  #last = -Infinity;
  #maxMs: number;
  #resetMs: number;
  #clock: Clock;

  constructor(maxMs: number, resetMs: number, clock: Clock) {
    this.#maxMs = maxMs;
    this.#resetMs = resetMs;
    this.#clock = clock;
  }

  after(err: unknown): void {
    if (err === undefined || !isInternalError(err)) return;
    const now = this.#clock.now();
    if (now - this.#last >= this.#resetMs) this.#first = -Infinity;
    if (this.#first === -Infinity) this.#first = now;
    this.#last = now;
  }

  shouldRetry(): boolean {
    if (this.#maxMs <= 0) return false;
    if (this.#clock.now() - this.#first <= this.#maxMs) return true;
    this.#first = this.#last = -Infinity;
    return false;
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Watch start failures that are retried after a backoff without relisting. */
function isWatchErrorRetriable(e: unknown): boolean {
  return e instanceof TransportError || isTooManyRequests(e);
}

/**
 * Lists and then watches one resource through a {@linkcode ListerWatcher}, writing every change to
 * a store (in an informer: its queue). It never stops on its own: a failed list or watch start goes
 * to the watch-error handler, a watch ending with an error to the logger; then it backs off (800 ms
 * doubling to 30 s, jitter 1.0, reset after 2 healthy minutes) and lists and watches again, until
 * the signal given to {@linkcode Reflector.run} aborts.
 *
 * - LIST with resourceVersion "0" and limit 500 (pages followed); a relist uses the last synced
 *   resourceVersion, unpaginated. "Expired" or "too large resource version" relists with "".
 * - WATCH from the list's resourceVersion with bookmarks and a random timeout in [5, 10] min; a watch
 *   that closes is restarted from the last seen resourceVersion. 410 Gone / Expired ends the cycle
 *   (relist). A watch start refused (connection failure, 429) backs off and re-watches without relisting.
 * - WatchList mode streams the initial state with `sendInitialEvents=true` and continues the same watch.
 * - A watch ended by a client-side deadline (a `DeadlineExceededError` from the REST client: the
 *   watch went silent past its idle timeout, or outlived `timeoutSeconds` plus a grace; the connection
 *   is presumed dead) is logged (the logger, as other watch endings), then re-watched from the last synced
 *   resourceVersion after a backoff (a 410 there relists). The deadlines are options of the client the
 *   {@linkcode ListerWatcher} uses (`ClientDeadlines`: `newClientset(config, { watchIdleTimeoutMs })`).
 *
 * @example
 * ```ts
 * import { Reflector, newStore, metaNamespaceKeyFunc, type ListerWatcher } from "@kubeweb/client/cache";
 * import type { KubeObject } from "@kubeweb/client/rest";
 *
 * const lw: ListerWatcher<KubeObject> = {
 *   list: () => Promise.resolve({ metadata: { resourceVersion: "7" }, items: [{ metadata: { name: "a" } }] }),
 *   watch: (_opts, signal) => Promise.resolve({
 *     stop() {},
 *     async *[Symbol.asyncIterator]() {
 *       await new Promise((resolve) => signal.addEventListener("abort", resolve));
 *     },
 *   }),
 * };
 * const store = newStore(metaNamespaceKeyFunc);
 * const controller = new AbortController();
 * const done = new Reflector(lw, store).run(controller.signal);
 * await new Promise((r) => setTimeout(r, 10));
 * console.log(store.listKeys()); // ["a"]
 * controller.abort();
 * await done;
 * ```
 */
export class Reflector<T = KubeObject> implements ReflectorInfo {
  /** The reflector's name, for messages. */
  readonly name: string;
  /** What it lists and watches, for messages. */
  readonly typeDescription: string;
  #lw: ListerWatcher<T>;
  #store: ReflectorStore<T>;
  #clock: Clock;
  #random: () => number;
  #backoff: BackoffManager;
  #resyncPeriodMs: number;
  #shouldResync: (() => boolean) | undefined;
  #pageSize: number | undefined;
  #useWatchList: boolean;
  #minWatchTimeoutMs: number;
  #maxInternalErrorRetryDurationMs: number;
  #watchErrorHandler: WatchErrorHandler;
  #logger: CacheLogger;
  #lastSyncResourceVersion = "";
  #lastSyncResourceVersionUnavailable = false;
  #paginatedResult = false;

  /** Creates a reflector that keeps `store` in step with what `lw` lists and watches. */
  constructor(lw: ListerWatcher<T>, store: ReflectorStore<T>, options: ReflectorOptions = {}) {
    this.#lw = lw;
    this.#store = store;
    this.name = options.name ?? "reflector";
    this.typeDescription = options.typeDescription ?? "objects";
    this.#clock = options.clock ?? REAL_CLOCK;
    this.#random = options.random ?? Math.random;
    this.#backoff = newExponentialBackoffManager({
      initialMs: 800,
      maxMs: 30_000,
      resetMs: 120_000,
      factor: 2,
      jitter: 1,
      clock: this.#clock,
      random: this.#random,
    });
    this.#resyncPeriodMs = options.resyncPeriodMs ?? 0;
    this.#shouldResync = options.shouldResync;
    this.#pageSize = options.pageSize;
    this.#useWatchList = options.useWatchList ??
      (options.serverVersion !== undefined && versionAtLeast(options.serverVersion, 1, 32));
    this.#minWatchTimeoutMs = options.minWatchTimeoutMs ?? 5 * 60_000;
    this.#maxInternalErrorRetryDurationMs = options.maxInternalErrorRetryDurationMs ?? 0;
    this.#watchErrorHandler = options.watchErrorHandler ?? defaultWatchErrorHandler;
    this.#logger = options.logger ?? CONSOLE_CACHE_LOGGER;
  }

  /** The resourceVersion the store was last synced to ("" before the first list). */
  lastSyncResourceVersion(): string {
    return this.#lastSyncResourceVersion;
  }

  /** Whether this reflector uses WatchList for the initial state. */
  get usesWatchList(): boolean {
    return this.#useWatchList;
  }

  /**
   * Lists and watches until `signal` aborts, backing off between cycles; errors go to the watch-error
   * handler. Resolves once stopped (at once if `signal` is already aborted: no LIST, no WATCH).
   */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.listAndWatch(signal);
      } catch (e) {
        if (signal.aborted) break;
        try {
          this.#watchErrorHandler(this, e);
        } catch {
          // A failing handler must not stop the reflector.
        }
      }
      if (signal.aborted) break;
      try {
        await this.#backoff.backoff(signal);
      } catch {
        break;
      }
    }
  }

  /**
   * One cycle: the initial state (LIST, or a WatchList stream), then watches until an error ends the
   * watch (logged; resolves) or `signal` aborts (resolves). Rejects when the list fails or a watch
   * cannot be started (as client-go's `ListAndWatch`, it rejects only if it did not get to watch).
   */
  async listAndWatch(signal: AbortSignal): Promise<void> {
    let active: ActiveWatch<T> | undefined;
    let fallbackToList = !this.#useWatchList;
    if (this.#useWatchList) {
      try {
        active = await this.#watchList(signal);
        if (active === undefined) return;
      } catch {
        if (signal.aborted) return;
        // Expected where WatchList is not supported: client-go only logs it at debug level.
        fallbackToList = true;
        active = undefined;
      }
    }
    if (fallbackToList) {
      await this.#list(signal);
      if (signal.aborted) return;
    }
    await this.#watchWithResync(active, signal);
  }

  #relistResourceVersion(): string {
    if (this.#lastSyncResourceVersionUnavailable) return "";
    if (this.#lastSyncResourceVersion === "") return "0";
    return this.#lastSyncResourceVersion;
  }

  #rewatchResourceVersion(): string {
    if (this.#lastSyncResourceVersionUnavailable) return "";
    return this.#lastSyncResourceVersion;
  }

  #watchTimeoutSeconds(): number {
    return Math.floor((this.#minWatchTimeoutMs / 1000) * (this.#random() + 1));
  }

  /** client-go's pager: follows continue tokens; an expired continue page falls back to a full list. */
  async #pagedList(
    options: ListOptions,
    pageSize: number,
    signal: AbortSignal,
  ): Promise<{ list: KubeList<T>; paginated: boolean }> {
    const opts: ListOptions = { ...options };
    if (!opts.limit && pageSize > 0) opts.limit = pageSize;
    const requestedRV = opts.resourceVersion;
    const requestedMatch = opts.resourceVersionMatch;
    let items: T[] | undefined;
    let first: KubeList<T> | undefined;
    let paginated = false;
    for (;;) {
      if (signal.aborted) throw STOP;
      let page: KubeList<T>;
      try {
        page = await this.#lw.list(opts, signal);
      } catch (e) {
        if (!isExpiredError(e) || !opts.continue) throw e;
        // The list's resourceVersion expired between pages: list everything at once instead.
        const full: ListOptions = { ...opts };
        delete full.limit;
        delete full.continue;
        if (requestedRV !== undefined) full.resourceVersion = requestedRV;
        if (requestedMatch !== undefined) full.resourceVersionMatch = requestedMatch;
        return { list: await this.#lw.list(full, signal), paginated };
      }
      const cont = page.metadata?.continue;
      if (!cont && first === undefined) return { list: page, paginated };
      if (first === undefined) {
        first = page;
        items = [];
      }
      const pageItems = page.items ?? [];
      for (let i = 0; i < pageItems.length; i++) items!.push(pageItems[i]);
      if (!cont) {
        return {
          list: { ...first, metadata: { resourceVersion: first.metadata?.resourceVersion }, items: items! },
          paginated,
        };
      }
      opts.continue = cont;
      delete opts.resourceVersion;
      delete opts.resourceVersionMatch;
      paginated = true;
    }
  }

  async #list(signal: AbortSignal): Promise<void> {
    const options: ListOptions = { resourceVersion: this.#relistResourceVersion() };
    let pageSize = DEFAULT_PAGE_SIZE;
    if (this.#pageSize !== undefined && this.#pageSize !== 0) pageSize = this.#pageSize;
    else if (this.#paginatedResult) pageSize = DEFAULT_PAGE_SIZE;
    else if (options.resourceVersion !== "" && options.resourceVersion !== "0") pageSize = 0;

    let result: { list: KubeList<T>; paginated: boolean };
    try {
      try {
        result = await this.#pagedList(options, pageSize, signal);
      } catch (e) {
        if (e === STOP || signal.aborted) return;
        if (!isExpiredError(e) && !isTooLargeResourceVersion(e)) throw e;
        // The resourceVersion asked for is gone or not there yet: list the newest state.
        this.#lastSyncResourceVersionUnavailable = true;
        result = await this.#pagedList({ resourceVersion: this.#relistResourceVersion() }, pageSize, signal);
      }
    } catch (e) {
      if (e === STOP || signal.aborted) return;
      throw new CacheError(`Failed to list ${this.typeDescription}: ${messageOf(e)}`, { cause: e });
    }
    if (options.resourceVersion === "0" && result.paginated) this.#paginatedResult = true;
    this.#lastSyncResourceVersionUnavailable = false;
    const list = result.list;
    if (list === null || typeof list !== "object" || (list.items != null && !Array.isArray(list.items))) {
      throw new CacheError(
        `Unable to understand the list result of ${this.typeDescription}: it has no items array`,
      );
    }
    const rv = list.metadata?.resourceVersion ?? "";
    try {
      this.#store.replace(list.items ?? [], rv);
    } catch (e) {
      throw new CacheError(`Unable to sync the list result of ${this.typeDescription}: ${messageOf(e)}`, {
        cause: e,
      });
    }
    this.#lastSyncResourceVersion = rv;
  }

  /** Side effects of a retriable watch-list failure: back off, or forget the resourceVersion. */
  async #retryWatchList(e: unknown, signal: AbortSignal): Promise<boolean> {
    if (e instanceof DeadlineExceededError) this.#watchEnded(e);
    if (isWatchErrorRetriable(e)) {
      await this.#backoff.backoff(signal).catch(() => {});
      return true;
    }
    if (isExpiredError(e) || isTooLargeResourceVersion(e)) {
      this.#lastSyncResourceVersionUnavailable = true;
      return true;
    }
    return false;
  }

  /**
   * WatchList: streams the initial state into a temporary store until the bookmark marking its end,
   * then replaces the real store at once. Returns the same watch, to be continued; undefined when stopped.
   */
  async #watchList(signal: AbortSignal): Promise<ActiveWatch<T> | undefined> {
    for (;;) {
      if (signal.aborted) return undefined;
      let resourceVersion = "";
      // A Map-based store: it lists in the stream's order (the server's), which replace passes on.
      const temporary = new CacheStore<T>(deletionHandlingMetaNamespaceKeyFunc, {});
      const options: ListOptions = {
        resourceVersion: this.#rewatchResourceVersion(),
        allowWatchBookmarks: true,
        sendInitialEvents: true,
        resourceVersionMatch: "NotOlderThan",
        timeoutSeconds: this.#watchTimeoutSeconds(),
      };
      const start = this.#clock.now();
      let active: ActiveWatch<T>;
      try {
        active = await this.#startWatch(options, signal);
      } catch (e) {
        if (signal.aborted) return undefined;
        if (await this.#retryWatchList(e, signal)) continue;
        throw e;
      }
      let received: boolean;
      try {
        received = await this.#handleWatch(start, active, signal, undefined, temporary, (rv) => {
          resourceVersion = rv;
        }, true);
      } catch (e) {
        active.stop();
        if (e === STOP || signal.aborted) return undefined;
        if (await this.#retryWatchList(e, signal)) continue;
        throw e;
      }
      if (!received) continue; // closed before the end of the initial events: ask again
      this.#lastSyncResourceVersionUnavailable = false;
      try {
        this.#store.replace(temporary.list(), resourceVersion);
      } catch (e) {
        active.stop();
        throw new CacheError(
          `Unable to sync the watch-list result of ${this.typeDescription}: ${messageOf(e)}`,
          {
            cause: e,
          },
        );
      }
      this.#lastSyncResourceVersion = resourceVersion;
      return active;
    }
  }

  async #startWatch(options: ListOptions, signal: AbortSignal): Promise<ActiveWatch<T>> {
    const w = await this.#lw.watch(options, signal);
    const it = w[Symbol.asyncIterator]();
    return { it, stop: () => w.stop() };
  }

  async #watchWithResync(active: ActiveWatch<T> | undefined, signal: AbortSignal): Promise<void> {
    const linked = linkSignals(signal);
    const cycle: Cycle<T> = { active: undefined, resyncError: undefined, failed: false };
    const resync = this.#resyncLoop(linked.signal, cycle);
    try {
      await this.#watch(active, signal, cycle);
    } finally {
      linked.controller.abort();
      linked.dispose();
      await resync;
    }
  }

  async #resyncLoop(signal: AbortSignal, cycle: Cycle<T>): Promise<void> {
    const period = this.#resyncPeriodMs;
    if (!(period > 0)) return;
    for (;;) {
      try {
        await this.#clock.sleep(period, signal);
      } catch {
        return;
      }
      if (this.#shouldResync === undefined || this.#shouldResync()) {
        try {
          this.#store.resync();
        } catch (e) {
          cycle.resyncError = e;
          cycle.failed = true;
          cycle.active?.stop();
          return;
        }
      }
    }
  }

  async #watch(initial: ActiveWatch<T> | undefined, signal: AbortSignal, cycle: Cycle<T>): Promise<void> {
    const retry = new RetryWithDeadline(this.#maxInternalErrorRetryDurationMs, 60_000, this.#clock);
    let active = initial;
    try {
      for (;;) {
        if (signal.aborted) return;
        if (cycle.failed) return this.#watchEnded(cycle.resyncError);
        const start = this.#clock.now();
        if (active === undefined) {
          const options: ListOptions = {
            resourceVersion: this.#lastSyncResourceVersion,
            timeoutSeconds: this.#watchTimeoutSeconds(),
            allowWatchBookmarks: true,
          };
          try {
            active = await this.#startWatch(options, signal);
          } catch (e) {
            if (signal.aborted) return;
            if (isWatchErrorRetriable(e)) {
              try {
                await this.#backoff.backoff(signal);
              } catch {
                return;
              }
              continue;
            }
            throw e;
          }
        }
        let err: unknown;
        try {
          await this.#handleWatch(start, active, signal, cycle, this.#store, (rv) => {
            this.#lastSyncResourceVersion = rv;
          }, false);
        } catch (e) {
          err = e;
        } finally {
          active.stop();
          active = undefined;
        }
        retry.after(err);
        if (err === undefined) continue; // closed normally: watch again from the last resourceVersion
        if (err === STOP || signal.aborted) return;
        // From here on the cycle ends without an error for the watch-error handler (as client-go's
        // watch, which logs and returns nil); the run loop backs off and relists.
        if (!cycle.failed) {
          if (isExpiredError(err)) return; // routine: relist (after a backoff)
          if (err instanceof DeadlineExceededError) {
            // The connection is presumed dead. Not a silent end: log it, back off, and watch again
            // from the last synced resourceVersion (over a new connection).
            this.#watchEnded(err);
            try {
              await this.#backoff.backoff(signal);
            } catch {
              return;
            }
            continue;
          }
          if (isTooManyRequests(err)) {
            try {
              await this.#backoff.backoff(signal);
            } catch {
              return;
            }
            continue;
          }
          if (isInternalError(err) && retry.shouldRetry()) continue;
        }
        return this.#watchEnded(err);
      }
    } finally {
      active?.stop();
    }
  }

  /** Logs why a watch ended the cycle (client-go: "watch ended with error"). */
  #watchEnded(err: unknown): void {
    warnSafely(
      this.#logger,
      `${this.name}: watch of ${this.typeDescription} ended with: ${messageOf(err)}`,
      err,
    );
  }

  /**
   * Applies the events of one watch to `store` until it closes (resolves), an error occurs (rejects),
   * or, with `exitOnInitialEventsEnd`, the bookmark ending the initial events arrives (resolves true,
   * the watch left open).
   */
  async #handleWatch(
    start: number,
    active: ActiveWatch<T>,
    signal: AbortSignal,
    cycle: Cycle<T> | undefined,
    store: ReflectorStore<T>,
    setResourceVersion: (rv: string) => void,
    exitOnInitialEventsEnd: boolean,
  ): Promise<boolean> {
    if (cycle !== undefined) cycle.active = active;
    let eventCount = 0;
    let bookmarkReceived = false;
    const it = active.it;
    try {
      for (;;) {
        let r: IteratorResult<WatchEvent<T>>;
        try {
          r = await it.next();
        } catch (e) {
          if (signal.aborted) throw STOP;
          if (cycle?.failed) throw cycle.resyncError;
          // A client-side deadline passed: the connection is presumed dead; the caller backs off.
          if (e instanceof DeadlineExceededError) throw e;
          // The connection broke: like a close, the watch restarts from the last resourceVersion.
          if (e instanceof TransportError) break;
          throw e;
        }
        if (signal.aborted) throw STOP;
        if (cycle?.failed) throw cycle.resyncError;
        if (r.done) break;
        const event = r.value;
        if (event.type === "ERROR") throw apiErrorFromStatus(event.object as Status);
        const obj = event.object as T;
        const meta = (obj as KubeObject | null)?.metadata;
        if (meta === null || typeof meta !== "object") {
          this.#report(
            new CacheError(`Unable to understand a watch event (${event.type}): the object has no metadata`),
          );
          continue;
        }
        try {
          switch (event.type) {
            case "ADDED":
              store.add(obj);
              break;
            case "MODIFIED":
              store.update(obj);
              break;
            case "DELETED":
              store.delete(obj);
              break;
            case "BOOKMARK":
              if (meta.annotations?.[INITIAL_EVENTS_ANNOTATION_KEY] === "true") bookmarkReceived = true;
              break;
            default:
              this.#report(
                new CacheError(
                  `Unknown watch event type ${JSON.stringify((event as { type: unknown }).type)}`,
                ),
              );
          }
        } catch (e) {
          this.#report(
            new CacheError(`Unable to apply a watch event (${event.type}) to the store: ${messageOf(e)}`, {
              cause: e,
            }),
          );
        }
        setResourceVersion(meta.resourceVersion ?? "");
        eventCount++;
        if (exitOnInitialEventsEnd && bookmarkReceived) return true;
      }
    } finally {
      if (cycle !== undefined) cycle.active = undefined;
    }
    if (this.#clock.now() - start < 1000 && eventCount === 0) {
      throw new CacheError(
        `Very short watch: ${this.name}: unexpected watch close - watch lasted less than a second and no items received`,
      );
    }
    return bookmarkReceived;
  }

  #report(e: unknown): void {
    warnSafely(this.#logger, `${this.name}: ${messageOf(e)}`, e);
  }
}
