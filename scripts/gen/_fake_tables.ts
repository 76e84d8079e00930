/**
 * Emits the data tables of the fake API server (`testing/`): the resource table (group, version,
 * resource, kind, scope, verbs, subresources) and the merge schema of every built-in type (which
 * fields hold objects, lists and maps, with their patch strategy, merge key, list type and map keys),
 * both derived from the generator's model of the pinned spec.
 *
 * @module
 */
import type { ApiModel } from "./_openapi_model.ts";
import { GENERATED_HEADER, type Schema } from "./_schema.ts";

type Ext = Schema & {
  "x-kubernetes-patch-strategy"?: string;
  "x-kubernetes-patch-merge-key"?: string;
  "x-kubernetes-list-type"?: string;
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: string;
};

const REF = "#/definitions/";

function shortKey(key: string): string {
  return key.replace(
    /^io\.k8s\.(api\.|apimachinery\.pkg\.apis\.|apiextensions-apiserver\.pkg\.apis\.|kube-aggregator\.pkg\.apis\.)?/,
    "",
  );
}

/** One field's merge information: `[type?, kind, strategy?, mergeKey?, listType?, mapKeys?]`. */
function fieldInfo(s: Ext, defs: Record<string, Schema>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const atomicType = (ref: string) =>
    (defs[ref.slice(REF.length)] as Ext | undefined)?.["x-kubernetes-map-type"] === "atomic";
  if (s.$ref) {
    out.t = shortKey(s.$ref.slice(REF.length));
    if (atomicType(s.$ref)) out.x = 1;
  } else if (s.type === "array") {
    out.a = 1;
    if (s.items?.$ref) out.t = shortKey(s.items.$ref.slice(REF.length));
  } else if (s.type === "object" && typeof s.additionalProperties === "object") {
    out.m = 1;
    if (s.additionalProperties.$ref) out.t = shortKey(s.additionalProperties.$ref.slice(REF.length));
  } else if (s["x-kubernetes-map-type"] === "atomic") {
    out.x = 1;
  } else return undefined;
  if (s["x-kubernetes-patch-strategy"]) out.s = s["x-kubernetes-patch-strategy"];
  if (s["x-kubernetes-patch-merge-key"]) out.k = s["x-kubernetes-patch-merge-key"];
  if (s["x-kubernetes-list-type"]) out.l = s["x-kubernetes-list-type"];
  if (s["x-kubernetes-list-map-keys"]) out.mk = s["x-kubernetes-list-map-keys"];
  if (s["x-kubernetes-map-type"] === "atomic") out.x = 1;
  return out;
}

/** The text of `testing/_tables.ts`. */
export function emitFakeTables(model: ApiModel): string {
  const resources = model.groupVersions.flatMap((gv) =>
    gv.resources.map((r) => ({
      group: gv.group,
      version: gv.version,
      resource: r.resource,
      kind: r.kind,
      namespaced: r.namespaced,
      verbs: r.verbs,
      subresources: Object.fromEntries(r.subresources.map((s) => [s.name, s.verbs])),
      type: shortKey(r.typeKey),
    }))
  );
  const schemas: Record<string, Record<string, unknown>> = {};
  for (const key of Object.keys(model.definitions).sort()) {
    const def = model.definitions[key] as Ext;
    if (!def.properties) continue;
    const fields: Record<string, unknown> = {};
    for (const [name, prop] of Object.entries(def.properties)) {
      const info = fieldInfo(prop as Ext, model.definitions);
      if (info) fields[name] = info;
    }
    if (Object.keys(fields).length > 0) schemas[shortKey(key)] = fields;
  }
  return [
    GENERATED_HEADER,
    "",
    "/**",
    " * The built-in resources of the pinned Kubernetes 1.36 spec and the merge schema of their types, as",
    " * data for the fake API server.",
    " *",
    " * @module",
    " */",
    'import type { ResourceRow, TypeSchemas } from "./_table_types.ts";',
    "",
    "/** Every built-in resource of the spec. */",
    `export const RESOURCES: ResourceRow[] = ${JSON.stringify(resources)};`,
    "",
    "/** Merge schema of every type with object, list or map fields (scalars are omitted). */",
    `export const SCHEMAS: TypeSchemas = ${JSON.stringify(schemas)};`,
    "",
  ].join("\n");
}
