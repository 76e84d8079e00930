/**
 * Backoff: client-go's per-key exponential backoff (`flowcontrol.Backoff`), the exponential backoff
 * manager the reflector uses between list/watch attempts (`wait.NewExponentialBackoffManager`), and
 * a jittered exponential delay for retries ({@linkcode nextDelay}, as `wait.Backoff.Step`).
 * All of them read time through an injected {@linkcode Clock}.
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";

/** Options of {@linkcode nextDelay}. */
export interface JitteredBackoffOptions {
  /** The delay of attempt 0, in milliseconds (wait.Backoff's `Duration`). */
  initialMs: number;
  /** Each attempt multiplies the delay by this (default 2; 1 gives a constant delay). */
  factor?: number;
  /** The delay never grows past this before jitter is added (wait.Backoff's `Cap`; default none). */
  maxMs?: number;
  /** Adds up to `jitter * delay` at random (default 0: no jitter). */
  jitter?: number;
  /** Source of randomness in [0, 1) (default `Math.random`). */
  random?: () => number;
}

function jittered(ms: number, factor: number, random: () => number): number {
  return factor > 0 ? ms + random() * factor * ms : ms;
}

/**
 * The delay before retry number `attempt` (0-based): `initialMs * factor^attempt`, capped at `maxMs`,
 * plus a random jitter of up to `jitter` times that (client-go's `wait.Backoff.Step`, where jitter is
 * added after the cap).
 *
 * @example client-go's DefaultBackoff: 10 ms, factor 5, jitter 0.1
 * ```ts
 * import { nextDelay } from "@kubeweb/client/rest";
 *
 * const opts = { initialMs: 10, factor: 5, jitter: 0.1, random: () => 0 };
 * console.log([0, 1, 2, 3].map((n) => nextDelay(n, opts))); // [10, 50, 250, 1250]
 * ```
 */
export function nextDelay(attempt: number, options: JitteredBackoffOptions): number {
  const factor = options.factor ?? 2;
  const cap = options.maxMs ?? Infinity;
  const base = Math.min(options.initialMs * Math.pow(factor, Math.max(0, attempt)), cap);
  return jittered(base, options.jitter ?? 0, options.random ?? Math.random);
}

/** Options of the {@linkcode Backoff} constructor. */
export interface BackoffOptions {
  /** The clock (default: the real clock). */
  clock?: Clock;
  /** Adds up to this factor of the current delay at random on each step (default 0). */
  maxJitterFactor?: number;
  /** Source of randomness in [0, 1) (default `Math.random`). */
  random?: () => number;
}

interface Entry {
  backoff: number;
  lastUpdate: number;
}

/**
 * Per-key exponential backoff (client-go's `flowcontrol.Backoff`): each {@linkcode Backoff.next} of a
 * key doubles its delay, starting at `initialMs` and capped at `maxMs`. A key that has not been
 * stepped for more than `2 * maxMs` starts again at `initialMs`.
 *
 * @example
 * ```ts
 * import { Backoff } from "@kubeweb/client/rest";
 *
 * const backoff = new Backoff(1000, 60_000);
 * backoff.next("pod-a");
 * backoff.next("pod-a");
 * console.log(backoff.get("pod-a")); // 2000
 * if (backoff.isInBackOffSinceUpdate("pod-a", Date.now())) console.log("wait before retrying pod-a");
 * ```
 */
