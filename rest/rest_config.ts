/**
 * {@linkcode RestConfig}: everything needed to talk to one API server as one identity (client-go's
 * `rest.Config`), the {@linkcode AuthProvider}s that put credentials on requests, and
 * {@linkcode restConfigFromKubeConfig}.
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import type { Runtime, TlsOptions } from "./runtime/runtime.ts";
import { detectRuntime } from "./runtime/detect.ts";
import { ConfigError, type ConfigWarningHandler, defaultConfigWarning } from "./config_error.ts";
import {
  absolutePath,
  type ExecConfig,
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

/**
 * Puts credentials on outgoing requests. The REST client calls {@linkcode AuthProvider.authorize}
 * before every request and, on a 401 response, {@linkcode AuthProvider.onUnauthorized} and then
 * retries once.
 */
export interface AuthProvider {
  /** Sets the request's credential headers (usually `Authorization`). */
  authorize(headers: Headers, signal?: AbortSignal): Promise<void>;
  /** Called after a 401: drop cached credentials so the next `authorize` fetches fresh ones. */
  onUnauthorized?(): void;
}

/** Impersonation settings (client-go's `rest.ImpersonationConfig`). */
export interface ImpersonationConfig {
  /** User to act as (`Impersonate-User`). */
  userName?: string;
  /** UID to act as (`Impersonate-Uid`). */
  uid?: string;
  /** Groups to act as: one `Impersonate-Group` header each. */
  groups?: string[];
  /** Extra fields: one `Impersonate-Extra-<key>` header per value. */
  extra?: Record<string, string[]>;
}

/**
 * How to reach one API server as one identity: plain data plus an {@linkcode AuthProvider}.
 * Secret fields (`bearerToken`, `password`, `keyPem`, exec environment values) are hidden when a
 * configuration made by kubeweb is printed or inspected.
 */
export interface RestConfig {
  /** Server URL with scheme, host, port and optional path prefix, e.g. `https://10.0.0.1:6443`. */
  host: string;
  /** Namespace of the context ("default" when the context names none). */
  namespace: string;
  /** PEM bundle of certificate authorities to trust. */
  caPem?: string;
  /** The file `caPem` was read from. */
  caFile?: string;
  /** PEM client certificate. */
  certPem?: string;
  /** The file `certPem` was read from. */
  certFile?: string;
  /** PEM private key of the client certificate (secret). */
  keyPem?: string;
  /** The file `keyPem` was read from. */
  keyFile?: string;
  /** Name to verify the server certificate against. */
  tlsServerName?: string;
  /** Skip verification of the server certificate. */
  insecureSkipTlsVerify?: boolean;
  /** Static bearer token (secret). With `bearerTokenFile`, only a fallback. */
  bearerToken?: string;
  /** File holding the bearer token, re-read at most once a minute (see {@linkcode TokenFileAuthProvider}). */
  bearerTokenFile?: string;
  /** Basic authentication user name. */
  username?: string;
  /** Basic authentication password (secret). */
  password?: string;
  /** The exec credential plugin, when one is configured (its env values are secret). */
  exec?: ExecConfig;
  /** Impersonation. */
  impersonate?: ImpersonationConfig;
  /** HTTP(S) proxy URL. */
  proxyUrl?: string;
  /** Ask the server not to compress responses. */
  disableCompression?: boolean;
  /** Client-side rate limit in queries per second (0 or unset: 5; negative: unlimited). */
  qps?: number;
  /** Client-side burst (0 or unset: 10). */
  burst?: number;
  /** Timeout of each request in milliseconds (unset: none). */
  timeoutMs?: number;
  /** `User-Agent` header. */
  userAgent?: string;
  /**
   * The largest frame (one event) a watch accepts, in bytes (unset: 16 MiB, as client-go). A longer
   * frame ends the watch with a `WatchDecodeError`.
   */
  maxWatchFrameBytes?: number;
  /** Puts the credential on each request; undefined for anonymous or client-certificate-only access. */
  auth?: AuthProvider;
  /**
   * Set when an exec plugin provides the credentials: its {@linkcode ExecAuthProvider.getCredential}
   * may return a client certificate and key, and the transport must be rebuilt when they change.
   */
  tlsFromExec?: ExecAuthProvider;
}

/**
 * Sends a fixed bearer token.
 *
 * @example
 * ```ts
 * import { StaticTokenAuthProvider } from "@kubeweb/client/rest";
 *
 * const headers = new Headers();
 * await new StaticTokenAuthProvider("abc").authorize(headers);
 * console.log(headers.get("authorization")); // "Bearer abc"
 * ```
 */
