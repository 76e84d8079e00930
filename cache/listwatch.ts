/**
 * {@linkcode ListerWatcher}: how a reflector lists and watches one resource, over a typed or
 * dynamic client or over a RESTClient (client-go's `tools/cache/listwatch.go`).
 *
 * @module
 */
import type { KubeList, ListOptions, WatchEvent } from "../rest/types.ts";

/**
 * Lists and watches one resource. Aborting `signal` must end the list call and the watch (the
 * iteration ends or rejects); so must the watch's `stop()`.
 */
export interface ListerWatcher<T> {
  /** Lists the resource with `options` (resourceVersion, limit, continue, selectors). */
  list(options: ListOptions, signal: AbortSignal): Promise<KubeList<T>>;
  /** Starts a watch with `options` (resourceVersion, timeoutSeconds, allowWatchBookmarks, ...). */
  watch(options: ListOptions, signal: AbortSignal): Promise<AsyncIterable<WatchEvent<T>> & { stop(): void }>;
}

/** Changes the options of every list and watch call in place (client-go's `TweakListOptionsFunc`). */
export type TweakListOptionsFunc = (options: ListOptions) => void;

/**
 * Any client with `list` and `watch` taking list options and a signal: the typed clients of the
 * clientset (`clientset.coreV1().pods(ns)`) and the dynamic client's resource interfaces.
 */
export interface ListWatchClient<T> {
  /** Lists with the given options. */
  list(options: ListOptions & { signal?: AbortSignal }): Promise<KubeList<T>>;
  /** Watches with the given options. */
  watch(
    options: ListOptions & { signal?: AbortSignal },
  ): Promise<AsyncIterable<WatchEvent<T>> & { stop(): void }>;
}

/** Options of {@linkcode listWatchFromClient}. */
export interface ListWatchFromClientOptions {
  /** Label selector added to every call. */
  labelSelector?: string;
  /** Field selector added to every call (passed to the server as is). */
  fieldSelector?: string;
  /** Changes the options of every call (applied last). */
  tweakListOptions?: TweakListOptionsFunc;
}

function prepare(
  options: ListOptions,
  extra: { labelSelector?: string; fieldSelector?: string; tweakListOptions?: TweakListOptionsFunc },
): ListOptions {
  const opts: ListOptions = { ...options };
  if (extra.labelSelector) opts.labelSelector = extra.labelSelector;
  if (extra.fieldSelector) opts.fieldSelector = extra.fieldSelector;
  extra.tweakListOptions?.(opts);
  return opts;
}

/**
 * A {@linkcode ListerWatcher} over a typed or dynamic resource client (anything with
 * `list(options)` and `watch(options)` that take a `signal`).
 *
 * @example
 * ```ts
 * import { listWatchFromClient } from "@kubeweb/client/cache";
 * import type { Clientset } from "@kubeweb/client/clientset";
 *
 * declare const clientset: Clientset;
 * const lw = listWatchFromClient(clientset.coreV1().configMaps("default"), { labelSelector: "app=web" });
 * ```
 */
export function listWatchFromClient<T>(
  client: ListWatchClient<T>,
  options: ListWatchFromClientOptions = {},
): ListerWatcher<T> {
  return {
    list(opts: ListOptions, signal: AbortSignal): Promise<KubeList<T>> {
      return client.list({ ...prepare(opts, options), signal });
    },
    watch(opts: ListOptions, signal: AbortSignal): Promise<AsyncIterable<WatchEvent<T>> & { stop(): void }> {
      return client.watch({ ...prepare(opts, options), signal });
    },
  };
}

/**
 * The part of a RESTClient request builder {@linkcode newListWatchFromRestClient} uses (see
 * `rest/request.ts`).
 */
export interface ListWatchRequest {
  /** Sets the namespace ("" or undefined: all namespaces). */
  namespace(namespace?: string): ListWatchRequest;
  /** Sets the resource. */
  resource(resource: string): ListWatchRequest;
  /** Adds every defined field of `options` as a query parameter. */
  params(options: object | undefined): ListWatchRequest;
  /** Sets the abort signal. */
  signal(signal: AbortSignal | undefined): ListWatchRequest;
  /** Sends the request and decodes its JSON answer (a list as it arrives). */
  into<R>(): Promise<R>;
  /** Starts a watch (sets watch=true). */
  watch<R>(): Promise<AsyncIterable<WatchEvent<R>> & { stop(): void }>;
}

/** The part of a RESTClient {@linkcode newListWatchFromRestClient} uses: `get()`. */
export interface ListWatchRestClient {
  /** Starts a GET request. */
  get(): ListWatchRequest;
}

/** Options of {@linkcode newListWatchFromRestClient}. */
export interface ListWatchFromRestClientOptions {
  /** The plural resource, for example "configmaps". */
  resource: string;
  /** The namespace; "" or undefined for all namespaces (or a cluster-scoped resource). */
  namespace?: string;
  /** Field selector for every call, for example "metadata.name=x" (evaluated by the server). */
  fieldSelector?: string;
  /** Label selector for every call. */
  labelSelector?: string;
  /** Changes the options of every call (applied last). */
  tweakListOptions?: TweakListOptionsFunc;
}

/**
 * A {@linkcode ListerWatcher} over a RESTClient for a resource, namespace and field selector
 * (client-go's `NewListWatchFromClient`).
 *
 * @example
 * ```ts
 * import { newListWatchFromRestClient } from "@kubeweb/client/cache";
 * import { type RestConfig, restClientFor } from "@kubeweb/client/rest";
 *
 * declare const config: RestConfig;
 * const core = restClientFor(config, { apiPath: "/api", groupVersion: "v1" });
 * const lw = newListWatchFromRestClient(core, { resource: "pods", namespace: "default",
 *   fieldSelector: "spec.nodeName=node-1" });
 * ```
 */
export function newListWatchFromRestClient<T>(
  client: ListWatchRestClient,
  options: ListWatchFromRestClientOptions,
): ListerWatcher<T> {
  const { resource, namespace } = options;
  return {
    async list(opts: ListOptions, signal: AbortSignal): Promise<KubeList<T>> {
      return await client.get().namespace(namespace).resource(resource).params(prepare(opts, options))
        .signal(signal).into<KubeList<T>>();
    },
    watch(opts: ListOptions, signal: AbortSignal): Promise<AsyncIterable<WatchEvent<T>> & { stop(): void }> {
      return client.get().namespace(namespace).resource(resource).params(prepare(opts, options)).signal(
        signal,
      )
        .watch<T>();
    },
  };
}
