/**
 * Reading manifests: multi-document YAML (or JSON) split as kubectl splits it, `List`s expanded, and
 * the YAML and JSON files of a folder. The YAML parser is loaded on first use only.
 *
 * @module
 */
import type { Unstructured } from "../dynamic/dynamic_client.ts";
import { detectRuntime } from "../rest/runtime/detect.ts";
import type { Runtime } from "../rest/runtime/runtime.ts";
import { ManifestError } from "./manifest_error.ts";

/** YAML or JSON text with the name it is known by (a file path), as {@linkcode readManifestFolder} returns. */
export interface ManifestSource {
  /** The name used in errors (a file path). */
  name: string;
  /** The text: one or more YAML documents separated by `---` lines, or JSON. */
  text: string;
}

/** One object read from the manifests, with where it came from. */
export interface Manifest {
  /** Position among everything read (0-based; each item of a `List` counts). */
  index: number;
  /** The file (or other name) it came from, when known. */
  source?: string;
  /** The line its document starts on (1-based), when it came from text. */
  line?: number;
  /** The object. */
  object: Unstructured;
}

/** The objects read and the documents that could not be read, each on its own. */
export interface ParsedManifests {
  /** The objects, in order. */
  manifests: Manifest[];
  /** One error per document that is not valid YAML or not an object. */
  errors: ManifestError[];
}

/** What {@linkcode parseManifests} reads: text, sources, objects, or a list of them. */
export type ManifestInput =
  | string
  | ManifestSource
  | Unstructured
  | readonly (string | ManifestSource | Unstructured)[];

/** A `---` line, as kubectl's YAML reader sees it: `---` then nothing but blanks or a comment. */
function isSeparator(line: string): boolean {
  if (!line.startsWith("---")) return false;
  const rest = line.slice(3).trim();
  return rest === "" || rest.startsWith("#");
}

/** Splits YAML text into documents, each with the 1-based line it starts on. */
export function splitYamlDocuments(text: string): { text: string; line: number }[] {
  const lines = text.split(/\r?\n/);
  const docs: { text: string; line: number }[] = [];
  let start = 0;
  for (let i = 0; i <= lines.length; i++) {
    if (i === lines.length || isSeparator(lines[i])) {
      docs.push({ text: lines.slice(start, i).join("\n"), line: start + 1 });
      start = i + 1;
    }
  }
  return docs;
}

function isSource(x: unknown): x is ManifestSource {
  return typeof x === "object" && x !== null && typeof (x as ManifestSource).text === "string" &&
    typeof (x as ManifestSource).name === "string" && !("apiVersion" in x) && !("kind" in x);
}

function describeValue(v: unknown): string {
  return Array.isArray(v) ? "a list" : v === null ? "null" : `a ${typeof v}`;
}

function messageOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

let yaml: Promise<typeof import("../_internal/deps.ts")> | undefined;

/**
 * Reads manifests: YAML or JSON text (several documents separated by `---` lines), named sources,
 * or objects, in order. Empty documents are skipped; a `kind: List` (or `*List`) is replaced by its
 * items. A document that is not valid YAML, or not an object, becomes a {@linkcode ManifestError}
 * naming its index, file and line, and the others are still read. YAML is read as kubectl reads it
 * (YAML 1.1: `yes`/`no` are booleans, `<<` merges).
 *
 * @example
 * ```ts
 * import { parseManifests } from "@kubeweb/client/tools";
 *
 * const { manifests, errors } = await parseManifests({
 *   name: "app.yaml",
 *   text: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nitems: [1, 2\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n",
 * });
 * console.log(manifests.map((m) => m.object.kind)); // ["ConfigMap", "Namespace"]
 * console.log(errors[0].message.startsWith("Document 1 in app.yaml at line 5:")); // true
 * ```
 */
export async function parseManifests(input: ManifestInput): Promise<ParsedManifests> {
  const items = Array.isArray(input) ? input as (string | ManifestSource | Unstructured)[] : [input];
  const out: ParsedManifests = { manifests: [], errors: [] };
  let index = 0;
  const add = (value: unknown, at: { source?: string; line?: number }) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      out.errors.push(
        new ManifestError(
          { index: index++, ...at },
          `a manifest must be an object, not ${describeValue(value)}`,
        ),
      );
      return;
    }
    const obj = value as Unstructured;
    if (typeof obj.kind === "string" && obj.kind.endsWith("List") && Array.isArray(obj.items)) {
      for (const item of obj.items) add(item, at);
      return;
    }
    out.manifests.push({ index: index++, ...at, object: obj });
  };
  for (const item of items) {
    if (typeof item !== "string" && !isSource(item)) {
      add(item, {});
      continue;
    }
    const source = typeof item === "string" ? undefined : item.name;
    const text = typeof item === "string" ? item : item.text;
    for (const doc of splitYamlDocuments(text)) {
      if (doc.text.trim() === "") continue;
      yaml ??= import("../_internal/deps.ts");
      const { parseYaml } = await yaml;
      let value: unknown;
      try {
        value = parseYaml(doc.text, { version: "1.1", merge: true });
      } catch (e) {
        out.errors.push(
          new ManifestError({ index: index++, source, line: doc.line }, `not valid YAML: ${messageOf(e)}`, {
            cause: e,
          }),
        );
        continue;
      }
      if (value === null || value === undefined) continue; // only comments
      add(value, { source, line: doc.line });
    }
  }
  return out;
}

/** Options of {@linkcode readManifestFolder}. */
export interface ReadManifestFolderOptions {
  /** Read sub-folders too (as `kubectl apply -R`). Default false. */
  recursive?: boolean;
  /** The runtime that reads files (default: the detected one). */
  runtime?: Runtime;
}

/**
 * Reads the `.yaml`, `.yml` and `.json` files of a folder (as `kubectl apply -f folder`), sorted by
 * path, for {@linkcode parseManifests} or `applyManifests`. Rejects naming the path when the folder
 * or a file cannot be read, or when the runtime cannot read files (a browser, workerd: pass the text
 * instead).
 *
 * @example
 * ```ts
 * import { readManifestFolder } from "@kubeweb/client/tools";
 *
 * const sources = await readManifestFolder("./deploy", { recursive: true });
 * console.log(sources.map((s) => s.name)); // ["deploy/00-namespace.yaml", "deploy/app/web.yaml", ...]
 * ```
 */
export async function readManifestFolder(
  path: string,
  options: ReadManifestFolderOptions = {},
): Promise<ManifestSource[]> {
  const runtime = options.runtime ?? detectRuntime();
  const { readDir, readTextFile } = runtime;
  if (readDir === undefined || readTextFile === undefined) {
    throw new TypeError(`The ${runtime.name} runtime cannot read folders: pass the manifests' text instead`);
  }
  const files: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    for (const e of await readDir(dir)) {
      const full = `${dir.replace(/\/+$/, "")}/${e.name}`;
      if (e.isDirectory) {
        if (options.recursive) await visit(full);
      } else if (/\.(ya?ml|json)$/i.test(e.name)) files.push(full);
    }
  };
  await visit(path);
  files.sort();
  return await Promise.all(files.map(async (name) => ({ name, text: await readTextFile(name) })));
}
