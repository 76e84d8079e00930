/**
 * {@linkcode restConfigFromKubeConfig}: the {@linkcode RestConfig} of a kubeconfig context (client-go's
 * `clientcmd.ClientConfig`), with kubectl's overrides, exec plugins and credential files.
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import type { Runtime } from "./runtime/runtime.ts";
import { detectRuntime } from "./runtime/detect.ts";
import { ConfigError, type ConfigWarningHandler, defaultConfigWarning } from "./config_error.ts";
import {
  absolutePath,
  type KubeConfig,
  type KubeConfigCluster,
  type KubeConfigContext,
  type KubeConfigUser,
} from "./kubeconfig.ts";
import type { ConfigOverrides } from "./config_overrides.ts";
import { applyContextOverrides, applyEntryOverrides } from "./_config_overrides.ts";
import { ExecAuthProvider, type ExecClusterInfo } from "./exec_credential.ts";
import { decodeBase64, encodeBase64, hasPemBlock, type PemKind, readConfigFile } from "./_config_util.ts";
import { INVALID_HEADER_VALUE, isValidHeaderValue } from "./_header_value.ts";
import {
  BasicAuthProvider,
  hideRestConfigSecrets,
  type ImpersonationConfig,
  type RestConfig,
  StaticTokenAuthProvider,
  TokenFileAuthProvider,
} from "./rest_config.ts";

/** Options of {@linkcode restConfigFromKubeConfig}. */
export interface RestConfigFromKubeConfigOptions {
  /** The context to use (default: `overrides.currentContext`, else the kubeconfig's current context). */
  context?: string;
  /** Settings that take precedence over the kubeconfig, as kubectl's flags (client-go's `ConfigOverrides`). */
  overrides?: ConfigOverrides;
  /** Where referenced files are read and exec plugins run (default: the detected runtime). */
  runtime?: Runtime;
  /** Clock for token file refreshes and exec credential expiry (default: the real clock). */
  clock?: Clock;
  /** Client-side queries per second. */
  qps?: number;
  /** Client-side burst. */
  burst?: number;
  /** Timeout of each request in milliseconds. */
  timeoutMs?: number;
  /** `User-Agent` header. */
  userAgent?: string;
  /**
   * Receives the loader's warnings, such as credentials left out because the server is plain http
   * (default: `console.warn`).
   */
  onWarning?: ConfigWarningHandler;
}

const REMOVED_AUTH_PROVIDERS: Record<string, string> = {
  gcp: "gke-gcloud-auth-plugin",
  azure: "kubelogin",
  oidc: "kubelogin (kubectl oidc-login)",
};

interface Where {
  file: string | undefined;
  field: string;
}

function fail(where: Where, problem: string): never {
  throw new ConfigError(`${where.field} ${problem}`, { file: where.file, field: where.field });
}

// For entries merged with ConfigOverrides: the kubeconfig keys an override set, and the override's name.
const OVERRIDDEN = new WeakMap<object, Map<string, string>>();

function overrideWhere(entry: object, key: string): Where | undefined {
  const field = OVERRIDDEN.get(entry)?.get(key);
  return field === undefined ? undefined : { file: undefined, field };
}

function clusterWhere(c: KubeConfigCluster, key: string): Where {
  return overrideWhere(c, key) ?? { file: c.source, field: `clusters[${c.name}].cluster.${key}` };
}

function userWhere(u: KubeConfigUser, key: string): Where {
  return overrideWhere(u, key) ?? { file: u.source, field: `users[${u.name}].user.${key}` };
}

