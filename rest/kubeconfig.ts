/**
 * Kubeconfig files (client-go's clientcmd): the typed model, the parser, kubectl's merge rules for
 * `KUBECONFIG` lists, and the loader.
 *
 * @module
 */
import type { parseYaml as ParseYaml } from "../_internal/deps.ts";
import type { Runtime } from "./runtime/runtime.ts";
import { detectRuntime } from "./runtime/detect.ts";
import { ConfigError } from "./config_error.ts";
import {
  decodeBase64,
  dirnameOf,
  isAbsolutePath,
  isNotFoundError,
  joinPath,
  KUBECONFIG_YAML_OPTIONS,
  readConfigFile,
  resolvePath,
} from "./_config_util.ts";

/** How an exec credential plugin may interact with the user (kubeweb never gives it a terminal). */
export type ExecInteractiveMode = "Never" | "IfAvailable" | "Always";

/** One environment variable given to an exec credential plugin. */
export interface ExecEnvVar {
  /** Variable name. */
  name: string;
  /** Variable value (may be a secret: never shown in errors). */
  value: string;
}

/** The `exec` section of a kubeconfig user: a credential plugin to run. */
export interface ExecConfig {
  /** The program to run; a relative path containing a slash is resolved against the kubeconfig's folder. */
  command: string;
  /** Arguments. */
  args?: string[];
  /** Variables added to the inherited environment. */
  env?: ExecEnvVar[];
  /** `client.authentication.k8s.io/v1` or `client.authentication.k8s.io/v1beta1`. */
  apiVersion: string;
  /** Text shown when the command is not installed. */
  installHint?: string;
  /** Pass the cluster's details to the plugin in `KUBERNETES_EXEC_INFO`. */
  provideClusterInfo?: boolean;
  /** How the plugin may use standard input; kubeweb runs every plugin non-interactively. */
  interactiveMode?: ExecInteractiveMode;
}

/** The `auth-provider` section of a kubeconfig user (removed upstream; kubeweb reports it). */
export interface AuthProviderConfig {
  /** Provider name, such as "gcp", "azure" or "oidc". */
  name: string;
  /** Provider settings. */
  config?: Record<string, string>;
}

/** A cluster entry of a kubeconfig (`clusters[].cluster`). */
export interface KubeConfigCluster {
  /** The entry's name. */
  name: string;
  /** The file the entry was read from, when it came from a file. */
  source?: string;
  /** API server URL. */
  server?: string;
  /** Name to verify the server certificate against. */
  tlsServerName?: string;
  /** Skip verification of the server certificate. */
  insecureSkipTlsVerify?: boolean;
  /** Path of a PEM CA bundle (resolved against the kubeconfig's folder). */
  certificateAuthority?: string;
  /** Base64 of a PEM CA bundle, as written in the file (checked to be valid base64). */
  certificateAuthorityData?: string;
  /** Proxy URL for requests to this cluster. */
  proxyUrl?: string;
  /** Ask the server not to compress responses. */
  disableCompression?: boolean;
  /** Extensions by name. */
  extensions?: Record<string, unknown>;
}

/** A user entry of a kubeconfig (`users[].user`, client-go's AuthInfo). */
export interface KubeConfigUser {
  /** The entry's name. */
  name: string;
  /** The file the entry was read from, when it came from a file. */
  source?: string;
  /** Path of a PEM client certificate (resolved against the kubeconfig's folder). */
  clientCertificate?: string;
  /** Base64 of a PEM client certificate, as written in the file. */
  clientCertificateData?: string;
  /** Path of a PEM private key (resolved against the kubeconfig's folder). */
  clientKey?: string;
  /** Base64 of a PEM private key, as written in the file. */
  clientKeyData?: string;
  /** Bearer token. */
  token?: string;
  /** Path of a file holding a bearer token, re-read periodically (resolved against the kubeconfig's folder). */
  tokenFile?: string;
  /** User to impersonate. */
  as?: string;
  /** UID to impersonate. */
  asUid?: string;
  /** Groups to impersonate. */
  asGroups?: string[];
  /** Extra fields to impersonate. */
  asUserExtra?: Record<string, string[]>;
  /** Basic authentication user name. */
  username?: string;
  /** Basic authentication password. */
  password?: string;
  /** Legacy auth provider (not supported: use an exec plugin). */
  authProvider?: AuthProviderConfig;
  /** Exec credential plugin. */
  exec?: ExecConfig;
  /** Extensions by name. */
  extensions?: Record<string, unknown>;
}

