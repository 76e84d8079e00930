/**
 * Runtime support: the {@linkcode Runtime}/{@linkcode Transport} interface, one implementation per
 * runtime (Deno, Bun, Node and plain web `fetch`) and {@linkcode detectRuntime}, which picks one.
 *
 * @example Build a transport for the current runtime
 * ```ts
 * import { detectRuntime } from "@kubeweb/client/rest";
 *
 * const transport = detectRuntime().createTransport({});
 * transport.close();
 * ```
 *
 * @module
 */
export * from "./runtime.ts";
export * from "./websocket.ts";
export * from "./detect.ts";
export * from "./deno.ts";
export * from "./bun.ts";
export * from "./node.ts";
export * from "./web.ts";
