/**
 * {@linkcode StringSharer}: makes the objects of one list or watch refer to one copy of each repeated
 * metadata string (JSON.parse gives every object its own).
 *
 * @module
 */
import type { ObjectMeta } from "../rest/types.ts";

/** How many distinct strings a sharer remembers by default (a bound for huge lists). */
const MAX_STRINGS = 20_000;

/** The string fields shared in each owner reference. */
const OWNER_FIELDS = ["apiVersion", "kind"] as const;
/** The string fields shared in each managedFields entry. */
const MANAGED_FIELDS = ["manager", "operation", "apiVersion", "time", "fieldsType"] as const;

/**
 * Replaces strings by an equal string seen before. Strings are immutable, so sharing changes no
 * value: an object reads exactly as the server sent it. A cache of metadata is mostly such small
 * strings: the namespace, timestamps (objects made together share the second), label values,
 * finalizers, owners' kinds, managedFields' managers and times.
 */
export class StringSharer {
  #seen: Map<string, string> = new Map();
  #max: number;

  /** A sharer that remembers at most `max` distinct strings (default 20,000). */
  constructor(max: number = MAX_STRINGS) {
    this.#max = max;
  }

  /** How many distinct strings it remembers. */
  get size(): number {
    return this.#seen.size;
  }

  /** An equal string seen before, or `s` (remembered while there is room). */
  share(s: string): string {
    const seen = this.#seen.get(s);
    if (seen !== undefined) return seen;
    if (this.#seen.size < this.#max) this.#seen.set(s, s);
    return s;
  }

  #maybe(s: unknown): unknown {
    return typeof s === "string" ? this.share(s) : s;
  }

  /** Shares the repeated strings of `meta` in place (the unique ones, name, uid, resourceVersion, are left). */
  shareMetadata(meta: ObjectMeta): void {
    const m = meta as Record<string, unknown>;
    if (typeof m.namespace === "string") m.namespace = this.share(m.namespace);
    if (typeof m.creationTimestamp === "string") m.creationTimestamp = this.share(m.creationTimestamp);
    if (typeof m.deletionTimestamp === "string") m.deletionTimestamp = this.share(m.deletionTimestamp);
    if (typeof m.generateName === "string") m.generateName = this.share(m.generateName);
    const labels = m.labels;
    if (labels !== null && typeof labels === "object") {
      const l = labels as Record<string, unknown>;
      for (const k in l) {
        const v = l[k];
        if (typeof v === "string") l[k] = this.share(v);
      }
    }
    const finalizers = m.finalizers;
    if (Array.isArray(finalizers)) {
      for (let i = 0; i < finalizers.length; i++) finalizers[i] = this.#maybe(finalizers[i]);
    }
    this.#shareEach(m.ownerReferences, OWNER_FIELDS);
    this.#shareEach(m.managedFields, MANAGED_FIELDS);
  }

  /** Shares the string `fields` of every object in `list`, when it is an array. */
  #shareEach(list: unknown, fields: readonly string[]): void {
    if (!Array.isArray(list)) return;
    for (const o of list as unknown[]) {
      if (o === null || typeof o !== "object") continue;
      const r = o as Record<string, unknown>;
      for (let i = 0; i < fields.length; i++) {
        const v = r[fields[i]];
        if (typeof v === "string") r[fields[i]] = this.share(v);
      }
    }
  }
}
