/**
 * The rule behind `deno task check`'s "published files need no import map" step (issue 11): the package
 * must work when imported by URL, where our deno.json (its import map, its package name) is never seen.
 * So every import in a published file is one of
 *
 * - a relative path (that it names a published file, `deno publish --dry-run` checks);
 * - a `node:` built-in;
 * - a full outside specifier (`npm:`, `jsr:`, `https:`), and only in `_internal/deps.ts`, the one file
 *   that imports outside dependencies.
 *
 * Anything else — a bare specifier such as `yaml` or `@kubeweb/client/rest`, which only deno.json
 * resolves — is a problem, reported with file, line and the way out.
 *
 * The input is the module graph of `deno info --json` and the list of published files.
 *
 * @module
 */

/** One resolution of a dependency in `deno info --json` output. */
export interface InfoResolution {
  specifier?: string;
  error?: string;
  span?: { start: { line: number; character: number } };
}

/** One module of `deno info --json` output (only the fields used here). */
export interface InfoModule {
  specifier: string;
  dependencies?: { specifier: string; code?: InfoResolution; type?: InfoResolution }[];
}

/** The file, relative to the root, that may import outside dependencies. */
export const DEPS_FILE = "_internal/deps.ts";

/** Schemes of outside dependencies, allowed only in {@linkcode DEPS_FILE}. */
const OUTSIDE = /^(npm|jsr|https):/;

/**
 * Checks the imports of every published module in `modules`. `root` is the package root as a file URL
 * ending in `/`; `published` holds the published files relative to it. Returns one line per problem.
 */
export function publishedImportProblems(
  modules: readonly InfoModule[],
  root: string,
  published: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  for (const m of modules) {
    if (!m.specifier.startsWith(root)) continue;
    const file = m.specifier.slice(root.length);
    if (!published.has(file)) continue;
    for (const dep of m.dependencies ?? []) {
      const spec = dep.specifier;
      const at = dep.code ?? dep.type;
      const where = `${file}:${(at?.span?.start.line ?? -1) + 1}`;
      if (spec.startsWith("./") || spec.startsWith("../") || spec.startsWith("node:")) {
        continue;
      } else if (OUTSIDE.test(spec)) {
        if (file !== DEPS_FILE) {
          problems.push(`${where}: "${spec}" is an outside dependency; import it only in ${DEPS_FILE}`);
        }
      } else if (/^[a-z][a-z0-9+.-]*:/i.test(spec) || spec.startsWith("/")) {
        problems.push(`${where}: "${spec}" is neither relative nor an npm:, jsr: or https: specifier`);
      } else {
        problems.push(
          `${where}: "${spec}" is a bare specifier that only deno.json resolves, so importing kubeweb by ` +
            `URL fails; import outside packages by full specifier (npm:name@range) in ${DEPS_FILE} and ` +
            `kubeweb's own files by relative path`,
        );
      }
    }
  }
  return problems;
}

/** The published files listed by `deno publish --dry-run` (its lines `   file:///...`), relative to `root`. */
export function publishedFilesFromDryRun(output: string, root: string): Set<string> {
  const files = new Set<string>();
  for (const line of output.split("\n")) {
    const m = /^\s+(file:\/\/\S+)/.exec(line);
    if (m && m[1].startsWith(root)) files.add(m[1].slice(root.length));
  }
  return files;
}
