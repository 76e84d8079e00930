/**
 * Test helper of the unit tests of several modules (rest, clientset, dynamic, discovery, cache): a Transport that records every
 * request and answers from a handler, so tests check the URLs, verbs, headers and bodies sent.
 *
 * @module
 */
import type { Transport } from "./runtime/runtime.ts";
import type { RestConfig } from "./rest_config.ts";
import type { RESTClientOptions } from "./rest_client.ts";

/** The REST client options (without the group-version) the fake transport fills in. */
export type FakeClientOptions = Omit<RESTClientOptions, "apiPath" | "groupVersion">;

/** One request the fake transport received. */
export interface FakeCall {
  method: string;
  url: URL;
  headers: Headers;
  body: string | undefined;
}

/** A transport that records calls. */
export interface FakeTransport extends Transport {
  calls: FakeCall[];
}

/** A transport answering every request with `handler`. */
export function fakeTransport(handler: (call: FakeCall) => Response | Promise<Response>): FakeTransport {
  const calls: FakeCall[] = [];
  return {
    runtime: "fake",
    calls,
    async fetch(input: Request | string | URL, init?: RequestInit): Promise<Response> {
      const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
      const raw = init?.body;
      const body = raw === undefined || raw === null
        ? undefined
        : typeof raw === "string"
        ? raw
        : new TextDecoder().decode(raw as Uint8Array);
      const call = { method: init?.method ?? "GET", url, headers: new Headers(init?.headers), body };
      calls.push(call);
      init?.signal?.throwIfAborted();
      return await handler(call);
    },
    close() {},
  };
}

/** A JSON response. */
export function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
}

/** A Status error response. */
export function statusError(code: number, reason: string, message: string): Response {
  return json({ kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message }, code);
}

/** The configuration unit tests use (never contacted: the fake transport answers). */
export const TEST_CONFIG: RestConfig = { host: "https://k8s.test:6443", namespace: "default" };

/** Client options with the fake transport and no rate limiting. */
export function fakeOptions(transport: Transport): FakeClientOptions {
  return { transport, rateLimiter: null, maxRetries: 0, maxConnectionRetries: 0 };
}

/** The path and query of a call, for compact assertions ("/api/v1/pods?limit=5"). */
export function pathOf(call: FakeCall): string {
  return call.url.pathname + call.url.search;
}
