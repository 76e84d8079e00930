/**
 * Writing kubeconfig files back (client-go's `clientcmd.ModifyConfig`): the current context and the
 * clusters, users and contexts that changed, each into the file it came from, keeping everything else
 * in those files (unknown fields, comments, order).
 *
 * @module
 */
import type * as Deps from "../_internal/deps.ts";
import type { YamlDocument, YamlMap, YamlSeq } from "../_internal/deps.ts";
import { type Runtime, RuntimeCapabilityError } from "./runtime/runtime.ts";
import { detectRuntime } from "./runtime/detect.ts";
import { ConfigError } from "./config_error.ts";
import {
  absolutePath,
  defaultKubeConfigPath,
  type KubeConfig,
  loadYamlParser,
  mergeKubeConfigs,
  parseKubeConfig,
} from "./kubeconfig.ts";
import { dirnameOf, isNotFoundError, KUBECONFIG_YAML_OPTIONS } from "./_config_util.ts";

// The YAML library loads on first need (a dynamic import), as for parseKubeConfig: readForEdit loads it
// before any edit runs.
let yamlModule: typeof Deps | undefined;

function yaml(): typeof Deps {
  if (yamlModule === undefined) throw new ConfigError("The YAML library is not loaded");
  return yamlModule;
}

/** Options of {@linkcode modifyKubeConfig}. */
export interface ModifyKubeConfigOptions {
  /** Where files are read and written (default: the detected runtime). */
  runtime?: Runtime;
  /**
   * The file that receives new entries and a new `current-context` (default: the first of
   * `config.files`, else `~/.kube/config`), as client-go's `GetDefaultFilename`.
   */
  defaultFile?: string;
}

type Section = "clusters" | "users" | "contexts";

// As kubectl writes: list items not indented under their key, long values never folded.
const KUBECONFIG_YAML_OUTPUT = { indentSeq: false, lineWidth: 0 };

const SECTIONS: { section: Section; inner: string; keys: [string, string][] }[] = [
  {
    section: "clusters",
    inner: "cluster",
    keys: [
      ["server", "server"],
      ["tlsServerName", "tls-server-name"],
      ["insecureSkipTlsVerify", "insecure-skip-tls-verify"],
      ["certificateAuthority", "certificate-authority"],
      ["certificateAuthorityData", "certificate-authority-data"],
      ["proxyUrl", "proxy-url"],
      ["disableCompression", "disable-compression"],
      ["extensions", "extensions"],
    ],
  },
  {
    section: "users",
    inner: "user",
    keys: [
      ["clientCertificate", "client-certificate"],
      ["clientCertificateData", "client-certificate-data"],
      ["clientKey", "client-key"],
      ["clientKeyData", "client-key-data"],
      ["token", "token"],
      ["tokenFile", "tokenFile"],
      ["as", "as"],
      ["asUid", "as-uid"],
      ["asGroups", "as-groups"],
      ["asUserExtra", "as-user-extra"],
      ["username", "username"],
      ["password", "password"],
      ["authProvider", "auth-provider"],
      ["exec", "exec"],
      ["extensions", "extensions"],
    ],
  },
  {
    section: "contexts",
    inner: "context",
    keys: [
      ["cluster", "cluster"],
      ["user", "user"],
      ["namespace", "namespace"],
      ["extensions", "extensions"],
    ],
  },
];

type Entry = { name: string; source?: string } & Record<string, unknown>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = canonical(v[k]);
    return out;
  }
  return v;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function sameEntry(a: Entry, b: Entry): boolean {
  const strip = ({ source: _s, name: _n, ...rest }: Entry) => rest;
  return same(strip(a), strip(b));
}

/** The YAML form of a field's value: extensions become a named list, the rest is as is. */
function yamlValue(key: string, value: unknown): unknown {
  if (key === "extensions" && isPlainObject(value)) {
    return Object.entries(value).map(([name, extension]) => ({ name, extension }));
  }
  return value;
}

/** One kubeconfig file being edited. */
class EditedFile {
  changed = false;

  constructor(
    readonly path: string,
    readonly doc: YamlDocument,
    readonly parsed: KubeConfig,
  ) {}

