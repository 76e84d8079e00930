/**
 * Metrics in the Prometheus text format, under the names operators already graph:
 * `controller_runtime_*`, `workqueue_*`, `rest_client_requests_total`, `leader_election_master_status`.
 *
 * @module
 */
import type { Transport } from "../rest/runtime/runtime.ts";
import type {
  CounterMetric,
  GaugeMetric,
  HistogramMetric,
  MetricsProvider,
  SettableGaugeMetric,
} from "../workqueue/metrics.ts";

type Kind = "counter" | "gauge" | "histogram";

interface Family {
  name: string;
  help: string;
  kind: Kind;
  buckets?: number[];
  series: Map<string, { labels: Record<string, string>; value: number; counts?: number[]; sum?: number }>;
}

/** Default histogram buckets of controller-runtime's reconcile time (seconds). */
export const RECONCILE_TIME_BUCKETS: readonly number[] = Object.freeze([
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.15,
  0.2,
  0.25,
  0.3,
  0.35,
  0.4,
  0.45,
  0.5,
  0.6,
  0.7,
  0.8,
  0.9,
  1,
  1.25,
  1.5,
  1.75,
  2,
  2.5,
  3,
  3.5,
  4,
  4.5,
  5,
  6,
  7,
  8,
  9,
  10,
  15,
  20,
  25,
  30,
  40,
  50,
  60,
]);

/** Buckets of the workqueue's durations (seconds), as client-go's: 10^-8 to 10^1. */
export const WORKQUEUE_BUCKETS: readonly number[] = Object.freeze(
  Array.from({ length: 10 }, (_, i) => Number((1e-8 * 10 ** i).toPrecision(1))),
);

