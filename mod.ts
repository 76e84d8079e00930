/**
 * kubeweb: client-go for TypeScript, on web standards. Typed clients, informers, workqueues and leader
 * election for Kubernetes, on Deno, Bun, Node and edge runtimes.
 *
 * The root module re-exports the common entry points; each module is also importable on its own
 * (`@kubeweb/client/rest`, `@kubeweb/client/cache`, ...).
 *
 * @example Read the time through a fake clock in a test
 * ```ts
 * import { FakeClock } from "@kubeweb/client";
 * const clock = new FakeClock(0);
 * await clock.advance(1000);
 * console.log(clock.now()); // 1000
 * ```
 *
 * @module
 */
export { type Clock, FakeClock, REAL_CLOCK, type Timer } from "./_internal/clock.ts";
export * as workqueue from "./workqueue/mod.ts";
export * as retry from "./retry/mod.ts";
export * as leaderelection from "./leaderelection/mod.ts";
export * as record from "./record/mod.ts";
export {
  ApiError,
  inClusterConfig,
  isAlreadyExists,
  isConflict,
  isForbidden,
  isNotFound,
  loadKubeConfig,
  loadRestConfig,
  restClientFor,
  type RestConfig,
  restConfigFromKubeConfig,
  type WatchEvent,
} from "./rest/mod.ts";
export { newClientset } from "./clientset/mod.ts";
export { newDynamicClient } from "./dynamic/mod.ts";
export { newMetadataClient } from "./metadata/mod.ts";
export { newDiscoveryClient } from "./discovery/mod.ts";
export * as cache from "./cache/mod.ts";
export { newSharedInformerFactory } from "./cache/mod.ts";
