/**
 * Server-side apply: merges an applied configuration into the live object by the merge schema
 * (structs and maps field by field, associative lists by their keys, sets by value, atomic lists,
 * atomic maps and scalars replaced), drops the fields the manager applied before and no longer
 * applies (unless another manager owns them), and answers 409 when another manager (Apply or Update)
 * owns a scalar or atomic field the configuration sets to a different value, unless forced (then the
 * field changes hands); an equal value is shared. The manager's time moves only when the object
 * changes.
 *
 * Not modelled: `$patch` directives inside applied configurations, managedFields sent by the client,
 * conversion of field sets between versions of a resource, the "before-first-apply" migration of
 * objects created without managedFields, and dry runs.
 *
 * @module
 */
import { elementInfo, type FieldSchema, fieldsOf, keysOf, shapeOf } from "./_schema.ts";
import type { Obj } from "./_store.ts";
import {
  fieldSetOf,
  keyElement,
  type ManagedFieldsEntry,
  pathString,
  readManagers,
  removeAt,
  valueAt,
  writeManagers,
  type Writer,
} from "./_managed_fields.ts";
import { StatusError } from "./_status.ts";

function sortValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortValue);
  if (isObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortValue(v[k])]));
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Merges `applied` into `live` (both plain JSON) by the schema of `info`. */
export function mergeApplied(live: unknown, applied: unknown, info: FieldSchema | undefined): unknown {
  const shape = shapeOf(info, applied);
  if ((shape === "struct" || shape === "map") && isObject(applied)) {
    const out: Record<string, unknown> = isObject(live) ? { ...live } : {};
    const fields = shape === "struct" ? fieldsOf(info?.t) : undefined;
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) continue;
      const child = shape === "struct" ? fields?.[k] : elementInfo(info);
      out[k] = mergeApplied(out[k], v, child);
    }
    return out;
  }
  if (shape === "assoc" && Array.isArray(applied)) {
    const keys = keysOf(info);
    const out = Array.isArray(live) ? [...live] : [];
    const itemInfo = elementInfo(info) ?? {};
    for (const item of applied) {
      const el = keyElement(item, keys);
      const i = out.findIndex((x) => keyElement(x, keys) === el);
      const merged = mergeApplied(i >= 0 ? out[i] : undefined, item, { t: itemInfo.t });
      if (i >= 0) out[i] = merged;
      else out.push(merged);
    }
    return out;
  }
  if (shape === "set" && Array.isArray(applied)) {
    const out = Array.isArray(live) ? [...live] : [];
    for (const v of applied) if (!out.some((x) => JSON.stringify(x) === JSON.stringify(v))) out.push(v);
    return out;
  }
  return structuredClone(applied);
}

function mergeObject(live: Obj, applied: Obj, type: string | undefined): Obj {
  const fields = fieldsOf(type);
  const out = structuredClone(live ?? {});
  for (const [k, v] of Object.entries(applied)) {
    if (k === "metadata") {
      const meta = { ...(v as Record<string, unknown>) };
      for (const drop of ["resourceVersion", "uid", "managedFields", "creationTimestamp", "generation"]) {
        delete meta[drop];
      }
      out.metadata = mergeApplied(out.metadata ?? {}, meta, { t: "meta.v1.ObjectMeta" });
      continue;
    }
    if (v === null) continue;
    out[k] = mergeApplied(out[k], v, fields?.[k]);
  }
  return out;
}

function prune(obj: Obj, path: string[]): void {
  removeAt(obj, path);
  // remove parents left empty by the removal (maps and lists the manager no longer sets)
  for (let n = path.length - 1; n > 0; n--) {
    const parent = valueAt(obj, path.slice(0, n));
    const empty = Array.isArray(parent)
      ? parent.length === 0
      : isObject(parent) && Object.keys(parent).length === 0;
    if (!empty) break;
    removeAt(obj, path.slice(0, n));
  }
}

/** Options of {@linkcode applyConfiguration}. */
export interface ApplyRequest {
  /** The live object (undefined when apply creates it). */
  live: Obj | undefined;
  /** The applied configuration. */
  applied: Obj;
  /** Take conflicting fields from their managers. */
  force: boolean;
  /** The applying manager. */
  writer: Writer;
}

