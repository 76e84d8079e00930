/**
 * What kubectl does, from code (client-go's `tools/watch` and kubectl's apply, wait, rollout status
 * and logs): container logs as lines, applying a folder of YAML with server-side apply, a watcher that
 * survives reconnects and expiry, and waiting for an object to be deleted, ready or rolled out.
 *
 * @example Wait until a Job has completed (a WaitFailedError if it fails)
 * ```ts
 * import { newClientset } from "@kubeweb/client/clientset";
 * import { jobComplete, waitFor } from "@kubeweb/client/tools";
 * import type { RestConfig } from "@kubeweb/client/rest";
 *
 * declare const config: RestConfig;
 * const jobs = newClientset(config).batchV1().jobs("default");
 * await waitFor(jobs, "migrate", jobComplete, { timeoutMs: 300_000 });
 * ```
 *
 * @module
 */
export * from "./apply_manifests.ts";
export * from "./conditions.ts";
export * from "./log_lines.ts";
export * from "./manifest_error.ts";
export * from "./manifests.ts";
export * from "./retry_watcher.ts";
export * from "./until_with_sync.ts";
export * from "./wait_failed_error.ts";
export * from "./wait_for.ts";