/** A context entry of a kubeconfig (`contexts[].context`). */
export interface KubeConfigContext {
  /** The entry's name. */
  name: string;
  /** The file the entry was read from, when it came from a file. */
  source?: string;
  /** Name of the cluster. */
  cluster?: string;
  /** Name of the user (empty: anonymous). */
  user?: string;
  /** Default namespace. */
  namespace?: string;
  /** Extensions by name. */
  extensions?: Record<string, unknown>;
}

/** The `preferences` section of a kubeconfig. */
export interface KubeConfigPreferences {
  /** Colored output (kubectl). */
  colors?: boolean;
  /** Extensions by name. */
  extensions?: Record<string, unknown>;
}

/** A parsed (and possibly merged) kubeconfig. */
export interface KubeConfig {
  /** The context used when none is asked for. */
  currentContext?: string;
  /** The file that set `current-context`. */
  currentContextSource?: string;
  /** Clusters by name. */
  clusters: Record<string, KubeConfigCluster>;
  /** Users by name. */
  users: Record<string, KubeConfigUser>;
  /** Contexts by name. */
  contexts: Record<string, KubeConfigContext>;
  /** Preferences. */
  preferences: KubeConfigPreferences;
  /** Top-level extensions by name. */
  extensions?: Record<string, unknown>;
  /** The files merged into this configuration, highest precedence first. */
  files: string[];
}

/** Options of {@linkcode parseKubeConfig}. */
export interface ParseKubeConfigOptions {
  /**
   * The file the text came from: named in errors and recorded as each entry's source; relative paths
   * in the text are resolved against its folder.
   */
  file?: string;
}

type Raw = Record<string, unknown>;

function setEntry<T>(map: Record<string, T>, name: string, value: T): void {
  Object.defineProperty(map, name, { value, enumerable: true, writable: true, configurable: true });
}

function hasEntry(map: Record<string, unknown>, name: string): boolean {
  return Object.hasOwn(map, name);
}

class Parser {
  constructor(readonly file: string | undefined) {}

  fail(field: string, problem: string): never {
    throw new ConfigError(`${field} ${problem}`, { file: this.file, field });
  }

