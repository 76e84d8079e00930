/**
 * {@linkcode DiscoveryClient}: what groups, versions and resources the API server serves (client-go's
 * `discovery.DiscoveryClient`), from the `/api` and `/apis` discovery documents.
 *
 * @module
 */
import { isForbidden, isNotFound } from "../rest/errors.ts";
import { newTokenBucketRateLimiter } from "../rest/rate_limiter.ts";
import { type RESTClient, restClientFor } from "../rest/rest_client.ts";
import type { RestConfig } from "../rest/rest_config.ts";
import type { APIGroup, APIGroupList, APIResourceList, APIVersions, Info } from "../meta/v1/types.ts";
import type { ClientOptions } from "../meta/client_options.ts";
import type { CallOptions } from "../meta/options.ts";
import { GroupDiscoveryFailedError } from "./discovery_error.ts";

/** The groups and the resource lists of every group-version (see `serverGroupsAndResources`). */
export interface GroupsAndResources {
  /** Every group the server announced, the core group ("") first. */
  groups: APIGroup[];
  /** The resource list of each group-version that could be read. */
  resources: APIResourceList[];
  /** Set when some group-versions failed: names each with its error. */
  error?: GroupDiscoveryFailedError;
}

/** Resource lists, possibly partial (see `serverPreferredResources`). */
export interface ResourceLists {
  /** The resource lists. */
  resources: APIResourceList[];
  /** Set when some group-versions failed. */
  error?: GroupDiscoveryFailedError;
}

/** The discovery calls (client-go's `discovery.DiscoveryInterface`). */
export interface DiscoveryClient {
  /** The REST client for raw paths the calls use. */
  readonly restClient: RESTClient;
  /** The server's version (`GET /version`). */
  serverVersion(options?: CallOptions): Promise<Info>;
  /** The groups the server serves, the core group first (`GET /api` and `GET /apis`). */
  serverGroups(options?: CallOptions): Promise<APIGroupList>;
  /** The resources of one group-version ("v1", "apps/v1"). */
  serverResourcesForGroupVersion(groupVersion: string, options?: CallOptions): Promise<APIResourceList>;
  /**
   * Groups and the resources of every version of every group. When some group-versions fail, the
   * result holds what succeeded and an `error` naming the failed group-versions.
   */
  serverGroupsAndResources(options?: CallOptions): Promise<GroupsAndResources>;
  /**
   * One resource list per group-version with, for each resource (subresources left out), the version
   * the group prefers, or the first version that has it.
   */
  serverPreferredResources(options?: CallOptions): Promise<ResourceLists>;
  /** `serverPreferredResources` restricted to namespaced resources. */
  serverPreferredNamespacedResources(options?: CallOptions): Promise<ResourceLists>;
}

/** The two calls every other discovery call is built from. */
export interface DiscoveryPrimitives {
  /** See {@linkcode DiscoveryClient.serverGroups}. */
  serverGroups(options?: CallOptions): Promise<APIGroupList>;
  /** See {@linkcode DiscoveryClient.serverResourcesForGroupVersion}. */
  serverResourcesForGroupVersion(groupVersion: string, options?: CallOptions): Promise<APIResourceList>;
}

/** {@linkcode DiscoveryClient.serverGroupsAndResources} on top of the two primitives (all versions fetched at once). */
export async function fetchGroupsAndResources(
  d: DiscoveryPrimitives,
  options: CallOptions = {},
): Promise<GroupsAndResources> {
  const { groups } = await d.serverGroups(options);
  const gvs = groups.flatMap((g) => g.versions.map((v) => v.groupVersion));
  const settled = await Promise.allSettled(gvs.map((gv) => d.serverResourcesForGroupVersion(gv, options)));
  const resources: APIResourceList[] = [];
  const failed = new Map<string, unknown>();
  settled.forEach((s, i) => {
    if (s.status === "fulfilled") resources.push(s.value);
    else failed.set(gvs[i], s.reason);
  });
  if (options.signal?.aborted) throw options.signal.reason;
  return failed.size === 0
    ? { groups, resources }
    : { groups, resources, error: new GroupDiscoveryFailedError(failed) };
}

/** The preferred resources of a {@linkcode GroupsAndResources} (client-go's `ServerPreferredResources`). */
export function preferredResources(all: GroupsAndResources, namespacedOnly = false): ResourceLists {
  const byGv = new Map(all.resources.map((r) => [r.groupVersion, r]));
  const chosen = new Map<string, { gv: string; index: number }>(); // "group/resource" -> version
  const lists: APIResourceList[] = [];
  for (const group of all.groups) {
    for (const v of group.versions) {
      const list = byGv.get(v.groupVersion);
      if (list === undefined) continue;
      const out: APIResourceList = { groupVersion: v.groupVersion, resources: [] };
      lists.push(out);
      for (const r of list.resources) {
        if (r.name.includes("/") || (namespacedOnly && !r.namespaced)) continue;
        const key = `${group.name}/${r.name}`;
        const previous = chosen.get(key);
        if (previous !== undefined && v.version !== group.preferredVersion?.version) continue;
        chosen.set(key, { gv: v.groupVersion, index: lists.length - 1 });
      }
    }
  }
  // Fill the lists in discovery order, so the result is deterministic.
  for (const group of all.groups) {
    for (const v of group.versions) {
      const list = byGv.get(v.groupVersion);
      if (list === undefined) continue;
      for (const r of list.resources) {
        const c = chosen.get(`${group.name}/${r.name}`);
        if (c?.gv === v.groupVersion) lists[c.index].resources.push(r);
      }
    }
  }
  const resources = lists.filter((l) => l.resources.length > 0);
  return all.error === undefined ? { resources } : { resources, error: all.error };
}

