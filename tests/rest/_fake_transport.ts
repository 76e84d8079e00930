// Test helper (tests/ is not published): a fake Transport that
// hands each request to a function and records what was sent, including repeated headers as separate
// pairs.
import type { Transport } from "../../rest/runtime/runtime.ts";
import type { RestConfig } from "../../rest/rest_config.ts";

/** One request the fake transport received. */
export interface FakeCall {
  method: string;
  url: URL;
  /** Header name/value pairs exactly as passed to fetch (repeated names stay separate). */
  headers: [string, string][];
  body: string | undefined;
  signal: AbortSignal | undefined;
}

/** A transport backed by `handler`, recording calls. */
export interface FakeTransport extends Transport {
  calls: FakeCall[];
  closed: number;
}

/** Makes a fake transport. The handler sees a web Request and the recorded call. */
export function fakeTransport(
  handler: (req: Request, call: FakeCall) => Response | Promise<Response>,
): FakeTransport {
  const t: FakeTransport = {
    runtime: "fake",
    calls: [],
    closed: 0,
    async fetch(input: Request | string | URL, init?: RequestInit): Promise<Response> {
      const headers = Array.isArray(init?.headers) ? (init.headers as [string, string][]) : [];
      let body: string | undefined;
      if (typeof init?.body === "string") body = init.body;
      else if (init?.body instanceof Uint8Array) body = new TextDecoder().decode(init.body);
      const call: FakeCall = {
        method: init?.method ?? "GET",
        url: new URL(String(input)),
        headers,
        body,
        signal: init?.signal ?? undefined,
      };
      t.calls.push(call);
      if (call.signal?.aborted) throw call.signal.reason;
      const req = new Request(String(input), { method: call.method, headers, body, signal: init?.signal });
      return await handler(req, call);
    },
    close(): void {
      t.closed++;
    },
  };
  return t;
}

/** A response with a JSON body. */
export function json(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** A minimal configuration for a fake server. */
export function testConfig(extra: Partial<RestConfig> = {}): RestConfig {
  return { host: "https://k8s.test:6443", namespace: "default", ...extra };
}

/** Values of the header `name` in a recorded call, in order. */
export function headerValues(call: FakeCall, name: string): string[] {
  return call.headers.filter(([k]) => k.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
}

/** A response that never arrives until the request's signal aborts (then the fetch rejects). */
export function hangUntilAborted(req: Request): Promise<Response> {
  return new Promise((_resolve, reject) => {
    if (req.signal.aborted) reject(req.signal.reason);
    req.signal.addEventListener("abort", () => reject(req.signal.reason), { once: true });
  });
}
