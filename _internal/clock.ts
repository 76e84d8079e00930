/**
 * Clocks: the one seam through which every kubeweb component reads time and waits.
 *
 * Components take a {@linkcode Clock} in their options (client-go's `clock.Clock`). Production code
 * uses {@linkcode REAL_CLOCK}; unit tests use {@linkcode FakeClock} and move time by hand, so no test
 * ever sleeps.
 *
 * @module
 */

/** A scheduled callback that can be cancelled. */
export interface Timer {
  /** Cancels the timer. Returns true if it had not fired yet. */
  cancel(): boolean;
  /**
   * Present when the runtime can let the process exit while this timer is pending (Node's, Bun's
   * and Deno's `unref`); calling it does so. Absent on fake clocks and in browsers.
   */
  unref?(): void;
}

type DenoUnref = { Deno?: { unrefTimer?: (id: number) => void } };

/** The runtime's way to unref the timer `id` (Node's, Bun's and Deno's timers), if it has one. */
function unrefOf(id: unknown): (() => void) | undefined {
  if (typeof id === "object" && id !== null) {
    const t = id as { unref?: () => void };
    return typeof t.unref === "function" ? () => t.unref!() : undefined;
  }
  const unrefTimer = (globalThis as DenoUnref).Deno?.unrefTimer;
  return typeof id === "number" && typeof unrefTimer === "function" ? () => unrefTimer(id) : undefined;
}

