/**
 * Runtime detection: the one place that decides which {@linkcode Runtime} implementation kubeweb uses.
 *
 * @module
 */
import { type Runtime, RuntimeCapabilityError } from "./runtime.ts";
import { denoRuntime } from "./deno.ts";
import { bunRuntime } from "./bun.ts";
import { nodeRuntime } from "./node.ts";
import { webRuntime } from "./web.ts";

interface Globals {
  Deno?: { version?: { deno?: string } };
  Bun?: unknown;
  process?: { versions?: { node?: string; bun?: string }; getBuiltinModule?: unknown };
  navigator?: { userAgent?: string };
}

/** The oldest Node kubeweb runs on: the first with `process.getBuiltinModule`. */
const MIN_NODE = "20.16";

/**
 * The name of the runtime a global object belongs to: "deno", "bun", "node" or "web".
 *
 * @throws {RuntimeCapabilityError} on a Node older than {@linkcode MIN_NODE}: falling back to plain
 * fetch there would lose files, environment and TLS settings with misleading errors later.
 */
function runtimeNameOf(g: Globals): "deno" | "bun" | "node" | "web" {
  if (g.navigator?.userAgent === "Cloudflare-Workers") return "web";
  if (typeof g.Deno?.version?.deno === "string") return "deno";
  if (g.Bun !== undefined || typeof g.process?.versions?.bun === "string") return "bun";
  const node = g.process?.versions?.node;
  if (typeof node === "string") {
    if (typeof g.process!.getBuiltinModule === "function") return "node";
    throw new RuntimeCapabilityError(
      "node",
      `run kubeweb in version ${node}`,
      `kubeweb needs Node ${MIN_NODE} or later (for process.getBuiltinModule); upgrade Node`,
    );
  }
  return "web";
}

const RUNTIMES = { deno: denoRuntime, bun: bunRuntime, node: nodeRuntime, web: webRuntime };
let detected: Runtime | undefined;

/**
 * Returns the {@linkcode Runtime} for the environment the code runs in: Deno, Bun, Node (20.16 or later,
 * which has `process.getBuiltinModule`) or plain web `fetch` (Cloudflare workerd and anything else).
 * The answer for the real global object is cached.
 *
 * @throws {RuntimeCapabilityError} on a Node older than 20.16, naming the runtime and its version.
 *
 * @param globalObject The global object to inspect (tests pass a stand-in); default `globalThis`.
 * @returns The runtime implementation.
 *
 * @example
 * ```ts
 * import { detectRuntime } from "@kubeweb/client/rest";
 * const runtime = detectRuntime();
 * console.log(runtime.name); // "deno" under Deno
 * ```
 */
export function detectRuntime(globalObject: object = globalThis): Runtime {
  if (globalObject !== globalThis) return RUNTIMES[runtimeNameOf(globalObject as Globals)];
  return detected ??= RUNTIMES[runtimeNameOf(globalThis as Globals)];
}
