/**
 * REST mapping (client-go's `restmapper`): from a kind to its resource and back, by plural, singular
 * or short name (`deploy`, `cm`), with each resource's scope and the server's preferred versions.
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import type { APIGroup, APIResource } from "../meta/v1/types.ts";
import type { CallOptions } from "../meta/options.ts";
import type { CachedDiscoveryClient } from "./cached_discovery_client.ts";
import type { DiscoveryClient } from "./discovery_client.ts";
import { AmbiguousMatchError, type GroupDiscoveryFailedError, NoMatchError } from "./discovery_error.ts";
import {
  type GroupKind,
  type GroupVersionKind,
  type GroupVersionResource,
  parseGroupResource,
  parseGroupVersion,
  parseResourceArg,
} from "../meta/group_version.ts";

/** Where objects of a resource live: in a namespace, or at the root of the cluster. */
export type RESTScope = "namespace" | "root";

/** How to reach the objects of a kind (client-go's `meta.RESTMapping`). */
export interface RESTMapping {
  /** The resource serving the kind. */
  resource: GroupVersionResource;
  /** The kind, with the version of the resource. */
  groupVersionKind: GroupVersionKind;
  /** Namespaced ("namespace") or cluster-scoped ("root"). */
  scope: RESTScope;
}

/** A group with the resources of each of its versions (client-go's `restmapper.APIGroupResources`). */
export interface APIGroupResources {
  /** The group as discovery announced it. */
  group: APIGroup;
  /** Version -> the resources it serves. */
  versionedResources: Record<string, APIResource[]>;
}

/** A resource to look up: by plural, singular or short name, optionally restricted to a group and version. */
export interface ResourceQuery {
  /** Group to search ("" or unset: every group). */
  group?: string;
  /** Version to search ("" or unset: every version). */
  version?: string;
  /** Plural ("deployments"), singular ("deployment") or short name ("deploy"). */
  resource: string;
}

interface Entry {
  gvr: GroupVersionResource;
  gvk: GroupVersionKind;
  namespaced: boolean;
  singular: string;
  shortNames: string[];
  /** Priority: lower is preferred (group order, then preferred version first). */
  rank: number;
}

function describe(q: ResourceQuery): string {
  return [q.resource, q.version, q.group].filter((p) => p !== undefined && p !== "").join(".");
}

function formatGvr(g: GroupVersionResource): string {
  return [g.resource, g.version, g.group].filter((p) => p !== "").join(".");
}

/**
 * Fetches every group's resources from discovery (client-go's `restmapper.GetAPIGroupResources`).
 * Group-versions that fail are left out (their error is returned beside the result).
 */
export async function getAPIGroupResources(
  discovery: DiscoveryClient,
  options?: CallOptions,
): Promise<{ groups: APIGroupResources[]; error?: GroupDiscoveryFailedError }> {
  const { groups, resources, error } = await discovery.serverGroupsAndResources(options);
  const byGv = new Map(resources.map((r) => [r.groupVersion, r.resources]));
  const out = groups.map((group) => {
    const versionedResources: Record<string, APIResource[]> = {};
    for (const v of group.versions) {
      const list = byGv.get(v.groupVersion);
      if (list !== undefined) versionedResources[v.version] = list;
    }
    return { group, versionedResources };
  });
  return error === undefined ? { groups: out } : { groups: out, error };
}

/**
 * A REST mapper over a snapshot of discovery (client-go's `restmapper.NewDiscoveryRESTMapper`
 * combined with its shortcut expander). Lookups prefer groups in discovery order (the core group
 * first) and, within a group, its preferred version.
 *
 * @example
 * ```ts
 * import { DiscoveryRESTMapper } from "@kubeweb/client/discovery";
 *
 * const mapper = new DiscoveryRESTMapper([{
 *   group: { name: "apps", versions: [{ groupVersion: "apps/v1", version: "v1" }] },
 *   versionedResources: {
 *     v1: [{ name: "deployments", singularName: "deployment", kind: "Deployment", namespaced: true,
 *       shortNames: ["deploy"], verbs: ["get", "list"] }],
 *   },
 * }]);
 * console.log(mapper.resourceFor("deploy")); // { group: "apps", version: "v1", resource: "deployments" }
 * console.log(mapper.restMapping({ group: "apps", kind: "Deployment" }).scope); // "namespace"
 * ```
 */
export class DiscoveryRESTMapper {
  #entries: Entry[] = [];

