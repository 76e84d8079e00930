import assert from "node:assert/strict";
import { parseNpmSpecifier } from "./npm_specifiers.ts";

Deno.test("parseNpmSpecifier: name, range and subpath, scoped or not", () => {
  assert.deepEqual(parseNpmSpecifier("npm:yaml@^2.9.1"), { name: "yaml", range: "^2.9.1", subpath: "" });
  assert.deepEqual(parseNpmSpecifier("npm:yaml"), { name: "yaml", range: "", subpath: "" });
  assert.deepEqual(parseNpmSpecifier("npm:@scope/pkg@1.2.3/sub/path"), {
    name: "@scope/pkg",
    range: "1.2.3",
    subpath: "/sub/path",
  });
  assert.deepEqual(parseNpmSpecifier("npm:/@scope/pkg/sub"), {
    name: "@scope/pkg",
    range: "",
    subpath: "/sub",
  });
});

Deno.test("parseNpmSpecifier: anything else is an error naming the specifier", () => {
  for (const bad of ["yaml", "npm:", "npm:@scope", "jsr:@std/yaml"]) {
    assert.throws(() => parseNpmSpecifier(bad), new RegExp(`not an npm: specifier: "${bad}"`));
  }
});
