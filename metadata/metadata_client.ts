/**
 * {@linkcode newMetadataClient}: reads any resource as `PartialObjectMetadata`, the objects' metadata
 * only (client-go's `metadata` package). The server is asked for `meta.k8s.io/v1`
 * `PartialObjectMetadata(List)` by content negotiation, so it sends no spec, status or data: a cache
 * of metadata holds a fraction of a cache of whole objects.
 *
 * @module
 */
import type { GroupVersionResource } from "../meta/group_version.ts";
import type { Request } from "../rest/request.ts";
import type { RESTClient, RESTClientOptions } from "../rest/rest_client.ts";
import type { RestConfig } from "../rest/rest_config.ts";
import type { KubeList, ListOptions, ObjectMeta, WatchEvent } from "../rest/types.ts";
import type { Watcher } from "../rest/watcher.ts";
import {
  callParams,
  deleteBody,
  groupVersionRestClient,
  listParams,
  requireName,
} from "../clientset/_request_params.ts";
import { StringSharer } from "./_string_sharer.ts";

/** The API version of {@linkcode PartialObjectMetadata}: `meta.k8s.io/v1`. */
export const META_API_VERSION = "meta.k8s.io/v1";

/** The `Accept` header of metadata gets and watches, with plain JSON as the fallback (as client-go). */
export const ACCEPT_PARTIAL_OBJECT_METADATA =
  "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";

/** The `Accept` header of metadata lists, with plain JSON as the fallback (as client-go). */
export const ACCEPT_PARTIAL_OBJECT_METADATA_LIST =
  "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

/** An object's type and metadata, without its spec or status (metav1's `PartialObjectMetadata`). */
export interface PartialObjectMetadata {
  /** `meta.k8s.io/v1` as the server sends it. */
  apiVersion?: string;
  /** `PartialObjectMetadata`. */
  kind?: string;
  /** The object's metadata. */
  metadata: ObjectMeta;
}

/** A list of {@linkcode PartialObjectMetadata} (metav1's `PartialObjectMetadataList`). */
export interface PartialObjectMetadataList extends KubeList<PartialObjectMetadata> {
  /** The objects' metadata. */
  items: PartialObjectMetadata[];
}

/** Options of every call: an abort signal and a timeout. */
export interface MetadataCallOptions {
  /** Aborting it cancels the call (and ends a watch). */
  signal?: AbortSignal;
  /** Bounds the call (for a watch: the wait for its start). */
  timeoutMs?: number;
}

/** Options of {@linkcode MetadataResourceClient.get}. */
export interface MetadataGetOptions extends MetadataCallOptions {
  /** Read at this resourceVersion ("0": any, from the watch cache). */
  resourceVersion?: string;
}

/** Options of {@linkcode MetadataResourceClient.list} and {@linkcode MetadataResourceClient.watch}. */
export type MetadataListOptions = ListOptions & MetadataCallOptions;

/** Options of {@linkcode MetadataResourceClient.delete}. */
export interface MetadataDeleteOptions extends MetadataCallOptions {
  /** Seconds before the object is deleted (0: at once). */
  gracePeriodSeconds?: number;
  /** "Background", "Foreground" or "Orphan". */
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
}

/** The metadata calls of one resource, in one namespace or all (client-go's `metadata.ResourceInterface`). */
export interface MetadataResourceClient {
  /** The resource. */
  readonly gvr: GroupVersionResource;
  /** The metadata of one object. */
  get(name: string, options?: MetadataGetOptions): Promise<PartialObjectMetadata>;
  /** The metadata of the objects the options select (one page when `limit` is set). */
  list(options?: MetadataListOptions): Promise<PartialObjectMetadataList>;
  /** A watch whose events carry the objects' metadata. */
  watch(options?: MetadataListOptions): Promise<Watcher<PartialObjectMetadata>>;
  /** Deletes an object. */
  delete(name: string, options?: MetadataDeleteOptions): Promise<void>;
}

/** A {@linkcode MetadataResourceClient} over all namespaces that can be narrowed to one. */
export interface NamespaceableMetadataResourceClient extends MetadataResourceClient {
  /** The same resource in `namespace` ("": all namespaces). */
  namespace(namespace: string): MetadataResourceClient;
}

/** Reads the metadata of any resource (client-go's `metadata.Interface`). */
export interface MetadataClient {
  /** The calls of one resource. */
  resource(gvr: GroupVersionResource): NamespaceableMetadataResourceClient;
}

/** Options of the REST clients the metadata client makes. */
export type MetadataClientOptions = Omit<RESTClientOptions, "apiPath" | "groupVersion">;

/**
 * The metadata of a whole object, for servers (or aggregated APIs) that answer with the full object:
 * client-go accepts those too, when they have metadata.
 */
function toPartial(obj: unknown, what: string, strings?: StringSharer): PartialObjectMetadata {
  const o = obj as { apiVersion?: unknown; kind?: unknown; metadata?: unknown } | null;
  if (o === null || typeof o !== "object" || o.metadata === null || typeof o.metadata !== "object") {
    throw new TypeError(`The server's answer for ${what} does not look like an object with metadata`);
  }
  const metadata = o.metadata as ObjectMeta;
  if (strings !== undefined) strings.shareMetadata(metadata);
  if (o.kind !== PARTIAL_KIND) return { apiVersion: META_API_VERSION, kind: PARTIAL_KIND, metadata };
  // JSON.parse gives every object its own copy of these strings; a cache of metadata is mostly such
  // small strings, so each object refers to one shared copy instead.
  o.kind = PARTIAL_KIND;
  if (o.apiVersion === META_API_VERSION) o.apiVersion = META_API_VERSION;
  return o as PartialObjectMetadata;
}

