/**
 * The base of kubeweb (client-go's rest, transport, clientcmd and apimachinery errors in one):
 * configuration from kubeconfig files (with kubectl's overrides, and writing changes back), in-cluster
 * service accounts and exec credential plugins; a transport for every runtime; the
 * {@linkcode RESTClient} request builder with client-side rate limiting and retries; typed API errors;
 * and watch stream decoding.
 *
 * @example List pods with the current kubeconfig context
 * ```ts
 * import { isNotFound, loadRestConfig, restClientFor } from "@kubeweb/client/rest";
 *
 * const config = await loadRestConfig();
 * const core = restClientFor(config, { apiPath: "/api", groupVersion: "v1" });
 * const pods = await core.get().namespace("default").resource("pods").param("limit", 10).do();
 * console.log(pods.into<{ items: unknown[] }>().items.length);
 * try {
 *   await core.get().namespace("default").resource("pods").name("missing").do();
 * } catch (e) {
 *   if (!isNotFound(e)) throw e;
 * }
 * ```
 *
 * @module
 */
export type { Clock, Timer } from "../_internal/clock.ts";
export * from "./types.ts";
export * from "./errors.ts";
export * from "./config_error.ts";
export * from "./kubeconfig.ts";
export * from "./config_overrides.ts";
export * from "./kubeconfig_writer.ts";
export * from "./rest_config.ts";
export * from "./rest_config_from_kubeconfig.ts";
export * from "./exec_credential.ts";
export * from "./in_cluster.ts";
export * from "./load_rest_config.ts";
export * from "./runtime/mod.ts";
export * from "./transport_for.ts";
export * from "./rate_limiter.ts";
export * from "./backoff.ts";
export * from "./warning_handler.ts";
export * from "./request.ts";
export * from "./result.ts";
export * from "./rest_client.ts";
export * from "./watcher.ts";
export {
  type ClientDeadlines,
  DeadlineExceededError,
  type DeadlineExceededErrorOptions,
  type DeadlineKind,
  DEFAULT_RESPONSE_HEADER_TIMEOUT_MS,
  DEFAULT_UNBOUNDED_WATCH_DEADLINE_MS,
  DEFAULT_WATCH_DEADLINE_GRACE_MS,
  DEFAULT_WATCH_IDLE_TIMEOUT_MS,
} from "./deadline.ts";
export * from "./watch_decoder.ts";
export * from "./remote_command.ts";
export * from "./port_forward.ts";