export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #clock: Clock;
  readonly #jitter: number;
  readonly #random: () => number;
  readonly #entries = new Map<string, Entry>();

  /** Creates the backoff; `initialMs` and `maxMs` are the first and the largest delay. */
  constructor(initialMs: number, maxMs: number, options: BackoffOptions = {}) {
    if (!(initialMs >= 0) || !(maxMs >= initialMs)) {
      throw new RangeError(`Backoff needs 0 <= initialMs <= maxMs, got ${initialMs} and ${maxMs}`);
    }
    this.#initialMs = initialMs;
    this.#maxMs = maxMs;
    this.#clock = options.clock ?? REAL_CLOCK;
    this.#jitter = options.maxJitterFactor ?? 0;
    this.#random = options.random ?? Math.random;
  }

  #expired(at: number, entry: Entry): boolean {
    return at - entry.lastUpdate > 2 * this.#maxMs;
  }

  /** The current delay of `id` in ms (0 when it has none). */
  get(id: string): number {
    return this.#entries.get(id)?.backoff ?? 0;
  }

  /**
   * Steps the delay of `id`: the initial delay for a new key or one idle for more than twice the
   * maximum (measured from `eventTime`, default now), else twice the current delay, capped.
   */
  next(id: string, eventTime: number = this.#clock.now()): void {
    const entry = this.#entries.get(id);
    if (!entry || this.#expired(eventTime, entry)) {
      const backoff = Math.min(jittered(this.#initialMs, this.#jitter, this.#random), this.#maxMs);
      this.#entries.set(id, { backoff, lastUpdate: this.#clock.now() });
      return;
    }
    entry.backoff = Math.min(entry.backoff * 2 + this.#jitter * this.#random() * entry.backoff, this.#maxMs);
    entry.lastUpdate = this.#clock.now();
  }

  /** Forgets `id`: its next step starts at the initial delay. */
  reset(id: string): void {
    this.#entries.delete(id);
  }

  /** True while less than the current delay of `id` has passed since `eventTime` (ms since epoch). */
  isInBackOffSince(id: string, eventTime: number): boolean {
    const entry = this.#entries.get(id);
    if (!entry || this.#expired(this.#clock.now(), entry)) return false;
    return this.#clock.now() - eventTime < entry.backoff;
  }

  /** True when `eventTime` is less than the current delay of `id` after its last step. */
  isInBackOffSinceUpdate(id: string, eventTime: number): boolean {
    const entry = this.#entries.get(id);
    if (!entry || this.#expired(this.#clock.now(), entry)) return false;
    return eventTime - entry.lastUpdate < entry.backoff;
  }

  /** Drops the keys idle for more than twice the maximum delay (call it now and then). */
  gc(): void {
    const now = this.#clock.now();
    for (const [id, entry] of this.#entries) if (this.#expired(now, entry)) this.#entries.delete(id);
  }

  /** The number of keys with a delay (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }
}

/** Waits between attempts of a loop (client-go's `wait.BackoffManager`). */
export interface BackoffManager {
  /** The delay to wait now, in ms; the manager records the attempt. */
  step(): number;
  /** Waits {@linkcode BackoffManager.step} ms; rejects with the signal's reason if it aborts first. */
  backoff(signal?: AbortSignal): Promise<void>;
}

/** Options of {@linkcode newExponentialBackoffManager}. */
export interface ExponentialBackoffManagerOptions {
  /** The first delay, in ms. */
  initialMs: number;
  /** The largest delay before jitter, in ms. */
  maxMs: number;
  /** After this many ms without a step the delay restarts at `initialMs`. */
  resetMs: number;
  /** Each step multiplies the delay by this (default 2). */
  factor?: number;
  /** Adds up to `jitter * delay` at random (default 0). */
  jitter?: number;
  /** The clock (default: the real clock). */
  clock?: Clock;
  /** Source of randomness in [0, 1) (default `Math.random`). */
  random?: () => number;
}

/**
 * An exponential {@linkcode BackoffManager} (client-go's `wait.NewExponentialBackoffManager`): delays
 * `initialMs`, then times `factor` up to `maxMs`, each with jitter; when more than `resetMs` passed
 * since the previous step, it starts again at `initialMs`. The reflector uses 800 ms, 30 s, 2 min,
 * factor 2, jitter 1.
 *
 * @example
 * ```ts
 * import { newExponentialBackoffManager } from "@kubeweb/client/rest";
 *
 * const manager = newExponentialBackoffManager({ initialMs: 800, maxMs: 30_000, resetMs: 120_000, random: () => 0 });
 * console.log([manager.step(), manager.step(), manager.step()]); // [800, 1600, 3200]
 * ```
 */
export function newExponentialBackoffManager(options: ExponentialBackoffManagerOptions): BackoffManager {
  return new ExponentialBackoffManager(options);
}

class ExponentialBackoffManager implements BackoffManager {
  readonly #o: Required<ExponentialBackoffManagerOptions>;
  #attempt = 0;
  #lastStart: number | undefined;

  constructor(options: ExponentialBackoffManagerOptions) {
    this.#o = {
      factor: 2,
      jitter: 0,
      clock: REAL_CLOCK,
      random: Math.random,
      ...options,
    };
  }

  step(): number {
    const now = this.#o.clock.now();
    if (this.#lastStart === undefined || now - this.#lastStart > this.#o.resetMs) this.#attempt = 0;
    this.#lastStart = now;
    const o = this.#o;
    const delay = nextDelay(this.#attempt, {
      initialMs: o.initialMs,
      factor: o.factor,
      maxMs: o.maxMs,
      jitter: o.jitter,
      random: o.random,
    });
    // Stop counting once capped, so the exponent never overflows.
    if (o.initialMs * Math.pow(o.factor, this.#attempt) < o.maxMs) this.#attempt++;
    return delay;
  }

  backoff(signal?: AbortSignal): Promise<void> {
    return this.#o.clock.sleep(this.step(), signal);
  }
}
