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
import {
  hideRestConfigSecrets,
  type RestConfig,
  StaticTokenAuthProvider,
  TokenFileAuthProvider,
} from "./rest_config.ts";
import type { ConfigOverrides } from "./config_overrides.ts";

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
  /**
   * Overrides, as client-go applies them in a pod: `clusterInfo.server`, `clusterInfo.certificateAuthority`
   * (read instead of the service account CA), `authInfo.token` (sent instead of the token file's) and
   * `context.namespace`. The others do not apply to the in-cluster configuration.
   */
  overrides?: ConfigOverrides;
}

/**
 * Builds the configuration of a program running in a pod (client-go's `rest.InClusterConfig`). The
 * token file is re-read at most once a minute, so rotated (projected) tokens are picked up. The
 * namespace is `POD_NAMESPACE`, else the namespace file, else "default". A CA file that is missing or
 * holds no certificate is reported to `onWarning` and left out, as client-go does.
 *
 * @example
 * ```ts
 * import { inClusterConfig } from "@kubeweb/client/rest";
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
  const caOverride = options.overrides?.clusterInfo?.certificateAuthority || undefined;
  const caPath = caOverride ?? options.caPath ?? `${SERVICE_ACCOUNT_DIR}/ca.crt`;
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
    if (caOverride !== undefined) {
      throw new ConfigError(e.message.replace(`${caPath}: `, ""), {
        field: "overrides.clusterInfo.certificateAuthority",
        cause: e,
      });
    }
    const warn = options.onWarning ?? defaultConfigWarning;
    const why = e.message.startsWith(`${caPath}: `) ? e.message.slice(caPath.length + 2) : e.message;
    warn(`${why}; going on without it (the runtime's trusted certificate authorities apply)`);
  }
  let namespace = options.overrides?.context?.namespace || env("POD_NAMESPACE");
  if (!namespace) {
    try {
      namespace = (await readConfigFile(runtime, namespacePath, { what: "service account namespace file" }))
        .trim();
    } catch (e) {
      if (!isNotFoundError(e)) throw e;
    }
  }
  const config: RestConfig = {
    host: serverOverride(options.overrides) ?? `https://${url.hostname}:${port}`,
    namespace: namespace || "default",
    ...(caPem === undefined ? {} : { caPem, caFile: caPath }),
    bearerTokenFile: tokenPath,
    auth,
  };
  const token = options.overrides?.authInfo?.token;
  if (token) {
    delete config.bearerTokenFile;
    config.bearerToken = token;
    config.auth = new StaticTokenAuthProvider(token);
  }
  return hideRestConfigSecrets(config);
}

function serverOverride(overrides: ConfigOverrides | undefined): string | undefined {
  const raw = overrides?.clusterInfo?.server?.trim();
  if (!raw) return undefined;
  // The in-cluster configuration always has TLS settings, so a host:port pair means https.
  const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError("overrides.clusterInfo.server is not a valid URL or host:port pair", {
      field: "overrides.clusterInfo.server",
    });
  }
  if (url.protocol !== "https:") {
    // The service account token must not travel over plain http.
    throw new ConfigError("overrides.clusterInfo.server must use https in a pod", {
      field: "overrides.clusterInfo.server",
    });
  }
  return url.pathname === "/" ? url.origin : `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}
