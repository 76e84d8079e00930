/**
 * Small helpers shared by the configuration loaders: file reading through the {@linkcode Runtime},
 * path arithmetic without `node:path`, strict base64, PEM checks and secret redaction.
 *
 * @module
 */
import { type Runtime, RuntimeCapabilityError } from "./runtime/runtime.ts";
import { ConfigError } from "./config_error.ts";

/** True when `e` says that a file does not exist (Deno, Node and Bun spell it differently). */
export function isNotFoundError(e: unknown): boolean {
  for (let cur = e, depth = 0; cur && typeof cur === "object" && depth < 4; depth++) {
    const err = cur as { name?: unknown; code?: unknown; cause?: unknown };
    if (err.code === "ENOENT" || err.name === "NotFound") return true;
    cur = err.cause;
  }
  return false;
}

/** Where a file is referenced from, for error messages. */
export interface FileReference {
  /** What the file is, in words ("kubeconfig", "certificate authority file"). */
  what: string;
  /** The file that names this file (a kubeconfig), if any. */
  file?: string;
  /** The field that names this file, if any. */
  field?: string;
}

/** Reads a text file through the runtime, turning failures into a {@linkcode ConfigError}. */
export async function readConfigFile(runtime: Runtime, path: string, ref: FileReference): Promise<string> {
  if (!runtime.readTextFile) {
    throw new RuntimeCapabilityError(
      runtime.name,
      `read the ${ref.what} ${path}`,
      "give the configuration as data (for example kubeconfig text with *-data fields and a token)",
    );
  }
  try {
    return await runtime.readTextFile(path);
  } catch (e) {
    const notFound = isNotFoundError(e);
    const why = notFound ? "the file does not exist" : `the file cannot be read (${errorName(e)})`;
    const where = ref.field === undefined ? "" : ` named by ${ref.field}`;
    throw new ConfigError(`Cannot read the ${ref.what} ${path}${where}: ${why}`, {
      file: ref.file ?? path,
      field: ref.field,
      cause: e,
      notFound: notFound && ref.file === undefined,
    });
  }
}

function errorName(e: unknown): string {
  if (e && typeof e === "object") {
    const err = e as { code?: unknown; name?: unknown };
    if (typeof err.code === "string") return err.code;
    if (typeof err.name === "string") return err.name;
  }
  return "unknown error";
}

/** True for `/a`, `\a`, `C:\a` and `C:/a`. */
export function isAbsolutePath(p: string): boolean {
  return p.startsWith("/") || p.startsWith("\\") || /^[A-Za-z]:[\\/]/.test(p);
}

/** The folder of a file path ("." when it has none). */
export function dirnameOf(p: string): string {
  const i = Math.max(p.lastIndexOf("/"), p.lastIndexOf("\\"));
  if (i < 0) return ".";
  if (i === 0) return p[0];
  if (i === 2 && /^[A-Za-z]:/.test(p)) return p.slice(0, 3);
  return p.slice(0, i);
}

/** Joins path segments with the separator the first one uses, collapsing `.` and `..`. */
export function joinPath(first: string, ...rest: string[]): string {
  const sep = first.includes("\\") && !first.includes("/") ? "\\" : "/";
  const parts = [first, ...rest].join(sep).split(/[\\/]+/);
  const absolute = first.startsWith("/") || first.startsWith("\\");
  const out: string[] = [];
  for (const part of parts) {
    if (part === "" || part === ".") continue;
    if (part === ".." && out.length > 0 && out[out.length - 1] !== "..") {
      out.pop();
      continue;
    }
    if (part === ".." && absolute) continue;
    out.push(part);
  }
  const joined = out.join(sep);
  if (absolute) return sep + joined;
  return joined === "" ? "." : joined;
}

/** Resolves `p` against the folder `dir` unless it is absolute or empty. */
export function resolvePath(dir: string, p: string): string {
  if (p === "" || isAbsolutePath(p)) return p;
  if (dir === ".") return joinPath(p);
  return joinPath(dir, p);
}

/** Decodes strict (padded) standard base64, ignoring whitespace; undefined when it is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const t = text.replace(/\s+/g, "");
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return undefined;
  try {
    const bin = atob(t);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

/** Standard base64 of UTF-8 text. */
export function encodeBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** The kinds of PEM blocks {@linkcode hasPemBlock} checks for. */
export type PemKind = "CERTIFICATE" | "PRIVATE KEY";

/** True when `text` holds at least one PEM block of the kind (any `... PRIVATE KEY` for keys). */
export function hasPemBlock(text: string, kind: PemKind): boolean {
  if (kind === "CERTIFICATE") return /-----BEGIN CERTIFICATE-----/.test(text);
  return /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text);
}

/** Replaces every occurrence of the given secrets (4 characters or longer) in `text`. */
export function redactSecrets(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s === undefined || s.length < 4) continue;
    out = out.split(s).join("[redacted]");
  }
  return out;
}

/**
 * How kubeconfig YAML is read: as kubectl, YAML 1.1 (yes/no are booleans, 0777 is octal), but with
 * timestamps and sexagesimal numbers ("1:20") kept as strings.
 */
export const KUBECONFIG_YAML_OPTIONS = {
  version: "1.1" as const,
  customTags: <T>(tags: T[]): T[] =>
    tags.filter((t) => {
      const tag = t as { tag?: string; format?: string };
      return tag.tag !== "tag:yaml.org,2002:timestamp" && tag.format !== "TIME";
    }),
};
