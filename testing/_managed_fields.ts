/**
 * Field ownership for server-side apply: field sets computed from objects with the merge schema,
 * their `fieldsV1` encoding, and the bookkeeping of `metadata.managedFields` for Update and Apply
 * operations (structured-merge-diff's rules, for the cases listed in the module README).
 *
 * @module
 */
import { elementInfo, type FieldSchema, fieldsOf, keysOf, shapeOf } from "./_schema.ts";
import type { Obj } from "./_store.ts";
import { withSkeleton } from "./_skeleton.ts";

/** A path element: "f:name", "k:{...}", "v:...", "i:N". */
export type PathElement = string;
/** A set of paths, each the JSON of its element array. */
export type FieldSet = Set<string>;

const IGNORED_META = new Set([
  "name",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "selfLink",
  "managedFields",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
]);

/** The key element of an item of an associative list. */
export function keyElement(item: Obj, keys: string[]): PathElement {
  const o: Record<string, unknown> = {};
  for (const k of [...keys].sort()) if (item?.[k] !== undefined) o[k] = item[k];
  return `k:${JSON.stringify(o)}`;
}

/** How a field set is computed: `apply` (the applied configuration's fields) or `all` (every node). */
type Mode = "apply" | "all";

function walk(
  value: unknown,
  info: FieldSchema | undefined,
  path: PathElement[],
  out: FieldSet,
  mode: Mode,
): void {
  const shape = shapeOf(info, value);
  if (shape === "struct" || shape === "map") {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      if (value !== null || mode === "all") out.add(JSON.stringify(path));
      return;
    }
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 || mode === "all") out.add(JSON.stringify(path));
    const fields = shape === "struct" ? fieldsOf(info?.t) : undefined;
    for (const [k, v] of entries) {
      if (v === null && shape === "struct") continue;
      const child = shape === "struct" ? fields?.[k] : elementInfo(info);
      walk(v, child, [...path, `f:${k}`], out, mode);
    }
    return;
  }
  if (shape === "assoc" && Array.isArray(value)) {
    const keys = keysOf(info);
    if (mode === "all") out.add(JSON.stringify(path));
    for (const item of value) {
      const p = [...path, keyElement(item, keys)];
      out.add(JSON.stringify(p));
      const fields = fieldsOf(info?.t);
      for (const [k, v] of Object.entries(item ?? {})) {
        if (v !== null) walk(v, fields?.[k], [...p, `f:${k}`], out, mode);
      }
    }
    return;
  }
  if (shape === "set" && Array.isArray(value)) {
    if (mode === "all") out.add(JSON.stringify(path));
    for (const item of value) out.add(JSON.stringify([...path, `v:${JSON.stringify(item)}`]));
    return;
  }
  out.add(JSON.stringify(path));
}

/**
 * The paths an Update changed (structured-merge-diff's compare: added or modified): a container
 * (map, pointer struct, list) that did not exist is itself a member; one that existed is not, only
 * what changed inside it.
 */
function changed(
  before: unknown,
  after: unknown,
  info: FieldSchema | undefined,
  path: PathElement[],
  out: FieldSet,
): void {
  if (after === undefined) return;
  const shape = shapeOf(info, after);
  const isContainer =
    (shape === "struct" || shape === "map") && typeof after === "object" && after !== null &&
      !Array.isArray(after) || ((shape === "assoc" || shape === "set") && Array.isArray(after));
  if (!isContainer) {
    if (after === null && (before === undefined || before === null)) return;
    if (before === undefined || JSON.stringify(before) !== JSON.stringify(after)) {
      out.add(JSON.stringify(path));
    }
    return;
  }
  if (before === undefined) out.add(JSON.stringify(path));
  if (shape === "struct" || shape === "map") {
    const fields = shape === "struct" ? fieldsOf(info?.t) : undefined;
    const b =
      (typeof before === "object" && before !== null && !Array.isArray(before) ? before : {}) as Record<
        string,
        unknown
      >;
    for (const [k, v] of Object.entries(after as Record<string, unknown>)) {
      if (v === null && shape === "struct") continue;
      changed(b[k], v, shape === "struct" ? fields?.[k] : elementInfo(info), [...path, `f:${k}`], out);
    }
    return;
  }
  const oldItems = Array.isArray(before) ? before : [];
  if (shape === "assoc") {
    const keys = keysOf(info);
    const fields = fieldsOf(info?.t);
    for (const item of after as Obj[]) {
      const el = keyElement(item, keys);
      const prev = oldItems.find((x) => keyElement(x, keys) === el);
      const p = [...path, el];
      if (prev === undefined) out.add(JSON.stringify(p));
      for (const [k, v] of Object.entries(item ?? {})) {
        if (v !== null) changed(prev?.[k], v, fields?.[k], [...p, `f:${k}`], out);
      }
    }
    return;
  }
  for (const item of after as unknown[]) {
    if (!oldItems.some((x) => JSON.stringify(x) === JSON.stringify(item))) {
      out.add(JSON.stringify([...path, `v:${JSON.stringify(item)}`]));
    }
  }
}

