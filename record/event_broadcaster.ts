/**
 * The event broadcaster (client-go's `record.EventBroadcaster`): recorders hand it events; it queues
 * them for each watcher (a sink, a logger, any handler), and writes them to sinks through a correlator
 * that aggregates, deduplicates and spam-filters them.
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import { ApiError, isAlreadyExists, isNotFound } from "../rest/errors.ts";
import { Recorder } from "./_recorder.ts";
import { NanoStamps } from "./_time.ts";
import type { Event, EventSource } from "./event.ts";
import { EventCorrelator, type EventCorrelatorOptions } from "./event_correlator.ts";
import type { EventRecorder } from "./event_recorder.ts";
import { type EventsGetter, type EventSink, newEventSink } from "./event_sink.ts";

/** Tries to write one event before giving up (client-go's `maxTriesPerEvent`). */
export const MAX_TRIES_PER_EVENT = 12;
/** Milliseconds between tries (the first sleep is a random part of it). */
export const DEFAULT_SLEEP_DURATION_MS = 10_000;
/** Events each watcher holds before new ones are dropped (client-go's `maxQueuedEvents`). */
export const MAX_QUEUED_EVENTS = 1000;

/**
 * Receives the broadcaster's complaints; by default they go to `console.error`. A logger that throws
 * is ignored: it never stops the broadcaster or a recorder's caller.
 */
export interface RecordLogger {
  /** An event was dropped or could not be written. */
  error(message: string, error?: unknown): void;
}

/** Options of {@linkcode newEventBroadcaster}. */
export interface EventBroadcasterOptions {
  /** The clock for timestamps, the correlator and retry sleeps (default: the real clock). */
  clock?: Clock;
  /** Milliseconds between tries to write an event (default 10 000). */
  sleepDurationMs?: number;
  /** Tries per event (default 12). */
  maxTriesPerEvent?: number;
  /** Events queued per watcher before new ones are dropped (default 1000). */
  queueLength?: number;
  /** Options of the correlator each sink gets (LRU size, spam filter, aggregation). */
  correlatorOptions?: EventCorrelatorOptions;
  /** Random source in [0, 1) for the first retry sleep (default `Math.random`). */
  random?: () => number;
  /** Where failures are reported (default: `console.error`). */
  logger?: RecordLogger;
}

/** A running watcher of the broadcaster's events. */
export interface EventWatcher {
  /**
   * Stops receiving new events; events already queued are still handled, then the broadcaster lets
   * go of the watcher (and of a sink's correlator caches).
   */
  stop(): void;
}

/**
 * Distributes recorded events to watchers and sinks (client-go's `EventBroadcaster`).
 *
 * @example Recording events to the API server
 * ```ts
 * import { newEventBroadcaster } from "@kubeweb/client/record";
 * import type { Clientset } from "@kubeweb/client/clientset";
 *
 * declare const clientset: Clientset;
 * const broadcaster = newEventBroadcaster();
 * broadcaster.startRecordingToSink(clientset.coreV1());
 * broadcaster.startLogging(console.log);
 * const recorder = broadcaster.newRecorder({ component: "my-controller", host: "node-1" });
 * recorder.event(
 *   { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "default" } },
 *   "Normal",
 *   "Synced",
 *   "ConfigMap synced",
 * );
 * await broadcaster.shutDown(); // writes what is queued
 * ```
 */
