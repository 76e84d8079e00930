/**
 * The delaying queue implementation: delayed items wait in one heap, and a single clock timer is armed
 * for the earliest of them.
 *
 * @module
 */
import type { Timer } from "../_internal/clock.ts";
import { QueueImpl } from "./_queue.ts";
import { WaitingHeap } from "./_waiting_heap.ts";
import type { DelayingQueue } from "./delaying_queue.ts";
import type { QueueOptions, ShutDownWithDrainOptions } from "./queue.ts";

// Runtimes fire longer timeouts at once; a timer this long that fires early is simply re-armed.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A {@linkcode QueueImpl} with `addAfter`. */
export class DelayingQueueImpl<T> extends QueueImpl<T> implements DelayingQueue<T> {
  #waiting = new WaitingHeap<T>();
  #timer: Timer | undefined;
  #timerAt = 0;

  constructor(options: QueueOptions = {}) {
    super(options);
  }

  addAfter(item: T, ms: number): void {
    if (this.shuttingDown()) return;
    this.countRetry();
    if (!(ms > 0)) {
      this.add(item);
      return;
    }
    if (this.#waiting.schedule(item, this.clock.now() + ms)) this.#arm();
  }

  override shutDown(): void {
    this.#stop();
    super.shutDown();
  }

  override shutDownWithDrain(options?: ShutDownWithDrainOptions): Promise<void> {
    this.#stop();
    return super.shutDownWithDrain(options);
  }

  #stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#waiting.clear();
  }

  /** Makes the one timer due at the earliest ready time (or cancels it when nothing waits). */
  #arm(): void {
    const top = this.#waiting.peek();
    if (top === undefined) {
      this.#timer?.cancel();
      this.#timer = undefined;
      return;
    }
    if (this.#timer !== undefined) {
      if (this.#timerAt === top.readyAt) return;
      this.#timer.cancel();
    }
    this.#timerAt = top.readyAt;
    this.#timer = this.clock.setTimer(
      () => this.#fire(),
      Math.min(MAX_TIMER_MS, top.readyAt - this.clock.now()),
    );
  }

  #fire(): void {
    this.#timer = undefined;
    const now = this.clock.now();
    for (;;) {
      const top = this.#waiting.peek();
      if (top === undefined || top.readyAt > now) break;
      this.#waiting.pop();
      this.add(top.item);
    }
    this.#arm();
  }
}
