/**
 * Strategic merge patch for the built-in types, by the patch strategies and merge keys of the
 * pinned spec: maps merge (null deletes), lists with strategy `merge` merge by their merge key (or,
 * for primitives, by value), other lists are replaced; the directives `$patch: replace|delete`,
 * `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>` and `$retainKeys` are honoured.
 *
 * @module
 */
import { elementInfo, type FieldSchema, fieldsOf } from "./_schema.ts";
import type { Obj } from "./_store.ts";
import { badRequest } from "./_status.ts";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function mergeMap(
  original: unknown,
  patch: Record<string, unknown>,
  type: string | undefined,
  isStruct: boolean,
  valueInfo?: FieldSchema,
): unknown {
  if (patch.$patch === "replace") {
    const out = { ...patch };
    delete out.$patch;
    return out;
  }
  if (patch.$patch === "delete") return undefined;
  const fields = isStruct ? fieldsOf(type) : undefined;
  const out: Record<string, unknown> = isObject(original) ? { ...original } : {};
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    for (const k of Object.keys(out)) if (!keep.has(k) && !(k in patch)) delete out[k];
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k === "$retainKeys" || k === "$patch") continue;
    if (k.startsWith("$setElementOrder/")) continue;
    if (k.startsWith("$deleteFromPrimitiveList/")) {
      const field = k.slice("$deleteFromPrimitiveList/".length);
      if (Array.isArray(out[field]) && Array.isArray(v)) {
        out[field] = (out[field] as unknown[]).filter((x) => !v.some((d) => JSON.stringify(d) === JSON.stringify(x)));
      }
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const info = isStruct ? fields?.[k] : valueInfo;
    const merged = mergeValue(out[k], v, info);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  return out;
}

function mergeValue(original: unknown, patch: unknown, info: FieldSchema | undefined): unknown {
  if (info?.a && Array.isArray(patch)) return mergeList(original, patch, info);
  if (isObject(patch)) {
    if (info?.x) return structuredClone(patch);
    if (info?.m) return mergeMap(original, patch, undefined, false, elementInfo(info));
    if (info?.t !== undefined) return mergeMap(original, patch, info.t, true);
    return mergeMap(original, patch, undefined, false); // no schema: merge as JSON merge patch does
  }
  return structuredClone(patch);
}

function mergeList(original: unknown, patch: unknown[], info: FieldSchema): unknown {
  const strategy = info.s ?? "";
  if (!strategy.includes("merge")) {
    return patch.filter((x) => !(isObject(x) && x.$patch !== undefined)).map((x) => structuredClone(x));
  }
  const out = Array.isArray(original) ? original.map((x) => structuredClone(x)) : [];
  if (patch.some((x) => isObject(x) && x.$patch === "replace")) {
    return patch.filter((x) => !(isObject(x) && x.$patch === "replace"));
  }
  if (info.k === undefined) {
    for (const v of patch) if (!out.some((x) => JSON.stringify(x) === JSON.stringify(v))) out.push(v);
    return out;
  }
  const key = info.k;
  for (const item of patch) {
    if (!isObject(item)) throw badRequest(`unable to find api field in struct for the merge key "${key}"`);
    if (!(key in item)) {
      throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
    }
    const i = out.findIndex((x) => isObject(x) && x[key] === item[key]);
    if (item.$patch === "delete") {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    const merged = mergeMap(i >= 0 ? out[i] : undefined, item, info.t, true);
    if (i >= 0) out[i] = merged;
    else out.push(merged);
  }
  return out;
}

/** Applies a strategic merge patch to an object of a built-in type. */
export function strategicMergePatch(original: Obj, patch: unknown, type: string): Obj {
  if (!isObject(patch)) throw badRequest("the body of the request was not a JSON object");
  return mergeMap(original, patch, type, true);
}
