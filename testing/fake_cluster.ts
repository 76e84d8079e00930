/**
 * `newFakeCluster`: an in-memory Kubernetes API server behind kubeweb's {@linkcode Transport}, so
 * every client (RESTClient, clientset, dynamic, discovery, informers, leader election, recorder) runs
 * against it unchanged, on every runtime: it opens no socket and reads no file.
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import { parseYaml } from "../_internal/deps.ts";
import type { Transport } from "../rest/runtime/runtime.ts";
import type { RestConfig } from "../rest/rest_config.ts";
import type { KubeObject } from "../rest/types.ts";
import { type ApiRequest, ApiServer, PlainNotFound, type Route, statusResponse } from "./_api_server.ts";
import { StatusError } from "./_status.ts";
import { installGarbageCollector } from "./_gc.ts";
import { type Action, matchesAction, type Reactor, type ReactorMatch } from "./reactors.ts";

/**
 * Options of {@linkcode newFakeCluster}.
 *
 * @example
 * ```ts
 * import { type FakeClusterOptions, newFakeCluster } from "@kubeweb/client/testing";
 *
 * const options: FakeClusterOptions = {
 *   objects: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } }],
 *   garbageCollection: true,
 *   watchHistorySize: 100,
 * };
 * const cluster = await newFakeCluster(options);
 * cluster.close();
 * ```
 */
export interface FakeClusterOptions {
  /** Objects to start with: typed objects, or YAML text (one or more documents). Namespaces first is not required. */
  objects?: (KubeObject | string)[];
  /** Create the namespaces `default`, `kube-system` and `kube-public` (default true). */
  defaultNamespaces?: boolean;
  /** Run background garbage collection by ownerReferences (default false, like a bare API server). */
  garbageCollection?: boolean;
  /** Changes kept for watches; older resourceVersions answer 410 Expired (default 1000). */
  watchHistorySize?: number;
  /** Interval of watch bookmarks when asked for (default 60 000 ms, like the watch cache). */
  bookmarkIntervalMs?: number;
  /** Clock of timestamps, watch timeouts and bookmarks (default: the real clock). */
  clock?: Clock;
  /** Randomness of uids and generated names (default `Math.random`). */
  random?: () => number;
  /** The host of the returned configuration (default `https://fake.cluster`). */
  host?: string;
}

/**
 * The fake cluster: its transport and configuration for clients, and the controls of a test.
 *
 * @example Simulating a lost connection and checking what was sent
 * ```ts
 * import { newFakeCluster } from "@kubeweb/client/testing";
 * import { newClientset } from "@kubeweb/client/clientset";
 *
 * const cluster = await newFakeCluster();
 * const cms = newClientset(cluster.config, cluster.clientOptions).coreV1().configMaps("default");
 * const watcher = await cms.watch({ resourceVersion: cluster.resourceVersion });
 * cluster.dropWatches(); // the watch ends, as when the server drops connections
 * for await (const event of watcher) console.log(event.type); // never reached: the stream ended
 * console.log(cluster.actions().map((a) => a.verb)); // ["watch"]
 * cluster.close();
 * ```
 */
export interface FakeCluster {
  /** The transport to pass to clients (`{ transport }` in their options). */
  readonly transport: Transport;
  /** A configuration for `newClientset(cluster.config, cluster.clientOptions)`. */
  readonly config: RestConfig;
  /** Client options with the fake transport and no client-side rate limiting or retries. */
  readonly clientOptions: { transport: Transport; rateLimiter: null; maxRetries: number };
  /** Every request received, in order (client-go's `Actions()`). */
  actions(): Action[];
  /** Forgets the recorded requests. */
  clearActions(): void;
  /**
   * Adds a reactor, tried before earlier ones (client-go's `PrependReactor`): it answers matching
   * requests when it returns a Response. Returns a function that removes it.
   */
  prependReactor(match: ReactorMatch, reactor: Reactor): () => void;
  /** Delays the answers to matching requests by `ms` (on the cluster's clock). Returns the remover. */
  delay(match: ReactorMatch, ms: number): () => void;
  /** Ends every open watch (the stream closes, as when the server drops connections). */
  dropWatches(): void;
  /** Adds objects as seeding does (typed or YAML), bypassing reactors and the request record. */
  add(...objects: (KubeObject | string)[]): Promise<void>;
  /** The stored object, as the server would serve it, or undefined. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /**
   * Forgets the history up to now, as etcd compaction does: continue tokens and exact lists of older
   * resourceVersions, and watches from them, answer 410 Expired.
   */
  compact(): void;
  /** Removes a terminating namespace (what the namespace controller does once it is empty). */
  finalizeNamespace(name: string): void;
  /** The current resourceVersion. */
  readonly resourceVersion: string;
  /** Closes every watch. */
  close(): void;
}

function parseObjects(items: (KubeObject | string)[]): KubeObject[] {
  const out: KubeObject[] = [];
  for (const item of items) {
    if (typeof item !== "string") {
      out.push(structuredClone(item));
      continue;
    }
    for (const doc of item.split(/^---\s*$/m)) {
      if (doc.trim() === "") continue;
      const v = parseYaml(doc);
      if (v === null || v === undefined) continue;
      if (typeof v !== "object" || Array.isArray(v)) {
        throw new TypeError(`A YAML seed document is not an object: ${doc.slice(0, 100)}`);
      }
      out.push(v as KubeObject);
    }
  }
  // namespaces and CRDs before the objects that need them
  const rank = (o: KubeObject) => o.kind === "Namespace" ? 0 : o.kind === "CustomResourceDefinition" ? 1 : 2;
  return out.sort((a, b) => rank(a) - rank(b));
}

