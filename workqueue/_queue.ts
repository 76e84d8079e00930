/**
 * The queue implementation behind {@linkcode newQueue}: a FIFO of dirty items, each handed to at most
 * one worker at a time.
 *
 * Every item has one entry (in `#entries`) holding its state bits and, when metrics are on, the times
 * it was added and handed out. Items waiting to be handed out sit, as entries, in a ring buffer.
 *
 * An entry whose item is done (neither dirty nor processing) stays in the map, idle, so that the next
 * add of the same item is a lookup rather than an insertion: a Map that churns through inserts and
 * deletes costs several times more than one that is only read. Idle entries are swept once there are
 * more than `max(MIN_IDLE_TO_SWEEP, live entries)` of them, which keeps memory bounded (amortised O(1)
 * per done) when items never come back.
 * A `get()` that finds an item returns an already-resolved promise; one that finds none parks a
 * resolver, and the next `add()` hands the item straight to it.
 *
 * @module
 */
import { type Clock, REAL_CLOCK, type Timer } from "../_internal/clock.ts";
import type {
  CounterMetric,
  GaugeMetric,
  HistogramMetric,
  MetricsProvider,
  SettableGaugeMetric,
} from "./metrics.ts";
import { NOOP_METRICS_PROVIDER } from "./metrics.ts";
import type { GetOptions, GetResult, Queue, QueueOptions, ShutDownWithDrainOptions } from "./queue.ts";

const DIRTY = 1;
const PROCESSING = 2;

interface Entry<T> {
  item: T;
  state: number;
  addedAt: number;
  startedAt: number;
}

interface Metrics {
  depth: GaugeMetric;
  adds: CounterMetric;
  latency: HistogramMetric;
  workDuration: HistogramMetric;
  unfinished: SettableGaugeMetric;
  longestRunning: SettableGaugeMetric;
  retries: CounterMetric;
}

const SHUTDOWN: GetResult<never> = Object.freeze({ item: undefined, shutdown: true as const });

/** Idle entries kept at least, before a sweep (see the module doc). */
const MIN_IDLE_TO_SWEEP = 4096;

/** How often, by default, the unfinished-work gauges are refreshed while items are processing. */
export const DEFAULT_METRICS_UPDATE_PERIOD_MS = 500;

/** The plain work queue; the delaying and rate-limiting queues extend it. */
export class QueueImpl<T> implements Queue<T> {
  /** The queue's clock, for subclasses. */
  protected readonly clock: Clock;
  #entries = new Map<T, Entry<T>>();
  // Ring buffer of entries waiting to be handed out: `#size` entries from `#head`; capacity a power of 2.
  #ring: (Entry<T> | undefined)[] = new Array(16);
  #head = 0;
  #size = 0;
  #waiters: ((r: GetResult<T>) => void)[] = [];
  #processing = 0;
  #idle = 0;
  #shuttingDown = false;
  #drainers: (() => void)[] = [];
  #metrics: Metrics | undefined;
  #metricsTimer: Timer | undefined;
  #metricsPeriod: number;