  map(v: unknown, field: string): Raw | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "object" || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) {
      this.fail(field, "must be a mapping");
    }
    return v as Raw;
  }

  list(v: unknown, field: string): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(field, "must be a list");
    return v;
  }

  str(v: unknown, field: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") this.fail(field, "must be a string");
    return v;
  }

  bool(v: unknown, field: string): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "boolean") this.fail(field, "must be true or false");
    return v;
  }

  strList(v: unknown, field: string): string[] | undefined {
    if (v === undefined || v === null) return undefined;
    return this.list(v, field).map((x, i) =>
      this.str(x, `${field}[${i}]`) ?? this.fail(`${field}[${i}]`, "is empty")
    );
  }

  base64(v: unknown, field: string): string | undefined {
    const s = this.str(v, field);
    if (s === undefined || s === "") return undefined;
    if (!decodeBase64(s)) this.fail(field, "is not valid base64");
    return s;
  }

  path(v: unknown, field: string): string | undefined {
    const s = this.str(v, field);
    if (s === undefined || s === "") return undefined;
    return this.file === undefined ? s : resolvePath(dirnameOf(this.file), s);
  }

  extensions(v: unknown, field: string): Record<string, unknown> | undefined {
    if (v === undefined || v === null) return undefined;
    const out: Record<string, unknown> = {};
    this.list(v, field).forEach((item, i) => {
      const m = this.map(item, `${field}[${i}]`) ?? this.fail(`${field}[${i}]`, "is empty");
      const name = this.str(m.name, `${field}[${i}].name`);
      if (!name) this.fail(`${field}[${i}].name`, "is missing");
      if (hasEntry(out, name)) {
        this.fail(`${field}[${name}]`, `is defined twice (the name "${name}" must be unique)`);
      }
      setEntry(out, name, m.extension);
    });
    return out;
  }

  /** The named entries of `clusters`, `users` or `contexts`. */
  named(v: unknown, section: string, inner: string): [string, string, Raw][] {
    const seen = new Set<string>();
    return this.list(v, section).map((item, i) => {
      const m = this.map(item, `${section}[${i}]`) ?? this.fail(`${section}[${i}]`, "is empty");
      const name = this.str(m.name, `${section}[${i}].name`);
      if (!name) this.fail(`${section}[${i}].name`, "is missing");
      const field = `${section}[${name}]`;
      if (seen.has(name)) this.fail(field, `is defined twice (the name "${name}" must be unique)`);
      seen.add(name);
      return [name, field, this.map(m[inner], `${field}.${inner}`) ?? {}];
    });
  }

  cluster(name: string, field: string, c: Raw): KubeConfigCluster {
    const f = `${field}.cluster`;
    return dropUndefined({
      name,
      source: this.file,
      server: this.str(c["server"], `${f}.server`),
      tlsServerName: this.str(c["tls-server-name"], `${f}.tls-server-name`),
      insecureSkipTlsVerify: this.bool(c["insecure-skip-tls-verify"], `${f}.insecure-skip-tls-verify`),
      certificateAuthority: this.path(c["certificate-authority"], `${f}.certificate-authority`),
      certificateAuthorityData: this.base64(
        c["certificate-authority-data"],
        `${f}.certificate-authority-data`,
      ),
      proxyUrl: this.str(c["proxy-url"], `${f}.proxy-url`),
      disableCompression: this.bool(c["disable-compression"], `${f}.disable-compression`),
      extensions: this.extensions(c["extensions"], `${f}.extensions`),
    });
  }

  user(name: string, field: string, u: Raw): KubeConfigUser {
    const f = `${field}.user`;
    return dropUndefined({
      name,
      source: this.file,
      clientCertificate: this.path(u["client-certificate"], `${f}.client-certificate`),
      clientCertificateData: this.base64(u["client-certificate-data"], `${f}.client-certificate-data`),
      clientKey: this.path(u["client-key"], `${f}.client-key`),
      clientKeyData: this.base64(u["client-key-data"], `${f}.client-key-data`),
      token: this.str(u["token"], `${f}.token`) || undefined,
      tokenFile: this.path(u["tokenFile"], `${f}.tokenFile`),
      as: this.str(u["as"], `${f}.as`) || undefined,
      asUid: this.str(u["as-uid"], `${f}.as-uid`) || undefined,
      asGroups: this.strList(u["as-groups"], `${f}.as-groups`),
      asUserExtra: this.userExtra(u["as-user-extra"], `${f}.as-user-extra`),
      username: this.str(u["username"], `${f}.username`) || undefined,
      password: this.str(u["password"], `${f}.password`) || undefined,
      authProvider: this.authProvider(u["auth-provider"], `${f}.auth-provider`),
      exec: this.exec(u["exec"], `${f}.exec`),
      extensions: this.extensions(u["extensions"], `${f}.extensions`),
    });
  }

  userExtra(v: unknown, field: string): Record<string, string[]> | undefined {
    const m = this.map(v, field);
    if (!m) return undefined;
    const out: Record<string, string[]> = {};
    for (const [k, vals] of Object.entries(m)) setEntry(out, k, this.strList(vals, `${field}.${k}`) ?? []);
    return out;
  }

  authProvider(v: unknown, field: string): AuthProviderConfig | undefined {
    const m = this.map(v, field);
    if (!m) return undefined;
    const name = this.str(m.name, `${field}.name`);
    if (!name) this.fail(`${field}.name`, "is missing");
    const cfg = this.map(m.config, `${field}.config`);
    const config: Record<string, string> = {};
    for (const [k, val] of Object.entries(cfg ?? {})) {
      setEntry(config, k, this.str(val, `${field}.config.${k}`) ?? "");
    }
    return cfg ? { name, config } : { name };
  }

  exec(v: unknown, field: string): ExecConfig | undefined {
    const m = this.map(v, field);
    if (!m) return undefined;
    const rawCommand = this.str(m.command, `${field}.command`);
    if (!rawCommand) this.fail(`${field}.command`, "is missing");
    const apiVersion = this.str(m.apiVersion, `${field}.apiVersion`);
    if (!apiVersion) this.fail(`${field}.apiVersion`, "is missing");
    const command = rawCommand.includes("/") && this.file !== undefined
      ? resolvePath(dirnameOf(this.file), rawCommand)
      : rawCommand;
    const env = m.env === undefined || m.env === null
      ? undefined
      : this.list(m.env, `${field}.env`).map((e, i) => {
        const ef = `${field}.env[${i}]`;
        const em = this.map(e, ef) ?? this.fail(ef, "is empty");
        const name = this.str(em.name, `${ef}.name`);
        if (!name) this.fail(`${ef}.name`, "is missing");
        return { name, value: this.str(em.value, `${ef}.value`) ?? "" };
      });
    const mode = this.str(m.interactiveMode, `${field}.interactiveMode`) || undefined;
    if (mode !== undefined && mode !== "Never" && mode !== "IfAvailable" && mode !== "Always") {
      this.fail(`${field}.interactiveMode`, `must be Never, IfAvailable or Always`);
    }
    const interactiveMode: ExecInteractiveMode | undefined = mode;
    return dropUndefined({
      command,
      args: this.strList(m.args, `${field}.args`),
      env,
      apiVersion,
      installHint: this.str(m.installHint, `${field}.installHint`) || undefined,
      provideClusterInfo: this.bool(m.provideClusterInfo, `${field}.provideClusterInfo`),
      interactiveMode,
    });
  }

  context(name: string, field: string, c: Raw): KubeConfigContext {
    const f = `${field}.context`;
    return dropUndefined({
      name,
      source: this.file,
      cluster: this.str(c["cluster"], `${f}.cluster`) || undefined,
      user: this.str(c["user"], `${f}.user`) || undefined,
      namespace: this.str(c["namespace"], `${f}.namespace`) || undefined,
      extensions: this.extensions(c["extensions"], `${f}.extensions`),
    });
  }
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function emptyKubeConfig(): KubeConfig {
  return { clusters: {}, users: {}, contexts: {}, preferences: {}, files: [] };
}

