/**
 * Test helper of the informer factory unit tests: a fake API server behind a Transport. Lists
 * answer from per-collection object lists; watches stay open, get the events the test emits, and end
 * when their request is aborted.
 *
 * @module
 */
import type { Transport } from "../rest/runtime/runtime.ts";
import type { RestConfig } from "../rest/rest_config.ts";
import type { KubeObject } from "../rest/types.ts";
import type { ClientOptions } from "../meta/client_options.ts";
import { type FakeClock, flushTasks } from "../_internal/clock.ts";

/** One request the fake server received: method, path and query. */
export interface FakeRequest {
  /** "LIST", "WATCH", or "WATCHLIST" (a watch with `sendInitialEvents=true`). */
  verb: "LIST" | "WATCH" | "WATCHLIST";
  /** The collection path ("/api/v1/namespaces/ns/pods"). */
  path: string;
  /** The query parameters. */
  query: URLSearchParams;
}

interface OpenWatch {
  path: string;
  controller: ReadableStreamDefaultController<Uint8Array>;
}

/** Options of {@linkcode FakeApi}. */
export interface FakeApiOptions {
  /**
   * Serve WatchList requests (`sendInitialEvents=true`): the list as ADDED events, then the bookmark
   * ending them. Default false: they are refused with 400, as a 1.20 server refuses them.
   */
  watchList?: boolean;
}

/** The fake server. */
export class FakeApi {
  /** Every list and watch request, in order. */
  readonly requests: FakeRequest[] = [];
  #collections = new Map<string, KubeObject[]>();
  #held = new Set<string>();
  #forbidden = new Set<string>();
  #watches: OpenWatch[] = [];
  #rv = 100;
  #encoder = new TextEncoder();
  #watchList: boolean;

  /** A fake server; see {@linkcode FakeApiOptions}. */
  constructor(options: FakeApiOptions = {}) {
    this.#watchList = options.watchList ?? false;
  }

  /** The transport to give the clients. */
  readonly transport: Transport = {
    runtime: "fake",
    fetch: (input: Request | string | URL, init?: RequestInit): Promise<Response> =>
      this.#fetch(new URL(typeof input === "string" || input instanceof URL ? input : input.url), init),
    close() {},
  };

  /** Answers every later list of `path` with 403 Forbidden. */
  forbid(path: string): void {
    this.#forbidden.add(path);
  }

  /** Sets the objects a list of `path` returns. */
  set(path: string, items: KubeObject[]): void {
    this.#collections.set(path, items);
  }

  /** Makes lists of `path` hang until their request is aborted. */
  hold(path: string): void {
    this.#held.add(path);
  }

  /** Sends a watch event to every open watch of `path`. */
  emit(
    path: string,
    type: "ADDED" | "MODIFIED" | "DELETED",
    object: KubeObject | (KubeObject & Record<string, unknown>),
  ): void {
    this.#emitLine(path, JSON.stringify({ type, object }));
  }

  #emitLine(path: string, json: string): void {
    const line = this.#encoder.encode(json + "\n");
    for (const w of this.#watches) if (w.path === path) w.controller.enqueue(line);
  }

  /** The number of open watches. */
  openWatches(): number {
    return this.#watches.length;
  }

  /** "LIST /api/v1/pods" lines of the requests so far. */
  log(): string[] {
    return this.requests.map((r) => `${r.verb} ${r.path}`);
  }

  #fetch(url: URL, init?: RequestInit): Promise<Response> {
    const signal = init?.signal ?? undefined;
    signal?.throwIfAborted();
    const path = url.pathname;
    const watch = url.searchParams.get("watch") === "true";
    const watchList = watch && url.searchParams.get("sendInitialEvents") === "true";
    this.requests.push({
      verb: watchList ? "WATCHLIST" : watch ? "WATCH" : "LIST",
      path,
      query: url.searchParams,
    });
    if (watchList && !this.#watchList) {
      const status = {
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        message: "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch",
        reason: "Invalid",
        code: 400,
      };
      return Promise.resolve(
        new Response(JSON.stringify(status), {
          status: 400,
          headers: { "content-type": "application/json" },
        }),
      );
    }
    if (watch) {
      const response = this.#watch(path, signal);
      if (watchList) {
        const rv = String(++this.#rv);
        for (const object of this.#collections.get(path) ?? []) this.emit(path, "ADDED", object);
        const bookmark = {
          metadata: { resourceVersion: rv, annotations: { "k8s.io/initial-events-end": "true" } },
        };
        this.#emitLine(path, JSON.stringify({ type: "BOOKMARK", object: bookmark }));
      }
      return Promise.resolve(response);
    }
    if (this.#forbidden.has(path)) {
      const status = { kind: "Status", apiVersion: "v1", status: "Failure", reason: "Forbidden", code: 403 };
      return Promise.resolve(
        new Response(JSON.stringify({ ...status, message: `list ${path} is forbidden` }), {
          status: 403,
          headers: { "content-type": "application/json" },
        }),
      );
    }
    if (this.#held.has(path)) {
      return new Promise((_resolve, reject) => {
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    }
    const body = {
      kind: "List",
      apiVersion: "v1",
      metadata: { resourceVersion: String(++this.#rv) },
      items: this.#collections.get(path) ?? [],
    };
    return Promise.resolve(
      new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } }),
    );
  }

  #watch(path: string, signal: AbortSignal | undefined): Response {
    let entry: OpenWatch;
    const remove = () => {
      const i = this.#watches.indexOf(entry);
      if (i >= 0) this.#watches.splice(i, 1);
    };
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        entry = { path, controller };
        this.#watches.push(entry);
        signal?.addEventListener("abort", () => {
          remove();
          try {
            controller.error(signal.reason);
          } catch {
            // Already closed.
          }
        }, { once: true });
      },
      cancel: () => remove(),
    });
    return new Response(body, { headers: { "content-type": "application/json" } });
  }
}

/** The configuration the fake server is reached with. */
export const FAKE_CONFIG: RestConfig = { host: "https://k8s.test:6443", namespace: "default" };

/** Client options for the fake server, without rate limiting or retries. */
export function fakeClientOptions(api: FakeApi): ClientOptions {
  return { transport: api.transport, rateLimiter: null, maxRetries: 0, maxConnectionRetries: 0 };
}

/** Advances the fake clock 100 ms at a time (flushing tasks) until `done()` or 200 steps. */
export async function advanceUntil(clock: FakeClock, done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) {
    await flushTasks();
    if (done()) return;
    await clock.advance(100);
  }
  await flushTasks();
}

/** Settles `p` while advancing the fake clock; throws if it has not settled after 20 s of fake time. */
export async function settle<T>(clock: FakeClock, p: Promise<T>): Promise<T> {
  let settled = false;
  p.then(() => (settled = true), () => (settled = true));
  await advanceUntil(clock, () => settled);
  if (!settled) throw new Error("The promise did not settle within 20 s of fake time");
  return await p;
}

/** A ConfigMap-like object. */
export function obj(
  namespace: string | undefined,
  name: string,
  rv: string,
  labels?: Record<string, string>,
): KubeObject {
  return { metadata: { namespace, name, resourceVersion: rv, labels } };
}
