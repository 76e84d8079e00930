/**
 * What every client module shares, below them all (client-go keeps it in apimachinery): the options
 * of calls (`GetOptions`, `ListOptions`, `PatchOptions`, ... each with a `signal`), the options of
 * the REST clients the clients make, and the group / version / resource / kind identifiers with
 * their parsers. The meta/v1 API types (`ObjectMeta`, `Status`, `APIResourceList`, ...) are in
 * `@kubeweb/client/meta/v1`.
 *
 * @example Naming a resource and listing it with options
 * ```ts
 * import { type GroupVersionResource, type ListOptions, parseGroupVersion } from "@kubeweb/client/meta";
 *
 * const gvr: GroupVersionResource = { ...parseGroupVersion("apps/v1"), resource: "deployments" };
 * const options: ListOptions = { labelSelector: "app=web", signal: AbortSignal.timeout(5_000) };
 * console.log(gvr.group, options.labelSelector); // apps app=web
 * ```
 *
 * @module
 */
export * from "./client_options.ts";
export * from "./group_version.ts";
export * from "./options.ts";
export * from "./patch.ts";
export * from "./stored.ts";
