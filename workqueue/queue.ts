/**
 * The work queue (client-go's `workqueue.TypedInterface`): a FIFO that collapses duplicate items and
 * never hands one item to two workers at once.
 *
 * @module
 */
import type { Clock } from "../_internal/clock.ts";
import type { MetricsProvider } from "./metrics.ts";
import { QueueImpl } from "./_queue.ts";

/**
 * What {@linkcode Queue.get} resolves to: the next item, or `shutdown: true` (and no item) once the
 * queue is shut down and empty.
 */
export type GetResult<T> =
  | { readonly item: T; readonly shutdown: false }
  | { readonly item: undefined; readonly shutdown: true };

/** Options of {@linkcode Queue.get}. */
export interface GetOptions {
  /** Stops waiting for an item: `get` then rejects with the signal's reason and takes no item. */
  signal?: AbortSignal;
}

/** Options of {@linkcode Queue.shutDownWithDrain}. */
export interface ShutDownWithDrainOptions {
  /** Stops waiting for the items in flight: the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Options for {@linkcode newQueue} and the queues built on it. */
export interface QueueOptions {
  /** The queue's name, passed to the metrics provider (client-go's `Name`). */
  name?: string;
  /** The clock for metrics and delays (default: the real clock). */
  clock?: Clock;
  /** Where the queue reports its metrics (default: nowhere, and no metric work is done). */
  metricsProvider?: MetricsProvider;
  /**
   * How often the unfinished-work and longest-running gauges are refreshed while items are being
   * processed, in milliseconds (default 500). Only used when a metrics provider is given.
   */
  metricsUpdatePeriodMs?: number;
}

/**
 * A work queue. An item is dirty from `add` until a worker `get`s it, and processing from `get` until
 * `done`. Adding a dirty item does nothing; adding an item that is processing marks it dirty, and it
 * is queued again (once) when the worker calls `done`.
 */
export interface Queue<T> extends AsyncDisposable {
  /** Queues `item` unless it is already queued; ignored after shut down. */
  add(item: T): void;
  /** The number of items waiting to be handed out (not counting items being processed). */
  len(): number;
  /**
   * Resolves with the next item, waiting for one if the queue is empty. After shut down it still hands
   * out the remaining items, then resolves with `shutdown: true`. Call {@linkcode Queue.done} when
   * the item is processed. When `options.signal` aborts while it waits, it rejects with the signal's
   * reason (and no item is taken).
   */
  get(options?: GetOptions): Promise<GetResult<T>>;
  /** Marks `item` as processed; if it was added again meanwhile, queues it again. */
  done(item: T): void;
  /** Stops accepting items and wakes every waiting `get`; does not wait for items in flight. */
  shutDown(): void;
  /**
   * Like {@linkcode Queue.shutDown}, then resolves once every item being processed is done (or
   * `shutDown` is called). When `options.signal` aborts first, rejects with its reason (the queue
   * stays shut down).
   */
  shutDownWithDrain(options?: ShutDownWithDrainOptions): Promise<void>;
  /** True once a shut down has started. */
  shuttingDown(): boolean;
  /** @deprecated The same as {@linkcode Queue.shutDown}: the package spells it `shutDown` everywhere. */
  shutdown(): void;
  /** Shuts the queue down, as {@linkcode Queue.shutDown}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Creates a work queue (client-go's `workqueue.NewTypedWithConfig`).
 *
 * @example A worker loop
 * ```ts
 * import { newQueue } from "@kubeweb/client/workqueue";
 *
 * const queue = newQueue<string>({ name: "pods" });
 * queue.add("default/web");
 * queue.add("default/web"); // collapses with the first
 * const { item, shutdown } = await queue.get();
 * if (!shutdown) {
 *   console.log("reconcile", item);
 *   queue.done(item);
 * }
 * queue.shutDown();
 * ```
 */
export function newQueue<T>(options: QueueOptions = {}): Queue<T> {
  return new QueueImpl<T>(options);
}
