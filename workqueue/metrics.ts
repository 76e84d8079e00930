/**
 * Workqueue metrics: the provider interface a queue reports through, and the no-op default.
 *
 * @module
 */

/** A gauge that moves up and down (client-go's `GaugeMetric`). */
export interface GaugeMetric {
  /** Adds one. */
  inc(): void;
  /** Subtracts one. */
  dec(): void;
}

/** A gauge that is set to a value (client-go's `SettableGaugeMetric`). */
export interface SettableGaugeMetric {
  /** Sets the gauge to `value`. */
  set(value: number): void;
}

/** A counter that only goes up (client-go's `CounterMetric`). */
export interface CounterMetric {
  /** Adds one. */
  inc(): void;
}

/** A distribution of observed values (client-go's `HistogramMetric`). */
export interface HistogramMetric {
  /** Records one observation. */
  observe(value: number): void;
}

/**
 * Creates the metrics of a named queue (client-go's `MetricsProvider`). Durations are observed in
 * seconds, as Prometheus expects.
 *
 * @example Counting adds
 * ```ts
 * import { type MetricsProvider, NOOP_METRICS_PROVIDER, newQueue } from "@kubeweb/client/workqueue";
 *
 * let adds = 0;
 * const provider: MetricsProvider = { ...NOOP_METRICS_PROVIDER, newAddsMetric: () => ({ inc: () => adds++ }) };
 * const queue = newQueue<string>({ name: "pods", metricsProvider: provider });
 * queue.add("default/web");
 * queue.shutDown();
 * ```
 */
export interface MetricsProvider {
  /** The number of items waiting in the queue (dirty items not yet handed out). */
  newDepthMetric(name: string): GaugeMetric;
  /** The number of items added (each dirty insertion counts once). */
  newAddsMetric(name: string): CounterMetric;
  /** Seconds an item waited in the queue, from add to get. */
  newLatencyMetric(name: string): HistogramMetric;
  /** Seconds an item was processed, from get to done. */
  newWorkDurationMetric(name: string): HistogramMetric;
  /** Total seconds of work in progress that has not been marked done. */
  newUnfinishedWorkSecondsMetric(name: string): SettableGaugeMetric;
  /** Seconds the longest-running processor has been at work. */
  newLongestRunningProcessorSecondsMetric(name: string): SettableGaugeMetric;
  /** The number of delayed or rate-limited re-adds (each `addAfter` counts once). */
  newRetriesMetric(name: string): CounterMetric;
}

const NOOP_GAUGE: GaugeMetric & SettableGaugeMetric & CounterMetric & HistogramMetric = {
  inc(): void {},
  dec(): void {},
  set(): void {},
  observe(): void {},
};

/**
 * The provider that records nothing. A queue given this provider (or none) skips all metric work.
 *
 * @example
 * ```ts
 * import { NOOP_METRICS_PROVIDER, newQueue } from "@kubeweb/client/workqueue";
 *
 * const queue = newQueue<string>({ metricsProvider: NOOP_METRICS_PROVIDER });
 * queue.shutDown();
 * ```
 */
export const NOOP_METRICS_PROVIDER: MetricsProvider = Object.freeze({
  newDepthMetric: (): GaugeMetric => NOOP_GAUGE,
  newAddsMetric: (): CounterMetric => NOOP_GAUGE,
  newLatencyMetric: (): HistogramMetric => NOOP_GAUGE,
  newWorkDurationMetric: (): HistogramMetric => NOOP_GAUGE,
  newUnfinishedWorkSecondsMetric: (): SettableGaugeMetric => NOOP_GAUGE,
  newLongestRunningProcessorSecondsMetric: (): SettableGaugeMetric => NOOP_GAUGE,
  newRetriesMetric: (): CounterMetric => NOOP_GAUGE,
});