function request(rest: RESTClient, path: string, options: CallOptions) {
  const r = rest.get().absPath(path);
  if (options.signal !== undefined) r.signal(options.signal);
  if (options.timeoutMs !== undefined) r.timeout(options.timeoutMs);
  return r;
}

class DiscoveryClientImpl implements DiscoveryClient {
  readonly restClient: RESTClient;

  constructor(restClient: RESTClient) {
    this.restClient = restClient;
  }

  async serverVersion(options: CallOptions = {}): Promise<Info> {
    return (await request(this.restClient, "/version", options).do()).into<Info>();
  }

  async serverGroups(options: CallOptions = {}): Promise<APIGroupList> {
    const groups: APIGroup[] = [];
    try {
      const core = (await request(this.restClient, "/api", options).do()).into<APIVersions>();
      if (core.versions.length > 0) {
        const versions = core.versions.map((v) => ({ groupVersion: v, version: v }));
        groups.push({ name: "", versions, preferredVersion: versions[0] });
      }
    } catch (e) {
      // A server without the legacy API (or forbidding it) still has groups.
      if (!isNotFound(e) && !isForbidden(e)) throw e;
    }
    try {
      const list = (await request(this.restClient, "/apis", options).do()).into<APIGroupList>();
      groups.push(...(list.groups ?? []));
    } catch (e) {
      if (!isNotFound(e) && !isForbidden(e)) throw e;
    }
    return { kind: "APIGroupList", apiVersion: "v1", groups };
  }

  async serverResourcesForGroupVersion(
    groupVersion: string,
    options: CallOptions = {},
  ): Promise<APIResourceList> {
    if (groupVersion === "") throw new TypeError("The group version may not be empty");
    const path = groupVersion.includes("/") ? `/apis/${groupVersion}` : `/api/${groupVersion}`;
    const list = (await request(this.restClient, path, options).do()).into<APIResourceList>();
    list.groupVersion ||= groupVersion;
    list.resources ??= [];
    return list;
  }

  serverGroupsAndResources(options: CallOptions = {}): Promise<GroupsAndResources> {
    return fetchGroupsAndResources(this, options);
  }

  async serverPreferredResources(options: CallOptions = {}): Promise<ResourceLists> {
    return preferredResources(await this.serverGroupsAndResources(options));
  }

  async serverPreferredNamespacedResources(options: CallOptions = {}): Promise<ResourceLists> {
    return preferredResources(await this.serverGroupsAndResources(options), true);
  }
}

/** The rate limit discovery uses by default (kubectl's discovery settings: 50 qps, burst 300). */
export const DISCOVERY_QPS: number = 50;
/** The burst discovery uses by default. */
export const DISCOVERY_BURST: number = 300;

/**
 * Creates a discovery client (client-go's `discovery.NewDiscoveryClientForConfig`). Unless
 * `options.rateLimiter` is given (or the configuration disables limiting with a negative qps),
 * discovery has its own limiter of 50 qps with burst 300, as kubectl's, since it reads one document
 * per group-version at once.
 *
 * @param config The REST configuration, or a REST client for raw paths (`apiPath` "").
 * @param options Options of the REST client.
 * @returns The client.
 *
 * @example
 * ```ts
 * import { newDiscoveryClient } from "@kubeweb/client/discovery";
 * import type { RestConfig } from "@kubeweb/client/rest";
 *
 * declare const config: RestConfig;
 * const discovery = newDiscoveryClient(config);
 * console.log((await discovery.serverVersion()).gitVersion);
 * const { resources, error } = await discovery.serverPreferredResources();
 * ```
 */
export function newDiscoveryClient(
  config: RestConfig | RESTClient,
  options: ClientOptions = {},
): DiscoveryClient {
  if (typeof (config as Partial<RESTClient>).verb === "function") {
    return new DiscoveryClientImpl(config as RESTClient);
  }
  const cfg = config as RestConfig;
  const rateLimiter = options.rateLimiter !== undefined || (cfg.qps !== undefined && cfg.qps < 0)
    ? options.rateLimiter
    : newTokenBucketRateLimiter(DISCOVERY_QPS, DISCOVERY_BURST, { clock: options.clock });
  return new DiscoveryClientImpl(
    restClientFor(cfg, { ...options, rateLimiter: rateLimiter ?? null, apiPath: "", groupVersion: "" }),
  );
}
