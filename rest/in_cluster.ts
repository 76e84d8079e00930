/**
 * The configuration of a program running in a pod: the API server from `KUBERNETES_SERVICE_HOST` and
 * `KUBERNETES_SERVICE_PORT`, and the pod's service account token, CA and namespace files.
 *
 * @module
 */
import type { Clock } from "../_internal/clock.ts";
import type { Runtime } from "./runtime/runtime.ts";
import { detectRuntime } from "./runtime/detect.ts";
import { ConfigError, type ConfigWarningHandler, defaultConfigWarning } from "./config_error.ts";
import { hasPemBlock, isNotFoundError, readConfigFile } from "./_config_util.ts";
import { hideRestConfigSecrets, type RestConfig, TokenFileAuthProvider } from "./rest_config.ts";

/** The folder where Kubernetes mounts a pod's service account credentials. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Options of {@linkcode inClusterConfig}. */
export interface InClusterConfigOptions {
  /** Where the environment and files are read (default: the detected runtime). */
  runtime?: Runtime;
  /** Clock for token re-reads (default: the real clock). */
  clock?: Clock;
  /** Token file (default: `<SERVICE_ACCOUNT_DIR>/token`). */
  tokenPath?: string;
  /** CA bundle (default: `<SERVICE_ACCOUNT_DIR>/ca.crt`). */
  caPath?: string;
  /** Namespace file (default: `<SERVICE_ACCOUNT_DIR>/namespace`). */
  namespacePath?: string;
  /** How long a token is used before the file is read again (default 60 000 ms). */
  tokenRefreshMs?: number;
  /** Receives problems that do not stop the configuration, such as an unusable CA file (default: `console.warn`). */
  onWarning?: ConfigWarningHandler;
}

/**
 * Builds the configuration of a program running in a pod (client-go's `rest.InClusterConfig`). The
 * token file is re-read at most once a minute, so rotated (projected) tokens are picked up. The
 * namespace is `POD_NAMESPACE`, else the namespace file, else "default". A CA file that is missing or
 * holds no certificate is reported to `onWarning` and left out, as client-go does.
 *
 * @example
 * ```ts ignore
 * import { inClusterConfig } from "./in_cluster.ts";
 *
 * const config = await inClusterConfig();
 * console.log(config.host); // e.g. "https://10.96.0.1:443"
 * ```
 *
 * @param options Paths and runtime (for tests).
 * @returns The configuration.
 * @throws {ConfigError} when not in a cluster (`notFound` true) or the token file is missing or empty.
 */
export async function inClusterConfig(options: InClusterConfigOptions = {}): Promise<RestConfig> {
  const runtime = options.runtime ?? detectRuntime();
  const env = (name: string): string | undefined => runtime.env?.(name)?.trim() || undefined;
  const host = env("KUBERNETES_SERVICE_HOST");
  const port = env("KUBERNETES_SERVICE_PORT");
  if (!host || !port) {
    const missing = [!host && "KUBERNETES_SERVICE_HOST", !port && "KUBERNETES_SERVICE_PORT"].filter(Boolean);
    throw new ConfigError(`Not running in a Kubernetes cluster: ${missing.join(" and ")} not set`, {
      field: missing[0] as string,
      notFound: true,
    });
  }
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    throw new ConfigError("KUBERNETES_SERVICE_PORT is not a port number", {
      field: "KUBERNETES_SERVICE_PORT",
    });
  }
  const bracketed = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  let url: URL;
  try {
    url = new URL(`https://${bracketed}:${port}`);
  } catch {
    throw new ConfigError("KUBERNETES_SERVICE_HOST is not a valid host name or address", {
      field: "KUBERNETES_SERVICE_HOST",
    });
  }
  const tokenPath = options.tokenPath ?? `${SERVICE_ACCOUNT_DIR}/token`;
  const caPath = options.caPath ?? `${SERVICE_ACCOUNT_DIR}/ca.crt`;
  const namespacePath = options.namespacePath ?? `${SERVICE_ACCOUNT_DIR}/namespace`;

  const auth = new TokenFileAuthProvider(tokenPath, {
    runtime,
    clock: options.clock,
    refreshMs: options.tokenRefreshMs,
  });
  await auth.token();
  // As client-go: a CA file that cannot be used is reported and the configuration goes on without it
  // (the runtime's trusted roots then verify the server).
  let caPem: string | undefined;
  try {
    caPem = await readConfigFile(runtime, caPath, { what: "service account CA file" });
    if (!hasPemBlock(caPem, "CERTIFICATE")) {
      caPem = undefined;
      throw new ConfigError(`The service account CA file ${caPath} does not hold a PEM certificate`, {
        file: caPath,
      });
    }
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const warn = options.onWarning ?? defaultConfigWarning;
    warn(`${e.message}; going on without it (the runtime's trusted certificate authorities apply)`);
  }
  let namespace = env("POD_NAMESPACE");
  if (!namespace) {
    try {
      namespace = (await readConfigFile(runtime, namespacePath, { what: "service account namespace file" }))
        .trim();
    } catch (e) {
      if (!isNotFoundError(e)) throw e;
    }
  }
  const config: RestConfig = {
    host: `https://${url.hostname}:${port}`,
    namespace: namespace || "default",
    ...(caPem === undefined ? {} : { caPem, caFile: caPath }),
    bearerTokenFile: tokenPath,
    auth,
  };
  return hideRestConfigSecrets(config);
}
