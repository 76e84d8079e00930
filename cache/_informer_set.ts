/**
 * The part shared by the typed and the dynamic informer factories: one informer per key, started
 * by `start`, waited for by `waitForCacheSync`, stopped and awaited by `shutdown`.
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import { linkSignals } from "../_internal/async.ts";
import type { SharedIndexInformer } from "./shared_informer.ts";
import { waitForCacheSync } from "./wait_for_cache_sync.ts";

/** The informers of one factory, by key ("v1/pods", "apps/v1/deployments"). */
export class InformerSet {
  #informers = new Map<string, SharedIndexInformer<unknown>>();
  #started = new Set<string>();
  #running = new Set<Promise<void>>();
  #shutdown = new AbortController();
  #clock: Clock;

  constructor(clock: Clock = REAL_CLOCK) {
    this.#clock = clock;
  }

  /** The informer under `key`, made by `create` on first request. */
  informerFor<T>(key: string, create: () => SharedIndexInformer<T>): SharedIndexInformer<T> {
    let informer = this.#informers.get(key);
    if (informer === undefined) {
      informer = create() as SharedIndexInformer<unknown>;
      this.#informers.set(key, informer);
    }
    return informer as SharedIndexInformer<T>;
  }

  /** Runs every informer requested so far and not yet started, until `signal` aborts or shutdown. */
  start(signal: AbortSignal): void {
    if (this.#shutdown.signal.aborted) return;
    for (const [key, informer] of this.#informers) {
      if (this.#started.has(key)) continue;
      this.#started.add(key);
      // Started by its user already: it is theirs to stop.
      if (informer.hasStarted()) continue;
      const linked = linkSignals(signal, this.#shutdown.signal);
      const done: Promise<void> = informer.run(linked.signal).finally(() => {
        linked.dispose();
        this.#running.delete(done);
      });
      this.#running.add(done);
    }
  }

  /** Waits until each started informer has synced (or `signal` aborts): key -> synced. */
  async waitForCacheSync(signal?: AbortSignal): Promise<Map<string, boolean>> {
    const started = [...this.#informers].filter(([key]) => this.#started.has(key));
    const synced = await Promise.all(
      started.map(([, informer]) => waitForCacheSync({ signal, clock: this.#clock }, informer.hasSynced)),
    );
    return new Map(started.map(([key], i) => [key, synced[i]]));
  }

  /** Stops every informer this set started and resolves once all have stopped; later starts do nothing. */
  async shutdown(): Promise<void> {
    this.#shutdown.abort();
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }
}