/** Computes the object after an apply; throws the server's 409 on conflicts (unless forced). */
export function applyConfiguration(req: ApplyRequest): Obj {
  const { live, applied, writer: w } = req;
  const status = w.subresource === "status";
  const setOf = (o: Obj) => fieldSetOf(o, w.type, w.hasStatus && !status, w.hasStatus && status);
  const m = readManagers(live ?? {});
  const mineIndex = m.entries.findIndex((e) =>
    e.entry.manager === w.manager && e.entry.operation === "Apply" &&
    (e.entry.subresource ?? "") === (w.subresource ?? "")
  );
  const previous = mineIndex >= 0 ? m.entries[mineIndex].set : new Set<string>();
  const appliedSet = setOf(applied);
  const conflicts: { manager: ManagedFieldsEntry; path: string[] }[] = [];
  for (const e of m.entries) {
    if (e === m.entries[mineIndex]) continue;
    for (const p of appliedSet) {
      if (!e.set.has(p)) continue;
      const path = JSON.parse(p) as string[];
      const a = valueAt(applied, path);
      const l = valueAt(live, path);
      // scalars and atomic lists conflict; containers (maps, structs, list items) are compared field by field
      const leaf = !isObject(a);
      if (leaf && JSON.stringify(a) !== JSON.stringify(l)) conflicts.push({ manager: e.entry, path });
    }
  }
  conflicts.sort((a, b) =>
    pathString(a.path) < pathString(b.path) ? -1 : pathString(a.path) > pathString(b.path) ? 1 : 0
  );
  if (conflicts.length > 0 && !req.force) throw conflictError(conflicts);
  for (const c of conflicts) {
    for (const e of m.entries) if (e.entry === c.manager) e.set.delete(JSON.stringify(c.path));
  }
  let next = mergeObject(live ?? {}, applied, w.type);
  const others = new Set<string>();
  for (const e of m.entries) if (e !== m.entries[mineIndex]) { for (const p of e.set) others.add(p); }
  const dropped = [...previous].filter((p) => !appliedSet.has(p) && !others.has(p));
  dropped.sort((a, b) => b.length - a.length);
  next = structuredClone(next);
  for (const p of dropped) prune(next, JSON.parse(p));
  // the manager's time moves only when the object changes (structured-merge-diff returns no new object otherwise)
  const strip = (o: Obj) => {
    const c = structuredClone(o ?? {});
    if (c.metadata) delete c.metadata.managedFields;
    return JSON.stringify(sortValue(c));
  };
  const unchanged = live !== undefined && strip(live) === strip(next);
  const entry: ManagedFieldsEntry = {
    manager: w.manager,
    operation: "Apply",
    apiVersion: w.apiVersion,
    time: unchanged && mineIndex >= 0 ? m.entries[mineIndex].entry.time : w.time,
    fieldsType: "FieldsV1",
    fieldsV1: {},
    subresource: w.subresource,
  };
  if (mineIndex >= 0) m.entries[mineIndex] = { entry, set: appliedSet };
  else m.entries.push({ entry, set: appliedSet });
  writeManagers(next, m);
  return next;
}

function printManager(e: ManagedFieldsEntry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === "Update") s += ` using ${e.apiVersion}`;
  return s;
}

function conflictError(conflicts: { manager: ManagedFieldsEntry; path: string[] }[]): StatusError {
  const causes = conflicts.map((c) => ({
    reason: "FieldManagerConflict",
    message: `conflict with ${printManager(c.manager)}`,
    field: pathString(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${
      pathString(conflicts[0].path)
    }`;
  } else {
    const by = new Map<string, string[]>();
    for (const c of conflicts) {
      const k = printManager(c.manager);
      by.set(k, [...(by.get(k) ?? []), pathString(c.path)]);
    }
    const lines: string[] = [];
    for (const k of [...by.keys()].sort()) {
      lines.push(`conflicts with ${k}:`);
      for (const p of by.get(k)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
  }
  return new StatusError({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason: "Conflict",
    details: { causes },
    code: 409,
  });
}
