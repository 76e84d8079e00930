/**
 * Formats generated files with `deno fmt` (using the project's fmt settings) and writes them, or in
 * check mode compares them with what is on disk and names the stale files.
 *
 * @module
 */
import { GENERATED_HEADER } from "./_schema.ts";

/** The `fmt` settings of a deno.json, as command-line flags of `deno fmt`. */
export async function fmtFlags(root: string): Promise<string[]> {
  let config: { fmt?: Record<string, unknown> } = {};
  try {
    config = JSON.parse(await Deno.readTextFile(`${root}/deno.json`));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const fmt = config.fmt ?? {};
  const flags = ["--no-config"];
  if (typeof fmt.lineWidth === "number") flags.push(`--line-width=${fmt.lineWidth}`);
  if (typeof fmt.indentWidth === "number") flags.push(`--indent-width=${fmt.indentWidth}`);
  if (fmt.useTabs === true) flags.push("--use-tabs");
  if (fmt.singleQuote === true) flags.push("--single-quote");
  if (fmt.semiColons === false) flags.push("--no-semicolons");
  if (typeof fmt.proseWrap === "string") flags.push(`--prose-wrap=${fmt.proseWrap}`);
  return flags;
}

/** Formats every file (path relative to the output root -> text) and returns the formatted texts. */
export async function formatFiles(files: Map<string, string>, flags: string[]): Promise<Map<string, string>> {
  const dir = await Deno.makeTempDir({ prefix: "kubeweb-gen-" });
  try {
    // Keys may climb out of the output folder ("../meta/v1/types.ts"): keep them inside the temp dir.
    const inside = (path: string) => path.replaceAll("../", "__up__/");
    for (const [path, text] of files) {
      const full = `${dir}/${inside(path)}`;
      await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
      await Deno.writeTextFile(full, text);
    }
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--quiet", ...flags, dir],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`deno fmt failed on the generated files: ${new TextDecoder().decode(out.stderr)}`);
    }
    const result = new Map<string, string>();
    for (const path of files.keys()) result.set(path, await Deno.readTextFile(`${dir}/${inside(path)}`));
    return result;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function* walk(dir: string, prefix = ""): AsyncGenerator<string> {
  let entries: Deno.DirEntry[];
  try {
    entries = [];
    for await (const e of Deno.readDir(dir)) entries.push(e);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  for (const e of entries.sort((a, b) => a.name < b.name ? -1 : 1)) {
    const rel = prefix === "" ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory) yield* walk(`${dir}/${e.name}`, rel);
    else if (e.isFile && e.name.endsWith(".ts")) yield rel;
  }
}

async function isGenerated(path: string): Promise<boolean> {
  const file = await Deno.open(path);
  try {
    const buf = new Uint8Array(GENERATED_HEADER.length);
    const n = await file.read(buf);
    return n === GENERATED_HEADER.length && new TextDecoder().decode(buf) === GENERATED_HEADER;
  } finally {
    file.close();
  }
}

/** What {@linkcode syncFiles} found or did. */
export interface SyncResult {
  /** Files that differ from (or are missing on) disk. */
  changed: string[];
  /** Generated files on disk that the generator no longer produces. */
  removed: string[];
}

/**
 * Writes `files` under `outDir` (or only compares them when `check` is set) and deletes generated
 * files (those starting with the DO NOT EDIT header) under `outDir` that are no longer produced.
 */
export async function syncFiles(
  outDir: string,
  files: Map<string, string>,
  check: boolean,
): Promise<SyncResult> {
  const changed: string[] = [];
  const removed: string[] = [];
  for (const [path, text] of [...files.entries()].sort(([a], [b]) => a < b ? -1 : 1)) {
    const full = `${outDir}/${path}`;
    let current: string | undefined;
    try {
      current = await Deno.readTextFile(full);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    if (current === text) continue;
    changed.push(path);
    if (!check) {
      await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
      await Deno.writeTextFile(full, text);
    }
  }
  for await (const path of walk(outDir)) {
    if (files.has(path) || !(await isGenerated(`${outDir}/${path}`))) continue;
    removed.push(path);
    if (!check) await Deno.remove(`${outDir}/${path}`);
  }
  return { changed, removed };
}
