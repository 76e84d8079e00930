/**
 * The Bun runtime: Bun's `fetch` with its `tls` and `proxy` options (connections are pooled and kept
 * alive by Bun), `Bun.file` and `Bun.spawn`.
 *
 * Bun's `fetch` joins repeated request headers into one line ("a, b"), which would turn several
 * `Impersonate-Group` values into one group. Requests with a repeated header therefore go through
 * Bun's `node:https`, which keeps them apart (with the same TLS settings). Through a proxy-url that is
 * not possible, and such a request fails with a {@linkcode RuntimeCapabilityError}.
 *
 * @module
 */
import {
  type Runtime,
  RuntimeCapabilityError,
  type SpawnOptions,
  type SpawnResult,
  type TlsOptions,
  type Transport,
} from "./runtime.ts";
import { nodeFileWriting } from "./_node_files.ts";
import { fileError, isNotFound, notFoundError } from "./_errors.ts";
import { nodeHttpsTransport } from "./_node_https.ts";
import { nodeListenTcp, nodeSocketOpener, webSocketConnector } from "./_websocket_connect.ts";
import { nodeReadDir } from "./_node_fs.ts";

/** The part of Bun's API used here (Bun's own types are not available to Deno's type checker). */
interface BunApi {
  file(path: string): { text(): Promise<string> };
  spawn(cmd: string[], options: {
    env?: Record<string, string | undefined>;
    stdin?: "ignore" | Blob;
    stdout: "pipe";
    stderr: "pipe";
    signal?: AbortSignal;
  }): {
    stdout: ReadableStream<Uint8Array>;
    stderr: ReadableStream<Uint8Array>;
    exited: Promise<number>;
  };
  env: Record<string, string | undefined>;
}

/** Bun's extra `fetch` options. */
interface BunFetchInit extends RequestInit {
  tls?: { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean; serverName?: string };
  proxy?: string;
}

function bun(): BunApi {
  return (globalThis as unknown as { Bun: BunApi }).Bun;
}

function createBunTransport(tls: TlsOptions): Transport {
  if (Boolean(tls.certPem) !== Boolean(tls.keyPem)) {
    throw new TypeError("A client certificate and its key must be given together");
  }
  const tlsInit: BunFetchInit["tls"] = {};
  if (tls.caPem) tlsInit.ca = tls.caPem;
  if (tls.certPem && tls.keyPem) {
    tlsInit.cert = tls.certPem;
    tlsInit.key = tls.keyPem;
  }
  if (tls.serverName) tlsInit.serverName = tls.serverName;
  if (tls.insecureSkipVerify) tlsInit.rejectUnauthorized = false;
  const extra: BunFetchInit = { tls: tlsInit };
  if (tls.proxyUrl) extra.proxy = tls.proxyUrl;
  let separateHeaders: Transport | undefined;
  return {
    runtime: "bun",
    fetch(input: Request | string | URL, init?: RequestInit): Promise<Response> {
      if (hasRepeatedHeader(init)) {
        if (tls.proxyUrl) {
          return Promise.reject(
            new RuntimeCapabilityError(
              "bun",
              "send a repeated header (such as several Impersonate-Group values) through a proxy-url",
              "Bun's fetch joins repeated headers into one; reach the API server without the proxy, or impersonate a single group",
            ),
          );
        }
        separateHeaders ??= nodeHttpsTransport(tls, "bun");
        return separateHeaders.fetch(input, init);
      }
      return fetch(input, { ...init, ...extra } as RequestInit);
    },
    connectWebSocket: webSocketConnector(tls, "bun", nodeSocketOpener("bun"), true),
    close(): void {
      // Bun pools its fetch connections itself.
      separateHeaders?.close();
      separateHeaders = undefined;
    },
  };
}

function hasRepeatedHeader(init: RequestInit | undefined): boolean {
  const headers = init?.headers;
  if (!Array.isArray(headers)) return false;
  const seen = new Set<string>();
  for (const [name] of headers) {
    const lower = String(name).toLowerCase();
    if (seen.has(lower)) return true;
    seen.add(lower);
  }
  return false;
}

async function bunSpawn(command: string, options: SpawnOptions): Promise<SpawnResult> {
  let child: ReturnType<BunApi["spawn"]>;
  try {
    child = bun().spawn([command, ...(options.args ?? [])], {
      env: { ...bun().env, ...options.env },
      stdin: options.stdin === undefined ? "ignore" : new Blob([options.stdin]),
      stdout: "pipe",
      stderr: "pipe",
      signal: options.signal,
    });
  } catch (e) {
    if (isNotFound(e) || /ENOENT|not found/i.test(String((e as Error)?.message))) {
      throw notFoundError(command, e);
    }
    throw e;
  }
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, stdout, stderr };
}

/**
 * The Bun implementation of {@linkcode Runtime}.
 *
 * @example
 * ```ts
 * import { bunRuntime } from "@kubeweb/client/rest";
 *
 * declare const caPem: string, certPem: string, keyPem: string; // PEM text, e.g. from a kubeconfig
 * const transport = bunRuntime.createTransport({ caPem, certPem, keyPem });
 * const res = await transport.fetch("https://127.0.0.1:6443/version");
 * ```
 */
export const bunRuntime: Runtime = {
  name: "bun",
  createTransport: createBunTransport,
  async readTextFile(path: string): Promise<string> {
    try {
      return await bun().file(path).text();
    } catch (e) {
      throw fileError(path, e);
    }
  },
  ...nodeFileWriting,
  readDir: nodeReadDir,
  env: (name: string): string | undefined => bun().env[name],
  homeDir: (): string | undefined => bun().env.HOME ?? bun().env.USERPROFILE,
  spawn: bunSpawn,
  listenTcp: nodeListenTcp("bun"),
};
