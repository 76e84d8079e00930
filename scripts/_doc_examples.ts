/**
 * The rule behind `deno task check`'s "JSDoc examples type-checked, importing the published package"
 * step. Every code example in a JSDoc comment of a published file
 *
 * - is type-checked: tagged `ts` (deno skips blocks without a language, `js` ones and `TS`), without
 *   the `ignore` attribute (`deno check --doc` skips those blocks entirely). An
 *   example that would contact a cluster declares what it assumes (`declare const config: RestConfig;`)
 *   and is still checked: `deno check --doc` only type-checks, it never runs an example;
 * - imports kubeweb by its published specifier (`@kubeweb/client/rest`), never by a relative path
 *   (`./kubeconfig.ts`), which a user cannot copy. Internal files (a path segment starting with `_`,
 *   such as `record/_sprintf.ts` or `_internal/clock.ts`) are no published entry point, so their
 *   examples may import relatively.
 *
 * Generated files are checked like the rest: scripts/gen emits type-checked examples. A folder of
 * generated files may be exempted through {@linkcode EXEMPT_GENERATED} while its generator catches up.
 *
 * @module
 */

/**
 * Folders whose generated files are exempt, while their generator does not yet emit type-checked examples
 * that import the published specifier. Hand-written files in these folders are checked. Empty: every
 * generator emits checked examples.
 */
export const EXEMPT_GENERATED: readonly string[] = [];

/**
 * The info-string languages whose blocks `deno check --doc` type-checks (case-sensitive; JavaScript
 * blocks are extracted but not type-checked, and a block without a language is not extracted at all).
 */
export const CHECKED_LANGUAGES: ReadonlySet<string> = new Set(["ts", "typescript", "mts", "cts", "tsx"]);

/** Languages of blocks that look like an example but that deno does not type-check: "", "TS", "js", "ts,ignore". */
const UNCHECKED_SCRIPT = /^(|(ignore|ts|typescript|mts|cts|tsx|js|javascript|mjs|cjs|jsx)\b.*)$/i;

const JSDOC = /\/\*\*(?!\/)[\s\S]*?\*\//g;
const FENCE = /^\s*(`{3,}|~{3,})\s*(.*)$/;
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"']*)\1/g;
const GENERATED = /^\/\/ Code generated .* DO NOT EDIT\.?\s*$/;

/** Whether `file` (relative to the package root) is internal: a path segment starts with `_`. */
export function isInternalFile(file: string): boolean {
  return file.split("/").some((segment) => segment.startsWith("_"));
}

/** Whether `file`, with contents `text`, is a generated file exempt from the rule. */
export function isExemptGenerated(file: string, text: string): boolean {
  return EXEMPT_GENERATED.some((dir) => file.startsWith(dir)) && GENERATED.test(text.split("\n", 1)[0]);
}

/** One fenced code block of a JSDoc comment. */
export interface DocCodeBlock {
  /** 1-based line of the opening fence in the file. */
  line: number;
  /** The language, the info string's first word ("" when none). */
  language: string;
  /** The rest of the info string's words, such as `ignore`. */
  attributes: string[];
  /** The code, without the comment's leading `*`. */
  code: string;
}

/** The fenced code blocks of the JSDoc comments (`/** ... *\/`) of `text`. */
export function docCodeBlocks(text: string): DocCodeBlock[] {
  const blocks: DocCodeBlock[] = [];
  for (const comment of text.matchAll(JSDOC)) {
    const firstLine = text.slice(0, comment.index).split("\n").length;
    const lines = comment[0].split("\n").map((l, i) =>
      i === 0 ? l.replace(/^\/\*\*\s?/, "") : l.replace(/^\s*\*(?!\/)\s?/, "").replace(/\*\/$/, "")
    );
    let open: { fence: string; block: DocCodeBlock; code: string[] } | undefined;
    for (let i = 0; i < lines.length; i++) {
      const m = FENCE.exec(lines[i].trimEnd());
      if (!open) {
        if (!m) continue;
        const [language = "", ...attributes] = m[2].split(/\s+/).filter((w) => w !== "");
        open = { fence: m[1], block: { line: firstLine + i, language, attributes, code: "" }, code: [] };
      } else if (m && m[2] === "" && m[1][0] === open.fence[0] && m[1].length >= open.fence.length) {
        blocks.push({ ...open.block, code: open.code.join("\n") });
        open = undefined;
      } else {
        open.code.push(lines[i]);
      }
    }
  }
  return blocks;
}

/**
 * The problems of the JSDoc examples of `file` (relative to the package root) with contents `text`,
 * one line each (`file:line: ...`).
 */
export function docExampleProblems(file: string, text: string): string[] {
  if (isExemptGenerated(file, text)) return [];
  const problems: string[] = [];
  for (const block of docCodeBlocks(text)) {
    const where = `${file}:${block.line}`;
    if (!CHECKED_LANGUAGES.has(block.language)) {
      if (UNCHECKED_SCRIPT.test(block.language)) {
        problems.push(
          `${where}: code block with language "${block.language}" is not type-checked by deno check --doc; ` +
            "tag TypeScript examples `ts` (and other blocks with their language: sh, yaml, text)",
        );
      }
      continue;
    }
    if (block.attributes.includes("ignore")) {
      problems.push(
        `${where}: example marked \`ignore\` is not type-checked; declare what it assumes ` +
          "(`declare const config: RestConfig;`) and drop `ignore` (deno check --doc never runs it)",
      );
    }
    if (isInternalFile(file)) continue;
    for (const m of block.code.matchAll(RELATIVE_IMPORT)) {
      problems.push(
        `${where}: example imports "${m[2]}" by relative path; import the published specifier ` +
          "(@kubeweb/client/..., see deno.json exports)",
      );
    }
  }
  return problems;
}
