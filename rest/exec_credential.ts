/**
 * Exec credential plugins (`client.authentication.k8s.io/v1` and `v1beta1`): a program named in the
 * kubeconfig prints an `ExecCredential` with a token or a client certificate, which is cached until it
 * expires or the server answers 401.
 *
 * @module
 */
import { abortable } from "../_internal/async.ts";
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import { type Runtime, RuntimeCapabilityError, type SpawnResult } from "./runtime/runtime.ts";
import { detectRuntime } from "./runtime/detect.ts";
import { ConfigError } from "./config_error.ts";
import type { ExecConfig } from "./kubeconfig.ts";
import type { AuthProvider } from "./rest_config.ts";
import { isNotFoundError, redactSecrets } from "./_config_util.ts";
import { INVALID_HEADER_VALUE, isValidHeaderValue } from "./_header_value.ts";

/** The exec credential API versions kubeweb speaks. */
export const EXEC_API_VERSIONS: readonly string[] = [
  "client.authentication.k8s.io/v1",
  "client.authentication.k8s.io/v1beta1",
];

/** What a plugin returned. */
export interface ExecCredential {
  /** Bearer token. */
  token?: string;
  /** PEM client certificate. */
  certPem?: string;
  /** PEM private key of the client certificate. */
  keyPem?: string;
  /** When the credential expires, in ms since the epoch; undefined: until the server answers 401. */
  expiresAt?: number;
}

/** The cluster details given to a plugin with `provideClusterInfo` (and part of the cache key). */
export interface ExecClusterInfo {
  /** API server URL. */
  server: string;
  /** Name to verify the server certificate against. */
  tlsServerName?: string;
  /** Skip verification of the server certificate. */
  insecureSkipTlsVerify?: boolean;
  /** Base64 of the PEM CA bundle. */
  certificateAuthorityData?: string;
  /** Proxy URL. */
  proxyUrl?: string;
  /** Compression disabled. */
  disableCompression?: boolean;
  /** The cluster's `client.authentication.k8s.io/exec` extension. */
  config?: unknown;
}

/** Options of {@linkcode ExecAuthProvider}. */
export interface ExecAuthProviderOptions {
  /** Where the plugin runs (default: the detected runtime). It must be able to spawn processes. */
  runtime?: Runtime;
  /** Clock that decides expiry (default: the real clock). */
  clock?: Clock;
  /** The cluster the credential is for. */
  cluster?: ExecClusterInfo;
  /** The kubeconfig that configures the plugin, for errors. */
  file?: string;
  /** The field that configures the plugin, for errors. */
  field?: string;
}

interface CacheEntry {
  /** The last credential the plugin printed (kept after a 401, so it can be redacted from errors). */
  credential?: ExecCredential;
  /** Set by a 401: the credential must not be used again. */
  rejected?: boolean;
  running?: Promise<ExecCredential>;
}

// One cache per runtime object, keyed by the whole exec configuration plus the cluster: two users
// with the same name in different kubeconfigs never share a credential, two configurations built from
// the same kubeconfig run the plugin once.
const CACHES = new WeakMap<object, Map<string, CacheEntry>>();

function cacheFor(runtime: Runtime): Map<string, CacheEntry> {
  let cache = CACHES.get(runtime);
  if (!cache) CACHES.set(runtime, cache = new Map());
  return cache;
}

const MAX_STDERR = 1000;

/** C0 and C1 controls but tab and line feed, DEL, and the bidirectional overrides and isolates. */
// deno-lint-ignore no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a kubeconfig or a plugin made safe for an error message: each control character (ESC of
 * an ANSI escape sequence, CR, backspace, ...) is shown as its code point, `U+001B`, as client-go
 * shows them; tabs and line breaks stay (a CR LF line break becomes LF).
 */