function parseServer(cluster: KubeConfigCluster, tlsConfigured: boolean): string {
  const where = clusterWhere(cluster, "server");
  const raw = cluster.server?.trim();
  if (!raw) fail(where, "is missing");
  // As client-go's DefaultServerURL: without a scheme the server is a host:port pair, reached over
  // https when TLS settings are given and over http otherwise; a path then needs a scheme.
  const schemeless = !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(raw);
  const withScheme = schemeless ? `${tlsConfigured ? "https" : "http"}://${raw}` : raw;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    fail(where, schemeless ? "is not valid: host must be a URL or a host:port pair" : "is not a valid URL");
  }
  if (schemeless && url.pathname !== "/") {
    fail(
      where,
      `is "${raw}": host must be a URL or a host:port pair (a path needs a scheme, such as https://)`,
    );
  }
  if (url.username || url.password) fail(where, "must not contain a user name or password");
  if (url.search || url.hash) fail(where, "must not contain a query or fragment");
  // Plain http is allowed to any host, as in client-go; such a configuration carries no credentials.
  if (url.protocol !== "http:" && url.protocol !== "https:") fail(where, "must use https or http");
  return url.pathname === "/" ? url.origin : `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

async function pemFrom(
  runtime: Runtime,
  data: { value?: string; where: Where },
  file: { value?: string; where: Where },
  what: string,
  kind: PemKind,
): Promise<{ pem?: string; path?: string }> {
  if (data.value !== undefined && file.value !== undefined) {
    fail(data.where, `and ${file.where.field.split(".").pop()} are both set: give only one`);
  }
  if (data.value !== undefined) {
    const bytes = decodeBase64(data.value);
    if (!bytes) fail(data.where, "is not valid base64");
    const pem = new TextDecoder().decode(bytes);
    if (!hasPemBlock(pem, kind)) fail(data.where, `does not hold a PEM ${what}`);
    return { pem };
  }
  if (file.value !== undefined) {
    const pem = await readConfigFile(runtime, file.value, { what: `${what} file`, ...file.where });
    if (!hasPemBlock(pem, kind)) fail(file.where, `names ${file.value}, which does not hold a PEM ${what}`);
    return { pem, path: file.value };
  }
  return {};
}

function execClusterInfo(
  cluster: KubeConfigCluster,
  server: string,
  caPem: string | undefined,
): ExecClusterInfo {
  const info: ExecClusterInfo = { server };
  if (cluster.tlsServerName) info.tlsServerName = cluster.tlsServerName;
  if (cluster.insecureSkipTlsVerify) info.insecureSkipTlsVerify = true;
  // The plugin always gets the CA as data, also when the kubeconfig names a file.
  if (caPem !== undefined) info.certificateAuthorityData = encodeBase64(caPem);
  if (cluster.proxyUrl) info.proxyUrl = cluster.proxyUrl;
  if (cluster.disableCompression) info.disableCompression = true;
  const ext = cluster.extensions?.["client.authentication.k8s.io/exec"];
  if (ext !== undefined) info.config = ext;
  return info;
}

/**
 * Builds the {@linkcode RestConfig} of one context of a kubeconfig: reads the CA, certificate, key and
 * token files it names, decodes `*-data` fields and checks that the combination is usable. As
 * client-go's loader, a server that is plain `http://` (any host) gets no credentials and no TLS
 * settings from the kubeconfig; `onWarning` is told which were left out.
 *
 * @example
 * ```ts
 * import { loadYamlParser, parseKubeConfig, restConfigFromKubeConfig } from "@kubeweb/client/rest";
 *
 * await loadYamlParser();
 * const kc = parseKubeConfig(`
 * clusters: [{name: dev, cluster: {server: "https://127.0.0.1:6443"}}]
 * users: [{name: me, user: {token: abc}}]
 * contexts: [{name: dev, context: {cluster: dev, user: me, namespace: apps}}]
 * current-context: dev
 * `);
 * const config = await restConfigFromKubeConfig(kc);
 * console.log(config.host, config.namespace); // "https://127.0.0.1:6443" "apps"
 * ```
 *
 * @param kc The kubeconfig.
 * @param options The context and runtime.
 * @returns The configuration.
 * @throws {ConfigError} naming the file and field of anything unusable.
 */
