/**
 * {@linkcode NameTable}: the objects of one namespace of a store, by name, in insertion order, with
 * no key string and no Map entry per object (the index holds small integers).
 *
 * @module
 */

/** Where the name of a stored object is: `metadata.name`, or "" without one. */
function nameOf(obj: unknown): string {
  return (obj as { metadata: { name?: string } }).metadata.name ?? "";
}

/** A string hash (FNV-1a with a final mix), for slots. */
export function hashName(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

const EMPTY = 0;
const DELETED = -1;
const MIN_CAPACITY = 8;

/** The smallest power of two of at least `MIN_CAPACITY` that holds `n` entries at a load of 2/3. */
function capacityFor(n: number): number {
  let cap = MIN_CAPACITY;
  while (cap * 2 < n * 3) cap *= 2;
  return cap;
}

/**
 * Objects keyed by `metadata.name` (the caller guarantees every stored object has a metadata object
 * whose name is a string or absent). Costs about 20 bytes per object: one slot of the insertion-order
 * array and one to two slots of an open-addressing index (linear probing) of entry numbers, where a
 * `Map<string, T>` costs about 46 plus a key string.
 */
export class NameTable<T> {
  /** The objects in insertion order; `undefined` where one was deleted. */
  #entries: (T | undefined)[] = [];
  /** EMPTY, DELETED, or the entry's index + 1. */
  #slots: number[];
  #mask: number;
  #live = 0;
  /** Slots not EMPTY (live or DELETED). */
  #used = 0;

  /** An empty table sized for `expected` objects. */
  constructor(expected = 0) {
    const cap = capacityFor(expected);
    this.#slots = new Array<number>(cap).fill(EMPTY);
    this.#mask = cap - 1;
  }

  /** The number of objects. */
  get size(): number {
    return this.#live;
  }

  /** The slot holding `name`, or -1. */
  #find(name: string): number {
    const slots = this.#slots;
    const entries = this.#entries;
    const mask = this.#mask;
    let i = hashName(name) & mask;
    for (;;) {
      const s = slots[i];
      if (s === EMPTY) return -1;
      if (s > 0 && nameOf(entries[s - 1]) === name) return i;
      i = (i + 1) & mask;
    }
  }

  /** The object named `name`, or undefined. */
  get(name: string): T | undefined {
    const i = this.#find(name);
    return i < 0 ? undefined : this.#entries[this.#slots[i] - 1];
  }

  /** Stores `obj` under `name` (which must be its name); returns the object it replaced, if any. */
  set(name: string, obj: T): T | undefined {
    const slots = this.#slots;
    const entries = this.#entries;
    const mask = this.#mask;
    let i = hashName(name) & mask;
    let free = -1;
    for (;;) {
      const s = slots[i];
      if (s === EMPTY) break;
      if (s === DELETED) {
        if (free < 0) free = i;
      } else if (nameOf(entries[s - 1]) === name) {
        const old = entries[s - 1];
        entries[s - 1] = obj;
        return old;
      }
      i = (i + 1) & mask;
    }
    if (free < 0) {
      free = i;
      this.#used++;
    }
    entries.push(obj);
    slots[free] = entries.length;
    this.#live++;
    if (this.#used * 4 > slots.length * 3) this.#rebuild();
    return undefined;
  }

  /** Removes the object named `name`; returns it, or undefined when there was none. */
  delete(name: string): T | undefined {
    const i = this.#find(name);
    if (i < 0) return undefined;
    const e = this.#slots[i] - 1;
    const old = this.#entries[e];
    this.#slots[i] = DELETED;
    this.#entries[e] = undefined;
    this.#live--;
    const holes = this.#entries.length - this.#live;
    if (this.#live === 0) {
      this.#entries = [];
      this.#slots = new Array<number>(MIN_CAPACITY).fill(EMPTY);
      this.#mask = MIN_CAPACITY - 1;
      this.#used = 0;
    } else if (holes >= 16 && holes * 2 > this.#entries.length) {
      this.#rebuild();
    }
    return old;
  }

  /** Drops the holes of deleted objects and re-indexes, at a capacity fit for the objects left. */
  #rebuild(): void {
    const old = this.#entries;
    const entries: T[] = this.#live === old.length ? old as T[] : new Array<T>(this.#live);
    if (entries !== old) {
      let j = 0;
      for (let k = 0; k < old.length; k++) {
        const o = old[k];
        if (o !== undefined) entries[j++] = o;
      }
    }
    const cap = capacityFor(this.#live + 1);
    const slots = new Array<number>(cap).fill(EMPTY);
    const mask = cap - 1;
    for (let k = 0; k < entries.length; k++) {
      let i = hashName(nameOf(entries[k])) & mask;
      while (slots[i] !== EMPTY) i = (i + 1) & mask;
      slots[i] = k + 1;
    }
    this.#entries = entries;
    this.#slots = slots;
    this.#mask = mask;
    this.#used = entries.length;
  }

  /** Calls `fn` with every object, in insertion order. `fn` must not change the table. */
  forEach(fn: (obj: T) => void): void {
    const entries = this.#entries;
    for (let k = 0; k < entries.length; k++) {
      const o = entries[k];
      if (o !== undefined) fn(o);
    }
  }

  /** Appends every object to `out`, in insertion order. */
  pushTo(out: T[]): void {
    const entries = this.#entries;
    for (let k = 0; k < entries.length; k++) {
      const o = entries[k];
      if (o !== undefined) out.push(o);
    }
  }
}