  #top(): YamlMap {
    if (!yaml().yamlIsMap(this.doc.contents)) {
      this.doc.contents = this.doc.createNode({ apiVersion: "v1", kind: "Config" }) as YamlMap;
    }
    return this.doc.contents as YamlMap;
  }

  #seq(section: Section, create: boolean): YamlSeq | undefined {
    const top = this.#top();
    const seq = top.get(section, true);
    if (yaml().yamlIsSeq(seq)) return seq;
    if (!create) return undefined;
    const made = this.doc.createNode([]) as YamlSeq;
    top.set(section, made);
    return made;
  }

  /** The named entry of a section, added (with the section) when `add` names its inner key. */
  #item(section: Section, name: string, add?: string): { seq: YamlSeq; index: number } | undefined {
    const seq = this.#seq(section, add !== undefined);
    if (!seq) return undefined;
    const index = seq.items.findIndex((item) => yaml().yamlIsMap(item) && item.get("name") === name);
    if (index >= 0) return { seq, index };
    if (add === undefined) return undefined;
    seq.add(this.doc.createNode({ name, [add]: {} }));
    return { seq, index: seq.items.length - 1 };
  }

  setCurrentContext(name: string | undefined): void {
    const top = this.#top();
    if (name) top.set("current-context", name);
    else top.delete("current-context");
    this.changed = true;
  }

  writeEntry(section: Section, inner: string, keys: [string, string][], entry: Entry): void {
    const { seq, index: i } = this.#item(section, entry.name, inner)!;
    const item = seq.items[i] as YamlMap;
    if (!yaml().yamlIsMap(item.get(inner, true))) item.set(inner, this.doc.createNode({}));
    const old = (this.parsed[section] as Record<string, Entry>)[entry.name] as Entry | undefined;
    for (const [key, yamlKey] of keys) {
      this.#writeField([section, i, inner, yamlKey], yamlValue(key, old?.[key]), yamlValue(key, entry[key]));
    }
    this.changed = true;
  }

  /** Changes only what differs, so unknown fields (also inside exec) and relative paths stay as written. */
  #writeField(path: (string | number)[], oldValue: unknown, newValue: unknown): void {
    if (same(oldValue, newValue)) return;
    if (newValue === undefined) {
      if (this.doc.hasIn(path)) this.doc.deleteIn(path);
      return;
    }
    if (isPlainObject(oldValue) && isPlainObject(newValue) && yaml().yamlIsMap(this.doc.getIn(path, true))) {
      for (const k of new Set([...Object.keys(oldValue), ...Object.keys(newValue)])) {
        this.#writeField([...path, k], oldValue[k], newValue[k]);
      }
      return;
    }
    this.doc.setIn(path, this.doc.createNode(newValue));
  }

  deleteEntry(section: Section, name: string): void {
    const found = this.#item(section, name);
    if (!found) return;
    found.seq.delete(found.index);
    this.changed = true;
  }
}

function need<K extends keyof Runtime>(runtime: Runtime, key: K): NonNullable<Runtime[K]> {
  const f = runtime[key];
  if (!f) {
    throw new RuntimeCapabilityError(runtime.name, "write kubeconfig files", "run on Deno, Node or Bun");
  }
  return f as NonNullable<Runtime[K]>;
}

async function readForEdit(runtime: Runtime, path: string): Promise<EditedFile> {
  let text = "";
  try {
    text = await need(runtime, "readTextFile")(path);
  } catch (e) {
    if (!isNotFoundError(e)) {
      throw new ConfigError(`Cannot read the kubeconfig ${path} to change it`, { file: path, cause: e });
    }
  }
  await loadYamlParser();
  yamlModule ??= await import("../_internal/deps.ts");
  const parsed = parseKubeConfig(text, { file: path });
  const doc = yamlModule.parseYamlDocument(text, KUBECONFIG_YAML_OPTIONS);
  if (doc.errors.length > 0) throw new ConfigError("Invalid YAML", { file: path });
  return new EditedFile(path, doc, parsed);
}

function randomSuffix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Replaces the file atomically: a new file (mode 0600) next to it, then a rename over it. */
async function replaceFile(runtime: Runtime, path: string, text: string): Promise<void> {
  const write = need(runtime, "writeTextFile");
  const rename = need(runtime, "rename");
  const remove = need(runtime, "removeFile");
  const temp = `${path}.${randomSuffix()}.tmp`;
  try {
    await write(temp, text, { mode: 0o600, createNew: true });
    await rename(temp, path);
  } catch (e) {
    await remove(temp).catch(() => {/* it was never written */});
    throw new ConfigError(`Cannot write the kubeconfig ${path}; it is unchanged`, { file: path, cause: e });
  }
}

