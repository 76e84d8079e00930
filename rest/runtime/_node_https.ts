/**
 * A `fetch` built on `node:https` / `node:http`, for runtimes whose global `fetch` cannot take client
 * certificates or TLS overrides (Node 20+), and for the TLS settings Deno's own `fetch` lacks
 * (`tls-server-name`, `insecure-skip-tls-verify`), which Deno's Node compatibility layer supports.
 *
 * The node modules are reached through `process.getBuiltinModule`, never a static import, so bundles for
 * runtimes without them (workerd) still load this file.
 *
 * @module
 */
import type * as NodeHttp from "node:http";
import type * as NodeHttps from "node:https";
import { RuntimeCapabilityError, type TlsOptions, type Transport } from "./runtime.ts";

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
}

/** Loads a Node built-in module without a static import (undefined when the runtime has none). */
export function nodeBuiltin<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: NodeProcess }).process;
  return proc?.getBuiltinModule?.(id) as T | undefined;
}

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

type HeaderPairs = [string, string][];

function headerPairsOf(init: RequestInit | undefined, request: Request | undefined): HeaderPairs {
  const h = init?.headers ?? request?.headers;
  if (h === undefined) return [];
  if (Array.isArray(h)) return h.map(([k, v]) => [String(k), String(v)]);
  if (h instanceof Headers) return [...h];
  return Object.entries(h as Record<string, string>).map(([k, v]) => [k, String(v)]);
}

async function bodyBytesOf(
  init: RequestInit | undefined,
  request: Request | undefined,
): Promise<Uint8Array | undefined> {
  if (init?.body !== undefined && init.body !== null) {
    if (typeof init.body === "string") return new TextEncoder().encode(init.body);
    if (init.body instanceof Uint8Array) return init.body;
    return new Uint8Array(await new Response(init.body).arrayBuffer());
  }
  if (request?.body) return new Uint8Array(await request.arrayBuffer());
  return undefined;
}

function abortReasonOf(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted", "AbortError");
}

/** Sends one request through `node:http(s)` and adapts the answer to a web `Response`. */
async function nodeFetch(
  mods: { http: typeof NodeHttp; https: typeof NodeHttps },
  agents: { http: NodeHttp.Agent; https: NodeHttps.Agent },
  input: Request | string | URL,
  init: RequestInit | undefined,
): Promise<Response> {
  const request = input instanceof Request ? input : undefined;
  const url = new URL(request ? request.url : String(input));
  const secure = url.protocol === "https:";
  if (!secure && url.protocol !== "http:") throw new TypeError(`Unsupported URL scheme ${url.protocol}`);
  const method = (init?.method ?? request?.method ?? "GET").toUpperCase();
  const signal = init?.signal ?? request?.signal ?? undefined;
  const body = await bodyBytesOf(init, request);
  if (signal?.aborted) throw abortReasonOf(signal);

  const headers: Record<string, string | string[]> = {};
  const names = new Map<string, string>();
  for (const [name, value] of headerPairsOf(init, request)) {
    const lower = name.toLowerCase();
    const key = names.get(lower);
    if (key === undefined) {
      names.set(lower, name);
      headers[name] = value;
    } else {
      const prev = headers[key];
      headers[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
  }
  if (body !== undefined && !names.has("content-length")) headers["content-length"] = String(body.length);

  return await new Promise<Response>((resolve, reject) => {
    let settled = false;
    let bodyController: ReadableStreamDefaultController<Uint8Array> | undefined;
    const onAbort = () => {
      const reason = abortReasonOf(signal!);
      req.destroy();
      if (!settled) {
        settled = true;
        reject(reason);
      } else if (bodyController) {
        try {
          bodyController.error(reason);
        } catch { /* already closed */ }
      }
    };
    const done = () => signal?.removeEventListener("abort", onAbort);
    const mod = secure ? mods.https : mods.http;
    const req = mod.request({
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: url.port || (secure ? 443 : 80),
      path: url.pathname + url.search,
      method,
      headers,
      agent: secure ? agents.https : agents.http,
    }, (res) => {
      const responseHeaders = new Headers();
      const raw = res.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) responseHeaders.append(raw[i], raw[i + 1]);
      const status = res.statusCode ?? 0;
      settled = true;
      if (NULL_BODY_STATUS.has(status) || method === "HEAD") {
        res.resume();
        res.on("end", done);
        resolve(new Response(null, { status, statusText: res.statusMessage, headers: responseHeaders }));
        return;
      }
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          bodyController = controller;
          let finished = false;
          const finish = (error?: unknown) => {
            if (finished) return;
            finished = true;
            done();
            try {
              if (error === undefined) controller.close();
              else controller.error(error);
            } catch { /* already cancelled or errored */ }
          };
          res.on("data", (chunk: Uint8Array) => {
            if (finished) return;
            try {
              controller.enqueue(new Uint8Array(chunk));
            } catch {
              // The stream was cancelled or errored (abort): stop reading.
              finished = true;
              res.destroy();
              return;
            }
            if ((controller.desiredSize ?? 1) <= 0) res.pause();
          });
          res.on("end", () => finish());
          res.on("error", (e: Error) => finish(new TypeError("Response body interrupted", { cause: e })));
          res.on("close", () => {
            if (!res.complete) finish(new TypeError("Response body interrupted: the connection closed"));
          });
        },
        pull() {
          res.resume();
        },
        cancel() {
          done();
          res.destroy();
          req.destroy();
        },
      }, { highWaterMark: 4 });
      resolve(new Response(stream, { status, statusText: res.statusMessage, headers: responseHeaders }));
    });
    req.on("error", (e: Error) => {
      if (settled) return;
      settled = true;
      done();
      reject(signal?.aborted ? abortReasonOf(signal) : new TypeError("fetch failed", { cause: e }));
    });
    signal?.addEventListener("abort", onAbort, { once: true });
    req.end(body);
  });
}

/**
 * Builds a keep-alive transport on `node:https` for the given TLS settings. `runtime` is the name used
 * in error messages. Proxies are not supported by this transport.
 */
export function nodeHttpsTransport(tls: TlsOptions, runtime: string): Transport {
  if (tls.proxyUrl) {
    throw new RuntimeCapabilityError(
      runtime,
      tls.serverName || tls.insecureSkipVerify
        ? "use a proxy-url together with tls-server-name or insecure-skip-tls-verify"
        : "use a proxy-url",
      "remove proxy-url from the cluster entry and reach the API server directly (or through a tunnel such as kubectl proxy)",
    );
  }
  const http = nodeBuiltin<typeof NodeHttp>("node:http");
  const https = nodeBuiltin<typeof NodeHttps>("node:https");
  if (!http || !https) {
    throw new RuntimeCapabilityError(
      runtime,
      "load node:https",
      "use a runtime with Node built-in modules (Node 20.16 or later, Deno or Bun)",
    );
  }
  if (Boolean(tls.certPem) !== Boolean(tls.keyPem)) {
    throw new TypeError("A client certificate and its key must be given together");
  }
  const httpsAgent = new https.Agent({
    keepAlive: true,
    ca: tls.caPem,
    cert: tls.certPem,
    key: tls.keyPem,
    servername: tls.serverName,
    rejectUnauthorized: !tls.insecureSkipVerify,
  });
  const httpAgent = new http.Agent({ keepAlive: true });
  const mods = { http, https };
  const agents = { http: httpAgent, https: httpsAgent };
  return {
    runtime,
    fetch: (input, init) => nodeFetch(mods, agents, input, init),
    close(): void {
      httpsAgent.destroy();
      httpAgent.destroy();
    },
  };
}