interface Scope {
  ignoreStatus: boolean;
  onlyStatus: boolean;
}

function topFields(obj: Obj, scope: Scope): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(obj ?? {})) {
    if (k === "apiVersion" || k === "kind" || k === "metadata") continue;
    if (scope.ignoreStatus && k === "status") continue;
    if (scope.onlyStatus && k !== "status") continue;
    out.push([k, v]);
  }
  return out;
}

function metaFields(obj: Obj, scope: Scope): [string, unknown][] {
  if (scope.onlyStatus) return [];
  return Object.entries((obj?.metadata ?? {}) as Record<string, unknown>).filter(([k, v]) =>
    !IGNORED_META.has(k) && v !== null && v !== undefined
  );
}

const META = "meta.v1.ObjectMeta";

/** The field set of an object (the identity and server-set metadata excluded). */
export function fieldSetOf(
  obj: Obj,
  type: string | undefined,
  ignoreStatus: boolean,
  onlyStatus = false,
  mode: Mode = "apply",
): FieldSet {
  const out: FieldSet = new Set();
  const scope = { ignoreStatus, onlyStatus };
  const fields = fieldsOf(type);
  for (const [k, v] of metaFields(obj, scope)) {
    walk(v, fieldsOf(META)?.[k], ["f:metadata", `f:${k}`], out, mode);
  }
  for (const [k, v] of topFields(obj, scope)) if (v !== null) walk(v, fields?.[k], [`f:${k}`], out, mode);
  return out;
}

function changedSet(before: Obj, after: Obj, type: string | undefined, scope: Scope): FieldSet {
  const out: FieldSet = new Set();
  const fields = fieldsOf(type);
  const bm = Object.fromEntries(metaFields(before, scope));
  for (const [k, v] of metaFields(after, scope)) {
    changed(bm[k], v, fieldsOf(META)?.[k], ["f:metadata", `f:${k}`], out);
  }
  for (const [k, v] of topFields(after, scope)) changed(before?.[k], v, fields?.[k], [`f:${k}`], out);
  return out;
}

/** The value at a path, or undefined. */
export function valueAt(obj: Obj, path: PathElement[]): unknown {
  let cur: unknown = obj;
  for (const el of path) {
    if (cur === undefined || cur === null) return undefined;
    if (el.startsWith("f:")) cur = (cur as Record<string, unknown>)[el.slice(2)];
    else if (el.startsWith("k:")) {
      const key = JSON.parse(el.slice(2));
      if (!Array.isArray(cur)) return undefined;
      cur = cur.find((item) => Object.entries(key).every(([k, v]) => item?.[k] === v));
    } else if (el.startsWith("v:")) {
      const v = JSON.parse(el.slice(2));
      if (!Array.isArray(cur)) return undefined;
      cur = cur.some((i) => JSON.stringify(i) === JSON.stringify(v)) ? v : undefined;
    } else return undefined;
  }
  return cur;
}

/** Removes the value at a path (no-op when absent). */
export function removeAt(obj: Obj, path: PathElement[]): void {
  if (path.length === 0) return;
  const parentPath = path.slice(0, -1);
  const parent = valueAt(obj, parentPath) as Obj;
  const el = path[path.length - 1];
  if (parent === undefined || parent === null) return;
  if (el.startsWith("f:")) delete parent[el.slice(2)];
  else if (el.startsWith("k:") && Array.isArray(parent)) {
    const key = JSON.parse(el.slice(2));
    const i = parent.findIndex((item) => Object.entries(key).every(([k, v]) => item?.[k] === v));
    if (i >= 0) parent.splice(i, 1);
  } else if (el.startsWith("v:") && Array.isArray(parent)) {
    const i = parent.findIndex((x) => JSON.stringify(x) === el.slice(2));
    if (i >= 0) parent.splice(i, 1);
  }
}

/** `fieldsV1` of a field set. */
export function encodeFieldSet(set: FieldSet): Record<string, unknown> {
  type Node = { member: boolean; children: Map<string, Node> };
  const root: Node = { member: false, children: new Map() };
  for (const p of set) {
    let n = root;
    for (const el of JSON.parse(p) as string[]) {
      let c = n.children.get(el);
      if (!c) n.children.set(el, c = { member: false, children: new Map() });
      n = c;
    }
    n.member = true;
  }
  const enc = (n: Node): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    if (n.member && n.children.size > 0) o["."] = {};
    for (const k of [...n.children.keys()].sort()) o[k] = enc(n.children.get(k)!);
    return o;
  };
  return enc(root);
}

