/**
 * {@linkcode RestConfig}: everything needed to talk to one API server as one identity (client-go's
 * `rest.Config`) and the {@linkcode AuthProvider}s that put credentials on requests (a configuration
 * from a kubeconfig: `restConfigFromKubeConfig`, in its own module, so a program given its
 * configuration as data loads no kubeconfig code).
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import type { Runtime, TlsOptions } from "./runtime/runtime.ts";
import { detectRuntime } from "./runtime/detect.ts";
import { ConfigError } from "./config_error.ts";
import type { ExecConfig } from "./kubeconfig.ts";
import type { ExecAuthProvider } from "./exec_credential.ts";
import { encodeBase64, readConfigFile } from "./_config_util.ts";
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