const PARTIAL_KIND = "PartialObjectMetadata";

/** How many distinct strings a watch shares between its events. */
const WATCH_SHARED_STRINGS = 1024;

/** Re-yields the events of `inner` with whole objects cut down to their metadata. */
function partialWatcher(inner: Watcher, what: string): Watcher<PartialObjectMetadata> {
  return {
    stop: () => inner.stop(),
    [Symbol.asyncDispose]: () => inner[Symbol.asyncDispose](),
    async *[Symbol.asyncIterator](): AsyncGenerator<WatchEvent<PartialObjectMetadata>> {
      // Kept as long as the watch runs: a smaller bound than a list's.
      const strings = new StringSharer(WATCH_SHARED_STRINGS);
      for await (const event of inner) {
        if (event.type === "ERROR") yield event;
        else yield { type: event.type, object: toPartial(event.object, what, strings) };
      }
    },
  };
}

class MetadataResource implements NamespaceableMetadataResourceClient {
  readonly gvr: GroupVersionResource;
  #rest: RESTClient;
  #namespace: string;

  constructor(rest: RESTClient, gvr: GroupVersionResource, namespace: string) {
    this.#rest = rest;
    this.gvr = gvr;
    this.#namespace = namespace;
  }

  namespace(namespace: string): MetadataResourceClient {
    return new MetadataResource(this.#rest, this.gvr, namespace);
  }

  #request(r: Request, options: MetadataCallOptions, accept: string): Request {
    return callParams(
      r.namespace(this.#namespace).resource(this.gvr.resource).header("Accept", accept),
      options,
    );
  }

  #what(name?: string): string {
    const { group, resource } = this.gvr;
    return `${group === "" ? resource : `${resource}.${group}`}${name === undefined ? "" : ` "${name}"`}`;
  }

  async get(name: string, options: MetadataGetOptions = {}): Promise<PartialObjectMetadata> {
    const r = this.#request(this.#rest.get(), options, ACCEPT_PARTIAL_OBJECT_METADATA)
      .name(requireName(name, "resource")).param("resourceVersion", options.resourceVersion);
    return toPartial((await r.do()).into(), this.#what(name));
  }

  async list(options: MetadataListOptions = {}): Promise<PartialObjectMetadataList> {
    const r = listParams(
      this.#request(this.#rest.get(), options, ACCEPT_PARTIAL_OBJECT_METADATA_LIST),
      options,
    );
    const list = await r.into<PartialObjectMetadataList>();
    if (list === null || typeof list !== "object" || !Array.isArray(list.items)) {
      throw new TypeError(`The server's list of ${this.#what()} has no items array`);
    }
    const what = this.#what();
    const strings = new StringSharer();
    const items = list.items;
    if (list.kind !== "PartialObjectMetadataList") {
      // A server that ignored the negotiation: keep only what a metadata list holds.
      return {
        apiVersion: META_API_VERSION,
        kind: "PartialObjectMetadataList",
        metadata: list.metadata,
        items: items.map((o) => toPartial(o, what, strings)),
      };
    }
    for (let i = 0; i < items.length; i++) items[i] = toPartial(items[i], what, strings);
    return list;
  }

  async watch(options: MetadataListOptions = {}): Promise<Watcher<PartialObjectMetadata>> {
    const r = listParams(this.#request(this.#rest.get(), options, ACCEPT_PARTIAL_OBJECT_METADATA), options);
    return partialWatcher(await r.watch(), this.#what());
  }

  async delete(name: string, options: MetadataDeleteOptions = {}): Promise<void> {
    const r = this.#request(this.#rest.delete(), options, "application/json").name(
      requireName(name, "resource"),
    );
    const { gracePeriodSeconds, propagationPolicy } = options;
    const body = deleteBody({ gracePeriodSeconds, propagationPolicy });
    if (body !== undefined) r.body(body);
    await r.do();
  }
}

/**
 * Makes a metadata client (client-go's `metadata.NewForConfig`): lists, watches and gets of any
 * resource return `PartialObjectMetadata`, the objects' metadata only.
 *
 * @param config Server and credentials.
 * @param options Transport, rate limiter, clock, retries of the REST clients it makes.
 * @returns The client.
 *
 * @example
 * ```ts
 * import { newMetadataClient } from "@kubeweb/client/metadata";
 * import { loadRestConfig } from "@kubeweb/client/rest";
 *
 * const metadata = newMetadataClient(await loadRestConfig());
 * const secrets = metadata.resource({ group: "", version: "v1", resource: "secrets" }).namespace("default");
 * for (const s of (await secrets.list()).items) console.log(s.metadata.name, s.metadata.labels);
 * ```
 */
export function newMetadataClient(config: RestConfig, options: MetadataClientOptions = {}): MetadataClient {
  const rests = new Map<string, RESTClient>();
  return {
    resource(gvr: GroupVersionResource): NamespaceableMetadataResourceClient {
      if (!gvr?.version || !gvr.resource) {
        throw new TypeError("A metadata resource needs a version and a resource");
      }
      const groupVersion = gvr.group === "" ? gvr.version : `${gvr.group}/${gvr.version}`;
      let rest = rests.get(groupVersion);
      if (rest === undefined) {
        rest = groupVersionRestClient(config, gvr.group, gvr.version, options);
        rests.set(groupVersion, rest);
      }
      return new MetadataResource(
        rest,
        { group: gvr.group, version: gvr.version, resource: gvr.resource },
        "",
      );
    },
  };
}
