/**
 * A scriptable {@linkcode ListerWatcher} for unit tests: records every call, answers lists from a
 * script, and hands out {@linkcode FakeWatch}es the test pushes events into.
 *
 * @module
 */
import type { KubeList, ListOptions, WatchEvent } from "../rest/types.ts";
import type { ListerWatcher } from "./listwatch.ts";

type Item<T> = { event: WatchEvent<T> } | { error: unknown } | { end: true };

/** A watch whose events the test pushes; ends on close, stop, or abort of its signal. */
export class FakeWatch<T> implements AsyncIterable<WatchEvent<T>> {
  /** The options the watch was started with. */
  readonly options: ListOptions;
  /** True once `stop()` was called. */
  stopped = false;
  #items: Item<T>[] = [];
  #wake: (() => void) | undefined;
  #iterated = false;
  #signal: AbortSignal;

  constructor(options: ListOptions, signal: AbortSignal) {
    this.options = options;
    this.#signal = signal;
    signal.addEventListener("abort", () => this.#push({ error: signal.reason }), { once: true });
  }

  #push(item: Item<T>): void {
    this.#items.push(item);
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  /** Delivers events. */
  send(...events: WatchEvent<T>[]): void {
    for (const event of events) this.#push({ event });
  }

  /** Ends the stream normally (after the events sent so far). */
  close(): void {
    this.#push({ end: true });
  }

  /** Makes the iteration reject with `error` (after the events sent so far). */
  fail(error: unknown): void {
    this.#push({ error });
  }

  /** Ends the stream, as a real watcher's stop does. */
  stop(): void {
    this.stopped = true;
    this.#push({ end: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    if (this.#iterated) throw new TypeError("A watcher can be iterated only once");
    this.#iterated = true;
    return {
      next: async (): Promise<IteratorResult<WatchEvent<T>>> => {
        while (this.#items.length === 0) await new Promise<void>((r) => (this.#wake = r));
        const item = this.#items[0];
        if ("event" in item) {
          this.#items.shift();
          return { done: false, value: item.event };
        }
        // End and error are sticky.
        if ("error" in item) throw item.error;
        return { done: true, value: undefined };
      },
    };
  }

  /** True when the signal of the watch call has aborted. */
  get aborted(): boolean {
    return this.#signal.aborted;
  }
}

/** One scripted answer to a list call: a list, or an error to throw. */
export type ListAnswer<T> = KubeList<T> | { error: unknown };

/** One scripted answer to a watch call: undefined (a new FakeWatch) or an error to throw. */
export type WatchAnswer = undefined | { error: unknown };

/** A {@linkcode ListerWatcher} whose answers come from scripts, recording every call. */
export class FakeListerWatcher<T> implements ListerWatcher<T> {
  /** Options of every list call, in order. */
  readonly listCalls: ListOptions[] = [];
  /** Options of every watch call, in order (failed starts included). */
  readonly watchCalls: ListOptions[] = [];
  /** Every watch handed out, in order. */
  readonly watches: FakeWatch<T>[] = [];
  /** Answers of the next list calls; when empty, `defaultList` answers. */
  listAnswers: ListAnswer<T>[] = [];
  /** Answers of the next watch calls; when empty, a new watch. */
  watchAnswers: WatchAnswer[] = [];
  /** The answer when `listAnswers` is empty. */
  defaultList: () => KubeList<T> = () => ({ metadata: { resourceVersion: "1" }, items: [] });
  /** Clock time of every list call (with a clock). */
  readonly listTimes: number[] = [];
  /** Clock time of every watch call (with a clock). */
  readonly watchTimes: number[] = [];
  #clock: { now(): number } | undefined;

  /** Creates the fake; with a clock, call times are recorded. */
  constructor(clock?: { now(): number }) {
    this.#clock = clock;
  }

  list(options: ListOptions, signal: AbortSignal): Promise<KubeList<T>> {
    this.listCalls.push({ ...options });
    if (this.#clock) this.listTimes.push(this.#clock.now());
    if (signal.aborted) return Promise.reject(signal.reason);
    const answer = this.listAnswers.length > 0 ? this.listAnswers.shift()! : this.defaultList();
    if ("error" in answer) return Promise.reject(answer.error);
    return Promise.resolve(answer);
  }

  watch(options: ListOptions, signal: AbortSignal): Promise<FakeWatch<T>> {
    this.watchCalls.push({ ...options });
    if (this.#clock) this.watchTimes.push(this.#clock.now());
    if (signal.aborted) return Promise.reject(signal.reason);
    const answer = this.watchAnswers.shift();
    if (answer !== undefined) return Promise.reject(answer.error);
    const w = new FakeWatch<T>({ ...options }, signal);
    this.watches.push(w);
    return Promise.resolve(w);
  }

  /** The most recent watch. */
  get lastWatch(): FakeWatch<T> {
    const w = this.watches.at(-1);
    if (w === undefined) throw new Error("No watch was started");
    return w;
  }
}
