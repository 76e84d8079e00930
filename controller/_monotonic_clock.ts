/**
 * A clock on the monotonic timer (`performance.now()`), in epoch-like milliseconds: it never jumps with
 * the wall clock, so lease validity judged on it holds across NTP steps.
 *
 * @module
 */
import { type Clock, sleepOn, type Timer } from "../_internal/clock.ts";

const ORIGIN = performance.timeOrigin;

class MonotonicClock implements Clock {
  now(): number {
    return ORIGIN + performance.now();
  }
  setTimer(fn: () => void, ms: number): Timer {
    let fired = false;
    const id = setTimeout(() => {
      fired = true;
      fn();
    }, Math.max(0, ms));
    return {
      cancel(): boolean {
        clearTimeout(id);
        const was = !fired;
        fired = true;
        return was;
      },
    };
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
}

/** The monotonic clock: the default clock of the controller runtime and its leader elector. */
export const MONOTONIC_CLOCK: Clock = new MonotonicClock();
