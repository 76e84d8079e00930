/**
 * The resources a CustomResourceDefinition serves, and the merge schema of its types from the
 * structural schema (`properties` are struct fields; `x-kubernetes-list-type`, map keys and
 * `x-kubernetes-map-type` as the spec gives them).
 *
 * @module
 */
import type { ServedResource } from "./_resources.ts";
import type { Obj } from "./_store.ts";
import { registerCustomSchemas } from "./_schema.ts";
import type { FieldSchema, TypeSchemas } from "./_table_types.ts";

function convert(schema: Obj, key: string, out: TypeSchemas): void {
  const fields: Record<string, FieldSchema> = {};
  for (const [name, prop] of Object.entries((schema?.properties ?? {}) as Record<string, Obj>)) {
    const child = `${key}.${name}`;
    if (prop.type === "object" && prop.properties) {
      fields[name] = { t: child };
      convert(prop, child, out);
    } else if (prop.type === "object") {
      fields[name] = prop["x-kubernetes-map-type"] === "atomic" ? { x: 1 } : { m: 1 };
    } else if (prop.type === "array") {
      const f: FieldSchema = { a: 1, l: prop["x-kubernetes-list-type"] ?? "atomic" };
      if (prop["x-kubernetes-list-map-keys"]) f.mk = prop["x-kubernetes-list-map-keys"];
      if (prop.items?.type === "object" && prop.items.properties) {
        f.t = `${child}[]`;
        convert(prop.items, `${child}[]`, out);
      }
      fields[name] = f;
    }
  }
  out[key] = fields;
}

/** The resources (one per served version) of a CRD object; registers their merge schemas. */
export function crdServedResources(crd: Obj): ServedResource[] {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  const out: ServedResource[] = [];
  for (const v of spec.versions ?? []) {
    if (v.served === false) continue;
    const subresources: Record<string, string[]> = {};
    if (v.subresources?.status) subresources.status = ["get", "patch", "update"];
    if (v.subresources?.scale) subresources.scale = ["get", "patch", "update"];
    const type = `cr:${spec.group}/${names.kind}`;
    const schemas: TypeSchemas = {};
    if (v.schema?.openAPIV3Schema) convert(v.schema.openAPIV3Schema, type, schemas);
    delete schemas[type]?.metadata;
    registerCustomSchemas(schemas);
    out.push({
      group: spec.group,
      version: v.name,
      resource: names.plural,
      singular: names.singular ?? names.kind?.toLowerCase() ?? "",
      kind: names.kind,
      namespaced: spec.scope !== "Cluster",
      verbs: ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
      subresources,
      shortNames: names.shortNames,
      categories: names.categories,
      custom: true,
      scale: v.subresources?.scale,
    });
  }
  return out;
}
