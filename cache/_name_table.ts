/**
 * {@linkcode NameTable}: the objects of one namespace of a store, by name, with no key string and no
 * Map entry per object.
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

/** Marks a slot whose object was deleted (probing goes on past it). */
const DELETED: object = Object.freeze({});
const MIN_CAPACITY = 8;

/** The smallest power of two of at least `MIN_CAPACITY` that holds `n` entries at a load of 2/3. */
function capacityFor(n: number): number {
  let cap = MIN_CAPACITY;
  while (cap * 2 < n * 3) cap *= 2;
  return cap;
}

function emptySlots(cap: number): unknown[] {
  return new Array<unknown>(cap).fill(undefined);
}

/**
 * Objects keyed by `metadata.name` (the caller guarantees every stored object has a metadata object
 * whose name is a string or absent), in an open-addressing hash table (linear probing) whose slots
 * hold the objects themselves: about 13 bytes per object at 20,000 (8 per slot, at a load of 3/8 to
 * 3/4), where a `Map<string, T>` costs about 46 plus a key string. The order of iteration is that of
 * the slots (as in client-go, whose stores are Go maps, no order is promised).
 */
export class NameTable<T> {
  /** undefined (never used), DELETED, or an object. */
  #slots: unknown[];
  #mask: number;
  #live = 0;
  /** Slots holding DELETED. */
  #deleted = 0;

  /** An empty table sized for `expected` objects. */
  constructor(expected = 0) {
    const cap = capacityFor(expected);
    this.#slots = emptySlots(cap);
    this.#mask = cap - 1;
  }

  /** The number of objects. */
  get size(): number {
    return this.#live;
  }

  /** The slot holding `name`, or -1. */
  #find(name: string): number {
    const slots = this.#slots;
    const mask = this.#mask;
    let i = hashName(name) & mask;
    for (;;) {
      const s = slots[i];
      if (s === undefined) return -1;
      if (s !== DELETED && nameOf(s) === name) return i;
      i = (i + 1) & mask;
    }
  }

  /** The object named `name`, or undefined. */
  get(name: string): T | undefined {
    const i = this.#find(name);
    return i < 0 ? undefined : this.#slots[i] as T;
  }

  /** Stores `obj` under `name` (which must be its name); returns the object it replaced, if any. */
  set(name: string, obj: T): T | undefined {
    const slots = this.#slots;
    const mask = this.#mask;
    let i = hashName(name) & mask;
    let free = -1;
    for (;;) {
      const s = slots[i];
      if (s === undefined) break;
      if (s === DELETED) {
        if (free < 0) free = i;
      } else if (nameOf(s) === name) {
        slots[i] = obj;
        return s as T;
      }
      i = (i + 1) & mask;
    }
    if (free < 0) free = i;
    else this.#deleted--;
    slots[free] = obj;
    this.#live++;
    if ((this.#live + this.#deleted) * 4 > slots.length * 3) this.#rebuild();
    return undefined;
  }

  /** Removes the object named `name`; returns it, or undefined when there was none. */
  delete(name: string): T | undefined {
    const i = this.#find(name);
    if (i < 0) return undefined;
    const old = this.#slots[i] as T;
    this.#slots[i] = DELETED;
    this.#live--;
    this.#deleted++;
    if (this.#live === 0) {
      this.#slots = emptySlots(MIN_CAPACITY);
      this.#mask = MIN_CAPACITY - 1;
      this.#deleted = 0;
    } else if (this.#deleted > this.#live && this.#slots.length > MIN_CAPACITY) {
      this.#rebuild();
    }
    return old;
  }

  /** Re-hashes the objects into a table fit for them, without DELETED slots. */
  #rebuild(): void {
    const old = this.#slots;
    const cap = capacityFor(this.#live + 1);
    const slots = emptySlots(cap);
    const mask = cap - 1;
    for (let k = 0; k < old.length; k++) {
      const o = old[k];
      if (o === undefined || o === DELETED) continue;
      let i = hashName(nameOf(o)) & mask;
      while (slots[i] !== undefined) i = (i + 1) & mask;
      slots[i] = o;
    }
    this.#slots = slots;
    this.#mask = mask;
    this.#deleted = 0;
  }

  /** Calls `fn` with every object. `fn` must not change the table. */
  forEach(fn: (obj: T) => void): void {
    const slots = this.#slots;
    for (let k = 0; k < slots.length; k++) {
      const o = slots[k];
      if (o !== undefined && o !== DELETED) fn(o as T);
    }
  }

  /** Appends every object to `out`. */
  pushTo(out: T[]): void {
    const slots = this.#slots;
    for (let k = 0; k < slots.length; k++) {
      const o = slots[k];
      if (o !== undefined && o !== DELETED) out.push(o as T);
    }
  }
}
