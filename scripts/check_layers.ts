/**
 * `deno task check` step: the modules (top-level folders of the package) must form a layering —
 * no module may import, directly or through others, a module that imports it back. Every relative
 * import of every `.ts` file (tests included) counts. Prints each cycle with one import per arrow.
 *
 * Usage: deno run -A scripts/check_layers.ts   (exit 1 when the module graph has a cycle)
 *
 * @module
 */

/** Folders that are not modules of the package (their imports are not checked). */
const NOT_MODULES = new Set(["node_modules", "tests", "scripts", "examples", "api", ".cache", ".git"]);

/** One import from a file of module `from` of a file of module `to`. */
export interface ModuleEdge {
  from: string;
  to: string;
  /** "file:line" of the first import seen. */
  where: string;
}

const IMPORT = /(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g;

/** The module edges found in `files` (path relative to the root -> text). */
export function moduleEdges(files: Map<string, string>): ModuleEdge[] {
  const edges = new Map<string, ModuleEdge>();
  for (const [path, text] of files) {
    const from = path.split("/")[0];
    const dir = path.split("/").slice(0, -1);
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      for (const m of lines[i].matchAll(IMPORT)) {
        const parts = [...dir];
        for (const seg of m[1].split("/")) {
          if (seg === "..") parts.pop();
          else if (seg !== ".") parts.push(seg);
        }
        if (parts.length < 2) continue; // a root file (mod.ts) is not a module
        const to = parts[0];
        if (to === from || NOT_MODULES.has(to)) continue;
        const key = `${from}\0${to}`;
        if (!edges.has(key)) edges.set(key, { from, to, where: `${path}:${i + 1}` });
      }
    }
  }
  return [...edges.values()];
}

/** The cycles of the module graph: each strongly connected component of more than one module. */
export function moduleCycles(edges: ModuleEdge[]): string[][] {
  const out = new Map<string, string[]>();
  for (const e of edges) {
    if (!out.has(e.from)) out.set(e.from, []);
    if (!out.has(e.to)) out.set(e.to, []);
    out.get(e.from)!.push(e.to);
  }
  // Tarjan's algorithm.
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], onStack = new Set<string>();
  const sccs: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index), low.set(v, index), index++;
    stack.push(v), onStack.add(v);
    for (const w of out.get(v)!) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) sccs.push(scc.sort());
    }
  };
  for (const v of [...out.keys()].sort()) if (!idx.has(v)) visit(v);
  return sccs;
}

async function* tsFiles(root: string, dir = ""): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir === "" ? root : `${root}/${dir}`)) {
    const rel = dir === "" ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory && !(dir === "" && NOT_MODULES.has(e.name))) yield* tsFiles(root, rel);
    else if (e.isFile && dir !== "" && e.name.endsWith(".ts")) yield rel;
  }
}

async function main(): Promise<number> {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const files = new Map<string, string>();
  for await (const p of tsFiles(root)) files.set(p, await Deno.readTextFile(`${root}/${p}`));
  const edges = moduleEdges(files);
  const cycles = moduleCycles(edges);
  if (cycles.length === 0) {
    console.log(`Module graph is acyclic (${edges.length} arrows between modules)`);
    return 0;
  }
  for (const scc of cycles) {
    console.error(`Modules import each other: ${scc.join(", ")}`);
    for (const e of edges) {
      if (scc.includes(e.from) && scc.includes(e.to)) console.error(`  ${e.from} -> ${e.to} (${e.where})`);
    }
  }
  return 1;
}

if (import.meta.main) Deno.exit(await main());