function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(",");
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function formatLabels(labels: Record<string, string>, extra?: [string, string]): string {
  const parts = Object.keys(labels).sort().map((k) => `${k}="${escapeLabel(labels[k])}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

function formatNumber(v: number): string {
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

/**
 * A registry of counters, gauges and histograms with labels, rendered in the Prometheus text format
 * (version 0.0.4) by {@linkcode MetricsRegistry.render} and served by {@linkcode MetricsRegistry.handler}.
 *
 * @example
 * ```ts
 * import { MetricsRegistry } from "@kubeweb/client/controller";
 *
 * const metrics = new MetricsRegistry();
 * metrics.counter("controller_runtime_reconcile_total", "Total reconciliations", { controller: "demo", result: "success" });
 * const response = await metrics.handler(new Request("http://localhost/metrics"));
 * console.log(await response.text());
 * ```
 */
export class MetricsRegistry {
  #families = new Map<string, Family>();

  #family(name: string, help: string, kind: Kind, buckets?: readonly number[]): Family {
    let f = this.#families.get(name);
    if (!f) {
      if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new TypeError(`Invalid metric name "${name}"`);
      f = { name, help, kind, buckets: buckets ? [...buckets] : undefined, series: new Map() };
      this.#families.set(name, f);
    } else if (f.kind !== kind) {
      throw new TypeError(`Metric ${name} is a ${f.kind}, not a ${kind}`);
    }
    return f;
  }

  #series(f: Family, labels: Record<string, string>) {
    const key = labelKey(labels);
    let s = f.series.get(key);
    if (!s) {
      s = { labels: { ...labels }, value: 0 };
      if (f.kind === "histogram") {
        s.counts = new Array(f.buckets!.length).fill(0);
        s.sum = 0;
      }
      f.series.set(key, s);
    }
    return s;
  }

  /** Adds `by` (default 1) to a counter. */
  counter(name: string, help: string, labels: Record<string, string> = {}, by = 1): void {
    this.#series(this.#family(name, help, "counter"), labels).value += by;
  }

  /** Sets a gauge. */
  gauge(name: string, help: string, labels: Record<string, string>, value: number): void {
    this.#series(this.#family(name, help, "gauge"), labels).value = value;
  }

  /** Adds `by` (may be negative) to a gauge. */
  gaugeAdd(name: string, help: string, labels: Record<string, string>, by: number): void {
    this.#series(this.#family(name, help, "gauge"), labels).value += by;
  }

  /** Records one observation in a histogram. */
  observe(
    name: string,
    help: string,
    labels: Record<string, string>,
    value: number,
    buckets: readonly number[] = RECONCILE_TIME_BUCKETS,
  ): void {
    const f = this.#family(name, help, "histogram", buckets);
    const s = this.#series(f, labels);
    s.value += 1;
    s.sum! += value;
    f.buckets!.forEach((b, i) => {
      if (value <= b) s.counts![i] += 1;
    });
  }

  /** The current value of a counter or gauge series (the count of a histogram), 0 if never set. */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.#families.get(name)?.series.get(labelKey(labels))?.value ?? 0;
  }

  /** Every metric in the Prometheus text format. */
  render(): string {
    const lines: string[] = [];
    for (const f of [...this.#families.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      lines.push(`# HELP ${f.name} ${f.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`);
      lines.push(`# TYPE ${f.name} ${f.kind}`);
      for (const s of f.series.values()) {
        if (f.kind !== "histogram") {
          lines.push(`${f.name}${formatLabels(s.labels)} ${formatNumber(s.value)}`);
          continue;
        }
        f.buckets!.forEach((b, i) => {
          lines.push(`${f.name}_bucket${formatLabels(s.labels, ["le", formatNumber(b)])} ${s.counts![i]}`);
        });
        lines.push(`${f.name}_bucket${formatLabels(s.labels, ["le", "+Inf"])} ${s.value}`);
        lines.push(`${f.name}_sum${formatLabels(s.labels)} ${formatNumber(s.sum!)}`);
        lines.push(`${f.name}_count${formatLabels(s.labels)} ${s.value}`);
      }
    }
    return lines.join("\n") + "\n";
  }

  /** A web-standard handler serving {@linkcode MetricsRegistry.render} (GET or HEAD; anything else: 405). */
  handler: (request: Request) => Response = (request: Request): Response => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("Method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
    }
    return new Response(request.method === "HEAD" ? null : this.render(), {
      headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
    });
  };

  /**
   * A workqueue metrics provider writing client-go's `workqueue_*` metrics (label `name`) into this
   * registry: pass it as the `metricsProvider` of a queue.
   */
  workqueueMetricsProvider(): MetricsProvider {
    const gauge = (metric: string, help: string) => (name: string): GaugeMetric & SettableGaugeMetric => ({
      inc: () => this.gaugeAdd(metric, help, { name }, 1),
      dec: () => this.gaugeAdd(metric, help, { name }, -1),
      set: (v: number) => this.gauge(metric, help, { name }, v),
    });
    const counter = (metric: string, help: string) => (name: string): CounterMetric => ({
      inc: () => this.counter(metric, help, { name }),
    });
    const histogram = (metric: string, help: string) => (name: string): HistogramMetric => ({
      observe: (v: number) => this.observe(metric, help, { name }, v, WORKQUEUE_BUCKETS),
    });
    return {
      newDepthMetric: gauge("workqueue_depth", "Current depth of workqueue"),
      newAddsMetric: counter("workqueue_adds_total", "Total number of adds handled by workqueue"),
      newLatencyMetric: histogram(
        "workqueue_queue_duration_seconds",
        "How long in seconds an item stays in workqueue before being requested",
      ),
      newWorkDurationMetric: histogram(
        "workqueue_work_duration_seconds",
        "How long in seconds processing an item from workqueue takes",
      ),
      newUnfinishedWorkSecondsMetric: gauge(
        "workqueue_unfinished_work_seconds",
        "How many seconds of work has been done that is in progress and hasn't been observed by work_duration",
      ),
      newLongestRunningProcessorSecondsMetric: gauge(
        "workqueue_longest_running_processor_seconds",
        "How many seconds has the longest running processor for workqueue been running",
      ),
      newRetriesMetric: counter("workqueue_retries_total", "Total number of retries handled by workqueue"),
    };
  }

  /**
   * Wraps a transport so every request counts in `rest_client_requests_total` (labels `code`,
   * `method`, `host`; code `<error>` when no response came). Pass the result as the clientset's
   * `transport` option.
   */
  instrumentTransport(transport: Transport): Transport {
    const help = "Number of HTTP requests, partitioned by status code, method, and host";
    return {
      runtime: transport.runtime,
      fetch: async (input, init) => {
        const request = input instanceof Request ? input : undefined;
        const url = new URL(request ? request.url : String(input));
        const method = (init?.method ?? request?.method ?? "GET").toUpperCase();
        try {
          const response = await transport.fetch(input, init);
          this.counter("rest_client_requests_total", help, {
            code: String(response.status),
            method,
            host: url.host,
          });
          return response;
        } catch (e) {
          this.counter("rest_client_requests_total", help, { code: "<error>", method, host: url.host });
          throw e;
        }
      },
      close: () => transport.close(),
    };
  }
}
