/**
 * The Go zero-value skeleton of the built-in types: the struct fields that are values (not pointers)
 * and the lists without `omitempty`, which a real server always serialises (`status: {}`,
 * `template.metadata.creationTimestamp: null`, `containers: null`). Field ownership depends on it: a
 * value struct is never "added", so its managers own its fields, not the struct itself.
 *
 * The OpenAPI spec does not say which fields are pointers; this table lists the ones of the kinds the
 * fake defaults.
 *
 * @module
 */
import type { Obj } from "./_store.ts";
import { fieldsOf } from "./_schema.ts";

const VALUE_FIELDS: Record<string, Record<string, "struct" | "null" | "time">> = {
  "apps.v1.DeploymentSpec": { template: "struct", strategy: "struct" },
  "apps.v1.StatefulSetSpec": { template: "struct", updateStrategy: "struct" },
  "apps.v1.DaemonSetSpec": { template: "struct", updateStrategy: "struct" },
  "apps.v1.ReplicaSetSpec": { template: "struct" },
  "batch.v1.JobSpec": { template: "struct" },
  "batch.v1.CronJobSpec": { jobTemplate: "struct" },
  "batch.v1.JobTemplateSpec": { metadata: "struct", spec: "struct" },
  "core.v1.PodTemplateSpec": { metadata: "struct", spec: "struct" },
  "core.v1.PodSpec": { containers: "null" },
  "core.v1.Container": { resources: "struct" },
  "core.v1.ServiceStatus": { loadBalancer: "struct" },
  "meta.v1.ObjectMeta": { creationTimestamp: "time" },
};

/** Top-level value structs of every built-in kind with them. */
const TOP = ["spec", "status"];

function fill(obj: Obj, type: string | undefined, nested: boolean): void {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj) || type === undefined) return;
  const fields = fieldsOf(type) ?? {};
  const values = VALUE_FIELDS[type] ?? {};
  for (const [name, how] of Object.entries(values)) {
    if (how === "time") {
      if (nested && !(name in obj)) obj[name] = null;
      continue;
    }
    if (!(name in obj)) obj[name] = how === "null" ? null : {};
  }
  for (const [name, info] of Object.entries(fields)) {
    const v = obj[name];
    if (v === undefined || v === null) continue;
    if (info.a && Array.isArray(v) && info.t) { for (const item of v) fill(item, info.t, true); }
    else if (!info.a && !info.m && info.t) fill(v, info.t, true);
  }
}

/** Adds the value structs a real server serialises to an object of a built-in type. */
export function withSkeleton(obj: Obj, type: string | undefined): Obj {
  if (type === undefined || type.startsWith("cr:")) return obj;
  const fields = fieldsOf(type) ?? {};
  for (const top of TOP) if (fields[top]?.t && !(top in obj)) obj[top] = {};
  for (const [name, info] of Object.entries(fields)) {
    if (name === "metadata") continue;
    const v = obj[name];
    if (v !== undefined && v !== null && info.t && !info.a && !info.m) fill(v, info.t, true);
  }
  return obj;
}

/** Drops empty maps and lists (Go's `omitempty`), except the lists that are never omitted. */
export function dropEmpty(obj: Obj, type: string | undefined): Obj {
  const walk = (o: Obj, t: string | undefined) => {
    if (o === null || typeof o !== "object" || Array.isArray(o)) return;
    const fields = fieldsOf(t) ?? {};
    const values = (t && VALUE_FIELDS[t]) || {};
    for (const [name, info] of Object.entries(fields)) {
      const v = o[name];
      if (v === undefined || v === null) continue;
      const empty = Array.isArray(v) ? v.length === 0 : typeof v === "object" && Object.keys(v).length === 0;
      if ((info.a || info.m) && empty && values[name] === undefined) {
        delete o[name];
        continue;
      }
      if (info.a && Array.isArray(v) && info.t) { for (const item of v) walk(item, info.t); }
      else if (!info.a && !info.m && info.t) walk(v, info.t);
    }
  };
  walk(obj, type);
  if (obj?.metadata) walk(obj.metadata, "meta.v1.ObjectMeta");
  return obj;
}
