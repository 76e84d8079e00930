/**
 * Finds the configuration the way kubectl and client-go do: an explicit kubeconfig, the files of
 * `KUBECONFIG`, `~/.kube/config`, then the pod's in-cluster configuration.
 *
 * @module
 */
import type { Clock } from "../_internal/clock.ts";
import type { Runtime } from "./runtime/runtime.ts";
import { detectRuntime } from "./runtime/detect.ts";
import { ConfigError, type ConfigWarningHandler } from "./config_error.ts";
import type { ConfigOverrides } from "./config_overrides.ts";
import { defaultKubeConfigPath, type KubeConfig, loadKubeConfig } from "./kubeconfig.ts";
import type { RestConfig } from "./rest_config.ts";
import { restConfigFromKubeConfig } from "./rest_config_from_kubeconfig.ts";
import { inClusterConfig } from "./in_cluster.ts";

/** Options of {@linkcode loadRestConfig}. */
export interface LoadRestConfigOptions {
  /** A kubeconfig file to use; when given, nothing else is tried. */
  kubeconfig?: string;
  /** The context to use (default: the current context). When given, in-cluster is not tried. */
  context?: string;
  /**
   * Settings that take precedence over the kubeconfig, as kubectl's flags (client-go's
   * `ConfigOverrides`). In a pod, the server, CA file, token and namespace overrides apply to the
   * in-cluster configuration too; `overrides.currentContext` rules it out, as `context` does.
   */
  overrides?: ConfigOverrides;
  /** Where files, environment and exec plugins are found (default: the detected runtime). */
  runtime?: Runtime;
  /** Clock for token re-reads and exec credential expiry (default: the real clock). */
  clock?: Clock;
  /**
   * Receives the loader's warnings, such as credentials left out because the server is plain http, or
   * an unusable in-cluster CA file left out (default: `console.warn`).
   */
  onWarning?: ConfigWarningHandler;
}

function isEmpty(kc: KubeConfig): boolean {
  return !kc.currentContext && Object.keys(kc.contexts).length === 0 &&
    Object.keys(kc.clusters).length === 0 &&
    Object.keys(kc.users).length === 0;
}

function absent(e: unknown): e is ConfigError {
  return e instanceof ConfigError && e.notFound;
}

/**
 * Loads the configuration to talk to the cluster, trying in order: the explicit `kubeconfig` file,
 * the files listed in `KUBECONFIG` (when it is set, `~/.kube/config` is not read, as in client-go),
 * `~/.kube/config`, and the in-cluster configuration. A source that
 * does not exist (no variable, no file, an empty file) is skipped; a source that exists but is wrong
 * fails at once with its own error, so a typo never silently selects another cluster. When no source
 * exists, the error lists why each was skipped.
 *
 * @example
 * ```ts
 * import { loadRestConfig } from "@kubeweb/client/rest";
 *
 * const config = await loadRestConfig();
 * console.log(config.host, config.namespace);
 * ```
 *
 * @param options Explicit kubeconfig, context, runtime.
 * @returns The configuration.
 * @throws {ConfigError} naming each source that was tried and why it was not used.
 */
export async function loadRestConfig(options: LoadRestConfigOptions = {}): Promise<RestConfig> {
  const runtime = options.runtime ?? detectRuntime();
  const fromKubeConfig = (kc: KubeConfig): Promise<RestConfig> =>
    restConfigFromKubeConfig(kc, {
      context: options.context,
      overrides: options.overrides,
      runtime,
      clock: options.clock,
      onWarning: options.onWarning,
    });
  if (options.kubeconfig !== undefined) {
    return fromKubeConfig(await loadKubeConfig({ path: options.kubeconfig, runtime }));
  }
  const reasons: string[] = ["explicit kubeconfig: none given"];
  const errors: unknown[] = [];

  const list = runtime.env?.("KUBECONFIG");
  if (list !== undefined && list.trim() !== "") {
    let kc: KubeConfig | undefined;
    try {
      kc = await loadKubeConfig({ runtime });
    } catch (e) {
      if (!absent(e)) throw e;
      reasons.push(`KUBECONFIG: ${e.message}`);
      errors.push(e);
    }
    if (kc && !isEmpty(kc)) return fromKubeConfig(kc);
    if (kc) reasons.push(`KUBECONFIG: ${kc.files.join(", ")} define no clusters, users or contexts`);
  } else {
    reasons.push("KUBECONFIG: not set");
  }

  const home = defaultKubeConfigPath(runtime);
  if (list !== undefined && list.trim() !== "") {
    // As client-go: when KUBECONFIG is set, only its files are searched (then in-cluster).
    reasons.push("~/.kube/config: not read, because KUBECONFIG is set");
  } else if (home === undefined) {
    reasons.push("~/.kube/config: the home directory is unknown");
  } else {
    let kc: KubeConfig | undefined;
    try {
      kc = await loadKubeConfig({ path: home, runtime });
    } catch (e) {
      if (!absent(e)) throw e;
      reasons.push(`${home}: the file does not exist`);
      errors.push(e);
    }
    if (kc && !isEmpty(kc)) return fromKubeConfig(kc);
    if (kc) reasons.push(`${home}: defines no clusters, users or contexts`);
  }

  const context = options.context ?? options.overrides?.currentContext;
  if (context !== undefined) {
    reasons.push(`in-cluster: not tried, because the context "${context}" was asked for`);
  } else {
    try {
      return await inClusterConfig({
        runtime,
        clock: options.clock,
        overrides: options.overrides,
        onWarning: options.onWarning,
      });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      reasons.push(`in-cluster: ${e.message}`);
      errors.push(e);
    }
  }
  throw new ConfigError(
    `No Kubernetes configuration found; tried:\n${reasons.map((r) => `  - ${r}`).join("\n")}`,
    {
      notFound: true,
      cause: new AggregateError(errors, "Every configuration source failed"),
    },
  );
}