let yamlParser: typeof ParseYaml | undefined;

/**
 * Loads the YAML parser that {@linkcode parseKubeConfig} uses. It is loaded on first need only, so a
 * program that never parses a kubeconfig (an in-cluster or literal configuration, an edge bundle that
 * gets its configuration as data) never loads it: {@linkcode loadKubeConfig} and `loadRestConfig`
 * call this themselves; call it once before using `parseKubeConfig` directly. Later calls return at once.
 *
 * @example Parsing kubeconfig text
 * ```ts
 * import { loadYamlParser, parseKubeConfig } from "@kubeweb/client/rest";
 *
 * await loadYamlParser();
 * const kc = parseKubeConfig("clusters: [{name: dev, cluster: {server: https://127.0.0.1:6443}}]\n");
 * console.log(Object.keys(kc.clusters)); // ["dev"]
 * ```
 */
export async function loadYamlParser(): Promise<void> {
  // A dynamic import of the dependencies file: its module graph (the YAML library) loads only now.
  yamlParser ??= (await import("../_internal/deps.ts")).parseYaml;
}

function yamlParserFor(file: string | undefined): typeof ParseYaml {
  if (yamlParser === undefined) {
    throw new ConfigError(
      "The YAML parser is not loaded: call `await loadYamlParser()` once before parseKubeConfig, " +
        "or use `await loadKubeConfig({ text })`",
      { file },
    );
  }
  return yamlParser;
}

