/**
 * Lookup in the merge schema of the built-in types (generated from the pinned spec), and the shape
 * of a field's value: struct, map, associative list, set, atomic list or scalar.
 *
 * @module
 */
import { SCHEMAS } from "./_tables.ts";
import type { FieldSchema, TypeSchemas } from "./_table_types.ts";

export type { FieldSchema };

/** How a value merges. */
export type Shape = "struct" | "map" | "assoc" | "set" | "atomic" | "scalar";

/** Schemas of custom resources, registered when their CRD is created. */
const CUSTOM: TypeSchemas = {};

/** Registers the merge schema of a custom resource's types (keys must be unique, e.g. "cr:<group>/<kind>"). */
export function registerCustomSchemas(schemas: TypeSchemas): void {
  Object.assign(CUSTOM, schemas);
}

/** The fields of a type. */
export function fieldsOf(type: string | undefined): Record<string, FieldSchema> | undefined {
  if (type === undefined) return undefined;
  return CUSTOM[type] ?? SCHEMAS[type];
}

/** The shape of a value held by a field with this schema (undefined schema: deduced from the value). */
export function shapeOf(info: FieldSchema | undefined, value: unknown): Shape {
  if (info?.x) return "atomic";
  if (info?.a) {
    if (info.l === "map" || (info.k !== undefined && info.s?.includes("merge"))) return "assoc";
    if (info.l === "set" || (info.s?.includes("merge") && info.t === undefined)) return "set";
    return "atomic";
  }
  if (info?.m) return "map";
  if (info?.t !== undefined) return "struct";
  if (Array.isArray(value)) return "atomic";
  if (typeof value === "object" && value !== null) return "map";
  return "scalar";
}

/** The schema of the items of a list or values of a map field. */
export function elementInfo(info: FieldSchema | undefined): FieldSchema | undefined {
  return info?.t === undefined ? undefined : { t: info.t };
}

/** The key fields of an associative list. */
export function keysOf(info: FieldSchema | undefined): string[] {
  return info?.mk ?? (info?.k !== undefined ? [info.k] : []);
}
