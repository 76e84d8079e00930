/**
 * The delaying queue (client-go's `workqueue.TypedDelayingInterface`): a {@linkcode Queue} whose items
 * can be added after a delay.
 *
 * @module
 */
import { DelayingQueueImpl } from "./_delaying_queue.ts";
import type { Queue, QueueOptions } from "./queue.ts";

/** A {@linkcode Queue} that can add items after a delay. All delayed items share one clock timer. */
export interface DelayingQueue<T> extends Queue<T> {
  /**
   * Adds `item` once `ms` milliseconds have passed on the queue's clock; `ms <= 0` adds it now. If the
   * item is already waiting, the earlier of the two ready times is kept. Ignored after shut down, and
   * waiting items are dropped by shut down.
   */
  addAfter(item: T, ms: number): void;
}

/**
 * Creates a delaying queue (client-go's `workqueue.NewTypedDelayingQueueWithConfig`).
 *
 * @example Retrying later
 * ```ts
 * import { newDelayingQueue } from "@kubeweb/client/workqueue";
 *
 * const queue = newDelayingQueue<string>({ name: "pods" });
 * queue.addAfter("default/web", 10);
 * const { item } = await queue.get(); // about 10 ms later
 * queue.done(item!);
 * queue.shutDown();
 * ```
 */
export function newDelayingQueue<T>(options: QueueOptions = {}): DelayingQueue<T> {
  return new DelayingQueueImpl<T>(options);
}