/** The source of time and timers for a component. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds (0 or less: as soon as possible). */
  setTimer(fn: () => void, ms: number): Timer;
  /**
   * Resolves after `ms` milliseconds. Rejects with the signal's reason if the signal aborts first.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted", "AbortError");
}

/** Sleeps on any clock: the shared implementation behind {@linkcode Clock.sleep}. */
export function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      timer.cancel();
      reject(abortReason(signal!));
    };
    const timer = clock.setTimer(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

class RealClock implements Clock {
  now(): number {
    return Date.now();
  }
  setTimer(fn: () => void, ms: number): Timer {
    let fired = false;
    const id = setTimeout(() => {
      fired = true;
      fn();
    }, Math.max(0, ms));
    const timer: Timer = {
      cancel(): boolean {
        clearTimeout(id);
        const was = !fired;
        fired = true;
        return was;
      },
    };
    const unref = unrefOf(id);
    if (unref !== undefined) timer.unref = unref;
    return timer;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
}

/** The wall clock with the runtime's timers. */
export const REAL_CLOCK: Clock = new RealClock();

/** How long {@linkcode setDeadline} times a deadline on the real clock before it sets a runtime timer. */
export const DEADLINE_FIRST_STAGE_MS = 1000;

/**
 * Runs `fn` once after `ms` milliseconds unless cancelled, as `clock.setTimer` does, for a deadline of
 * work that keeps the program alive by itself (a request in flight): the timer itself need not.
 *
 * On Deno's real clock the first `firstStageMs` are timed by `AbortSignal.timeout`, and a runtime
 * timer is set only for a deadline still pending after them. The first `setTimeout` of a Deno process
 * loads Deno's Node timers (5-12 ms, a tenth of a program that makes one request), which a request
 * answered within the first stage then never pays. Such a deadline has no `unref`: Deno keeps a process
 * alive while an `AbortSignal.timeout` has a listener, as it does for a timer, and offers no way to unref
 * it, so a deadline left to run out would hold the process open until its first stage ends (a program
 * of one request exited a second late that way). A caller that needs no deadline must cancel it; cancel
 * removes the listener, which releases the process at once. Deadlines set while a first stage is
 * pending and due in time share its signal (a deadline whose shared stage ends early times the rest
 * with a runtime timer). Any other clock, or runtime, is
 * `clock.setTimer` (with its timer's `unref`).
 *
 * @param clock The clock of the deadline.
 * @param fn What to run when it passes.
 * @param ms Milliseconds from now.
 * @param firstStageMs The first stage on Deno's real clock (tests shorten it).
 * @returns The deadline's timer (internal: the deadline queue of `rest/request.ts` uses it).
 */
export function setDeadline(
  clock: Clock,
  fn: () => void,
  ms: number,
  firstStageMs: number = DEADLINE_FIRST_STAGE_MS,
): Timer {
  const deno = (globalThis as { Deno?: unknown }).Deno !== undefined;
  if (!(clock instanceof RealClock) || !deno || typeof AbortSignal.timeout !== "function") {
    return clock.setTimer(fn, ms);
  }
  const first = Math.min(Math.max(0, ms), firstStageMs);
  const start = performance.now();
  let live = true;
  let second: Timer | undefined;
  const fire = () => {
    if (!live) return;
    live = false;
    fn();
  };
  // While it has this listener, the signal keeps a Deno process alive (and cannot be unref'd).
  const stage = firstStage(start, first);
  const onFirst = () => {
    if (!live) return;
    // A shared stage may end before this deadline's own first stage would have: time the rest.
    const left = start + ms - Math.max(performance.now(), stage.due);
    if (left <= 0) return fire();
    second = clock.setTimer(fire, left);
  };
  stage.signal.addEventListener("abort", onFirst, { once: true });
  return {
    cancel(): boolean {
      const was = live;
      live = false;
      stage.signal.removeEventListener("abort", onFirst);
      second?.cancel();
      return was;
    },
  };
}

/** A first stage of {@linkcode setDeadline}: a timeout signal and when it is due (`performance.now()`). */
interface FirstStage {
  signal: AbortSignal;
  due: number;
}

/** The newest first stage, shared by the deadlines set before it is due. */
let sharedStage: FirstStage | undefined;

/**
 * A timeout signal due no later than `first` ms after `now`: the newest one while it is pending and
 * due in time, else a new one. Deadlines set one after the other (sequential requests, each cancelling
 * its deadline when answered) so share one signal a stage instead of making one each: every
 * `AbortSignal.timeout` fires in the end, listened to or not, and a fired one makes a `DOMException`
 * with a stack (a sequential GET paid that, and a runtime timer's bookkeeping, for each request).
 */
function firstStage(now: number, first: number): FirstStage {
  const s = sharedStage;
  if (s !== undefined && !s.signal.aborted && s.due <= now + first) return s;
  return sharedStage = { signal: AbortSignal.timeout(first), due: now + first };
}

const MONOTONIC_ORIGIN = performance.timeOrigin;

/** The runtime's timers with `now()` on the monotonic timer, in epoch-like milliseconds. */
class MonotonicClock extends RealClock {
  override now(): number {
    return MONOTONIC_ORIGIN + performance.now();
  }
}

/**
 * A clock on the monotonic timer (`performance.now()`), in epoch-like milliseconds: it never jumps
 * with the wall clock, so a lease's validity judged on it holds across NTP steps.
 */
export const MONOTONIC_CLOCK: Clock = new MonotonicClock();

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
  live: boolean;
}

/** Lets promise callbacks and queued tasks run: one turn of the real event loop (no waiting). */
export function flushTasks(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * A clock that moves only when told to. Timers fire in due-time order (ties in creation order) as
 * time is advanced; between two timers the pending promise callbacks run, so a timer set by a callback
 * within the advanced window fires too.
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: FakeTimer[] = [];

  /** Starts at `start` ms since the epoch (default: 2026-01-01T00:00:00Z). */
  constructor(start: number = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, ms: number): Timer {
    const t: FakeTimer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, live: true };
    this.#timers.push(t);
    return {
      cancel: (): boolean => {
        const was = t.live;
        t.live = false;
        this.#timers = this.#timers.filter((x) => x !== t);
        return was;
      },
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Number of timers not yet fired or cancelled (client-go's `HasWaiters`). */
  waiters(): number {
    return this.#timers.length;
  }

  /** Due time of the earliest pending timer, or undefined. */
  nextTimerAt(): number | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.#timers) {
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best?.at;
  }

  /**
   * Advances time by `ms`, firing every timer that falls due, in order, letting promise callbacks run
   * after each. Resolves when time has reached the target and all due timers have fired.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + Math.max(0, ms);
    await flushTasks();
    for (;;) {
      const next = this.#dueBy(target);
      if (!next) break;
      this.#now = Math.max(this.#now, next.at);
      this.#timers = this.#timers.filter((x) => x !== next);
      next.live = false;
      next.fn();
      await flushTasks();
    }
    this.#now = target;
    await flushTasks();
  }

  /** Sets the time without firing anything earlier than it would on advance (fires due timers). */
  async setTime(epochMs: number): Promise<void> {
    await this.advance(Math.max(0, epochMs - this.#now));
    this.#now = epochMs;
  }

  #dueBy(target: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.#timers) {
      if (t.at > target) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