function yamlError(e: unknown, file: string | undefined): ConfigError {
  if (e instanceof Error && e.name === "NotCapable") {
    // Deno without --allow-env: the YAML library reads LOG_TOKENS and LOG_STREAM while parsing.
    return new ConfigError(
      "The YAML parser reads the environment variables LOG_TOKENS and LOG_STREAM: run Deno with " +
        "--allow-env=LOG_TOKENS,LOG_STREAM (or --allow-env), or pass the kubeconfig as JSON",
      { file },
    );
  }
  // The YAML library's message carries an excerpt of the offending line, which may hold a secret:
  // keep only its first sentence and the position.
  const err = e as { message?: unknown; linePos?: { line: number; col: number }[] };
  const first = typeof err?.message === "string"
    ? err.message.split("\n")[0].replace(/ at line \d+.*$/, "")
    : "";
  const pos = err?.linePos?.[0];
  const where = pos ? ` at line ${pos.line}, column ${pos.col}` : "";
  return new ConfigError(`Invalid YAML${where}: ${first || "cannot be parsed"}`, { file });
}

/**
 * Parses the text of one kubeconfig file (YAML or JSON) into a typed {@linkcode KubeConfig}. JSON
 * text needs nothing loaded; YAML needs {@linkcode loadYamlParser} once first. Fields
 * are type-checked and `*-data` fields must be valid base64; whether the chosen context is usable is
 * checked later by `restConfigFromKubeConfig`.
 *
 * @example Parsing kubeconfig text
 * ```ts
 * import { loadYamlParser, parseKubeConfig } from "@kubeweb/client/rest";
 *
 * await loadYamlParser();
 * const kc = parseKubeConfig(`
 * clusters: [{name: dev, cluster: {server: "https://127.0.0.1:6443"}}]
 * users: [{name: me, user: {token: abc}}]
 * contexts: [{name: dev, context: {cluster: dev, user: me}}]
 * current-context: dev
 * `, { file: "/home/me/.kube/config" });
 * console.log(kc.clusters.dev.server); // "https://127.0.0.1:6443"
 * ```
 *
 * @param text The file's content.
 * @param options The file's path, for errors and relative paths.
 * @returns The parsed configuration.
 * @throws {ConfigError} on bad YAML or a field of the wrong type, or when the YAML parser is not
 * loaded yet (see {@linkcode loadYamlParser}).
 */