export class StaticTokenAuthProvider implements AuthProvider {
  #token: string;

  /**
   * Creates the provider for `token`.
   *
   * @throws {ConfigError} (field `bearerToken`, never the value) when the token holds a line break,
   * NUL or another character that cannot be sent in an HTTP header.
   */
  constructor(token: string) {
    if (!isValidHeaderValue(token)) {
      throw new ConfigError(`The bearer token ${INVALID_HEADER_VALUE}`, { field: "bearerToken" });
    }
    this.#token = token;
  }

  /** Sets `Authorization: Bearer <token>`. */
  authorize(headers: Headers, _signal?: AbortSignal): Promise<void> {
    headers.set("Authorization", `Bearer ${this.#token}`);
    return Promise.resolve();
  }
}

/** Sends HTTP basic authentication (user name and password as UTF-8). */
export class BasicAuthProvider implements AuthProvider {
  #value: string;

  /** Creates the provider for a user name and password. */
  constructor(username: string, password: string) {
    this.#value = `Basic ${encodeBase64(`${username}:${password}`)}`;
  }

  /** Sets `Authorization: Basic ...`. */
  authorize(headers: Headers, _signal?: AbortSignal): Promise<void> {
    headers.set("Authorization", this.#value);
    return Promise.resolve();
  }
}

/** Options of {@linkcode TokenFileAuthProvider}. */
export interface TokenFileAuthProviderOptions {
  /** Where the file is read (default: the detected runtime). */
  runtime?: Runtime;
  /** Clock for the refresh period (default: the real clock). */
  clock?: Clock;
  /** How long a token read from the file is used before the file is read again (default 60 000 ms). */
  refreshMs?: number;
  /** Token used when the file cannot be read and none was read before. */
  fallbackToken?: string;
  /** The kubeconfig that names the file, for errors. */
  file?: string;
  /** The field that names the file, for errors. */
  field?: string;
}

/**
 * Sends the bearer token held in a file, re-reading the file at most once per refresh period (one
 * minute by default) so rotated tokens (projected service account tokens) are picked up. A 401 makes
 * the next request re-read it. When a re-read fails the previous token stays in use.
 *
 * @example
 * ```ts
 * import { TokenFileAuthProvider } from "@kubeweb/client/rest";
 *
 * const auth = new TokenFileAuthProvider("/var/run/secrets/kubernetes.io/serviceaccount/token");
 * const headers = new Headers();
 * await auth.authorize(headers);
 * ```
 */
export class TokenFileAuthProvider implements AuthProvider {
  /** The token file. */
  readonly path: string;
  #runtime: Runtime | undefined;
  #clock: Clock;
  #refreshMs: number;
  #fallback: string | undefined;
  #file: string | undefined;
  #field: string | undefined;
  #token: string | undefined;
  #readAt = -Infinity;
  #reading: Promise<string> | undefined;

  /** Creates the provider; the file is first read by the first {@linkcode TokenFileAuthProvider.token} call. */
  constructor(path: string, options: TokenFileAuthProviderOptions = {}) {
    this.path = path;
    this.#runtime = options.runtime;
    this.#clock = options.clock ?? REAL_CLOCK;
    this.#refreshMs = options.refreshMs ?? 60_000;
    this.#fallback = options.fallbackToken;
    this.#file = options.file;
    this.#field = options.field;
  }

  /**
   * The current token, reading the file when the last read is older than the refresh period.
   *
   * @throws {ConfigError} when the file cannot be read or is empty and no token is known yet.
   */
  token(_signal?: AbortSignal): Promise<string> {
    if (this.#token !== undefined && this.#clock.now() - this.#readAt < this.#refreshMs) {
      return Promise.resolve(this.#token);
    }
    this.#reading ??= this.#read().finally(() => this.#reading = undefined);
    return this.#reading;
  }

  async #read(): Promise<string> {
    const runtime = this.#runtime ??= detectRuntime();
    try {
      const text = (await readConfigFile(runtime, this.path, {
        what: "token file",
        file: this.#file,
        field: this.#field,
      })).trim();
      if (text === "") {
        throw new ConfigError(`The token file ${this.path} is empty`, {
          file: this.#file ?? this.path,
          field: this.#field,
        });
      }
      if (!isValidHeaderValue(text)) {
        throw new ConfigError(`The token file ${this.path} ${INVALID_HEADER_VALUE}`, {
          file: this.#file ?? this.path,
          field: this.#field,
        });
      }
      this.#token = text;
    } catch (e) {
      const known = this.#token ?? this.#fallback;
      if (known === undefined) throw e;
      this.#token = known;
    }
    this.#readAt = this.#clock.now();
    return this.#token;
  }

