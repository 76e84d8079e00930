/**
 * Discovery documents of the served resources (/api, /apis, /api/v1, /apis/<group>/<version>), in the
 * legacy (unaggregated) format.
 *
 * @module
 */
import { compareVersions } from "./_versions.ts";
import type { ResourceTable } from "./_resources.ts";

/** /api */
export function coreVersions(): unknown {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "fake:443" }] };
}

/** /apis */
export function groupList(table: ResourceTable): unknown {
  const groups = new Map<string, Set<string>>();
  for (const r of table.all()) {
    if (r.group === "") continue;
    let s = groups.get(r.group);
    if (!s) groups.set(r.group, s = new Set());
    s.add(r.version);
  }
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [...groups.keys()].sort().map((g) => groupOf(g, [...groups.get(g)!])),
  };
}

function groupOf(name: string, versions: string[]): unknown {
  const sorted = versions.sort(compareVersions);
  const gv = sorted.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: gv, preferredVersion: gv[0] };
}

/** /apis/<group> */
export function group(table: ResourceTable, name: string): unknown | undefined {
  const versions = new Set(table.all().filter((r) => r.group === name).map((r) => r.version));
  if (versions.size === 0) return undefined;
  return { kind: "APIGroup", apiVersion: "v1", ...(groupOf(name, [...versions]) as object) };
}

/** /api/v1 or /apis/<group>/<version> */
export function resourceList(table: ResourceTable, g: string, version: string): unknown | undefined {
  const rs = table.all().filter((r) => r.group === g && r.version === version);
  if (rs.length === 0) return undefined;
  const resources: unknown[] = [];
  for (const r of rs.sort((a, b) => a.resource < b.resource ? -1 : 1)) {
    const entry: Record<string, unknown> = {
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
    };
    if (r.shortNames?.length) entry.shortNames = r.shortNames;
    if (r.categories?.length) entry.categories = r.categories;
    resources.push(entry);
    for (const [sub, verbs] of Object.entries(r.subresources).sort()) {
      const kind = sub === "scale" ? "Scale" : sub === "eviction" ? "Eviction" : sub === "binding" ? "Binding" : r.kind;
      resources.push({ name: `${r.resource}/${sub}`, singularName: "", namespaced: r.namespaced, kind, verbs });
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: g === "" ? version : `${g}/${version}`, resources };
}
