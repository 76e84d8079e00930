import assert from "node:assert/strict";
import { type InfoModule, publishedFilesFromDryRun, publishedImportProblems } from "./_published_imports.ts";

const ROOT = "file:///pkg/";

function mod(file: string, ...specifiers: string[]): InfoModule {
  return {
    specifier: ROOT + file,
    dependencies: specifiers.map((specifier, line) => ({
      specifier,
      code: { specifier: "file:///resolved.ts", span: { start: { line, character: 0 } } },
    })),
  };
}

Deno.test("publishedImportProblems: relative, node: and outside specifiers in deps.ts pass", () => {
  const modules = [
    mod("rest/mod.ts", "./kubeconfig.ts", "../_internal/deps.ts", "node:assert"),
    mod("_internal/deps.ts", "npm:yaml@^2.9.1", "jsr:@std/yaml@^1", "https://example.com/x.ts"),
  ];
  assert.deepEqual(publishedImportProblems(modules, ROOT, new Set(["rest/mod.ts", "_internal/deps.ts"])), []);
});

Deno.test("publishedImportProblems: bare specifiers are reported with file, line and the way out", () => {
  const problems = publishedImportProblems(
    [mod("rest/kubeconfig.ts", "./ok.ts", "yaml", "@kubeweb/client/rest")],
    ROOT,
    new Set(["rest/kubeconfig.ts"]),
  );
  assert.equal(problems.length, 2);
  assert.match(
    problems[0],
    /^rest\/kubeconfig\.ts:2: "yaml" is a bare specifier that only deno\.json resolves/,
  );
  assert.match(problems[1], /^rest\/kubeconfig\.ts:3: "@kubeweb\/client\/rest" is a bare specifier/);
  assert.match(problems[0], /npm:name@range\) in _internal\/deps\.ts/);
});

Deno.test("publishedImportProblems: outside specifiers elsewhere than deps.ts, and other schemes, are reported", () => {
  const problems = publishedImportProblems(
    [mod(
      "cache/mod.ts",
      "npm:yaml@^2",
      "jsr:@std/async@1",
      "http://example.com/x.ts",
      "file:///etc/x.ts",
      "/abs.ts",
    )],
    ROOT,
    new Set(["cache/mod.ts"]),
  );
  assert.deepEqual(problems.map((p) => p.replace(/ is .*/, "")), [
    'cache/mod.ts:1: "npm:yaml@^2"',
    'cache/mod.ts:2: "jsr:@std/async@1"',
    'cache/mod.ts:3: "http://example.com/x.ts"',
    'cache/mod.ts:4: "file:///etc/x.ts"',
    'cache/mod.ts:5: "/abs.ts"',
  ]);
  assert.match(problems[0], /an outside dependency; import it only in _internal\/deps\.ts$/);
  assert.match(problems[2], /neither relative nor an npm:, jsr: or https: specifier$/);
});

Deno.test("publishedImportProblems: unpublished files and modules outside the root are not checked", () => {
  const modules = [
    mod("tests/x_test.ts", "yaml"),
    { specifier: "file:///elsewhere/a.ts", dependencies: [{ specifier: "yaml" }] },
    { specifier: "npm:/yaml@2.9.1/" },
  ];
  assert.deepEqual(publishedImportProblems(modules, ROOT, new Set(["rest/mod.ts"])), []);
});

Deno.test("publishedFilesFromDryRun: takes the file lines under the root, relative", () => {
  const out = [
    "Checking for slow types in the public API...",
    "Simulating publish of @kubeweb/client@0.1.0 with files:",
    "   file:///pkg/deno.json (4.4KB)",
    "   file:///pkg/rest/mod.ts (1.32KB)",
    "   file:///other/x.ts (1KB)",
    "Success Dry run complete",
  ].join("\n");
  assert.deepEqual([...publishedFilesFromDryRun(out, ROOT)], ["deno.json", "rest/mod.ts"]);
});
