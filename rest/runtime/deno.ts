/**
 * The Deno runtime: `fetch` with a `Deno.HttpClient` (custom CA, client certificate, proxy), files,
 * environment and `Deno.Command`.
 *
 * `Deno.createHttpClient` has no option for a TLS server name or for skipping verification, so those two
 * settings use the `node:https` transport through Deno's Node compatibility layer instead.
 *
 * @module
 */
import {
  type DirEntry,
  type Runtime,
  RuntimeCapabilityError,
  type SpawnOptions,
  type SpawnResult,
  type TlsOptions,
  type Transport,
} from "./runtime.ts";
import { nodeHttpsTransport } from "./_node_https.ts";
import { fileError, folderError, notFoundError } from "./_errors.ts";
import {
  hostOf,
  nodeSocketOpener,
  portOf,
  type SocketOpener,
  webSocketConnector,
} from "./_websocket_connect.ts";

function denoProxy(proxyUrl: string): Deno.Proxy {
  const url = new URL(proxyUrl);
  if (!["http:", "https:", "socks5:", "socks5h:"].includes(url.protocol)) {
    throw new RuntimeCapabilityError(
      "deno",
      `use a ${url.protocol.replace(":", "")} proxy`,
      "use an http, https or socks5 proxy-url",
    );
  }
  if (!url.username && !url.password) return { url: proxyUrl };
  const basicAuth = {
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
  url.username = "";
  url.password = "";
  return { url: url.href, basicAuth };
}

/** Opens a TLS (or TCP) socket with `Deno.connectTls`/`Deno.connect`. */
const denoSocketOpener: SocketOpener = async (url, tls) => {
  const hostname = hostOf(url);
  const port = portOf(url);
  const conn = url.protocol === "https:"
    ? await Deno.connectTls({
      hostname,
      port,
      caCerts: tls.caPem ? [tls.caPem] : undefined,
      ...(tls.certPem && tls.keyPem ? { cert: tls.certPem, key: tls.keyPem } : {}),
      alpnProtocols: ["http/1.1"],
    })
    : await Deno.connect({ hostname, port });
  return {
    readable: conn.readable,
    writable: conn.writable,
    close: () => {
      try {
        conn.close();
      } catch { /* already closed */ }
    },
  };
};

function createDenoTransport(tls: TlsOptions): Transport {
  if (tls.serverName || tls.insecureSkipVerify) {
    return {
      ...nodeHttpsTransport(tls, "deno"),
      connectWebSocket: webSocketConnector(tls, "deno", nodeSocketOpener("deno"), true),
    };
  }
  if (Boolean(tls.certPem) !== Boolean(tls.keyPem)) {
    throw new TypeError("A client certificate and its key must be given together");
  }
  const options: Deno.CreateHttpClientOptions & Partial<Deno.TlsCertifiedKeyPem> = {};
  if (tls.caPem) options.caCerts = [tls.caPem];
  if (tls.certPem && tls.keyPem) {
    options.cert = tls.certPem;
    options.key = tls.keyPem;
  }
  if (tls.proxyUrl) options.proxy = denoProxy(tls.proxyUrl);
  const client = Deno.createHttpClient(options as Deno.CreateHttpClientOptions);
  let closed = false;
  return {
    runtime: "deno",
    fetch: (input, init) => fetch(input, { ...init, client }),
    connectWebSocket: webSocketConnector(tls, "deno", denoSocketOpener, true),
    close(): void {
      if (closed) return;
      closed = true;
      client.close();
    },
  };
}

async function denoSpawn(command: string, options: SpawnOptions): Promise<SpawnResult> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command, {
      args: options.args ?? [],
      env: options.env,
      stdin: options.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
      signal: options.signal,
    }).spawn();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw notFoundError(command, e);
    throw e;
  }
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    try {
      await writer.write(new TextEncoder().encode(options.stdin));
      await writer.close();
    } catch { /* the program exited without reading its input */ }
  }
  const out = await child.output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

function denoEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) return undefined;
    throw e;
  }
}

/**
 * The Deno implementation of {@linkcode Runtime}.
 *
 * @example Build a transport trusting a custom CA
 * ```ts
 * import { denoRuntime } from "@kubeweb/client/rest";
 * const transport = denoRuntime.createTransport({ caPem: await Deno.readTextFile("ca.pem") });
 * const res = await transport.fetch("https://127.0.0.1:6443/version");
 * transport.close();
 * ```
 */
export const denoRuntime: Runtime = {
  name: "deno",
  createTransport: createDenoTransport,
  async readTextFile(path: string): Promise<string> {
    try {
      return await Deno.readTextFile(path);
    } catch (e) {
      throw fileError(path, e);
    }
  },
  async writeTextFile(path, text, options = {}): Promise<void> {
    try {
      await Deno.writeTextFile(path, text, { mode: options.mode ?? 0o600, createNew: options.createNew });
    } catch (e) {
      throw fileError(path, e, "write");
    }
  },
  async rename(from: string, to: string): Promise<void> {
    try {
      await Deno.rename(from, to);
    } catch (e) {
      throw fileError(to, e, "replace");
    }
  },
  async removeFile(path: string): Promise<void> {
    try {
      await Deno.remove(path);
    } catch (e) {
      throw fileError(path, e, "remove");
    }
  },
  async makeDir(path: string): Promise<void> {
    try {
      await Deno.mkdir(path, { recursive: true, mode: 0o755 });
    } catch (e) {
      throw fileError(path, e, "create the folder of");
    }
  },
  cwd: (): string | undefined => {
    try {
      return Deno.cwd();
    } catch {
      return undefined;
    }
  },
  async readDir(path: string): Promise<DirEntry[]> {
    try {
      const out: DirEntry[] = [];
      for await (const e of Deno.readDir(path)) {
        out.push({ name: e.name, isDirectory: e.isDirectory, isFile: e.isFile });
      }
      return out;
    } catch (e) {
      throw folderError(path, e);
    }
  },
  env: denoEnv,
  homeDir: () => denoEnv("HOME") ?? denoEnv("USERPROFILE"),
  spawn: denoSpawn,
  listenTcp: (options) => {
    const listener = Deno.listen({ hostname: options.hostname ?? "127.0.0.1", port: options.port ?? 0 });
    let closed = false;
    return Promise.resolve({
      port: listener.addr.port,
      connections: {
        async *[Symbol.asyncIterator]() {
          while (!closed) {
            let conn: Deno.TcpConn;
            try {
              conn = await listener.accept();
            } catch (e) {
              if (closed) return;
              throw e;
            }
            yield {
              readable: conn.readable,
              writable: conn.writable,
              close: () => {
                try {
                  conn.close();
                } catch { /* closed */ }
              },
            };
          }
        },
      },
      close(): void {
        if (closed) return;
        closed = true;
        listener.close();
      },
    });
  },
};