export async function restConfigFromKubeConfig(
  kc: KubeConfig,
  options: RestConfigFromKubeConfigOptions = {},
): Promise<RestConfig> {
  const overrides = options.overrides ?? {};
  const serverOverride = !!overrides.clusterInfo?.server;
  const contextName = options.context || overrides.currentContext || kc.currentContext;
  let chosen: KubeConfigContext | undefined;
  if (!contextName) {
    // client-go: with no context, the overrides alone may describe the cluster.
    if (!serverOverride) {
      throw new ConfigError("No context chosen: current-context is not set and no context was given", {
        file: kc.files[0],
        field: "current-context",
      });
    }
    chosen = { name: "" };
  } else {
    chosen = Object.hasOwn(kc.contexts, contextName) ? kc.contexts[contextName] : undefined;
  }
  if (!chosen) {
    const field = options.context
      ? "context"
      : overrides.currentContext
      ? "overrides.currentContext"
      : undefined;
    const names = Object.keys(kc.contexts);
    const defined = names.length === 0
      ? " (no contexts are defined)"
      : ` (defined: ${names.slice(0, 10).join(", ")}${names.length > 10 ? ", ..." : ""})`;
    throw new ConfigError(
      `${
        field === "context" ? "The context option" : field ?? "current-context"
      } names context "${contextName}", which is not defined${defined}`,
      {
        file: field ? kc.files[0] : kc.currentContextSource ?? kc.files[0],
        field: field ?? "current-context",
      },
    );
  }
  const ctx = applyContextOverrides(chosen, overrides);
  const runtime = options.runtime ?? detectRuntime();
  const clock = options.clock ?? REAL_CLOCK;
  const ctxWhere: Where = overrides.context?.cluster
    ? { file: undefined, field: "overrides.context.cluster" }
    : { file: ctx.source, field: `contexts[${ctx.name}].context.cluster` };
  const named = ctx.cluster && Object.hasOwn(kc.clusters, ctx.cluster) ? kc.clusters[ctx.cluster] : undefined;
  // A server override stands in for a missing cluster, unless the cluster was asked for by name.
  if (!named && (overrides.context?.cluster || !serverOverride)) {
    if (!ctx.cluster) fail(ctxWhere, "is missing");
    fail(ctxWhere, `names cluster "${ctx.cluster}", which is not defined`);
  }
  let namedUser: KubeConfigUser | undefined;
  if (ctx.user) {
    namedUser = Object.hasOwn(kc.users, ctx.user) ? kc.users[ctx.user] : undefined;
    if (!namedUser) {
      fail(
        overrides.context?.user
          ? { file: undefined, field: "overrides.context.user" }
          : { file: ctx.source, field: `contexts[${ctx.name}].context.user` },
        `names user "${ctx.user}", which is not defined`,
      );
    }
  }
  const merged = applyEntryOverrides(ctx, named, namedUser, overrides, (p) => absolutePath(runtime, p));
  const cluster = merged.cluster!;
  const user = merged.user;
  OVERRIDDEN.set(cluster, merged.overridden);
  if (user) OVERRIDDEN.set(user, merged.overridden);

  // Cluster: server and TLS.
  const hasCa = !!(cluster.certificateAuthority || cluster.certificateAuthorityData);
  if (cluster.insecureSkipTlsVerify && hasCa) {
    fail(
      clusterWhere(cluster, "insecure-skip-tls-verify"),
      "cannot be combined with a certificate authority",
    );
  }
  const hasClientCert = !!(user?.clientCertificate || user?.clientCertificateData);
  const host = parseServer(cluster, hasCa || hasClientCert || !!cluster.insecureSkipTlsVerify);
  const config: RestConfig = { host, namespace: ctx.namespace || "default" };
  if (cluster.disableCompression) config.disableCompression = true;
  if (cluster.proxyUrl) config.proxyUrl = parseProxyUrl(cluster);
  if (options.qps !== undefined) config.qps = options.qps;
  if (options.burst !== undefined) config.burst = options.burst;
  if (options.timeoutMs !== undefined) config.timeoutMs = options.timeoutMs;
  if (options.userAgent !== undefined) config.userAgent = options.userAgent;
  if (!host.startsWith("https:")) return plainHttpConfig(config, cluster, ctx.name, user, options.onWarning);
  const ca = await pemFrom(
    runtime,
    { value: cluster.certificateAuthorityData, where: clusterWhere(cluster, "certificate-authority-data") },
    { value: cluster.certificateAuthority, where: clusterWhere(cluster, "certificate-authority") },
    "certificate authority",
    "CERTIFICATE",
  );
  if (ca.pem !== undefined) config.caPem = ca.pem;
  if (ca.path !== undefined) config.caFile = ca.path;
  if (cluster.tlsServerName) config.tlsServerName = cluster.tlsServerName;
  if (cluster.insecureSkipTlsVerify) config.insecureSkipTlsVerify = true;
  if (!user) return hideRestConfigSecrets(config);

  // User: authentication.
  if (user.authProvider) {
    const name = user.authProvider.name;
    const plugin = REMOVED_AUTH_PROVIDERS[name];
    fail(
      userWhere(user, "auth-provider"),
      `uses the "${name}" auth provider, which is not supported (it was removed from Kubernetes client ` +
        `libraries): use an exec credential plugin${plugin ? ` such as ${plugin}` : ""} instead`,
    );
  }
  // Values sent as headers: checked now, so a bad one never meets the runtime's Headers (whose
  // TypeError quotes it). The error names the field, never the value.
  if (user.token !== undefined && !isValidHeaderValue(user.token)) {
    fail(userWhere(user, "token"), INVALID_HEADER_VALUE);
  }
  const methods: string[] = [];
  if (user.token || user.tokenFile) methods.push("token");
  if (user.username || user.password) methods.push("basic auth");
  if (user.exec) methods.push("exec");
  if (methods.length > 1) {
    throw new ConfigError(
      `users[${user.name}].user has more than one authentication method (${
        methods.join(", ")
      }); only one is allowed`,
      { file: user.source, field: `users[${user.name}].user` },
    );
  }
  const cert = await pemFrom(
    runtime,
    { value: user.clientCertificateData, where: userWhere(user, "client-certificate-data") },
    { value: user.clientCertificate, where: userWhere(user, "client-certificate") },
    "certificate",
    "CERTIFICATE",
  );
  const key = await pemFrom(
    runtime,
    { value: user.clientKeyData, where: userWhere(user, "client-key-data") },
    { value: user.clientKey, where: userWhere(user, "client-key") },
    "private key",
    "PRIVATE KEY",
  );
  if (cert.pem !== undefined && key.pem === undefined) {
    fail(
      userWhere(user, "client-key"),
      "is missing: a client certificate needs client-key or client-key-data",
    );
  }
  if (key.pem !== undefined && cert.pem === undefined) {
    fail(
      userWhere(user, "client-certificate"),
      "is missing: a client key needs client-certificate or client-certificate-data",
    );
  }
  if (cert.pem !== undefined) config.certPem = cert.pem;
  if (cert.path !== undefined) config.certFile = cert.path;
  if (key.pem !== undefined) config.keyPem = key.pem;
  if (key.path !== undefined) config.keyFile = key.path;

  if (user.tokenFile) {
    const where = userWhere(user, "tokenFile");
    const provider = new TokenFileAuthProvider(user.tokenFile, {
      runtime,
      clock,
      fallbackToken: user.token,
      file: where.file,
      field: where.field,
    });
    await provider.token();
    config.bearerTokenFile = user.tokenFile;
    if (user.token) config.bearerToken = user.token;
    config.auth = provider;
  } else if (user.token) {
    config.bearerToken = user.token;
    config.auth = new StaticTokenAuthProvider(user.token);
  } else if (user.username || user.password) {
    if (!user.username) fail(userWhere(user, "username"), "is missing: a password needs a user name");
    config.username = user.username;
    if (user.password !== undefined) config.password = user.password;
    config.auth = new BasicAuthProvider(user.username, user.password ?? "");
  } else if (user.exec) {
    const exec = new ExecAuthProvider(user.exec, {
      runtime,
      clock,
      cluster: execClusterInfo(cluster, host, config.caPem),
      file: user.source,
      field: `users[${user.name}].user.exec`,
    });
    config.exec = user.exec;
    config.auth = exec;
    config.tlsFromExec = exec;
  }

  setImpersonation(config, user);
  return hideRestConfigSecrets(config);
}

