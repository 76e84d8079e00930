/**
 * One registered event handler of a shared informer, with its own unbounded buffer and dispatch loop
 * (client-go's `processorListener`), so a slow handler delays only itself; its depth is public and
 * passing a threshold is reported.
 *
 * @module
 */
import type { DeletedFinalStateUnknown } from "./deleted_final_state_unknown.ts";

/**
 * Receives the changes of an informer's cache. Each method may return a promise: the next
 * notification for this handler waits for it (other handlers do not).
 *
 * What a slow handler costs: every handler has its own buffer, with no bound, holding each change
 * not yet delivered to it. While an async handler is busy, every change arriving meanwhile waits
 * there, so its memory grows with the rate of changes times the handler's time per call, and it sees
 * each change that much later than the cache (which is never held up). A handler that cannot keep
 * up never catches up. Watch {@linkcode ResourceEventHandlerRegistration.pending}; the informer
 * warns through its logger when it passes `handlerBacklogWarningThreshold`. For slow work, hand
 * the object's key to a workqueue (which coalesces repeated keys) and return at once.
 */
export interface ResourceEventHandler<T> {
  /**
   * An object was added to the cache. `isInInitialList` is true for the objects of the initial list
   * (and for the synthetic adds a handler registered after start receives).
   */
  onAdd?(obj: T, isInInitialList: boolean): void | Promise<void>;
  /**
   * An object changed, or (same resourceVersion) a resync or relist re-delivered it. Both are the
   * cached states: do not modify them.
   */
  onUpdate?(oldObj: T, newObj: T): void | Promise<void>;
  /**
   * An object was deleted. When the deletion was missed (seen only at a relist), `obj` is a
   * {@linkcode DeletedFinalStateUnknown} holding the last known state.
   */
  onDelete?(obj: T | DeletedFinalStateUnknown<T>): void | Promise<void>;
}

/** A handler's registration with an informer: pass it to `removeEventHandler`. */
export interface ResourceEventHandlerRegistration {
  /**
   * True once the informer has synced and this handler has received every object of the initial list
   * (for a handler added after start: every synthetic add). Bound: pass `registration.hasSynced` as is.
   */
  hasSynced(): boolean;
  /**
   * How many notifications wait in this handler's buffer, not yet delivered (the one being handled
   * is not counted). It grows while the handler is slower than the changes arriving.
   */
  readonly pending: number;
}

/** Kinds of {@linkcode Notification}. */
export const ADD = 0;
/** An update notification. */
export const UPDATE = 1;
/** A delete notification. */
export const DELETE = 2;

/** One change to deliver to handlers (shared by every listener it goes to). */
export interface Notification<T> {
  kind: typeof ADD | typeof UPDATE | typeof DELETE;
  /** The new object (the deleted one for DELETE). */
  obj: T | DeletedFinalStateUnknown<T>;
  /** The previous object (UPDATE only). */
  old: T | undefined;
  /** For ADD: part of the initial list. */
  initial: boolean;
}

/** What a listener calls when its handler throws or rejects. */
export type HandlerErrorReporter = (err: unknown) => void;

/** When a listener reports that its handler falls behind. */
export interface BacklogWarning {
  /** Report once the buffer holds more than this many notifications (0 or less, or Infinity: never). */
  threshold: number;
  /** Called once per crossing, with the buffer's depth; re-armed when it drains to half the threshold. */
  warn(pending: number): void;
}

/** Delivers notifications to one handler in order, one at a time. */
export class ProcessorListener<T> implements ResourceEventHandlerRegistration {
  readonly handler: ResourceEventHandler<T>;
  /** The resync period the handler asked for (ms). */
  readonly requestedResyncPeriodMs: number;
  /** The resync period in effect (ms; 0 = never). */
  resyncPeriodMs: number;
  /** When the next resync is due (clock ms). */
  nextResync: number;
  /** Whether the last resync check chose this listener (then Sync updates go to it). */
  syncing = false;
  #buf: (Notification<T> | undefined)[] = [];
  #head = 0;
  #draining = false;
  #stopped = false;
  #pendingInitial = 0;
  #inFlight: Promise<void> | undefined;
  #upstreamHasSynced: () => boolean;
  #report: HandlerErrorReporter;
  #backlog: BacklogWarning | undefined;
  #behind = false;