  /** Builds the mapper from discovery's groups and resources. */
  constructor(groupResources: APIGroupResources[]) {
    let rank = 0;
    for (const { group, versionedResources } of groupResources) {
      const preferred = group.preferredVersion?.version ?? group.versions[0]?.version;
      const versions = group.versions.map((v) => v.version);
      const ordered = preferred === undefined
        ? versions
        : [preferred, ...versions.filter((v) => v !== preferred)];
      for (const version of ordered) {
        for (const r of versionedResources[version] ?? []) {
          if (r.name.includes("/")) continue; // subresources are not mapped
          const gvkGroup = r.group ?? group.name;
          const gvkVersion = r.version ?? version;
          this.#entries.push({
            gvr: { group: group.name, version, resource: r.name },
            gvk: { group: gvkGroup, version: gvkVersion, kind: r.kind },
            namespaced: r.namespaced,
            singular: r.singularName || r.kind.toLowerCase(),
            shortNames: r.shortNames ?? [],
            rank,
          });
        }
        rank++;
      }
    }
  }

  #query(resource: string | ResourceQuery): ResourceQuery[] {
    if (typeof resource !== "string") return [resource];
    const { gvr, gr } = parseResourceArg(resource);
    return gvr === undefined ? [gr] : [gvr, gr];
  }

  #match(q: ResourceQuery): Entry[] {
    const name = q.resource.toLowerCase();
    const inScope = (e: Entry) =>
      (!q.group || e.gvr.group === q.group) && (!q.version || e.gvr.version === q.version);
    const byName = this.#entries.filter((e) =>
      inScope(e) && (e.gvr.resource === name || e.singular === name)
    );
    if (byName.length > 0) return byName;
    return this.#entries.filter((e) => inScope(e) && e.shortNames.includes(name));
  }

  #entriesFor(resource: string | ResourceQuery): Entry[] {
    for (const q of this.#query(resource)) {
      const found = this.#match(q);
      if (found.length > 0) return found;
    }
    return [];
  }

  #best(resource: string | ResourceQuery): Entry {
    const found = this.#entriesFor(resource);
    const searched = typeof resource === "string" ? resource : describe(resource);
    if (found.length === 0) throw new NoMatchError("resource", searched);
    const top = found.filter((e) => e.rank === found[0].rank);
    const distinct = new Set(top.map((e) => formatGvr(e.gvr)));
    if (distinct.size > 1) throw new AmbiguousMatchError(searched, [...distinct]);
    return found[0];
  }

  /** Every resource matching, most preferred first. */
  resourcesFor(resource: string | ResourceQuery): GroupVersionResource[] {
    return this.#entriesFor(resource).map((e) => ({ ...e.gvr }));
  }

  /**
   * The preferred resource matching a name ("deploy", "deployments.apps", "deployments.v1.apps") or a
   * query. Throws {@linkcode NoMatchError} when none matches.
   */
  resourceFor(resource: string | ResourceQuery): GroupVersionResource {
    return { ...this.#best(resource).gvr };
  }

  /** Every kind served by the matching resources, most preferred first. */
  kindsFor(resource: string | ResourceQuery): GroupVersionKind[] {
    return this.#entriesFor(resource).map((e) => ({ ...e.gvk }));
  }

  /** The kind of the preferred matching resource. */
  kindFor(resource: string | ResourceQuery): GroupVersionKind {
    return { ...this.#best(resource).gvk };
  }

  /** Whether the preferred matching resource is namespaced. */
  isNamespaced(resource: string | ResourceQuery): boolean {
    return this.#best(resource).namespaced;
  }

  /** The singular name of a resource ("deployments" -> "deployment"). */
  resourceSingularizer(resource: string): string {
    return this.#best(resource).singular;
  }

  #mappingsOf(gk: GroupKind | string, versions: string[]): Entry[] {
    const { group, kind } = typeof gk === "string" ? kindArg(gk) : gk;
    const exact = this.#entries.filter((e) => e.gvk.group === group && e.gvk.kind === kind);
    const all = exact.length > 0
      ? exact
      : this.#entries.filter((e) => e.gvk.group === group && e.gvk.kind.toLowerCase() === kind.toLowerCase());
    if (versions.length === 0) return all;
    return versions.flatMap((v) => all.filter((e) => e.gvk.version === v));
  }

  /** The mappings of a kind: in the given versions' order, or in preference order. */
  restMappings(gk: GroupKind | string, ...versions: string[]): RESTMapping[] {
    return this.#mappingsOf(gk, versions).map(toMapping);
  }

  /**
   * The mapping of a kind ("Deployment.apps" or `{ group, kind }`): in the first of `versions` that
   * serves it, or in the preferred version. Throws {@linkcode NoMatchError} when none.
   */
  restMapping(gk: GroupKind | string, ...versions: string[]): RESTMapping {
    const found = this.#mappingsOf(gk, versions);
    if (found.length === 0) {
      const { group, kind } = typeof gk === "string" ? kindArg(gk) : gk;
      throw new NoMatchError(
        "kind",
        [kind, ...versions.slice(0, 1), group].filter((p) => p !== "").join("."),
      );
    }
    return toMapping(found[0]);
  }
}

function toMapping(e: Entry): RESTMapping {
  return {
    resource: { ...e.gvr },
    groupVersionKind: { ...e.gvk },
    scope: e.namespaced ? "namespace" : "root",
  };
}

/** "Deployment.apps" -> { group: "apps", kind: "Deployment" }. */
function kindArg(text: string): GroupKind {
  const { group, resource } = parseGroupResource(text);
  return { group, kind: resource };
}

