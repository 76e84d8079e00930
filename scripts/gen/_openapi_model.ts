/**
 * Reads the Kubernetes OpenAPI v2 spec into the generator's model: definitions grouped by output
 * folder, and the resources of each group-version with their verbs, scope and subresources.
 *
 * @module
 */
import type { Schema } from "./_schema.ts";

/** The verbs the generator knows, in client-go's names. */
export type Verb = "create" | "delete" | "deletecollection" | "get" | "list" | "patch" | "update" | "watch";

/** A subresource of a resource ("status", "scale", "eviction"...). */
export interface SubresourceModel {
  name: string;
  /** Type key of the subresource's body (or answer when there is no body). */
  typeKey?: string;
  verbs: Verb[];
}

/** One resource of a group-version. */
export interface ResourceModel {
  /** Plural lower-case name ("deployments"). */
  resource: string;
  kind: string;
  namespaced: boolean;
  /** Type key of the object. */
  typeKey: string;
  /** Type key of the list, when the resource can be listed. */
  listTypeKey?: string;
  verbs: Verb[];
  subresources: SubresourceModel[];
}

/** A group-version with resources. */
export interface GroupVersionModel {
  group: string;
  version: string;
  /** Output folder of its types and client ("apps/v1"). */
  folder: string;
  resources: ResourceModel[];
}

/** The whole model of the spec. */
export interface ApiModel {
  definitions: Record<string, Schema>;
  /** Output folder -> definition keys in it (sorted). */
  folders: Map<string, string[]>;
  groupVersions: GroupVersionModel[];
}

interface Operation {
  "x-kubernetes-action"?: string;
  parameters?: { in?: string; schema?: Schema }[];
  responses?: Record<string, { schema?: Schema }>;
}

interface Swagger {
  definitions: Record<string, Schema>;
  paths: Record<string, Record<string, Operation | unknown>>;
}

const REF_PREFIX = "#/definitions/";

/** The definition key of a `$ref` ("#/definitions/io.k8s.api.apps.v1.Deployment"). */
export function refKey(ref: string): string {
  return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
}

/**
 * The output folder and type name of a definition key: `io.k8s.api.apps.v1.Deployment` ->
 * `apps/v1`, `Deployment`; every `io.k8s.apimachinery.*` definition lands in `meta/v1`.
 */
export function locateDefinition(key: string): { folder: string; name: string } {
  const parts = key.split(".");
  const name = parts[parts.length - 1];
  if (key.startsWith("io.k8s.apimachinery.")) return { folder: "meta/v1", name };
  return { folder: `${parts[parts.length - 3]}/${parts[parts.length - 2]}`, name };
}

const PATH =
  /^\/(api|apis)\/(?:([^/]+)\/)?(v[0-9a-z]+)\/(watch\/)?(namespaces\/\{namespace\}\/)?([a-z0-9.-]+)(\/\{name\})?(?:\/(.+))?$/;

/** The connect subresources the clientset has methods for. */
const STREAMING = new Set(["/pods/exec", "/pods/attach", "/pods/portforward"]);

const ACTIONS: Record<string, Verb | undefined> = {
  get: "get",
  list: "list",
  post: "create",
  put: "update",
  patch: "patch",
  delete: "delete",
  deletecollection: "deletecollection",
  watch: "watch",
  watchlist: "watch",
};

function schemaKey(s: Schema | undefined): string | undefined {
  return s?.$ref === undefined ? undefined : refKey(s.$ref);
}

function bodyKey(op: Operation): string | undefined {
  return schemaKey(op.parameters?.find((p) => p.in === "body")?.schema);
}

function responseKey(op: Operation): string | undefined {
  for (const code of ["200", "201", "202"]) {
    const k = schemaKey(op.responses?.[code]?.schema);
    if (k !== undefined) return k;
  }
  return undefined;
}

interface Collected {
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
  verbs: Set<Verb>;
  itemKey?: string;
  listKey?: string;
  createKey?: string;
  subs: Map<string, { verbs: Set<Verb>; key?: string; getKey?: string }>;
}