export function parseKubeConfig(text: string, options: ParseKubeConfigOptions = {}): KubeConfig {
  const file = options.file;
  let doc: unknown;
  if (yamlParser === undefined && text.trimStart().startsWith("{")) {
    // JSON (`kubectl config view -o json`) needs no YAML parser: an edge program that gets its
    // configuration as JSON text never loads it.
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(`Invalid JSON: ${e instanceof SyntaxError ? "cannot be parsed" : String(e)}`, {
        file,
      });
    }
  } else {
    const parseYaml = yamlParserFor(file);
    try {
      doc = parseYaml(text, KUBECONFIG_YAML_OPTIONS);
    } catch (e) {
      throw yamlError(e, file);
    }
  }
  const kc = emptyKubeConfig();
  if (file !== undefined) kc.files.push(file);
  if (doc === undefined || doc === null) return kc;
  const p = new Parser(file);
  if (typeof doc !== "object" || Array.isArray(doc) || Object.getPrototypeOf(doc) !== Object.prototype) {
    throw new ConfigError("The document must be a mapping with clusters, users and contexts", { file });
  }
  const top = doc as Raw;
  const kind = p.str(top.kind, "kind");
  if (kind && kind !== "Config") p.fail("kind", `must be "Config"`);
  const apiVersion = p.str(top.apiVersion, "apiVersion");
  if (apiVersion && apiVersion !== "v1") p.fail("apiVersion", `must be "v1"`);
  for (const [name, field, raw] of p.named(top.clusters, "clusters", "cluster")) {
    setEntry(kc.clusters, name, p.cluster(name, field, raw));
  }
  for (const [name, field, raw] of p.named(top.users, "users", "user")) {
    setEntry(kc.users, name, p.user(name, field, raw));
  }
  for (const [name, field, raw] of p.named(top.contexts, "contexts", "context")) {
    setEntry(kc.contexts, name, p.context(name, field, raw));
  }
  const current = p.str(top["current-context"], "current-context");
  if (current) {
    kc.currentContext = current;
    if (file !== undefined) kc.currentContextSource = file;
  }
  const prefs = p.map(top.preferences, "preferences");
  if (prefs) {
    kc.preferences = dropUndefined({
      colors: p.bool(prefs.colors, "preferences.colors"),
      extensions: p.extensions(prefs.extensions, "preferences.extensions"),
    });
  }
  const ext = p.extensions(top.extensions, "extensions");
  if (ext) kc.extensions = ext;
  return kc;
}

function mergeFirstWins<T>(into: Record<string, T>, from: Record<string, T> | undefined): void {
  if (!from) return;
  for (const [name, value] of Object.entries(from)) if (!hasEntry(into, name)) setEntry(into, name, value);
}

/**
 * Merges kubeconfigs the way kubectl merges the files of `KUBECONFIG`: for clusters, users, contexts
 * and extensions the first configuration that defines a name wins (entries are never merged field by
 * field); `current-context` and each preference come from the first configuration that sets them.
 *
 * @example Two files, the first wins
 * ```ts
 * import { loadYamlParser, mergeKubeConfigs, parseKubeConfig } from "@kubeweb/client/rest";
 *
 * await loadYamlParser();
 * const a = parseKubeConfig("clusters: [{name: c, cluster: {server: https://a}}]\n", { file: "/a" });
 * const b = parseKubeConfig("clusters: [{name: c, cluster: {server: https://b}}]\ncurrent-context: x\n", {
 *   file: "/b",
 * });
 * const kc = mergeKubeConfigs([a, b]);
 * console.log(kc.clusters.c.server, kc.currentContext); // "https://a" "x"
 * ```
 *
 * @param configs Configurations, highest precedence first.
 * @returns The merged configuration.
 */
export function mergeKubeConfigs(configs: KubeConfig[]): KubeConfig {
  const out = emptyKubeConfig();
  for (const kc of configs) {
    mergeFirstWins(out.clusters, kc.clusters);
    mergeFirstWins(out.users, kc.users);
    mergeFirstWins(out.contexts, kc.contexts);
    if (out.currentContext === undefined && kc.currentContext) {
      out.currentContext = kc.currentContext;
      if (kc.currentContextSource !== undefined) out.currentContextSource = kc.currentContextSource;
    }
    if (out.preferences.colors === undefined && kc.preferences.colors !== undefined) {
      out.preferences.colors = kc.preferences.colors;
    }
    if (kc.preferences.extensions) {
      out.preferences.extensions ??= {};
      mergeFirstWins(out.preferences.extensions, kc.preferences.extensions);
    }
    if (kc.extensions) {
      out.extensions ??= {};
      mergeFirstWins(out.extensions, kc.extensions);
    }
    for (const f of kc.files) if (!out.files.includes(f)) out.files.push(f);
  }
  return out;
}

