import assert from "node:assert/strict";
import { detectRuntime } from "./detect.ts";
import { denoRuntime } from "./deno.ts";
import { bunRuntime } from "./bun.ts";
import { nodeRuntime } from "./node.ts";
import { webRuntime } from "./web.ts";

Deno.test("detectRuntime: Deno here, and the same object on every call", () => {
  assert.equal(detectRuntime(), denoRuntime);
  assert.equal(detectRuntime(), detectRuntime());
});

Deno.test("detectRuntime: recognises each runtime from its globals", () => {
  assert.equal(detectRuntime({ Deno: { version: { deno: "2.9.6" } } }), denoRuntime);
  assert.equal(
    detectRuntime({ Bun: {}, process: { versions: { node: "22.0.0", bun: "1.2.0" } } }),
    bunRuntime,
  );
  assert.equal(
    detectRuntime({ process: { versions: { node: "20.16.0" }, getBuiltinModule: () => ({}) } }),
    nodeRuntime,
  );
  // Node older than 20.16 has no process.getBuiltinModule: only fetch is usable.
  assert.equal(detectRuntime({ process: { versions: { node: "18.0.0" } } }), webRuntime);
  // workerd with nodejs_compat has a process object but is still an edge runtime.
  assert.equal(
    detectRuntime({
      navigator: { userAgent: "Cloudflare-Workers" },
      process: { versions: { node: "22.0.0" }, getBuiltinModule: () => ({}) },
    }),
    webRuntime,
  );
  assert.equal(detectRuntime({}), webRuntime);
});
