/**
 * Runtime detection: the one place that decides which {@linkcode Runtime} implementation kubeweb uses.
 *
 * @module
 */
import type { Runtime } from "./runtime.ts";
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

/** The name of the runtime a global object belongs to: "deno", "bun", "node" or "web". */
function runtimeNameOf(g: Globals): "deno" | "bun" | "node" | "web" {
  if (g.navigator?.userAgent === "Cloudflare-Workers") return "web";
  if (typeof g.Deno?.version?.deno === "string") return "deno";
  if (g.Bun !== undefined || typeof g.process?.versions?.bun === "string") return "bun";
  if (typeof g.process?.versions?.node === "string" && typeof g.process.getBuiltinModule === "function") {
    return "node";
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
 * @param globalObject The global object to inspect (tests pass a stand-in); default `globalThis`.
 * @returns The runtime implementation.
 *
 * @example
 * ```ts
 * import { detectRuntime } from "./detect.ts";
 * const runtime = detectRuntime();
 * console.log(runtime.name); // "deno" under Deno
 * ```
 */
export function detectRuntime(globalObject: object = globalThis): Runtime {
  if (globalObject !== globalThis) return RUNTIMES[runtimeNameOf(globalObject as Globals)];
  return detected ??= RUNTIMES[runtimeNameOf(globalThis as Globals)];
}
