/**
 * Throughput of add + get + done with 1,000 distinct keys: kubeweb's queue with metrics off and on,
 * and a naive baseline queue on a Map and Sets. Each bench iteration is 1,000 cycles, so cycles per
 * second = 1000 / (time per iteration).
 *
 * Run: `deno bench workqueue/queue_bench.ts`
 *
 * @module
 */
import { type MetricsProvider, newQueue, newRateLimitingQueue, type Queue } from "./mod.ts";
import { itemExponentialFailureRateLimiter } from "./item_exponential_failure_rate_limiter.ts";

const KEYS: string[] = Array.from({ length: 1000 }, (_, i) => `default/pod-${i}`);

/** The obvious JavaScript queue: an array, a dirty Set, a processing Set, a promise per get. */
class NaiveQueue<T> {
  #queue: T[] = [];
  #dirty = new Set<T>();
  #processing = new Set<T>();
  #waiters: ((r: { item: T | undefined; shutdown: boolean }) => void)[] = [];
  #shuttingDown = false;

  add(item: T): void {
    if (this.#shuttingDown || this.#dirty.has(item)) return;
    this.#dirty.add(item);
    if (this.#processing.has(item)) return;
    const w = this.#waiters.shift();
    if (w) {
      this.#dirty.delete(item);
      this.#processing.add(item);
      w({ item, shutdown: false });
    } else this.#queue.push(item);
  }

  get(): Promise<{ item: T | undefined; shutdown: boolean }> {
    if (this.#queue.length > 0) {
      const item = this.#queue.shift()!;
      this.#dirty.delete(item);
      this.#processing.add(item);
      return Promise.resolve({ item, shutdown: false });
    }
    if (this.#shuttingDown) return Promise.resolve({ item: undefined, shutdown: true });
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  done(item: T): void {
    this.#processing.delete(item);
    if (this.#dirty.has(item)) this.#queue.push(item);
  }
}

/** What the bench's metrics write into, so that their work is not optimised away. */
const sink = { counter: 0, gauge: 0, count: 0, sum: 0 };

/** A provider whose metrics do the minimum real work: counters, gauges and histogram sums. */
function countingProvider(): MetricsProvider {
  const counter = () => ({ inc: () => void sink.counter++, dec: () => void sink.counter-- });
  const gauge = () => ({ set: (x: number) => void (sink.gauge = x) });
  const histogram = () => ({
    observe: (x: number) => {
      sink.count++;
      sink.sum += x;
    },
  });
  return {
    newDepthMetric: counter,
    newAddsMetric: counter,
    newLatencyMetric: histogram,
    newWorkDurationMetric: histogram,
    newUnfinishedWorkSecondsMetric: gauge,
    newLongestRunningProcessorSecondsMetric: gauge,
    newRetriesMetric: counter,
  };
}

interface CycleQueue {
  add(item: string): void;
  get(): Promise<{ item: string | undefined; shutdown: boolean }>;
  done(item: string): void;
}

async function batchCycles(q: CycleQueue): Promise<void> {
  for (let i = 0; i < KEYS.length; i++) q.add(KEYS[i]);
  for (let i = 0; i < KEYS.length; i++) {
    const { item } = await q.get();
    q.done(item!);
  }
}

async function oneByOneCycles(q: CycleQueue): Promise<void> {
  for (let i = 0; i < KEYS.length; i++) {
    q.add(KEYS[i]);
    const { item } = await q.get();
    q.done(item!);
  }
}

const off: Queue<string> = newQueue<string>({ name: "bench" });
const on: Queue<string> = newQueue<string>({ name: "bench", metricsProvider: countingProvider() });
const limited: Queue<string> = newRateLimitingQueue<string>(itemExponentialFailureRateLimiter(5, 1000), {
  name: "bench",
});
const naive = new NaiveQueue<string>();

Deno.bench("kubeweb queue, metrics off (1000 keys, add all then get+done)", {
  group: "batch",
  baseline: true,
}, async () => await batchCycles(off));
Deno.bench(
  "kubeweb queue, metrics on (1000 keys, add all then get+done)",
  { group: "batch" },
  async () => await batchCycles(on),
);
Deno.bench(
  "kubeweb rate-limiting queue, metrics off (1000 keys)",
  { group: "batch" },
  async () => await batchCycles(limited),
);
Deno.bench(
  "naive Map/Set queue (1000 keys, add all then get+done)",
  { group: "batch" },
  async () => await batchCycles(naive),
);

Deno.bench("kubeweb queue, metrics off (1000 keys, add+get+done each)", {
  group: "one-by-one",
  baseline: true,
}, async () => await oneByOneCycles(off));
Deno.bench(
  "kubeweb queue, metrics on (1000 keys, add+get+done each)",
  { group: "one-by-one" },
  async () => await oneByOneCycles(on),
);
Deno.bench(
  "naive Map/Set queue (1000 keys, add+get+done each)",
  { group: "one-by-one" },
  async () => await oneByOneCycles(naive),
);

async function waitingWorkerCycles(q: CycleQueue): Promise<void> {
  // Two workers already wait in get() when each item is added: the hand-off path. 1,002 cycles.
  const worker = async () => {
    for (;;) {
      const { item } = await q.get();
      q.done(item!);
      if (item!.startsWith("stop")) return;
    }
  };
  const workers = [worker(), worker()];
  for (let i = 0; i < KEYS.length; i++) {
    q.add(KEYS[i]);
    await null;
  }
  q.add("stop-1");
  q.add("stop-2");
  await Promise.all(workers);
}

const offW: Queue<string> = newQueue<string>({ name: "bench" });
const onW: Queue<string> = newQueue<string>({ name: "bench", metricsProvider: countingProvider() });
const naiveW = new NaiveQueue<string>();
Deno.bench("kubeweb queue, metrics off (2 workers waiting in get, 1000 keys)", {
  group: "waiting-workers",
  baseline: true,
}, async () => await waitingWorkerCycles(offW));
Deno.bench("kubeweb queue, metrics on (2 workers waiting in get, 1000 keys)", {
  group: "waiting-workers",
}, async () => await waitingWorkerCycles(onW));
Deno.bench("naive Map/Set queue (2 workers waiting in get, 1000 keys)", {
  group: "waiting-workers",
}, async () => await waitingWorkerCycles(naiveW));
