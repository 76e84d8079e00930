import assert from "node:assert/strict";
import { detectRuntime } from "./detect.ts";
import { RuntimeCapabilityError } from "./runtime.ts";
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

Deno.test("detectRuntime: a Node older than 20.16 is refused, naming the runtime and its version", () => {
  for (const version of ["18.19.0", "20.15.1"]) {
    assert.throws(() => detectRuntime({ process: { versions: { node: version } } }), (e: unknown) => {
      assert.ok(e instanceof RuntimeCapabilityError, String(e));
      assert.equal(e.runtime, "node");
      assert.equal(
        e.message,
        `The node runtime cannot run kubeweb in version ${version}: kubeweb needs Node 20.16 or later ` +
          "(for process.getBuiltinModule); upgrade Node",
      );
      assert.doesNotMatch(e.message, /KUBECONFIG/);
      return true;
    });
  }
});