function printable(text: string): string {
  return text.replace(/\r\n/g, "\n").replace(
    CONTROL,
    (c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`,
  );
}

/**
 * Runs an exec credential plugin and caches what it prints. Use it as the {@linkcode AuthProvider}
 * for tokens; when the plugin returns a client certificate, read it with
 * {@linkcode ExecAuthProvider.getCredential} and rebuild the transport when it changes.
 *
 * @example
 * ```ts
 * import { ExecAuthProvider } from "@kubeweb/client/rest";
 *
 * const auth = new ExecAuthProvider({
 *   command: "aws",
 *   args: ["eks", "get-token", "--cluster-name", "prod"],
 *   apiVersion: "client.authentication.k8s.io/v1beta1",
 * });
 * const headers = new Headers();
 * await auth.authorize(headers);
 * ```
 */
export class ExecAuthProvider implements AuthProvider {
  #exec: ExecConfig;
  #runtime: Runtime;
  #clock: Clock;
  #cluster: ExecClusterInfo | undefined;
  #file: string | undefined;
  #field: string;
  #entry: CacheEntry;

  /**
   * Checks the plugin configuration; nothing runs until a credential is needed.
   *
   * @throws {ConfigError} for an unsupported apiVersion, a v1 plugin without interactiveMode, or
   * interactiveMode Always.
   * @throws {RuntimeCapabilityError} when the runtime cannot spawn processes.
   */
  constructor(exec: ExecConfig, options: ExecAuthProviderOptions = {}) {
    this.#exec = exec;
    this.#file = options.file;
    this.#field = options.field ?? "exec";
    this.#clock = options.clock ?? REAL_CLOCK;
    this.#cluster = options.cluster;
    if (!EXEC_API_VERSIONS.includes(exec.apiVersion)) {
      const removed = exec.apiVersion === "client.authentication.k8s.io/v1alpha1"
        ? " (v1alpha1 was removed)"
        : "";
      throw this.#error(
        `${this.#field}.apiVersion must be client.authentication.k8s.io/v1 or v1beta1${removed}`,
        `${this.#field}.apiVersion`,
      );
    }
    if (exec.apiVersion === "client.authentication.k8s.io/v1" && !exec.interactiveMode) {
      // client-go defaults it only for v1beta1; v1 plugins must say how they use standard input.
      throw this.#error(
        `${this.#field}.interactiveMode must be specified for client.authentication.k8s.io/v1 ` +
          "exec plugins (Never, IfAvailable or Always)",
        `${this.#field}.interactiveMode`,
      );
    }
    if (exec.interactiveMode === "Always") {
      throw this.#error(
        `${this.#field}.interactiveMode is Always, but kubeweb runs exec plugins without a terminal: ` +
          "use Never or IfAvailable",
        `${this.#field}.interactiveMode`,
      );
    }
    this.#runtime = options.runtime ?? detectRuntime();
    if (!this.#runtime.spawn) {
      throw new RuntimeCapabilityError(
        this.#runtime.name,
        `run the exec credential plugin "${exec.command}"`,
        "use a bearer token (token or tokenFile) in the kubeconfig, or run on Deno, Node or Bun",
      );
    }
    const key = JSON.stringify([
      exec.command,
      exec.args ?? [],
      (exec.env ?? []).map((e) => [e.name, e.value]),
      exec.apiVersion,
      exec.provideClusterInfo ?? false,
      exec.interactiveMode ?? "",
      this.#cluster ?? null,
    ]);
    const cache = cacheFor(this.#runtime);
    let entry = cache.get(key);
    if (!entry) cache.set(key, entry = {});
    this.#entry = entry;
  }

  #error(message: string, field: string = this.#field, cause?: unknown): ConfigError {
    return new ConfigError(message, { file: this.#file, field, cause });
  }

  #fresh(c: ExecCredential | undefined): c is ExecCredential {
    return c !== undefined && (c.expiresAt === undefined || this.#clock.now() < c.expiresAt);
  }

  /**
   * The current credential: the cached one while it has not expired, else the plugin's new output.
   * Concurrent callers share one run of the plugin.
   *
   * @param signal Stops waiting (the plugin run is shared and continues).
   * @throws {ConfigError} when the plugin is missing, fails or prints something unusable.
   */
  getCredential(signal?: AbortSignal): Promise<ExecCredential> {
    const entry = this.#entry;
    if (!entry.rejected && this.#fresh(entry.credential)) return Promise.resolve(entry.credential);
    if (!entry.running) {
      entry.running = this.#run().then((c) => {
        entry.credential = c;
        entry.rejected = false;
        return c;
      }).finally(() => entry.running = undefined);
    }
    return signal ? abortable(entry.running, signal) : entry.running;
  }

  /** Sets `Authorization: Bearer <token>` when the plugin returned a token. */
  async authorize(headers: Headers, signal?: AbortSignal): Promise<void> {
    const c = await this.getCredential(signal);
    if (c.token) headers.set("Authorization", `Bearer ${c.token}`);
  }

  /** Forgets the cached credential, so the plugin runs again for the next request. */
  onUnauthorized(): void {
    this.#entry.rejected = true;
  }

  #execInfo(): string {
    const spec: Record<string, unknown> = { interactive: false };
    const c = this.#cluster;
    if (this.#exec.provideClusterInfo && c) {
      const cluster: Record<string, unknown> = { server: c.server };
      if (c.tlsServerName) cluster["tls-server-name"] = c.tlsServerName;
      if (c.insecureSkipTlsVerify) cluster["insecure-skip-tls-verify"] = true;
      if (c.certificateAuthorityData) cluster["certificate-authority-data"] = c.certificateAuthorityData;
      if (c.proxyUrl) cluster["proxy-url"] = c.proxyUrl;
      if (c.disableCompression) cluster["disable-compression"] = true;
      if (c.config !== undefined) cluster.config = c.config;
      spec.cluster = cluster;
    }
    return JSON.stringify({ apiVersion: this.#exec.apiVersion, kind: "ExecCredential", spec });
  }

  async #run(): Promise<ExecCredential> {
    const exec = this.#exec;
    const name = `Exec credential plugin "${printable(exec.command)}"`;
    const env: Record<string, string> = {};
    for (const e of exec.env ?? []) env[e.name] = e.value;
    env.KUBERNETES_EXEC_INFO = this.#execInfo();
    let result: SpawnResult;
    try {
      result = await this.#runtime.spawn!(exec.command, { args: exec.args ?? [], env });
    } catch (e) {
      if (isNotFoundError(e)) {
        const hint = exec.installHint ? `\n\n${printable(exec.installHint.trim())}` : "";
        throw this.#error(
          `${name} was not found: is it installed and on the PATH?${hint}`,
          `${this.#field}.command`,
        );
      }
      throw this.#error(`${name} could not be started`, `${this.#field}.command`, e);
    }
    const secrets = [
      ...(exec.env ?? []).map((e) => e.value),
      this.#entry.credential?.token,
      this.#entry.credential?.keyPem,
    ];
    if (result.code !== 0) {
      let stderr = redactSecrets(result.stderr.trim(), secrets);
      if (stderr.length > MAX_STDERR) stderr = `${stderr.slice(0, MAX_STDERR)}...`;
      stderr = printable(stderr);
      throw this.#error(`${name} exited with code ${result.code}${stderr ? `: ${stderr}` : ""}`);
    }
    return this.#parse(result.stdout, name);
  }

  #parse(stdout: string, name: string): ExecCredential {
    let out: unknown;
    try {
      out = JSON.parse(stdout);
    } catch {
      throw this.#error(`${name} printed output that is not JSON (an ExecCredential was expected)`);
    }
    if (!out || typeof out !== "object" || Array.isArray(out)) {
      throw this.#error(`${name} printed JSON that is not an ExecCredential object`);
    }
    const cred = out as { apiVersion?: unknown; kind?: unknown; status?: unknown };
    if (cred.kind !== "ExecCredential") {
      throw this.#error(`${name} printed an object whose kind is not ExecCredential`);
    }
    if (cred.apiVersion !== this.#exec.apiVersion) {
      throw this.#error(`${name} printed an ExecCredential whose apiVersion is not ${this.#exec.apiVersion}`);
    }
    if (!cred.status || typeof cred.status !== "object") {
      throw this.#error(`${name} printed an ExecCredential without a status`);
    }
    const status = cred.status as Record<string, unknown>;
    for (const k of ["token", "clientCertificateData", "clientKeyData", "expirationTimestamp"]) {
      if (status[k] !== undefined && status[k] !== null && typeof status[k] !== "string") {
        throw this.#error(`${name} printed an ExecCredential whose status.${k} is not a string`);
      }
    }
    const c: ExecCredential = {};
    if (status.token) {
      if (!isValidHeaderValue(status.token as string)) {
        // Never the token itself: the runtime's Headers would quote it, so say which field it is.
        throw this.#error(`${name} printed an ExecCredential whose status.token ${INVALID_HEADER_VALUE}`);
      }
      c.token = status.token as string;
    }
    const certPem = (status.clientCertificateData as string | undefined) || undefined;
    const keyPem = (status.clientKeyData as string | undefined) || undefined;
    if (certPem && !keyPem) {
      throw this.#error(`${name} printed status.clientCertificateData without clientKeyData`);
    }
    if (keyPem && !certPem) {
      throw this.#error(`${name} printed status.clientKeyData without clientCertificateData`);
    }
    if (certPem && keyPem) {
      c.certPem = certPem;
      c.keyPem = keyPem;
    }
    if (!c.token && !c.certPem) {
      throw this.#error(
        `${name} printed an ExecCredential with neither a token nor a client certificate and key`,
      );
    }
    if (status.expirationTimestamp) {
      const at = Date.parse(status.expirationTimestamp as string);
      if (Number.isNaN(at)) {
        throw this.#error(`${name} printed an ExecCredential whose status.expirationTimestamp is not a time`);
      }
      c.expiresAt = at;
    }
    return c;
  }
}