  constructor(
    handler: ResourceEventHandler<T>,
    requestedResyncPeriodMs: number,
    resyncPeriodMs: number,
    now: number,
    upstreamHasSynced: () => boolean,
    report: HandlerErrorReporter,
    backlog?: BacklogWarning,
  ) {
    this.handler = handler;
    this.requestedResyncPeriodMs = requestedResyncPeriodMs;
    this.resyncPeriodMs = resyncPeriodMs;
    this.nextResync = now + resyncPeriodMs;
    this.#upstreamHasSynced = upstreamHasSynced;
    this.#report = report;
    const threshold = backlog?.threshold ?? 0;
    this.#backlog = threshold > 0 && threshold < Infinity ? backlog : undefined;
  }

  /** Bound, so `registration.hasSynced` can be passed around as a function. */
  readonly hasSynced = (): boolean => this.#upstreamHasSynced() && this.#pendingInitial === 0;

  /** Notifications buffered and not yet delivered. */
  get pending(): number {
    return this.#buf.length - this.#head;
  }

  shouldResync(now: number): boolean {
    if (this.resyncPeriodMs === 0) return false;
    return now >= this.nextResync;
  }

  determineNextResync(now: number): void {
    this.nextResync = now + this.resyncPeriodMs;
  }

  /** Buffers a notification; delivery starts in a microtask, never inside the caller. */
  add(n: Notification<T>): void {
    if (this.#stopped) return;
    if (n.kind === ADD && n.initial) this.#pendingInitial++;
    this.#buf.push(n);
    const backlog = this.#backlog;
    if (backlog !== undefined && !this.#behind && this.pending > backlog.threshold) {
      this.#behind = true;
      try {
        backlog.warn(this.pending);
      } catch {
        // A failing warning must not stop delivery.
      }
    }
    if (!this.#draining) {
      this.#draining = true;
      queueMicrotask(() => {
        this.#inFlight = this.#drain();
      });
    }
  }

  async #drain(): Promise<void> {
    try {
      while (!this.#stopped && this.#head < this.#buf.length) {
        const n = this.#buf[this.#head]!;
        this.#buf[this.#head] = undefined;
        this.#head++;
        if (this.#head === this.#buf.length) {
          this.#buf.length = 0;
          this.#head = 0;
        } else if (this.#head >= 1024 && this.#head * 2 >= this.#buf.length) {
          this.#buf = this.#buf.slice(this.#head);
          this.#head = 0;
        }
        if (this.#behind && this.pending <= this.#backlog!.threshold / 2) this.#behind = false;
        try {
          const r = this.#deliver(n);
          if (r !== undefined && typeof (r as Promise<void>).then === "function") await r;
        } catch (e) {
          this.#report(e);
        } finally {
          if (n.kind === ADD && n.initial && this.#pendingInitial > 0) this.#pendingInitial--;
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  #deliver(n: Notification<T>): void | Promise<void> {
    const h = this.handler;
    switch (n.kind) {
      case ADD:
        return h.onAdd?.(n.obj as T, n.initial);
      case UPDATE:
        return h.onUpdate?.(n.old as T, n.obj as T);
      case DELETE:
        return h.onDelete?.(n.obj);
    }
  }

  /** Drops what is buffered and delivers nothing more; resolves when the handler call in flight ends. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#buf = [];
    this.#head = 0;
    this.#pendingInitial = 0;
    this.#behind = false;
    await this.#inFlight;
  }
}