export interface EventBroadcaster extends AsyncDisposable {
  /**
   * Writes every event to `sink` (an {@linkcode EventSink}, or `clientset.coreV1()`), through its
   * own {@linkcode EventCorrelator}: repeats become count patches, similar events are combined, spam
   * is dropped. A failed write is retried up to 12 times, 10 s apart; a request the server rejects is
   * not retried.
   */
  startRecordingToSink(sink: EventSink | EventsGetter): EventWatcher;
  /** Calls `handler` with every event, one at a time (an async handler is awaited). */
  startEventWatcher(handler: (event: Event) => void | Promise<void>): EventWatcher;
  /** Logs every event as one line through `log`. */
  startLogging(log: (message: string) => void): EventWatcher;
  /** A recorder whose events carry `source` (component and host). */
  newRecorder(source: EventSource): EventRecorder;
  /**
   * Stops the broadcaster: new events are dropped, queued events are handled once more (without
   * retry sleeps), and the promise resolves when every watcher has finished (client-go's `Shutdown`).
   */
  shutDown(): Promise<void>;
  /** @deprecated The same as {@linkcode EventBroadcaster.shutDown}: the package spells it `shutDown`. */
  shutdown(): Promise<void>;
  /** Shuts the broadcaster down, as {@linkcode EventBroadcaster.shutDown}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

const CONSOLE_LOGGER: RecordLogger = {
  error(message: string, error?: unknown): void {
    if (error === undefined) console.error(message);
    else console.error(`${message}:`, error instanceof Error ? error.message : error);
  },
};

function isSink(x: EventSink | EventsGetter): x is EventSink {
  return typeof (x as EventSink).create === "function" && typeof (x as EventSink).patch === "function";
}

function describe(event: Event): string {
  const o = event.involvedObject ?? {};
  const where = o.namespace ? `${o.namespace}/${o.name ?? ""}` : o.name ?? "";
  return `${o.kind ?? "object"} ${where}: ${event.type} ${event.reason} ${
    JSON.stringify(event.message ?? "")
  }`;
}

class QueueWatcher implements EventWatcher {
  #queue: Event[] = [];
  #busy = false;
  #stopped = false;
  #idle: (() => void)[] = [];
  #handler: (event: Event) => void | Promise<void>;
  #capacity: number;
  #onStop: (w: QueueWatcher) => void;
  #logger: RecordLogger;

  constructor(
    handler: (event: Event) => void | Promise<void>,
    capacity: number,
    logger: RecordLogger,
    onStop: (w: QueueWatcher) => void,
  ) {
    this.#handler = handler;
    this.#capacity = capacity;
    this.#logger = logger;
    this.#onStop = onStop;
  }

  /** Queues `event`; false when the queue is full (the event is dropped for this watcher). */
  push(event: Event): boolean {
    if (this.#stopped) return false;
    if (this.#queue.length >= this.#capacity) return false;
    this.#queue.push(event);
    if (!this.#busy) {
      this.#busy = true;
      queueMicrotask(() => void this.#drain());
    }
    return true;
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const event = this.#queue.shift()!;
      try {
        await this.#handler(event);
      } catch (e) {
        this.#logger.error(`Event handler failed for ${describe(event)}`, e);
      }
    }
    this.#busy = false;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Resolves when the queue is empty and nothing is being handled. */
  whenIdle(): Promise<void> {
    if (!this.#busy) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#onStop(this);
  }
}

class Broadcaster implements EventBroadcaster {
  #clock: Clock;
  #sleepMs: number;
  #maxTries: number;
  #queueLength: number;
  #correlatorOptions: EventCorrelatorOptions;
  #random: () => number;
  #logger: RecordLogger;
  #stamps = new NanoStamps();
  #watchers = new Set<QueueWatcher>();
  #draining = new Set<QueueWatcher>();
  #shutdown = false;
  #cancel = new AbortController();

  constructor(options: EventBroadcasterOptions) {
    this.#clock = options.clock ?? REAL_CLOCK;
    this.#sleepMs = options.sleepDurationMs ?? DEFAULT_SLEEP_DURATION_MS;
    this.#maxTries = options.maxTriesPerEvent ?? MAX_TRIES_PER_EVENT;
    this.#queueLength = options.queueLength ?? MAX_QUEUED_EVENTS;
    this.#correlatorOptions = options.correlatorOptions ?? {};
    this.#random = options.random ?? Math.random;
    const logger = options.logger ?? CONSOLE_LOGGER;
    this.#logger = {
      error(message: string, error?: unknown): void {
        try {
          logger.error(message, error);
        } catch {
          // A failing logger must not stop the broadcaster.
        }
      },
    };
  }

  startEventWatcher(handler: (event: Event) => void | Promise<void>): EventWatcher {
    const watcher = new QueueWatcher(handler, this.#queueLength, this.#logger, (w) => {
      this.#watchers.delete(w);
      // Shutdown waits for what it still has queued; then nothing holds it.
      void w.whenIdle().then(() => this.#draining.delete(w));
    });
    if (this.#shutdown) {
      watcher.stop();
      return watcher;
    }
    this.#watchers.add(watcher);
    this.#draining.add(watcher);
    return watcher;
  }

  startRecordingToSink(sink: EventSink | EventsGetter): EventWatcher {
    const target = isSink(sink) ? sink : newEventSink(sink);
    const correlator = new EventCorrelator({ clock: this.#clock, ...this.#correlatorOptions });
    return this.startEventWatcher((event) => this.#recordToSink(target, event, correlator));
  }

  startLogging(log: (message: string) => void): EventWatcher {
    return this.startEventWatcher((e) => {
      log(
        `Event(${
          JSON.stringify(e.involvedObject ?? {})
        }): type: '${e.type}' reason: '${e.reason}' ${e.message}`,
      );
    });
  }

  newRecorder(source: EventSource): EventRecorder {
    return new Recorder({
      source: { ...source },
      clock: this.#clock,
      stamps: this.#stamps,
      emit: (event) => this.#emit(event),
    });
  }

  shutdown(): Promise<void> {
    return this.shutDown();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutDown();
  }

  async shutDown(): Promise<void> {
    this.#shutdown = true;
    this.#cancel.abort(new Error("Event broadcaster is shut down"));
    for (const w of [...this.#watchers]) w.stop();
    await Promise.all([...this.#draining].map((w) => w.whenIdle()));
  }

  #emit(event: Event): void {
    if (this.#shutdown) {
      this.#logger.error(`Unable to record event: the broadcaster is shut down; dropped ${describe(event)}`);
      return;
    }
    for (const w of this.#watchers) {
      if (!w.push(event)) {
        this.#logger.error(`Unable to record event: too many queued events; dropped ${describe(event)}`);
      }
    }
  }

  async #recordToSink(sink: EventSink, event: Event, correlator: EventCorrelator): Promise<void> {
    const result = correlator.eventCorrelate(event);
    if (result.skip || !result.event) return;
    for (let tries = 1;; tries++) {
      if (await this.#recordEvent(sink, result.event, result.patch, correlator)) return;
      if (tries >= this.#maxTries) {
        this.#logger.error(`Unable to write event (retry limit exceeded): ${describe(result.event)}`);
        return;
      }
      // Randomise the first sleep so that clients do not all retry together after an outage.
      const delay = tries === 1 ? this.#sleepMs * this.#random() : this.#sleepMs;
      if (this.#cancel.signal.aborted) {
        this.#logger.error(`Unable to write event (broadcaster is shut down): ${describe(result.event)}`);
        return;
      }
      try {
        await this.#clock.sleep(delay, this.#cancel.signal);
      } catch {
        this.#logger.error(`Unable to write event (broadcaster is shut down): ${describe(result.event)}`);
        return;
      }
    }
  }

  /** One try; true when done (written, or rejected by the server), false to retry. */
  async #recordEvent(
    sink: EventSink,
    event: Event,
    patch: string | undefined,
    correlator: EventCorrelator,
  ): Promise<boolean> {
    const update = (event.count ?? 0) > 1 && patch !== undefined;
    let written: Event | undefined;
    let error: unknown;
    let failed = false;
    if (update) {
      try {
        written = await sink.patch(event, patch);
      } catch (e) {
        error = e;
        failed = true;
      }
    }
    // The event may have been removed since (events expire): create it again.
    if (!update || (failed && isNotFound(error))) {
      const fresh: Event = { ...event, metadata: { ...event.metadata } };
      delete fresh.metadata!.resourceVersion;
      failed = false;
      try {
        written = await sink.create(fresh);
      } catch (e) {
        error = e;
        failed = true;
      }
    }
    if (!failed) {
      correlator.updateState(written ?? event);
      return true;
    }
    if (error instanceof ApiError) {
      if (!isAlreadyExists(error)) {
        this.#logger.error(`Server rejected event (will not retry): ${describe(event)}`, error);
      }
      return true;
    }
    this.#logger.error(`Unable to write event (may retry after sleeping): ${describe(event)}`, error);
    return false;
  }
}

/**
 * Creates an event broadcaster (client-go's `record.NewBroadcaster`).
 *
 * @example
 * ```ts
 * import { newEventBroadcaster } from "@kubeweb/client/record";
 *
 * const broadcaster = newEventBroadcaster();
 * const seen: string[] = [];
 * broadcaster.startEventWatcher((e) => {
 *   seen.push(`${e.reason}: ${e.message}`);
 * });
 * const recorder = broadcaster.newRecorder({ component: "demo" });
 * recorder.eventf({ kind: "Pod", name: "web", namespace: "default" }, "Warning", "BackOff", "restarting %s", "web");
 * await broadcaster.shutDown();
 * console.log(seen); // ["BackOff: restarting web"]
 * ```
 */
export function newEventBroadcaster(options: EventBroadcasterOptions = {}): EventBroadcaster {
  return new Broadcaster(options);
}