  /** Sets `Authorization: Bearer <token from the file>`. */
  async authorize(headers: Headers, signal?: AbortSignal): Promise<void> {
    headers.set("Authorization", `Bearer ${await this.token(signal)}`);
  }

  /** Makes the next request read the file again. */
  onUnauthorized(): void {
    this.#readAt = -Infinity;
  }
}

/**
 * The HTTP headers impersonation needs, as separate name/value pairs: a header that repeats
 * (`Impersonate-Group`, `Impersonate-Extra-*`) appears once per value and must be sent that way.
 * Extra keys are percent-encoded as the API server expects.
 *
 * @example
 * ```ts
 * import { impersonationHeaders } from "@kubeweb/client/rest";
 *
 * console.log(impersonationHeaders({ userName: "jane", groups: ["a", "b"] }));
 * // [["Impersonate-User", "jane"], ["Impersonate-Group", "a"], ["Impersonate-Group", "b"]]
 * ```
 */
export function impersonationHeaders(impersonate: ImpersonationConfig | undefined): [string, string][] {
  const out: [string, string][] = [];
  if (!impersonate) return out;
  if (impersonate.userName) out.push(["Impersonate-User", impersonate.userName]);
  if (impersonate.uid) out.push(["Impersonate-Uid", impersonate.uid]);
  for (const g of impersonate.groups ?? []) out.push(["Impersonate-Group", g]);
  for (const [key, values] of Object.entries(impersonate.extra ?? {})) {
    const name = `Impersonate-Extra-${escapeHeaderKey(key)}`;
    for (const v of values) out.push([name, v]);
  }
  return out;
}

function escapeHeaderKey(key: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(key)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The transport settings of a configuration, in the shape `Runtime.createTransport` takes. */
export function restConfigTlsOptions(config: RestConfig): TlsOptions {
  const tls: TlsOptions = {};
  if (config.caPem !== undefined) tls.caPem = config.caPem;
  if (config.certPem !== undefined) tls.certPem = config.certPem;
  if (config.keyPem !== undefined) tls.keyPem = config.keyPem;
  if (config.tlsServerName !== undefined) tls.serverName = config.tlsServerName;
  if (config.insecureSkipTlsVerify) tls.insecureSkipVerify = true;
  if (config.proxyUrl !== undefined) tls.proxyUrl = config.proxyUrl;
  return tls;
}

const REDACTED = "[redacted]";

/** A copy of the configuration with every secret replaced, for printing. */
export function redactRestConfig(config: RestConfig): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...config };
  for (const k of ["bearerToken", "password", "keyPem"] as const) {
    if (config[k] !== undefined) copy[k] = REDACTED;
  }
  if (config.exec) {
    copy.exec = {
      ...config.exec,
      ...(config.exec.env ? { env: config.exec.env.map((e) => ({ name: e.name, value: REDACTED })) } : {}),
    };
  }
  if (config.auth) copy.auth = `[${config.auth.constructor?.name ?? "AuthProvider"}]`;
  if (config.tlsFromExec) copy.tlsFromExec = "[ExecAuthProvider]";
  return copy;
}

/**
 * Makes `console.log`, `Deno.inspect`, Node's `util.inspect` and `String()` of the configuration show
 * it with secrets redacted. The hooks are non-enumerable, so spreading the object copies only data.
 */
export function hideRestConfigSecrets<T extends RestConfig>(config: T): T {
  const hidden = { enumerable: false, configurable: true, writable: true };
  Object.defineProperties(config, {
    [Symbol.for("Deno.customInspect")]: {
      ...hidden,
      value(this: RestConfig, inspect: (v: unknown, o?: unknown) => string, options?: unknown): string {
        return `RestConfig ${inspect(redactRestConfig(this), options)}`;
      },
    },
    [Symbol.for("nodejs.util.inspect.custom")]: {
      ...hidden,
      value(this: RestConfig): Record<string, unknown> {
        return redactRestConfig(this);
      },
    },
    toString: {
      ...hidden,
      value(this: RestConfig): string {
        return `RestConfig(${this.host})`;
      },
    },
  });
  return config;
}

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