function setImpersonation(config: RestConfig, user: KubeConfigUser): void {
  if (!user.as && (user.asUid || user.asGroups?.length || Object.keys(user.asUserExtra ?? {}).length)) {
    fail(userWhere(user, "as"), "is missing: as-uid, as-groups and as-user-extra need a user to impersonate");
  }
  // Sent as headers: checked now, so a bad value never meets the runtime's Headers.
  const values: [string, string | undefined][] = [
    ["as", user.as],
    ["as-uid", user.asUid],
    ...(user.asGroups ?? []).map((g): [string, string] => ["as-groups", g]),
    ...Object.entries(user.asUserExtra ?? {}).flatMap(([k, vs]) =>
      vs.map((v): [string, string] => [`as-user-extra[${k}]`, v])
    ),
  ];
  for (const [key, value] of values) {
    if (value !== undefined && !isValidHeaderValue(value)) fail(userWhere(user, key), INVALID_HEADER_VALUE);
  }
  if (user.as) {
    const imp: ImpersonationConfig = { userName: user.as };
    if (user.asUid) imp.uid = user.asUid;
    if (user.asGroups?.length) imp.groups = [...user.asGroups];
    if (user.asUserExtra && Object.keys(user.asUserExtra).length) {
      imp.extra = Object.fromEntries(Object.entries(user.asUserExtra).map(([k, v]) => [k, [...v]]));
    }
    config.impersonate = imp;
  }
}

