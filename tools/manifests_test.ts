import assert from "node:assert/strict";
import { denoRuntime } from "../rest/runtime/deno.ts";
import type { Runtime } from "../rest/runtime/runtime.ts";
import { ManifestError } from "./manifest_error.ts";
import { parseManifests, readManifestFolder, splitYamlDocuments } from "./manifests.ts";

Deno.test("splitYamlDocuments: --- lines as kubectl's reader sees them, with start lines", () => {
  const text = "a: 1\n---\nb: 2\n--- # two\r\nc: 3\n---x: 4\n  --- no\n---";
  assert.deepEqual(splitYamlDocuments(text), [
    { text: "a: 1", line: 1 },
    { text: "b: 2", line: 3 },
    { text: "c: 3\n---x: 4\n  --- no", line: 5 },
    { text: "", line: 9 },
  ]);
});

Deno.test("parseManifests: documents in order, empty and comment-only ones skipped, Lists expanded", async () => {
  const yaml = [
    "# leading comment",
    "---",
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata: {name: a}",
    "data: {enabled: yes, mode: '0644', perm: 0777}",
    "---",
    "# only a comment",
    "---",
    "apiVersion: v1",
    "kind: List",
    "items:",
    "- {apiVersion: v1, kind: Secret, metadata: {name: s1}}",
    "- {apiVersion: v1, kind: Secret, metadata: {name: s2}}",
  ].join("\n");
  const { manifests, errors } = await parseManifests([
    { name: "a.yaml", text: yaml },
    '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "json"}}',
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "obj" } },
  ]);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    manifests.map((m) => [m.index, m.source, m.line, m.object.kind, m.object.metadata?.name]),
    [
      [0, "a.yaml", 3, "ConfigMap", "a"],
      [1, "a.yaml", 10, "Secret", "s1"],
      [2, "a.yaml", 10, "Secret", "s2"],
      [3, undefined, 1, "Namespace", "json"],
      [4, undefined, undefined, "ServiceAccount", "obj"],
    ],
  );
  // YAML 1.1, as kubectl reads it: yes is a boolean, 0777 octal; quoted strings stay strings.
  assert.deepEqual(manifests[0].object.data, { enabled: true, mode: "0644", perm: 511 });
});

Deno.test("parseManifests: a bad document fails alone, named by index, file and line", async () => {
  const text = [
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good1}",
    "kind: ConfigMap\nmetadata: {name: [unclosed",
    "- just\n- a list",
    "plain text",
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good2}",
  ].join("\n---\n");
  const { manifests, errors } = await parseManifests({ name: "deploy/app.yaml", text });
  assert.deepEqual(manifests.map((m) => [m.index, m.object.metadata?.name]), [[0, "good1"], [4, "good2"]]);
  assert.equal(errors.length, 3);
  assert.ok(errors.every((e) => e instanceof ManifestError && e.name === "ManifestError"));
  assert.match(errors[0].message, /^Document 1 in deploy\/app\.yaml at line 5: not valid YAML: /);
  assert.equal(errors[0].line, 5);
  assert.ok(errors[0].cause instanceof Error);
  assert.equal(
    errors[1].message,
    "Document 2 in deploy/app.yaml at line 8: a manifest must be an object, not a list",
  );
  assert.equal(
    errors[2].message,
    "Document 3 in deploy/app.yaml at line 11: a manifest must be an object, not a string",
  );
  const objects = await parseManifests([null as unknown as string]);
  assert.match(objects.errors[0].message, /^Document 0: a manifest must be an object, not null$/);
});

Deno.test("readManifestFolder: YAML and JSON files sorted by path; sub-folders only when recursive", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/b.yaml`, "b: 1");
    await Deno.writeTextFile(`${dir}/a.yml`, "a: 1");
    await Deno.writeTextFile(`${dir}/c.json`, "{}");
    await Deno.writeTextFile(`${dir}/README.md`, "not a manifest");
    await Deno.mkdir(`${dir}/sub`);
    await Deno.writeTextFile(`${dir}/sub/d.yaml`, "d: 1");
    const flat = await readManifestFolder(dir, { runtime: denoRuntime });
    assert.deepEqual(flat.map((s) => s.name.slice(dir.length)), ["/a.yml", "/b.yaml", "/c.json"]);
    assert.equal(flat[1].text, "b: 1");
    const deep = await readManifestFolder(`${dir}/`, { recursive: true, runtime: denoRuntime });
    assert.deepEqual(deep.map((s) => s.name.slice(dir.length)), [
      "/a.yml",
      "/b.yaml",
      "/c.json",
      "/sub/d.yaml",
    ]);
    await assert.rejects(
      () => readManifestFolder(`${dir}/missing`),
      /Cannot list folder .*missing: no such file/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const web: Runtime = { name: "web", createTransport: () => ({}) as never };
  await assert.rejects(() => readManifestFolder("x", { runtime: web }), /web runtime cannot read folders/);
});
