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
        out[field] = (out[field] as unknown[]).filter((x) =>
          !v.some((d) => JSON.stringify(d) === JSON.stringify(x))
        );
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

/**
 * The server's order of a merged list (strategic merge's mergeSortedSlice): the items named in the
 * patch, in patch order, interleaved with the server-only items by their server positions; an item
 * the server did not have goes before the server-only item it is compared with.
 */
function mergeSorted(left: unknown[], right: unknown[], serverIndex: (x: unknown) => number): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = serverIndex(left[i]);
      const ri = serverIndex(right[j]);
      if (li >= 0 && ri >= 0 && ri < li) out.push(right[j++]);
      else out.push(left[i++]);
    }
  }
  return out;
}

function mergeList(original: unknown, patch: unknown[], info: FieldSchema): unknown {
  const strategy = info.s ?? "";
  if (!strategy.includes("merge")) {
    return patch.filter((x) => !(isObject(x) && x.$patch !== undefined)).map((x) => structuredClone(x));
  }
  const server = Array.isArray(original) ? original.map((x) => structuredClone(x)) : [];
  if (patch.some((x) => isObject(x) && x.$patch === "replace")) {
    return patch.filter((x) => !(isObject(x) && x.$patch === "replace"));
  }
  if (info.k === undefined) {
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const left: unknown[] = [];
    for (const v of patch) if (!left.some((x) => same(x, v))) left.push(v);
    const right = server.filter((x) => !left.some((v) => same(v, x)));
    return mergeSorted(left, right, (x) => server.findIndex((y) => same(x, y)));
  }
  const key = info.k;
  const deleted = new Set<unknown>();
  const left: unknown[] = [];
  for (const item of patch) {
    if (!isObject(item)) throw badRequest(`unable to find api field in struct for the merge key "${key}"`);
    if (!(key in item)) {
      throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
    }
    if (item.$patch === "delete") {
      deleted.add(item[key]);
      continue;
    }
    const prev = server.find((x) => isObject(x) && x[key] === item[key]);
    const i = left.findIndex((x) => isObject(x) && x[key] === item[key]);
    const merged = mergeMap(i >= 0 ? left[i] : prev, item, info.t, true);
    if (i >= 0) left[i] = merged;
    else left.push(merged);
  }
  const named = new Set(left.map((x) => (x as Record<string, unknown>)[key]));
  const right = server.filter((x) => isObject(x) && !named.has(x[key]) && !deleted.has(x[key]));
  return mergeSorted(
    left,
    right,
    (x) => server.findIndex((y) => isObject(y) && y[key] === (x as Record<string, unknown>)[key]),
  );
}

/** Applies a strategic merge patch to an object of a built-in type. */
export function strategicMergePatch(original: Obj, patch: unknown, type: string): Obj {
  if (!isObject(patch)) throw badRequest("the body of the request was not a JSON object");
  return mergeMap(original, patch, type, true);
}
