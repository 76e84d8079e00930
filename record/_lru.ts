/**
 * A least-recently-used cache on a Map (Map keeps insertion order; a touched key is re-inserted).
 *
 * @module
 */

/** A map with at most `capacity` entries; adding to a full cache evicts the least recently used. */
export class LruCache<K, V> {
  #map = new Map<K, V>();
  #capacity: number;

  /** Creates an empty cache holding at most `capacity` entries (at least 1). */
  constructor(capacity: number) {
    this.#capacity = Math.max(1, Math.floor(capacity));
  }

  /** The value of `key`, marking it most recently used. */
  get(key: K): V | undefined {
    if (!this.#map.has(key)) return undefined;
    const value = this.#map.get(key)!;
    this.#map.delete(key);
    this.#map.set(key, value);
    return value;
  }

  /** Sets `key` as most recently used, evicting the least recently used entry if full. */
  add(key: K, value: V): void {
    if (this.#map.has(key)) this.#map.delete(key);
    else if (this.#map.size >= this.#capacity) this.#map.delete(this.#map.keys().next().value!);
    this.#map.set(key, value);
  }

  /** Number of entries. */
  get size(): number {
    return this.#map.size;
  }
}
