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
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "fake:443" }],
  };
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

const SHORT_NAMES: Record<string, string[]> = {
  "/configmaps": ["cm"],
  "/endpoints": ["ep"],
  "/events": ["ev"],
  "/limitranges": ["limits"],
  "/namespaces": ["ns"],
  "/nodes": ["no"],
  "/persistentvolumeclaims": ["pvc"],
  "/persistentvolumes": ["pv"],
  "/pods": ["po"],
  "/replicationcontrollers": ["rc"],
  "/resourcequotas": ["quota"],
  "/serviceaccounts": ["sa"],
  "/services": ["svc"],
  "apps/daemonsets": ["ds"],
  "apps/deployments": ["deploy"],
  "apps/replicasets": ["rs"],
  "apps/statefulsets": ["sts"],
  "batch/cronjobs": ["cj"],
  "autoscaling/horizontalpodautoscalers": ["hpa"],
  "policy/poddisruptionbudgets": ["pdb"],
  "networking.k8s.io/ingresses": ["ing"],
  "networking.k8s.io/networkpolicies": ["netpol"],
  "apiextensions.k8s.io/customresourcedefinitions": ["crd", "crds"],
  "storage.k8s.io/storageclasses": ["sc"],
  "scheduling.k8s.io/priorityclasses": ["pc"],
  "certificates.k8s.io/certificatesigningrequests": ["csr"],
  "events.k8s.io/events": ["ev"],
};

const ALL = new Set([
  "/pods",
  "/replicationcontrollers",
  "/services",
  "apps/daemonsets",
  "apps/deployments",
  "apps/replicasets",
  "apps/statefulsets",
  "autoscaling/horizontalpodautoscalers",
  "batch/cronjobs",
  "batch/jobs",
]);

/** The API server's storageVersionHash: the first 8 bytes of sha256("group/version/kind"), base64. */
async function storageVersionHash(group: string, version: string, kind: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${group}/${version}/${kind}`)),
  );
  return btoa(String.fromCharCode(...digest.slice(0, 8)));
}

/** /api/v1 or /apis/<group>/<version> */
export async function resourceList(
  table: ResourceTable,
  g: string,
  version: string,
): Promise<unknown | undefined> {
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
    const shortNames = r.shortNames ?? SHORT_NAMES[`${r.group}/${r.resource}`];
    if (shortNames?.length) entry.shortNames = shortNames;
    const categories = r.categories ?? (ALL.has(`${r.group}/${r.resource}`) ? ["all"] : undefined);
    if (categories?.length) entry.categories = categories;
    // built-ins are stored at their group's first GA version; custom resources at the version served here
    const storage = r.custom
      ? r.version
      : (table.all().find((x) =>
        x.group === r.group && x.resource === r.resource &&
        /^v\d+$/.test(x.version)
      )?.version ?? r.version);
    entry.storageVersionHash = await storageVersionHash(r.group, storage, r.kind);
    resources.push(entry);
    const subs = Object.entries(r.subresources).sort();
    if (r.custom) subs.sort(([a], [b]) => (a === "status" ? -1 : b === "status" ? 1 : 0));
    for (const [sub, verbs] of subs) {
      const kind = sub === "scale"
        ? "Scale"
        : sub === "eviction"
        ? "Eviction"
        : sub === "binding"
        ? "Binding"
        : r.kind;
      const e: Record<string, unknown> = {
        name: `${r.resource}/${sub}`,
        singularName: "",
        namespaced: r.namespaced,
        kind,
        verbs,
      };
      if (sub === "scale" && (r.custom || r.group !== "autoscaling")) {
        e.group = "autoscaling";
        e.version = "v1";
      }
      resources.push(e);
    }
  }
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: g === "" ? version : `${g}/${version}`,
    resources,
  };
}