/** Builds the model from a parsed swagger document. */
export function buildModel(spec: Swagger): ApiModel {
  const definitions = spec.definitions;
  const folders = new Map<string, string[]>();
  for (const key of Object.keys(definitions).sort()) {
    const { folder } = locateDefinition(key);
    let list = folders.get(folder);
    if (list === undefined) folders.set(folder, list = []);
    list.push(key);
  }

  const collected = new Map<string, Collected>();
  for (const [path, item] of Object.entries(spec.paths)) {
    const m = PATH.exec(path);
    if (m === null) continue;
    const [, api, groupPart, version, watchPrefix, nsPrefix, resource, namePart, sub] = m;
    const group = api === "api" ? "" : groupPart ?? "";
    if (api === "api" && groupPart !== undefined) continue;
    const id = `${group}/${version}/${resource}`;
    let c = collected.get(id);
    if (c === undefined) {
      c = { group, version, resource, namespaced: false, verbs: new Set(), subs: new Map() };
      collected.set(id, c);
    }
    if (nsPrefix !== undefined) c.namespaced = true;
    for (const [method, raw] of Object.entries(item)) {
      if (method === "parameters") continue;
      const op = raw as Operation;
      const verb = ACTIONS[op["x-kubernetes-action"] ?? ""];
      if (verb === undefined) {
        // connect: the streaming subresources of pods get hand-written methods (clientset/pod_streams.ts);
        // proxy is left out.
        if (
          op["x-kubernetes-action"] === "connect" && namePart !== undefined && watchPrefix === undefined &&
          STREAMING.has(`${group}/${resource}/${sub}`) && !c.subs.has(sub)
        ) c.subs.set(sub, { verbs: new Set() });
        continue;
      }
      if (watchPrefix !== undefined) {
        if (sub === undefined) c.verbs.add("watch");
        continue;
      }
      if (sub !== undefined) {
        if (namePart === undefined) continue;
        let s = c.subs.get(sub);
        if (s === undefined) c.subs.set(sub, s = { verbs: new Set() });
        s.verbs.add(verb);
        s.key ??= bodyKey(op);
        if (verb === "get") s.getKey ??= responseKey(op);
        continue;
      }
      c.verbs.add(verb);
      if (verb === "get") c.itemKey ??= responseKey(op);
      if (verb === "update") c.itemKey ??= bodyKey(op);
      if (verb === "list") c.listKey ??= responseKey(op);
      if (verb === "create") c.createKey ??= bodyKey(op) ?? responseKey(op);
    }
  }

  const byGv = new Map<string, GroupVersionModel>();
  for (const c of [...collected.values()].sort((a, b) => cmp(a.resource, b.resource))) {
    const typeKey = c.itemKey ?? c.createKey;
    if (typeKey === undefined || c.verbs.size === 0) continue;
    const def = definitions[typeKey];
    const gvk = def?.["x-kubernetes-group-version-kind"]?.find((g) =>
      g.group === c.group && g.version === c.version
    ) ?? def?.["x-kubernetes-group-version-kind"]?.[0];
    const kind = gvk?.kind ?? locateDefinition(typeKey).name;
    const gvId = `${c.group}/${c.version}`;
    let gv = byGv.get(gvId);
    if (gv === undefined) {
      gv = { group: c.group, version: c.version, folder: locateDefinition(typeKey).folder, resources: [] };
      byGv.set(gvId, gv);
    }
    const subresources: SubresourceModel[] = [...c.subs.entries()]
      .filter(([name]) => !name.includes("/"))
      .map(([name, s]) => ({ name, typeKey: s.key ?? s.getKey, verbs: [...s.verbs].sort() }))
      .sort((a, b) => cmp(a.name, b.name));
    gv.resources.push({
      resource: c.resource,
      kind,
      namespaced: c.namespaced,
      typeKey,
      listTypeKey: c.listKey,
      verbs: [...c.verbs].sort(),
      subresources,
    });
  }
  const groupVersions = [...byGv.values()].sort((a, b) =>
    cmp(a.group, b.group) || compareVersions(a.version, b.version)
  );
  return { definitions, folders, groupVersions };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders Kubernetes versions as discovery does: GA before beta before alpha, higher numbers first
 * (v2, v1, v1beta2, v1beta1, v1alpha1), then anything else alphabetically.
 */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a), pb = parseVersion(b);
  if (pa === undefined || pb === undefined) {
    if (pa !== undefined) return -1;
    if (pb !== undefined) return 1;
    return cmp(a, b);
  }
  if (pa.level !== pb.level) return pb.level - pa.level;
  if (pa.major !== pb.major) return pb.major - pa.major;
  return pb.minor - pa.minor;
}

function parseVersion(v: string): { major: number; level: number; minor: number } | undefined {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (m === null) return undefined;
  return {
    major: Number(m[1]),
    level: m[2] === undefined ? 2 : m[2] === "beta" ? 1 : 0,
    minor: m[3] === undefined ? 0 : Number(m[3]),
  };
}