/** Options of {@linkcode loadKubeConfig}. */
export interface LoadKubeConfigOptions {
  /**
   * The kubeconfig file to read (it must exist); a relative path resolves against the working
   * directory. Without it: the files listed in `KUBECONFIG` (relative ones resolve the same way), else
   * `~/.kube/config`. With `text`, only names the text's file.
   */
  path?: string;
  /** Kubeconfig text to parse instead of reading a file. */
  text?: string;
  /** Where files and the environment are read (default: the detected runtime). */
  runtime?: Runtime;
}

/**
 * `path` made absolute against the runtime's working directory (as client-go's `filepath.Abs`), so a
 * relative `KUBECONFIG` entry and the relative paths inside that file keep working when the working
 * directory changes. Unchanged when the runtime cannot tell its working directory.
 */
export function absolutePath(runtime: Runtime, path: string): string {
  if (isAbsolutePath(path)) return path;
  const cwd = runtime.cwd?.();
  return cwd ? resolvePath(cwd, path) : path;
}

/** The path of the default kubeconfig, `~/.kube/config`, or undefined when the home directory is unknown. */
export function defaultKubeConfigPath(runtime: Runtime): string | undefined {
  const home = runtime.homeDir?.();
  return home ? joinPath(home, ".kube", "config") : undefined;
}

/**
 * Loads a kubeconfig: the given text, the given file, the files of `KUBECONFIG` (':'-separated,
 * merged as kubectl does, missing ones skipped) or `~/.kube/config`.
 *
 * @example Loading the user's kubeconfig
 * ```ts
 * import { loadKubeConfig } from "@kubeweb/client/rest";
 *
 * const kc = await loadKubeConfig();
 * console.log(kc.currentContext, Object.keys(kc.contexts));
 * ```
 *
 * @param options Text or path, and the runtime.
 * @returns The parsed, merged configuration.
 * @throws {ConfigError} when no file can be read or one is malformed (`notFound` is true when none exists).
 */
export async function loadKubeConfig(options: LoadKubeConfigOptions = {}): Promise<KubeConfig> {
  await loadYamlParser();
  const runtime = options.runtime ?? detectRuntime();
  if (options.text !== undefined) {
    const file = options.path === undefined ? undefined : absolutePath(runtime, options.path);
    return parseKubeConfig(options.text, { file });
  }
  if (options.path !== undefined) {
    const path = absolutePath(runtime, options.path);
    const text = await readConfigFile(runtime, path, { what: "kubeconfig" });
    return parseKubeConfig(text, { file: path });
  }
  const list = runtime.env?.("KUBECONFIG");
  if (list !== undefined && list.trim() !== "") {
    const paths = [
      ...new Set(
        list.split(":").map((s) => s.trim()).filter((s) => s !== "").map((s) => absolutePath(runtime, s)),
      ),
    ];
    const configs: KubeConfig[] = [];
    for (const path of paths) {
      let text: string;
      try {
        text = await readConfigFile(runtime, path, { what: "kubeconfig" });
      } catch (e) {
        if (isNotFoundError(e)) continue;
        throw e;
      }
      configs.push(parseKubeConfig(text, { file: path }));
    }
    if (configs.length === 0) {
      throw new ConfigError(`None of the files listed in KUBECONFIG exists (${paths.join(", ")})`, {
        field: "KUBECONFIG",
        notFound: true,
      });
    }
    return mergeKubeConfigs(configs);
  }
  const path = defaultKubeConfigPath(runtime);
  if (path === undefined) {
    throw new ConfigError(
      "Cannot locate ~/.kube/config: the home directory is unknown and KUBECONFIG is not set",
      {
        notFound: true,
      },
    );
  }
  const text = await readConfigFile(runtime, path, { what: "kubeconfig" });
  return parseKubeConfig(text, { file: path });
}
