/**
 * The shapes of the generated data tables of the fake API server (`_tables.ts`).
 *
 * @module
 */

/** One built-in resource of the spec. */
export interface ResourceRow {
  /** API group ("" for core). */
  group: string;
  /** API version. */
  version: string;
  /** Plural resource name. */
  resource: string;
  /** Kind of its objects. */
  kind: string;
  /** Whether its objects live in namespaces. */
  namespaced: boolean;
  /** Verbs of the resource itself. */
  verbs: string[];
  /** Subresource name -> verbs. */
  subresources: Record<string, string[]>;
  /** Short schema key of its type (for the merge schema). */
  type: string;
}

/**
 * Merge information of one field: `t` the schema key of its object type (or item/value type), `a` a
 * list, `m` a map, `x` atomic map, `s` patch strategy, `k` patch merge key, `l` list type, `mk` list map keys.
 */
export interface FieldSchema {
  t?: string;
  a?: number;
  m?: number;
  x?: number;
  s?: string;
  k?: string;
  l?: string;
  mk?: string[];
}

/** Schema key -> field name -> merge information. */
export type TypeSchemas = Record<string, Record<string, FieldSchema>>;
