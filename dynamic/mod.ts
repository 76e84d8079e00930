/**
 * The dynamic client: every verb on any resource, built-in or custom, with objects as plain JSON
 * (client-go's `dynamic` package).
 *
 * @example
 * ```ts
 * import { newDynamicClient } from "@kubeweb/client/dynamic";
 * import type { RestConfig } from "@kubeweb/client/rest";
 *
 * declare const config: RestConfig;
 * const dynamic = newDynamicClient(config);
 * const gvr = { group: "stable.example.com", version: "v1", resource: "crontabs" };
 * await dynamic.resource(gvr).namespace("default").create({
 *   apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "nightly" }, spec: { cronSpec: "0 0 * * *" },
 * });
 * ```
 *
 * @module
 */
export * from "./dynamic_client.ts";
