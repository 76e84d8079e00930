/**
 * Discovery (client-go's `discovery` and `restmapper` packages): the server's version, groups and
 * resources, a cached discovery client, and REST mappers from kinds to resources and back, with
 * short names, singular names, scopes and preferred versions.
 *
 * @example
 * ```ts
 * import { DeferredDiscoveryRESTMapper, newCachedDiscoveryClient, newDiscoveryClient } from "@kubeweb/client/discovery";
 * import type { RestConfig } from "@kubeweb/client/rest";
 *
 * declare const config: RestConfig;
 * const discovery = newCachedDiscoveryClient(newDiscoveryClient(config));
 * console.log((await discovery.serverVersion()).gitVersion);
 * const mapper = new DeferredDiscoveryRESTMapper(discovery);
 * const mapping = await mapper.restMapping({ group: "apps", kind: "Deployment" });
 * console.log(mapping.resource.resource, mapping.scope); // "deployments" "namespace"
 * ```
 *
 * @module
 */
export * from "./cached_discovery_client.ts";
export * from "./discovery_client.ts";
export * from "./discovery_error.ts";
export * from "../meta/group_version.ts";
export * from "./rest_mapper.ts";