/**
 * Creates a fake cluster: an in-memory API server for the built-in resources of Kubernetes 1.36 (and
 * the resources of CRDs once created), with discovery, watches, selectors, paging, patches,
 * server-side apply, defaulting, reactors and a record of requests.
 *
 * @param options Seed objects and behaviour.
 * @returns The cluster: a transport, a configuration and the test controls.
 *
 * @example Unit-testing code that uses a clientset
 * ```ts
 * import { newFakeCluster } from "@kubeweb/client/testing";
 * import { newClientset } from "@kubeweb/client/clientset";
 *
 * const cluster = await newFakeCluster({
 *   objects: [`
 * apiVersion: v1
 * kind: ConfigMap
 * metadata: {name: settings, namespace: default}
 * data: {mode: fast}
 * `],
 * });
 * const clientset = newClientset(cluster.config, cluster.clientOptions);
 * const cm = await clientset.coreV1().configMaps("default").get("settings");
 * console.log(cm.data?.mode); // "fast"
 * console.log(cluster.actions().map((a) => a.verb)); // ["get"]
 * cluster.close();
 * ```
 */
export async function newFakeCluster(options: FakeClusterOptions = {}): Promise<FakeCluster> {
  const clock = options.clock ?? REAL_CLOCK;
  const server = new ApiServer({
    clock,
    historySize: options.watchHistorySize,
    bookmarkIntervalMs: options.bookmarkIntervalMs,
    random: options.random ?? Math.random,
  });
  if (options.garbageCollection) installGarbageCollector(server);
  const add = async (items: (KubeObject | string)[]) => {
    for (const o of parseObjects(items)) server.seed(o);
    await Promise.resolve();
  };
  if (options.defaultNamespaces ?? true) {
    for (const name of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      server.seed({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
    }
  }
  await add(options.objects ?? []);
  const actions: Action[] = [];
  const reactors: { match: ReactorMatch; reactor: Reactor }[] = [];
  const host = (options.host ?? "https://fake.cluster").replace(/\/$/, "");

  const transport: Transport = {
    runtime: "fake",
    async fetch(input: Request | string | URL, init?: RequestInit): Promise<Response> {
      const request = input instanceof Request ? input : undefined;
      const url = new URL(request ? request.url : String(input));
      const method = (init?.method ?? request?.method ?? "GET").toUpperCase();
      const headers = new Headers(init?.headers ?? request?.headers);
      const signal = init?.signal ?? request?.signal ?? undefined;
      signal?.throwIfAborted();
      let body: string | undefined;
      const raw = init?.body;
      if (raw !== undefined && raw !== null) {
        body = typeof raw === "string" ? raw : await new Response(raw as BodyInit).text();
      } else if (request && request.body) body = await request.text();
      const req: ApiRequest = { method, url, headers, body, signal };
      let route: Route | undefined;
      let routeError: unknown;
      try {
        route = server.route(method, url);
      } catch (e) {
        routeError = e;
      }
      let parsed: unknown = body;
      try {
        parsed = body === undefined ? undefined : JSON.parse(body);
      } catch { /* YAML apply bodies stay text */ }
      const action: Action = {
        verb: route?.verb ?? method.toLowerCase(),
        group: route?.resource?.group ?? "",
        version: route?.resource?.version ?? "",
        resource: route?.resource?.resource ?? "",
        subresource: route?.subresource ?? "",
        namespace: route?.namespace ?? "",
        name: route?.name ?? "",
        method,
        path: url.pathname + url.search,
        body: parsed,
      };
      if (method === "PATCH") action.patchType = headers.get("content-type") ?? undefined;
      actions.push(action);
      for (const { match, reactor } of [...reactors]) {
        if (!matchesAction(match, action)) continue;
        const res = await reactor(action);
        if (res !== undefined) return res;
      }
      try {
        if (routeError !== undefined) throw routeError;
        return await server.handle(req, route!);
      } catch (e) {
        if (e instanceof StatusError) return statusResponse(e);
        if (e instanceof PlainNotFound) {
          return new Response("404 page not found\n", {
            status: 404,
            headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" },
          });
        }
        return statusResponse(
          new StatusError({
            kind: "Status",
            apiVersion: "v1",
            metadata: {},
            status: "Failure",
            message: `Internal error occurred: ${e instanceof Error ? e.message : String(e)}`,
            reason: "InternalError",
            code: 500,
          }),
        );
      }
    },
    close(): void {
      server.dropWatches();
    },
  };

  const cluster: FakeCluster = {
    transport,
    config: { host, namespace: "default", qps: -1 },
    clientOptions: { transport, rateLimiter: null, maxRetries: 0 },
    actions: () => [...actions],
    clearActions: () => {
      actions.length = 0;
    },
    prependReactor(match, reactor) {
      const entry = { match, reactor };
      reactors.unshift(entry);
      return () => {
        const i = reactors.indexOf(entry);
        if (i >= 0) reactors.splice(i, 1);
      };
    },
    delay(match, ms) {
      return cluster.prependReactor(match, async () => {
        await clock.sleep(ms);
        return undefined;
      });
    },
    dropWatches: () => server.dropWatches(),
    add: (...objects) => add(objects),
    get(apiVersion, kind, namespace, name) {
      const r = server.table.byKind(apiVersion, kind);
      if (!r) return undefined;
      const o = server.store.get(`${r.group}/${r.resource}`, namespace ?? "", name);
      return o === undefined ? undefined : server.serve(r, o);
    },
    finalizeNamespace: (name) => server.finalizeNamespace(name),
    compact: () => server.store.resetHistory(),
    get resourceVersion() {
      return String(server.store.rv);
    },
    close: () => server.dropWatches(),
  };
  return cluster;
}