/** The field set of a `fieldsV1` value. */
export function decodeFieldSet(v: unknown): FieldSet {
  const out: FieldSet = new Set();
  const dec = (o: Record<string, unknown>, path: string[]) => {
    const keys = Object.keys(o);
    if (keys.length === 0 || keys.includes(".")) { if (path.length > 0) out.add(JSON.stringify(path)); }
    for (const k of keys) if (k !== ".") dec(o[k] as Record<string, unknown>, [...path, k]);
  };
  dec((v ?? {}) as Record<string, unknown>, []);
  return out;
}

/** One entry of metadata.managedFields. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** The decoded managedFields of an object. */
export interface Managers {
  entries: { entry: ManagedFieldsEntry; set: FieldSet }[];
}

/** Reads managedFields. */
export function readManagers(obj: Obj): Managers {
  const list = (obj?.metadata?.managedFields ?? []) as ManagedFieldsEntry[];
  return { entries: list.map((entry) => ({ entry, set: decodeFieldSet(entry.fieldsV1) })) };
}

/** Writes managedFields in the server's order (operation, time in seconds, manager, apiVersion, subresource). */
export function writeManagers(obj: Obj, m: Managers): void {
  const entries = m.entries.filter((e) => e.set.size > 0).map((e) => {
    const out: ManagedFieldsEntry = {
      manager: e.entry.manager,
      operation: e.entry.operation,
      apiVersion: e.entry.apiVersion,
      time: e.entry.time,
      fieldsType: "FieldsV1",
      fieldsV1: encodeFieldSet(e.set),
    };
    if (e.entry.subresource) out.subresource = e.entry.subresource;
    return out;
  });
  const sec = (t: string) => Math.floor(Date.parse(t) / 1000);
  entries.sort((p, q) =>
    p.operation !== q.operation
      ? (p.operation < q.operation ? -1 : 1)
      : sec(p.time) !== sec(q.time)
      ? sec(p.time) - sec(q.time)
      : p.manager !== q.manager
      ? (p.manager < q.manager ? -1 : 1)
      : p.apiVersion !== q.apiVersion
      ? (p.apiVersion < q.apiVersion ? -1 : 1)
      : (p.subresource ?? "") < (q.subresource ?? "")
      ? -1
      : 0
  );
  obj.metadata ??= {};
  if (entries.length > 0) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
}

/** Who is writing. */
export interface Writer {
  manager: string;
  apiVersion: string;
  time: string;
  subresource?: string;
  type: string | undefined;
  /** The resource has a status subresource: the main resource's writers do not own status, and vice versa. */
  hasStatus: boolean;
}

/** An Update operation (create, update, patch): the writer takes the fields it changed. */
export function trackUpdate(live: Obj | undefined, next: Obj, w: Writer): void {
  const m = readManagers(live ?? {});
  const status = w.subresource === "status";
  const scope = { ignoreStatus: w.hasStatus && !status, onlyStatus: w.hasStatus && status };
  const before = withSkeleton(structuredClone(live ?? { metadata: {} }), w.type);
  const after = withSkeleton(structuredClone(next), w.type);
  const changes = changedSet(before, after, w.type, scope);
  const allBefore = fieldSetOf(before, w.type, scope.ignoreStatus, scope.onlyStatus, "all");
  const allAfter = fieldSetOf(after, w.type, scope.ignoreStatus, scope.onlyStatus, "all");
  const removed = [...allBefore].filter((p) => !allAfter.has(p));
  for (const e of m.entries) {
    for (const p of removed) e.set.delete(p);
    for (const p of changes) e.set.delete(p);
  }
  let mine = m.entries.find((e) =>
    e.entry.manager === w.manager && e.entry.operation === "Update" && e.entry.apiVersion === w.apiVersion &&
    (e.entry.subresource ?? "") === (w.subresource ?? "")
  );
  if (changes.size > 0) {
    if (!mine) {
      mine = {
        entry: {
          manager: w.manager,
          operation: "Update",
          apiVersion: w.apiVersion,
          time: w.time,
          fieldsType: "FieldsV1",
          fieldsV1: {},
          subresource: w.subresource,
        },
        set: new Set(),
      };
      m.entries.push(mine);
    }
    mine.entry.time = w.time;
    for (const p of changes) mine.set.add(p);
  }
  writeManagers(next, m);
}

/** The server's text of a path (".spec.containers[name=\"c\"].image"). */
export function pathString(path: PathElement[]): string {
  return path.map((el) => {
    if (el.startsWith("f:")) return `.${el.slice(2)}`;
    if (el.startsWith("k:")) {
      const key = JSON.parse(el.slice(2));
      return `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}]`;
    }
    if (el.startsWith("v:")) return `[=${el.slice(2)}]`;
    return `[${el.slice(2)}]`;
  }).join("");
}
