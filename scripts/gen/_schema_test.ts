import assert from "node:assert/strict";
import { declaration, docComment, type Schema, typeOf } from "./_schema.ts";

const resolver = { ref: (key: string) => key.replace("#/definitions/", "").split(".").at(-1)! };

Deno.test("scalar, array, map and reference types", () => {
  assert.equal(typeOf({ type: "string" }, resolver), "string");
  assert.equal(typeOf({ type: "integer", format: "int64" }, resolver), "number");
  assert.equal(typeOf({ type: "boolean" }, resolver), "boolean");
  assert.equal(typeOf({ type: "string", format: "int-or-string" }, resolver), "number | string");
  assert.equal(typeOf({ "x-kubernetes-int-or-string": true }, resolver), "number | string");
  assert.equal(typeOf({ type: "array", items: { type: "string" } }, resolver), "string[]");
  assert.equal(
    typeOf({ type: "array", items: { "x-kubernetes-int-or-string": true } }, resolver),
    "(number | string)[]",
  );
  assert.equal(
    typeOf({ type: "object", additionalProperties: { type: "string" } }, resolver),
    "Record<string, string>",
  );
  assert.equal(typeOf({ type: "object" }, resolver), "Record<string, unknown>");
  assert.equal(typeOf({ $ref: "#/definitions/io.k8s.api.core.v1.Pod" }, resolver), "Pod");
  assert.equal(typeOf({}, resolver), "unknown");
});

Deno.test("enums become unions of literals, nullable adds null, anyOf unions its typed branches", () => {
  assert.equal(typeOf({ type: "string", enum: ["Always", "Never"] }, resolver), '"Always" | "Never"');
  assert.equal(typeOf({ type: "integer", enum: [1, 2] }, resolver), "1 | 2");
  assert.equal(typeOf({ type: "string", nullable: true }, resolver), "string | null");
  assert.equal(
    typeOf({ type: "array", items: { type: "string", enum: ["a", "b"] } }, resolver),
    '("a" | "b")[]',
  );
  assert.equal(typeOf({ anyOf: [{ type: "integer" }, { type: "string" }] }, resolver), "number | string");
  assert.equal(typeOf({ anyOf: [{ required: ["a"] }, { required: ["b"] }] } as Schema, resolver), "unknown");
});

Deno.test("inline objects: sorted fields, required ones required, odd names quoted, fields documented", () => {
  const text = typeOf({
    type: "object",
    required: ["name"],
    properties: {
      name: { type: "string", description: "The name." },
      "x-odd": { type: "integer" },
      nested: { type: "object", properties: { deep: { type: "boolean" } } },
    },
  }, resolver);
  assert.equal(
    text,
    [
      "{",
      "  /** The name. */",
      "  name: string;",
      "  nested?: {",
      "    deep?: boolean;",
      "  };",
      '  "x-odd"?: number;',
      "}",
    ].join("\n"),
  );
  const open = typeOf({
    type: "object",
    properties: { a: { type: "string" } },
    "x-kubernetes-preserve-unknown-fields": true,
  }, resolver);
  assert.match(open, /\[key: string\]: unknown;/);
});

Deno.test("declarations: interfaces with literal apiVersion and kind for one group-version-kind, aliases otherwise", () => {
  const deployment: Schema = {
    description: "Deployment enables declarative updates.",
    type: "object",
    "x-kubernetes-group-version-kind": [{ group: "apps", version: "v1", kind: "Deployment" }],
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      spec: { $ref: "#/definitions/io.k8s.api.apps.v1.DeploymentSpec" },
    },
  };
  assert.equal(
    declaration("Deployment", deployment, resolver, "fallback"),
    [
      "/** Deployment enables declarative updates. */",
      "export interface Deployment {",
      "  /** The `Deployment.apiVersion` field. */",
      '  apiVersion?: "apps/v1";',
      "  /** The `Deployment.kind` field. */",
      '  kind?: "Deployment";',
      "  /** The `Deployment.spec` field. */",
      "  spec?: DeploymentSpec;",
      "}",
    ].join("\n"),
  );
  const core = {
    ...deployment,
    "x-kubernetes-group-version-kind": [{ group: "", version: "v1", kind: "Pod" }],
  };
  assert.match(declaration("Pod", core, resolver, "f"), /apiVersion\?: "v1";/);
  assert.equal(
    declaration("Quantity", { type: "string", description: "A quantity." }, resolver, "f"),
    "/** A quantity. */\nexport type Quantity = string;",
  );
  assert.equal(
    declaration("Empty", { type: "object" }, resolver, "Empty thing."),
    "/** Empty thing. */\nexport type Empty = Record<string, unknown>;",
  );
});

Deno.test("doc comments escape comment ends and leading @, wrap prose and keep code as it is", () => {
  assert.equal(docComment(undefined), undefined);
  assert.equal(docComment("  "), undefined);
  assert.equal(docComment("Ends */ here"), "/** Ends *\\/ here */");
  assert.equal(docComment("a\n@tag looks like a tag"), "/**\n * a\n * \\@tag looks like a tag\n */");
  const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
  const wrapped = docComment(long)!.split("\n");
  assert.ok(wrapped.length > 3);
  assert.ok(wrapped.every((l) => l.length <= 104));
  const code = docComment("Example:\n\n\tindented " + long + "\n```\n" + long + "\n```")!;
  assert.ok(code.includes(`\tindented ${long}`), "indented lines are not wrapped");
  assert.ok(code.includes(` * ${long}\n`), "fenced lines are not wrapped");
  assert.equal(docComment("text", "  ", ["@module"]), "  /**\n   * text\n   *\n   * @module\n   */");
});
