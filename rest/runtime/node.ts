/**
 * The Node runtime (Node 20.16+): a `node:https` transport with a keep-alive agent (Node's global
 * `fetch` cannot take client certificates), `node:fs/promises`, `process.env`, `os.homedir()` and
 * `child_process.spawn`.
 *
 * @module
 */
import type * as NodeChildProcess from "node:child_process";
import type * as NodeFs from "node:fs/promises";
import type * as NodeOs from "node:os";
import type { Runtime, SpawnOptions, SpawnResult } from "./runtime.ts";
import { nodeBuiltin, nodeHttpsTransport } from "./_node_https.ts";
import { nodeFileWriting } from "./_node_files.ts";
import { fileError, isNotFound, notFoundError } from "./_errors.ts";
import { nodeListenTcp, nodeSocketOpener, webSocketConnector } from "./_websocket_connect.ts";
import { nodeReadDir } from "./_node_fs.ts";

interface NodeProcessEnv {
  env?: Record<string, string | undefined>;
}

function processEnv(): Record<string, string | undefined> {
  return (globalThis as { process?: NodeProcessEnv }).process?.env ?? {};
}

function nodeSpawn(command: string, options: SpawnOptions): Promise<SpawnResult> {
  const cp = nodeBuiltin<typeof NodeChildProcess>("node:child_process")!;
  return new Promise<SpawnResult>((resolve, reject) => {
    const child = cp.spawn(command, options.args ?? [], {
      env: { ...processEnv(), ...options.env },
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      signal: options.signal,
    });
    const out: Uint8Array[] = [];
    const err: Uint8Array[] = [];
    child.stdout!.on("data", (c: Uint8Array) => out.push(c));
    child.stderr!.on("data", (c: Uint8Array) => err.push(c));
    child.on("error", (e: Error) => reject(isNotFound(e) ? notFoundError(command, e) : e));
    child.on("close", (code: number | null) => {
      const decode = (parts: Uint8Array[]) => new TextDecoder().decode(concat(parts));
      resolve({ code: code ?? 1, stdout: decode(out), stderr: decode(err) });
    });
    if (options.stdin !== undefined) {
      child.stdin!.on("error", () => {/* the program exited without reading its input */});
      child.stdin!.end(options.stdin);
    }
  });
}

function concat(parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

/**
 * The Node implementation of {@linkcode Runtime}. Also works under Deno and Bun through their Node
 * compatibility.
 *
 * @example
 * ```ts
 * import { nodeRuntime } from "@kubeweb/client/rest";
 *
 * declare const caPem: string, certPem: string, keyPem: string; // PEM text, e.g. from a kubeconfig
 * const transport = nodeRuntime.createTransport({ caPem, certPem, keyPem });
 * const res = await transport.fetch("https://127.0.0.1:6443/version");
 * transport.close();
 * ```
 */
export const nodeRuntime: Runtime = {
  name: "node",
  createTransport: (tls) => ({
    ...nodeHttpsTransport(tls, "node"),
    connectWebSocket: webSocketConnector(tls, "node", nodeSocketOpener("node"), true),
  }),
  async readTextFile(path: string): Promise<string> {
    const fs = nodeBuiltin<typeof NodeFs>("node:fs/promises")!;
    try {
      return await fs.readFile(path, "utf8");
    } catch (e) {
      throw fileError(path, e);
    }
  },
  ...nodeFileWriting,
  readDir: nodeReadDir,
  env: (name: string): string | undefined => processEnv()[name],
  homeDir: (): string | undefined => nodeBuiltin<typeof NodeOs>("node:os")?.homedir() || undefined,
  spawn: nodeSpawn,
  listenTcp: nodeListenTcp("node"),
};