/**
 * The configuration for a plain http server: as client-go's loader ("only read auth info if we are
 * secure"), no credentials (token, token file, basic auth, client certificate, exec plugin) and no TLS
 * settings are taken from the kubeconfig, and, unlike client-go, a warning says so. Impersonation
 * is kept, as in client-go.
 */
function plainHttpConfig(
  config: RestConfig,
  cluster: KubeConfigCluster,
  contextName: string,
  user: KubeConfigUser | undefined,
  onWarning: ConfigWarningHandler | undefined,
): RestConfig {
  const ignored: string[] = [];
  if (user) {
    if (user.token || user.tokenFile) ignored.push("token");
    if (user.username || user.password) ignored.push("basic auth");
    if (user.clientCertificate || user.clientCertificateData || user.clientKey || user.clientKeyData) {
      ignored.push("client certificate");
    }
    if (user.exec) ignored.push("exec plugin");
    if (user.authProvider) ignored.push("auth provider");
  }
  const tls: string[] = [];
  if (cluster.certificateAuthority || cluster.certificateAuthorityData) tls.push("certificate authority");
  if (cluster.insecureSkipTlsVerify) tls.push("insecure-skip-tls-verify");
  if (cluster.tlsServerName) tls.push("tls-server-name");
  if (ignored.length > 0 || tls.length > 0) {
    const parts: string[] = [];
    if (ignored.length > 0) {
      parts.push(
        `the credentials of users[${user!.name}] (${ignored.join(", ")}) are not sent, so requests are ` +
          "anonymous (system:anonymous)",
      );
    }
    if (tls.length > 0) parts.push(`the TLS settings (${tls.join(", ")}) are ignored`);
    const warn = onWarning ?? defaultConfigWarning;
    try {
      warn(
        `${
          cluster.source ? `${cluster.source}: ` : ""
        }context "${contextName}": clusters[${cluster.name}].cluster.` +
          `server is ${config.host}, which is plain http without TLS: ${
            parts.join("; ")
          }. Use an https server ` +
          "to authenticate.",
      );
    } catch { /* a faulty warning handler must not fail loading */ }
  }
  if (user) setImpersonation(config, user);
  return hideRestConfigSecrets(config);
}

function parseProxyUrl(cluster: KubeConfigCluster): string {
  const where = clusterWhere(cluster, "proxy-url");
  let proxy: URL;
  try {
    proxy = new URL(cluster.proxyUrl!);
  } catch {
    fail(where, "is not a valid URL");
  }
  if (!["http:", "https:", "socks5:"].includes(proxy.protocol)) {
    fail(where, "must use http, https or socks5");
  }
  return cluster.proxyUrl!;
}
