/**
 * {@linkcode DeadlineQueue}: many deadlines of one length on one clock, served by a single timer.
 *
 * The response-header deadline of every request attempt has the same length, so deadlines fall due
 * in the order they were added: a FIFO queue, whose head is the next one due, replaces a timer per
 * attempt. Adding is an allocation and a push; cancelling marks the entry (and drops cancelled
 * entries at the head); the one timer is set for the head's due time and, when it fires, fires what
 * is due and is set again for the next live entry. The first {@linkcode COLD_DEADLINES} deadlines of
 * a queue set it with `setDeadline` (on Deno's real clock a request answered within a second then sets
 * no runtime timer, so a program of a few requests never loads Deno's Node timers; that timer cannot
 * be unref'd, so the queue cancels it when it empties). Later ones, in a program that keeps making
 * requests, set the clock's runtime timer: it is unref'd where the runtime can (Node, Bun and Deno), so
 * it never keeps a process alive, and when the queue empties it is left to run out; requests one after
 * the other then set and clear no timer each (on Deno, arming and clearing one cost a sequential GET
 * about 10 µs of its ~140 µs over loopback). When it fires with nothing pending it is not set again. A
 * timer without `unref` (a fake clock's, a browser's) is cancelled when the queue empties.
 *
 * Internal (not a published entry point): `rest/request.ts` is its user, and
 * `_internal/deadline_queue_test.ts` shows its use.
 *
 * @module
 */
import { type Clock, setDeadline, type Timer } from "./clock.ts";

/**
 * Deadlines a queue times with `setDeadline` before it arms its clock's runtime timers instead: a
 * program of a few requests sets no runtime timer; one that makes more pays for loading them once.
 */
export const COLD_DEADLINES = 16;

interface Entry {
  at: number;
  fn: (() => void) | undefined;
}

/** A pending deadline of a {@linkcode DeadlineQueue}. */
export interface Deadline {
  /** Cancels the deadline; its function will not run. Idempotent. */
  cancel(): void;
}

/**
 * Deadlines of `ms` milliseconds on `clock`, with one timer for all of them: `add(fn)` returns a
 * deadline to `cancel()` when the awaited answer came; otherwise `fn` runs `ms` after the add.
 */
export class DeadlineQueue {
  readonly #clock: Clock;
  readonly #ms: number;
  #entries: Entry[] = [];
  #head = 0;
  #live = 0;
  #timer: Timer | undefined;
  /** True while due functions run: they may add and cancel, and the timer is set after them. */
  #firing = false;
  /** Deadlines added so far, counted up to COLD_DEADLINES + 1. */
  #added = 0;

  /** A queue of deadlines `ms` (> 0) after they are added. */
  constructor(clock: Clock, ms: number) {
    this.#clock = clock;
    this.#ms = ms;
  }

  /** Number of deadlines not yet fired or cancelled. */
  get size(): number {
    return this.#live;
  }

  /** Runs `fn` `ms` milliseconds from now unless cancelled first. */
  add(fn: () => void): Deadline {
    const entry: Entry = { at: this.#clock.now() + this.#ms, fn };
    this.#entries.push(entry);
    this.#live++;
    if (this.#added <= COLD_DEADLINES) this.#added++;
    if (this.#timer === undefined && !this.#firing) this.#arm(this.#ms);
    return {
      cancel: () => {
        if (entry.fn === undefined) return;
        entry.fn = undefined;
        this.#live--;
        if (this.#firing) return;
        if (this.#live === 0) {
          if (this.#timer?.unref === undefined) {
            this.#timer?.cancel();
            this.#timer = undefined;
          }
          this.#entries = [];
          this.#head = 0;
        } else this.#trim();
      },
    };
  }

  /** Drops cancelled entries at the head; compacts the array when they pile up behind a live one. */
  #trim(): void {
    const entries = this.#entries;
    while (this.#head < entries.length && entries[this.#head].fn === undefined) this.#head++;
    const dead = entries.length - this.#head - this.#live;
    if (this.#head > 1024 && this.#head * 2 > entries.length) {
      this.#entries = entries.slice(this.#head);
      this.#head = 0;
    } else if (dead > 1024 && dead > this.#live * 2) {
      this.#entries = entries.slice(this.#head).filter((e) => e.fn !== undefined);
      this.#head = 0;
    }
  }

  #arm(wait: number): void {
    // setDeadline for the first deadlines: on Deno's real clock its first second sets no runtime timer,
    // which a program of a request or two then never loads; that timer has no unref, so an empty queue
    // cancels it. Later, and on other clocks and runtimes, the clock's timer: unref'd, it can linger
    // between requests.
    const fire = () => this.#fire();
    const ms = Math.max(0, wait);
    const timer = this.#added > COLD_DEADLINES
      ? this.#clock.setTimer(fire, ms)
      : setDeadline(this.#clock, fire, ms);
    timer.unref?.();
    this.#timer = timer;
  }

  #fire(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    const entries = this.#entries;
    this.#firing = true;
    try {
      while (this.#head < entries.length) {
        const e = entries[this.#head];
        if (e.fn !== undefined && e.at > now) break;
        this.#head++;
        const fn = e.fn;
        if (fn === undefined) continue;
        e.fn = undefined;
        this.#live--;
        try {
          fn();
        } catch { /* one deadline's failure must not stop the others */ }
      }
    } finally {
      this.#firing = false;
    }
    if (this.#live === 0) {
      this.#entries = [];
      this.#head = 0;
      return;
    }
    // The functions may have added or cancelled entries: set the timer for the next live one.
    this.#trim();
    this.#arm(this.#entries[this.#head].at - now);
  }
}

const QUEUES = new WeakMap<Clock, Map<number, DeadlineQueue>>();

/** The queue the last call returned (most calls ask for the same one). */
let last: { clock: Clock; ms: number; queue: DeadlineQueue } | undefined;

/** The shared queue of `ms`-long deadlines on `clock` (one per clock and length). */
export function deadlineQueue(clock: Clock, ms: number): DeadlineQueue {
  if (last !== undefined && last.clock === clock && last.ms === ms) return last.queue;
  let byMs = QUEUES.get(clock);
  if (byMs === undefined) QUEUES.set(clock, byMs = new Map());
  let q = byMs.get(ms);
  if (q === undefined) byMs.set(ms, q = new DeadlineQueue(clock, ms));
  last = { clock, ms, queue: q };
  return q;
}