  constructor(options: QueueOptions = {}) {
    this.clock = options.clock ?? REAL_CLOCK;
    this.#metricsPeriod = options.metricsUpdatePeriodMs ?? DEFAULT_METRICS_UPDATE_PERIOD_MS;
    const mp: MetricsProvider | undefined = options.metricsProvider;
    if (mp && mp !== NOOP_METRICS_PROVIDER) {
      const name = options.name ?? "";
      this.#metrics = {
        depth: mp.newDepthMetric(name),
        adds: mp.newAddsMetric(name),
        latency: mp.newLatencyMetric(name),
        workDuration: mp.newWorkDurationMetric(name),
        unfinished: mp.newUnfinishedWorkSecondsMetric(name),
        longestRunning: mp.newLongestRunningProcessorSecondsMetric(name),
        retries: mp.newRetriesMetric(name),
      };
    }
  }

  add(item: T): void {
    if (this.#shuttingDown) return;
    let e = this.#entries.get(item);
    if (e === undefined) {
      e = { item, state: DIRTY, addedAt: 0, startedAt: 0 };
      this.#entries.set(item, e);
    } else if (e.state === 0) {
      e.state = DIRTY;
      this.#idle--;
    } else if ((e.state & DIRTY) !== 0) {
      return;
    } else {
      e.state |= DIRTY;
    }
    const m = this.#metrics;
    if (m !== undefined) {
      m.adds.inc();
      m.depth.inc();
      e.addedAt = this.clock.now();
    }
    if ((e.state & PROCESSING) === 0) this.#enqueue(e);
  }

  len(): number {
    return this.#size;
  }

  get(options: GetOptions = {}): Promise<GetResult<T>> {
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#size > 0) {
      const ring = this.#ring;
      const e = ring[this.#head]!;
      ring[this.#head] = undefined;
      this.#head = (this.#head + 1) & (ring.length - 1);
      this.#size--;
      this.#start(e);
      return Promise.resolve({ item: e.item, shutdown: false });
    }
    if (this.#shuttingDown) return Promise.resolve(SHUTDOWN);
    if (signal === undefined) return new Promise((resolve) => this.#waiters.push(resolve));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(signal.reason);
      };
      const waiter = (r: GetResult<T>): void => {
        signal.removeEventListener("abort", onAbort);
        resolve(r);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  done(item: T): void {
    const e = this.#entries.get(item);
    if (e === undefined || (e.state & PROCESSING) === 0) return;
    e.state &= ~PROCESSING;
    const m = this.#metrics;
    if (m !== undefined) m.workDuration.observe((this.clock.now() - e.startedAt) / 1000);
    this.#processing--;
    if (e.state !== 0) this.#enqueue(e);
    else if (++this.#idle > MIN_IDLE_TO_SWEEP && this.#idle * 2 > this.#entries.size) this.#sweep();
    if (this.#processing === 0 && this.#drainers.length > 0) this.#releaseDrainers();
  }

  shutDown(): void {
    this.#beginShutdown();
    this.#releaseDrainers();
  }

  shutDownWithDrain(options: ShutDownWithDrainOptions = {}): Promise<void> {
    this.#beginShutdown();
    if (this.#processing === 0) return Promise.resolve();
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.#drainers.indexOf(drainer);
        if (i >= 0) this.#drainers.splice(i, 1);
        reject(signal?.reason);
      };
      const drainer = (): void => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#drainers.push(drainer);
    });
  }

  shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** @deprecated Use {@linkcode QueueImpl.shutDown}. */
  shutdown(): void {
    this.shutDown();
  }

  /** Shuts the queue down (`await using queue = newQueue()`); does not wait for items in flight. */
  [Symbol.asyncDispose](): Promise<void> {
    this.shutDown();
    return Promise.resolve();
  }

  /** Counts one retry (an `addAfter`) when metrics are on. */
  protected countRetry(): void {
    this.#metrics?.retries.inc();
  }

  #enqueue(e: Entry<T>): void {
    if (this.#waiters.length > 0) {
      // Waiters exist only while the ring is empty, so handing over directly keeps FIFO order.
      this.#start(e);
      this.#waiters.shift()!({ item: e.item, shutdown: false });
      return;
    }
    let ring = this.#ring;
    if (this.#size === ring.length) ring = this.#grow();
    ring[(this.#head + this.#size) & (ring.length - 1)] = e;
    this.#size++;
  }

  #start(e: Entry<T>): void {
    e.state = PROCESSING;
    this.#processing++;
    const m = this.#metrics;
    if (m !== undefined) {
      const now = this.clock.now();
      m.depth.dec();
      m.latency.observe((now - e.addedAt) / 1000);
      e.startedAt = now;
      if (this.#metricsTimer === undefined && !this.#shuttingDown) this.#armMetricsTimer();
    }
  }

  #sweep(): void {
    for (const [item, e] of this.#entries) if (e.state === 0) this.#entries.delete(item);
    this.#idle = 0;
  }

  #grow(): (Entry<T> | undefined)[] {
    const old = this.#ring;
    const ring: (Entry<T> | undefined)[] = new Array(old.length * 2);
    for (let i = 0; i < this.#size; i++) ring[i] = old[(this.#head + i) & (old.length - 1)];
    this.#ring = ring;
    this.#head = 0;
    return ring;
  }

  #beginShutdown(): void {
    this.#shuttingDown = true;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w(SHUTDOWN);
    this.#metricsTimer?.cancel();
    this.#metricsTimer = undefined;
  }

  #releaseDrainers(): void {
    const drainers = this.#drainers;
    this.#drainers = [];
    for (const d of drainers) d();
  }

  #armMetricsTimer(): void {
    this.#metricsTimer = this.clock.setTimer(() => {
      this.#metricsTimer = undefined;
      this.#updateUnfinishedWork();
      if (this.#processing > 0 && !this.#shuttingDown) this.#armMetricsTimer();
    }, this.#metricsPeriod);
  }

  #updateUnfinishedWork(): void {
    const m = this.#metrics!;
    const now = this.clock.now();
    let total = 0;
    let oldest = 0;
    if (this.#processing > 0) {
      for (const e of this.#entries.values()) {
        if ((e.state & PROCESSING) === 0) continue;
        const age = now - e.startedAt;
        total += age;
        if (age > oldest) oldest = age;
      }
    }
    m.unfinished.set(total / 1000);
    m.longestRunning.set(oldest / 1000);
  }
}