async function lock(runtime: Runtime, path: string): Promise<() => Promise<void>> {
  const lockPath = `${path}.lock`;
  try {
    await need(runtime, "writeTextFile")(lockPath, "", { mode: 0o600, createNew: true });
  } catch (e) {
    const code = (e as { code?: unknown })?.code;
    throw new ConfigError(
      code === "EEXIST"
        ? `Cannot change the kubeconfig ${path}: ${lockPath} exists (another program is changing it, or ` +
          "left the lock behind: remove it if none is)"
        : `Cannot change the kubeconfig ${path}: the lock file ${lockPath} cannot be created`,
      { file: path, cause: e },
    );
  }
  return () => need(runtime, "removeFile")(lockPath).catch(() => {/* already gone */});
}

/**
 * Writes the changes made to a loaded kubeconfig back to its files, as client-go's `ModifyConfig`:
 * the files of `config.files` are read again and compared with `config`; each cluster, user and
 * context that was added, changed or removed is written into the file it came from (its `source`;
 * new entries, and entries whose source is not one of `config.files`, go to the default file), a new
 * `current-context` goes to the default file, and clearing it clears it where it was set.
 * Preferences are not written. Only the fields that changed are touched, so unknown fields, comments
 * and relative paths stay. Each file is replaced atomically (a new file with mode 0600, then a
 * rename), under a `<file>.lock` taken as client-go does.
 *
 * @example Switching context and adding a cluster
 * ```ts
 * import { loadKubeConfig, modifyKubeConfig } from "@kubeweb/client/rest";
 *
 * const kc = await loadKubeConfig();
 * kc.clusters.staging = { name: "staging", server: "https://staging.example.com:6443" };
 * kc.contexts.staging = { name: "staging", cluster: "staging", user: "me" };
 * kc.currentContext = "staging";
 * await modifyKubeConfig(kc);
 * ```
 *
 * @param config The changed configuration (as loaded by `loadKubeConfig`, then modified).
 * @param options The runtime and the default file.
 * @throws {ConfigError} naming the file when one cannot be read, locked or written (it is then unchanged).
 * @throws {RuntimeCapabilityError} when the runtime cannot write files.
 */
export async function modifyKubeConfig(
  config: KubeConfig,
  options: ModifyKubeConfigOptions = {},
): Promise<void> {
  const runtime = options.runtime ?? detectRuntime();
  const home = defaultKubeConfigPath(runtime);
  const files = config.files.length > 0 ? [...config.files] : [];
  const defaultFile = options.defaultFile !== undefined
    ? absolutePath(runtime, options.defaultFile)
    : files[0] ?? home;
  if (defaultFile === undefined) {
    throw new ConfigError(
      "No kubeconfig file to write to: the configuration names no file and the home is unknown",
    );
  }
  if (!files.includes(defaultFile)) files.push(defaultFile);
  const unlocks: (() => Promise<void>)[] = [];
  try {
    // In a fixed order, as client-go, so that two writers cannot deadlock.
    for (const path of [...files].sort()) {
      await runtime.makeDir?.(dirnameOf(path));
      unlocks.push(await lock(runtime, path));
    }
    const edited = new Map<string, EditedFile>();
    for (const path of files) edited.set(path, await readForEdit(runtime, path));
    const fileFor = (source: string | undefined): EditedFile =>
      edited.get(source !== undefined && edited.has(source) ? source : defaultFile)!;
    const starting = mergeKubeConfigs(config.files.map((f) => edited.get(f)!.parsed));

    if ((config.currentContext ?? "") !== (starting.currentContext ?? "")) {
      if (config.currentContext) fileFor(defaultFile).setCurrentContext(config.currentContext);
      else fileFor(starting.currentContextSource).setCurrentContext(undefined);
    }
    for (const { section, inner, keys } of SECTIONS) {
      const now = config[section] as Record<string, Entry>;
      const before = starting[section] as Record<string, Entry>;
      for (const [name, entry] of Object.entries(now)) {
        const old = Object.hasOwn(before, name) ? before[name] : undefined;
        if (old && sameEntry(old, entry)) continue;
        fileFor(entry.source ?? old?.source).writeEntry(section, inner, keys, { ...entry, name });
      }
      for (const [name, old] of Object.entries(before)) {
        if (!Object.hasOwn(now, name)) fileFor(old.source).deleteEntry(section, name);
      }
    }
    for (const file of edited.values()) {
      if (file.changed) await replaceFile(runtime, file.path, file.doc.toString(KUBECONFIG_YAML_OUTPUT));
    }
  } finally {
    for (const unlock of unlocks) await unlock();
  }
}
