/**
 * The few async primitives kubeweb needs, with the same shapes as `@std/async` (which JSR would give us):
 * `delay` with an AbortSignal, `deadline`, `abortable`, and a combined signal helper.
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "./clock.ts";

/** Options for {@linkcode delay}. */
export interface DelayOptions {
  /** Aborts the delay: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The clock to wait on (default: the real clock). */
  clock?: Clock;
}

/** Resolves after `ms` milliseconds, like `@std/async`'s `delay`. */
export function delay(ms: number, options: DelayOptions = {}): Promise<void> {
  return (options.clock ?? REAL_CLOCK).sleep(ms, options.signal);
}

/** The error `deadline` rejects with when time runs out (as `@std/async`'s `DeadlineError`). */
export class DeadlineError extends Error {
  /** Creates the error; `ms` is the deadline that passed. */
  constructor(ms: number) {
    super(`Deadline of ${ms} ms exceeded`);
    this.name = "DeadlineError";
  }
}

/** Options for {@linkcode deadline}. */
export interface DeadlineOptions {
  /** Aborts the wait. */
  signal?: AbortSignal;
  /** The clock that measures the deadline (default: the real clock). */
  clock?: Clock;
}

/** Resolves as `p` does, or rejects with {@linkcode DeadlineError} after `ms` milliseconds. */
export function deadline<T>(p: Promise<T>, ms: number, options: DeadlineOptions = {}): Promise<T> {
  const clock = options.clock ?? REAL_CLOCK;
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimer(() => {
      cleanup();
      reject(new DeadlineError(ms));
    }, ms);
    const onAbort = () => {
      cleanup();
      reject(options.signal!.reason);
    };
    const cleanup = () => {
      timer.cancel();
      options.signal?.removeEventListener("abort", onAbort);
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    p.then((v) => {
      cleanup();
      resolve(v);
    }, (e) => {
      cleanup();
      reject(e);
    });
  });
}

/** Resolves as `p` does, or rejects with the signal's reason when it aborts first. */
export function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then((v) => {
      signal.removeEventListener("abort", onAbort);
      resolve(v);
    }, (e) => {
      signal.removeEventListener("abort", onAbort);
      reject(e);
    });
  });
}

/**
 * A signal that aborts when any of the given signals does. Returns the combined signal and a function
 * that detaches it from its parents (call it when done, so long-lived parents do not collect listeners).
 */
export function linkSignals(...signals: (AbortSignal | undefined)[]): {
  signal: AbortSignal;
  controller: AbortController;
  dispose: () => void;
} {
  const controller = new AbortController();
  const parents = signals.filter((s): s is AbortSignal => s !== undefined);
  const listeners: [AbortSignal, () => void][] = [];
  const dispose = () => {
    for (const [s, l] of listeners) s.removeEventListener("abort", l);
    listeners.length = 0;
  };
  for (const s of parents) {
    if (s.aborted) {
      controller.abort(s.reason);
      dispose();
      break;
    }
    const l = () => {
      controller.abort(s.reason);
      dispose();
    };
    s.addEventListener("abort", l, { once: true });
    listeners.push([s, l]);
  }
  return { signal: controller.signal, controller, dispose };
}

/** True when `e` is the rejection an aborted signal produces. */
export function isAbortError(e: unknown): boolean {
  return e instanceof DOMException && (e.name === "AbortError" || e.name === "TimeoutError");
}
