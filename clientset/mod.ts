/**
 * Typed clients for every built-in Kubernetes API, generated from the Kubernetes 1.36 OpenAPI spec
 * (client-go's `kubernetes` clientset), and the generic resource client they are built on.
 *
 * `newClientset(config)` gives one accessor per group-version (`coreV1()`, `appsV1()`, ...). A
 * program that uses a few group-versions can import them one by one instead
 * (`@kubeweb/client/clientset/apps/v1`), which keeps its bundle small. The types of each
 * group-version are exported by its module (`@kubeweb/client/clientset/core/v1` exports `Pod`).
 *
 * @example Listing, creating and patching
 * ```ts no-eval
 * import { newClientset } from "@kubeweb/client/clientset";
 * import { loadRestConfig } from "@kubeweb/client/rest";
 *
 * const clientset = newClientset(await loadRestConfig());
 * const cms = clientset.coreV1().configMaps("default");
 * await cms.create({ metadata: { name: "settings" }, data: { mode: "fast" } });
 * await cms.patch("settings", "merge", { data: { mode: "slow" } });
 * for await (const pod of clientset.coreV1().pods("").listItems({ limit: 100 })) {
 *   console.log(pod.metadata.namespace, pod.metadata.name, pod.status?.phase);
 * }
 * ```
 *
 * @module
 */
export * from "./clientset.ts";
export type * from "./options.ts";
export * from "./pager.ts";
export * from "./resource_client.ts";
