/**
 * A binary min-heap of delayed items keyed by ready time (ties in insertion order), with an index per
 * item so a duplicate `addAfter` can move an item earlier in O(log n).
 *
 * @module
 */

/** One delayed item. */
export interface Waiting<T> {
  item: T;
  readyAt: number;
  seq: number;
  index: number;
}

/** A min-heap of {@linkcode Waiting} entries with one entry per item. */
export class WaitingHeap<T> {
  #heap: Waiting<T>[] = [];
  #byItem = new Map<T, Waiting<T>>();
  #seq = 0;

  /** Number of delayed items. */
  get size(): number {
    return this.#heap.length;
  }

  /** The earliest entry, or undefined. */
  peek(): Waiting<T> | undefined {
    return this.#heap[0];
  }

  /**
   * Schedules `item` at `readyAt`; an item already waiting keeps the earlier of its two times.
   * Returns true if the earliest ready time of the heap changed.
   */
  schedule(item: T, readyAt: number): boolean {
    const before = this.#heap[0]?.readyAt;
    const existing = this.#byItem.get(item);
    if (existing !== undefined) {
      if (readyAt >= existing.readyAt) return false;
      existing.readyAt = readyAt;
      this.#up(existing.index);
    } else {
      const w: Waiting<T> = { item, readyAt, seq: this.#seq++, index: this.#heap.length };
      this.#heap.push(w);
      this.#byItem.set(item, w);
      this.#up(w.index);
    }
    return before === undefined || this.#heap[0].readyAt < before;
  }

  /** Removes and returns the earliest entry. */
  pop(): Waiting<T> | undefined {
    const heap = this.#heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      last.index = 0;
      this.#down(0);
    }
    this.#byItem.delete(top.item);
    return top;
  }

  /** Drops every entry. */
  clear(): void {
    this.#heap = [];
    this.#byItem.clear();
  }

  #less(a: Waiting<T>, b: Waiting<T>): boolean {
    return a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq);
  }

  #up(i: number): void {
    const heap = this.#heap;
    const w = heap[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(w, heap[p])) break;
      heap[i] = heap[p];
      heap[i].index = i;
      i = p;
    }
    heap[i] = w;
    w.index = i;
  }

  #down(i: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const w = heap[i];
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.#less(heap[c + 1], heap[c])) c++;
      if (!this.#less(heap[c], w)) break;
      heap[i] = heap[c];
      heap[i].index = i;
      i = c;
    }
    heap[i] = w;
    w.index = i;
  }
}