/** Options of {@linkcode DeferredDiscoveryRESTMapper}. */
export interface DeferredDiscoveryRESTMapperOptions {
  /**
   * A lookup that finds nothing reloads discovery and tries again, unless the loaded mapping is
   * younger than this (default 5000 ms; 0 reloads on every miss; Infinity never).
   */
  minReloadIntervalMs?: number;
  /** The clock that ages the loaded mapping (default: the real clock). */
  clock?: Clock;
}

/**
 * A REST mapper that loads discovery on first use and reloads it when asked with `reset()`
 * (client-go's `DeferredDiscoveryRESTMapper`). A lookup that finds nothing reloads discovery once
 * and tries again, at most once per `minReloadIntervalMs`, so newly installed CRDs are found.
 *
 * @example
 * ```ts
 * import { DeferredDiscoveryRESTMapper, newCachedDiscoveryClient, newDiscoveryClient } from "@kubeweb/client/discovery";
 * import type { RestConfig } from "@kubeweb/client/rest";
 *
 * declare const config: RestConfig;
 * const mapper = new DeferredDiscoveryRESTMapper(newCachedDiscoveryClient(newDiscoveryClient(config)));
 * console.log(await mapper.resourceFor("cm")); // { group: "", version: "v1", resource: "configmaps" }
 * ```
 */
export class DeferredDiscoveryRESTMapper {
  #discovery: CachedDiscoveryClient;
  #delegate: Promise<DiscoveryRESTMapper> | undefined;
  #loadedAt = 0;
  #minReload: number;
  #clock: Clock;

  /** Creates the mapper over a cached discovery client. */
  constructor(discovery: CachedDiscoveryClient, options: DeferredDiscoveryRESTMapperOptions = {}) {
    this.#discovery = discovery;
    this.#minReload = options.minReloadIntervalMs ?? 5000;
    this.#clock = options.clock ?? REAL_CLOCK;
  }

  /** Drops the loaded mapping and the discovery cache (client-go's `Reset`). */
  reset(): void {
    this.#discovery.invalidate();
    this.#delegate = undefined;
  }

  /** The mapper over the current discovery snapshot. */
  delegate(options?: CallOptions): Promise<DiscoveryRESTMapper> {
    if (this.#delegate === undefined) {
      this.#loadedAt = this.#clock.now();
      const p = getAPIGroupResources(this.#discovery, options).then(({ groups }) =>
        new DiscoveryRESTMapper(groups)
      );
      this.#delegate = p;
      p.catch(() => {
        if (this.#delegate === p) this.#delegate = undefined;
      });
    }
    return this.#delegate;
  }

  async #run<R>(f: (m: DiscoveryRESTMapper) => R): Promise<R> {
    try {
      return f(await this.delegate());
    } catch (e) {
      if (!(e instanceof NoMatchError) || this.#clock.now() - this.#loadedAt < this.#minReload) throw e;
      this.reset();
      return f(await this.delegate());
    }
  }

  /** See {@linkcode DiscoveryRESTMapper.resourceFor}. */
  resourceFor(resource: string | ResourceQuery): Promise<GroupVersionResource> {
    return this.#run((m) => m.resourceFor(resource));
  }

  /** See {@linkcode DiscoveryRESTMapper.resourcesFor}. */
  resourcesFor(resource: string | ResourceQuery): Promise<GroupVersionResource[]> {
    return this.#run((m) => m.resourcesFor(resource));
  }

  /** See {@linkcode DiscoveryRESTMapper.kindFor}. */
  kindFor(resource: string | ResourceQuery): Promise<GroupVersionKind> {
    return this.#run((m) => m.kindFor(resource));
  }

  /** See {@linkcode DiscoveryRESTMapper.kindsFor}. */
  kindsFor(resource: string | ResourceQuery): Promise<GroupVersionKind[]> {
    return this.#run((m) => m.kindsFor(resource));
  }

  /** See {@linkcode DiscoveryRESTMapper.isNamespaced}. */
  isNamespaced(resource: string | ResourceQuery): Promise<boolean> {
    return this.#run((m) => m.isNamespaced(resource));
  }

  /** See {@linkcode DiscoveryRESTMapper.resourceSingularizer}. */
  resourceSingularizer(resource: string): Promise<string> {
    return this.#run((m) => m.resourceSingularizer(resource));
  }

  /** See {@linkcode DiscoveryRESTMapper.restMapping}. */
  restMapping(gk: GroupKind | string, ...versions: string[]): Promise<RESTMapping> {
    return this.#run((m) => m.restMapping(gk, ...versions));
  }

  /** See {@linkcode DiscoveryRESTMapper.restMappings}. */
  restMappings(gk: GroupKind | string, ...versions: string[]): Promise<RESTMapping[]> {
    return this.#run((m) => m.restMappings(gk, ...versions));
  }

  /** The mapping for an object's `apiVersion` and `kind`. */
  async restMappingFor(obj: { apiVersion?: string; kind?: string }): Promise<RESTMapping> {
    if (!obj.apiVersion || !obj.kind) {
      throw new TypeError("The object needs apiVersion and kind to be mapped");
    }
    const { group, version } = parseGroupVersion(obj.apiVersion);
    return await this.restMapping({ group, kind: obj.kind }, version);
  }
}
