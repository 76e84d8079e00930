/**
 * `deno task check`: every static check CI runs — formatting, lint, type-check of all code, doc lint of
 * the public API, the JSR publish dry run (no slow types), the module layering (no import cycles
 * between modules), generated code up to date, published files that need no import map, and JSDoc
 * examples of published files that are type-checked and import the published specifier.
 *
 * @module
 */
import { docExampleProblems } from "./_doc_examples.ts";
import { type InfoModule, publishedFilesFromDryRun, publishedImportProblems } from "./_published_imports.ts";

const deno = Deno.execPath();
const config = JSON.parse(await Deno.readTextFile("deno.json"));
const entryPoints = Object.values(config.exports as Record<string, string>);

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

const steps: [string, string[]][] = [
  ["format", ["fmt", "--check"]],
  ["lint", ["lint"]],
  // `deno check --doc` type-checks the examples and never runs them (`deno test --doc` would run them),
  // so examples that would contact a cluster are checked too; see scripts/_doc_examples.ts.
  ["type-check (code and JSDoc examples)", ["check", "--doc", "."]],
  ["type-check (README code blocks)", ["check", "--doc-only", "README.md"]],
  ["doc lint", ["doc", "--lint", ...entryPoints]],
  ["publish dry run", ["publish", "--dry-run", "--allow-dirty"]],
  ["modules layered (no two import each other)", ["run", "-A", "scripts/check_layers.ts"]],
  [
    "five tasks example without casts or non-null assertions",
    [
      "lint",
      "--config",
      "scripts/lint/five_tasks.json",
      "examples/five_tasks.ts",
      "examples/configmap_mirror.ts",
    ],
  ],
];
if (await exists("scripts/gen/main.ts")) {
  steps.push(["generated code up to date", ["run", "-A", "scripts/gen/main.ts", "--check"]]);
}

const dec = new TextDecoder();
const root = new URL("../", import.meta.url).href;

/** Runs deno with `args`; its stdout and stderr, or throws when it fails. */
async function run(args: string[]): Promise<string> {
  const out = await new Deno.Command(deno, {
    args,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  if (!out.success) throw new Error(`deno ${args.join(" ")} failed: ${dec.decode(out.stderr)}`);
  return dec.decode(out.stdout) + dec.decode(out.stderr);
}

let published: Promise<Set<string>> | undefined;
/** The published files, relative to the root, from `deno publish --dry-run` (run once). */
function publishedFiles(): Promise<Set<string>> {
  published ??= run(["publish", "--dry-run", "--allow-dirty", "--no-check"]).then((out) =>
    publishedFilesFromDryRun(out, root)
  );
  return published;
}

/**
 * Published files must resolve every import without deno.json, as when kubeweb is imported by URL
 * (issue 11): see scripts/_published_imports.ts for the rule. Returns the problems found.
 */
async function importMapFreeProblems(): Promise<string[]> {
  const published = await publishedFiles();
  const modules = [...published].filter((f) => /\.(ts|mts|js|mjs)$/.test(f));
  if (modules.length === 0) return ["no published modules found in the output of deno publish --dry-run"];
  const dir = await Deno.makeTempDir({ prefix: "kubeweb-check-" });
  try {
    const entry = `${dir}/all.ts`;
    await Deno.writeTextFile(
      entry,
      modules.map((f) => `import ${JSON.stringify(new URL(f, root).href)};\n`).join(""),
    );
    const info = JSON.parse(
      await run(["info", "--json", "--config", new URL("deno.json", root).pathname, entry]),
    );
    return publishedImportProblems(info.modules as InfoModule[], root, published);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * JSDoc examples of published files are type-checked (no `ignore`) and import the published
 * specifier, not relative paths: see scripts/_doc_examples.ts for the rule. Returns the problems found.
 */
async function docExamplesProblems(): Promise<string[]> {
  const files = [...await publishedFiles()].filter((f) => /\.(ts|mts|tsx)$/.test(f)).sort();
  if (files.length === 0) return ["no published modules found in the output of deno publish --dry-run"];
  const problems: string[] = [];
  for (const file of files) {
    problems.push(...docExampleProblems(file, await Deno.readTextFile(new URL(file, root))));
  }
  return problems;
}

let failed = 0;
const scans: [string, () => Promise<string[]>][] = [
  ["published files need no import map", importMapFreeProblems],
  ["JSDoc examples type-checked, importing @kubeweb/client/... (not relative paths)", docExamplesProblems],
];
for (const [name, scan] of scans) {
  const t = performance.now();
  const problems = await scan().catch((e) => [String(e)]);
  const secs = ((performance.now() - t) / 1000).toFixed(1);
  if (problems.length === 0) {
    console.log(`check: ${name} ok (${secs}s)`);
  } else {
    failed++;
    console.log(`check: ${name} FAILED (${secs}s)\n${problems.join("\n")}`);
  }
}
for (const [name, args] of steps) {
  const t = performance.now();
  const out = await new Deno.Command(deno, { args, stdout: "piped", stderr: "piped" }).output();
  const secs = ((performance.now() - t) / 1000).toFixed(1);
  if (out.success) {
    console.log(`check: ${name} ok (${secs}s)`);
  } else {
    failed++;
    console.log(`check: ${name} FAILED (${secs}s)\n${dec.decode(out.stdout)}${dec.decode(out.stderr)}`);
  }
}
if (failed > 0) {
  console.log(`check: ${failed} of ${steps.length + scans.length} checks failed`);
  Deno.exit(1);
}
