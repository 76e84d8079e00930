/**
 * The generic resource client behind every typed client (generated per resource) and the dynamic
 * client: get, list, watch, create, update, patch, apply, delete, deleteCollection, paging, and the
 * subresources (status, scale, eviction, binding, log, token, ...), each call with typed options and
 * an AbortSignal.
 *
 * @module
 */
import type { RESTClient } from "../rest/rest_client.ts";
import type { ClientOptions } from "../meta/client_options.ts";
import { ApiError, isUnexpectedServerError } from "../rest/errors.ts";
import type { Request } from "../rest/request.ts";
import type { Result } from "../rest/result.ts";
import type { Watcher } from "../rest/watcher.ts";
import type { RestConfig } from "../rest/rest_config.ts";
import type { KubeList, KubeObject } from "../rest/types.ts";
import type {
  ApplyOptions,
  CallOptions,
  CreateOptions,
  DeleteOptions,
  GetOptions,
  ListOptions,
  PatchData,
  PatchOptions,
  PatchType,
  PodLogOptions,
  UpdateOptions,
  WatchOptions,
} from "../meta/options.ts";
import { listItems, listPages, type ListPagesOptions } from "./pager.ts";
import type { ApplyConfiguration, PatchBody, RawPatch } from "../meta/patch.ts";
import type { Stored, StoredList } from "../meta/stored.ts";
import { podStreams } from "./pod_streams.ts";
import {
  callParams,
  deleteBody,
  groupVersionRestClient,
  listParams,
  requireName,
} from "./_request_params.ts";
import type { ExecOptions, RemoteCommandSession, StreamOptions } from "../rest/remote_command.ts";
import type {
  PortForwarder,
  PortForwardOptions,
  PortForwardStream,
  PortForwardStreamOptions,
} from "../rest/port_forward.ts";
export type { AttachSubresource, ExecSubresource, PortForwardSubresource } from "./pod_streams.ts";

export type { ApplyConfiguration, PatchBody, RawPatch, Stored, StoredList };

export type { ClientOptions, KubeList, KubeObject, RESTClient, Watcher };

/** What a resource client is for: the resource's group, version, plural name, kind and scope. */
export interface ResourceInfo {
  /** API group ("" for the core group). */
  group: string;
  /** API version ("v1"). */
  version: string;
  /** Plural lower-case resource name ("deployments"). */
  resource: string;
  /** Kind of its objects ("Deployment"); "" when unknown (dynamic client). */
  kind: string;
  /** Whether objects live in namespaces. */
  namespaced: boolean;
}

/** A REST configuration, or a REST client already made for the group-version. */
export type ClientConfig = RestConfig | RESTClient;

/**
 * The verbs of a resource (client-go's generated `<Kind>Interface`, without subresources). Requests
 * take `T` (every field optional, as the spec has it); answers are {@linkcode Stored}: `apiVersion`,
 * `kind` and the metadata the server sets are present, and `metadata.namespace` too when
 * `Namespaced` is true.
 */
export interface ResourceClient<
  T extends KubeObject,
  L extends KubeList<T> = KubeList<T>,
  Namespaced extends boolean = boolean,
> {
  /** The resource this client is for. */
  readonly info: ResourceInfo;
  /** Reads one object (GET). */
  get(name: string, options?: GetOptions): Promise<Stored<T, Namespaced>>;
  /** Lists objects (one page when `limit` is set; see `listPages` and `listItems`). */
  list(options?: ListOptions): Promise<StoredList<L, T, Namespaced>>;
  /**
   * Lists page by page (default page size 500), following continue tokens; an expired continue
   * token falls back to one full list.
   */
  listPages(options?: ListPagesOptions): AsyncIterable<StoredList<L, T, Namespaced>>;
  /** Every object of the list, fetched page by page; each object is yielded once. */
  listItems(options?: ListPagesOptions): AsyncIterable<Stored<T, Namespaced>>;
  /**
   * Starts a watch. The watcher is an async iterable of events; `stop()` (or `await using`) ends it.
   */
  watch(options?: WatchOptions): Promise<Watcher<Stored<T, Namespaced>>>;
  /** Creates an object (POST). */
  create(obj: T, options?: CreateOptions): Promise<Stored<T, Namespaced>>;
  /** Replaces an object (PUT); fails with 409 Conflict if its resourceVersion is stale. */
  update(obj: T, options?: UpdateOptions): Promise<Stored<T, Namespaced>>;
  /**
   * Patches an object. The body is typed by the patch type: JSON patch operations for "json", a
   * partial object for "merge" and "strategic" (`null` deletes a field), an apply configuration for
   * "apply"; text or bytes are sent as they are.
   */
  patch<P extends PatchType>(
    name: string,
    patchType: P,
    data: PatchBody<T, P> | RawPatch,
    options?: PatchOptions,
  ): Promise<Stored<T, Namespaced>>;
  /** Server-side apply: the fields `obj` names become owned by `options.fieldManager`. */
  apply(obj: ApplyConfiguration<T>, options: ApplyOptions): Promise<Stored<T, Namespaced>>;
  /** Deletes an object. */
  delete(name: string, options?: DeleteOptions): Promise<void>;
  /** Deletes every object the list options select. */
  deleteCollection(options?: DeleteOptions, listOptions?: ListOptions): Promise<void>;
}

/** The status subresource: write `.status` without touching `.spec`. */
export interface StatusSubresource<T, Namespaced extends boolean = boolean> {
  /** Replaces the object's status (PUT .../status). */
  updateStatus(obj: T, options?: UpdateOptions): Promise<Stored<T, Namespaced>>;
  /** Server-side apply of the status (PATCH .../status). */
  applyStatus(obj: ApplyConfiguration<T>, options: ApplyOptions): Promise<Stored<T, Namespaced>>;
  /** Patches the status (PATCH .../status), the body typed by the patch type as in `patch`. */
  patchStatus<P extends PatchType>(
    name: string,
    patchType: P,
    data: PatchBody<T, P> | RawPatch,
    options?: PatchOptions,
  ): Promise<Stored<T, Namespaced>>;
}

/** The scale subresource (autoscaling/v1 Scale). */
export interface ScaleSubresource<S> {
  /** Reads the scale (GET .../scale). */
  getScale(name: string, options?: GetOptions): Promise<S>;
  /** Replaces the scale (PUT .../scale). */
  updateScale(name: string, scale: S, options?: UpdateOptions): Promise<S>;
  /** Server-side apply of the scale (PATCH .../scale). */
  applyScale(name: string, scale: ApplyConfiguration<S>, options: ApplyOptions): Promise<S>;
}

/** The eviction subresource of pods (policy/v1 Eviction). */
export interface EvictionSubresource<E> {
  /** Evicts the pod `eviction.metadata.name` (POST .../eviction), honouring disruption budgets. */
  evict(eviction: E, options?: CreateOptions): Promise<void>;
}

/** The binding subresource of pods (core/v1 Binding). */
export interface BindingSubresource<B> {
  /** Binds the pod `binding.metadata.name` to a node (POST .../binding). */
  bind(binding: B, options?: CreateOptions): Promise<void>;
}

/** The log subresource of pods. */
export interface LogSubresource {
  /** The container log as text (GET .../log). */
  getLogs(name: string, options?: PodLogOptions): Promise<string>;
  /** The container log as a text stream (with `follow: true`, it stays open until aborted). */
  streamLogs(name: string, options?: PodLogOptions): Promise<ReadableStream<string>>;
}

/** The token subresource of service accounts (authentication/v1 TokenRequest). */
export interface TokenSubresource<R> {
  /** Requests a token for the service account `name` (POST .../token). */
  createToken(name: string, request: R, options?: CreateOptions): Promise<R>;
}

/** The ephemeralcontainers subresource of pods. */
export interface EphemeralContainersSubresource<T> {
  /** Replaces the pod's ephemeral containers (PUT .../ephemeralcontainers). */
  updateEphemeralContainers(name: string, obj: T, options?: UpdateOptions): Promise<T>;
}

/** The resize subresource of pods (in-place resource changes). */
export interface ResizeSubresource<T> {
  /** Changes the pod's container resources (PUT .../resize). */
  updateResize(name: string, obj: T, options?: UpdateOptions): Promise<T>;
}

/** The finalize subresource of namespaces. */
export interface FinalizeSubresource<T> {
  /** Replaces the namespace's `spec.finalizers` (PUT .../finalize). */
  finalize(obj: T, options?: UpdateOptions): Promise<T>;
}

/** The approval subresource of certificate signing requests. */
export interface ApprovalSubresource<T> {
  /** Replaces the request's approval conditions (PUT .../approval). */
  updateApproval(name: string, obj: T, options?: UpdateOptions): Promise<T>;
}

function isRestClient(config: ClientConfig): config is RESTClient {
  return typeof (config as Partial<RESTClient>).verb === "function";
}

/**
 * The REST client of a group-version: made from a configuration ("/api" for the core group,
 * "/apis/<group>" otherwise), or the given REST client itself.
 *
 * @example
 * ```ts
 * import { restClientForGroupVersion } from "@kubeweb/client/clientset";
 * import type { RestConfig } from "@kubeweb/client/rest";
 *
 * declare const config: RestConfig;
 * const apps = restClientForGroupVersion(config, "apps", "v1");
 * ```
 */
export function restClientForGroupVersion(
  config: ClientConfig,
  group: string,
  version: string,
  options: ClientOptions = {},
): RESTClient {
  if (isRestClient(config)) return config;
  return groupVersionRestClient(config, group, version, options);
}

function writeParams(r: Request, options: CreateOptions & PatchOptions): Request {
  for (const d of options.dryRun ?? []) r.param("dryRun", d);
  return r.param("fieldManager", options.fieldManager)
    .param("fieldValidation", options.fieldValidation)
    .param("force", options.force);
}

/**
 * The implementation of {@linkcode ResourceClient} and every subresource interface for one
 * resource (and namespace). Typed clients expose the part of it their resource supports; subresource
 * methods are generic over their body type, which the typed client fixes.
 */
export class ResourceClientImpl<
  T extends KubeObject,
  L extends KubeList<T> = KubeList<T>,
  Namespaced extends boolean = boolean,
> implements ResourceClient<T, L, Namespaced>, StatusSubresource<T, Namespaced> {
  #rest: RESTClient;
  /** The resource this client is for. */
  readonly info: ResourceInfo;
  #namespace: string | undefined;
  #decorate: ((obj: T, list?: L) => T) | undefined;

  /**
   * Creates the client. `decorate` (used by the dynamic client) is applied to every object read,
   * with the list it came from for list items.
   */
  constructor(
    rest: RESTClient,
    info: ResourceInfo,
    namespace: string | undefined,
    decorate?: (obj: T, list?: L) => T,
  ) {
    this.#rest = rest;
    this.info = info;
    this.#namespace = info.namespaced ? namespace ?? "" : undefined;
    this.#decorate = decorate;
  }

  #request(r: Request, options: CallOptions, namespace?: string): Request {
    if (this.info.namespaced) r.namespace(namespace ?? this.#namespace);
    return callParams(r.resource(this.info.resource), options);
  }

  #namespaceOf(obj: KubeObject | undefined): string | undefined {
    return this.#namespace || obj?.metadata?.namespace || this.#namespace;
  }

  #withTypeMeta<O extends KubeObject>(obj: O): O {
    if (this.info.kind === "" || (obj.apiVersion !== undefined && obj.kind !== undefined)) return obj;
    const apiVersion = this.info.group === "" ? this.info.version : `${this.info.group}/${this.info.version}`;
    return { apiVersion, kind: this.info.kind, ...obj };
  }

  /** An object the server returned: it has its type and the server-set metadata. */
  #object(obj: T): Stored<T, Namespaced> {
    return (this.#decorate === undefined ? obj : this.#decorate(obj)) as Stored<T, Namespaced>;
  }

  /** Sends with `do()`, explaining a 404 for a group-version the server does not serve. */
  async #do(r: Request): Promise<Result> {
    try {
      return await r.do();
    } catch (e) {
      throw this.#explain(e);
    }
  }

  async #into<R>(r: Request): Promise<R> {
    return (await this.#do(r)).into<R>();
  }

  /** Sends and decodes while the answer arrives (lists: see `Request.into`). */
  async #streamInto<R>(r: Request): Promise<R> {
    try {
      return await r.into<R>();
    } catch (e) {
      throw this.#explain(e);
    }
  }

  /**
   * A 404 that names no object comes from the server's router: the group-version, or the resource
   * in it, is not served at all (a newer API on an older server). Say so.
   */
  #explain(e: unknown): unknown {
    if (!(e instanceof ApiError) || e.code !== 404) return e;
    if (!isUnexpectedServerError(e) && (e.details?.name || e.details?.kind)) return e;
    const { group, version, resource } = this.info;
    const gv = group === "" ? version : `${group}/${version}`;
    const message =
      `The server could not find the requested resource: it does not serve ${resource} in ${gv} ` +
      `(the API is missing from this server version, or not enabled)`;
    return new ApiError({ ...e.status, message }, {
      request: e.method !== undefined && e.path !== undefined ? { method: e.method, url: e.path } : undefined,
      cause: e,
    });
  }

  /** Reads one object (GET). */
  async get(name: string, options: GetOptions = {}): Promise<Stored<T, Namespaced>> {
    const r = this.#request(this.#rest.get(), options).name(requireName(name, "resource"))
      .param("resourceVersion", options.resourceVersion);
    return this.#object(await this.#into<T>(r));
  }

  /** Lists objects (one page when `limit` is set). */
  async list(options: ListOptions = {}): Promise<StoredList<L, T, Namespaced>> {
    const r = listParams(this.#request(this.#rest.get(), options), options);
    const list = await this.#streamInto<L>(r);
    if (this.#decorate !== undefined) {
      list.items = list.items.map((i) => this.#decorate!(i, list));
    } else if (this.info.kind !== "" && Array.isArray(list.items)) {
      // The server leaves apiVersion and kind out of list items but sends them on watch events: set
      // them, so an informer's cache holds one shape whichever way an object arrived.
      const apiVersion = this.info.group === ""
        ? this.info.version
        : `${this.info.group}/${this.info.version}`;
      const kind = this.info.kind;
      for (const item of list.items) {
        item.apiVersion ??= apiVersion;
        item.kind ??= kind;
      }
    }
    return list as unknown as StoredList<L, T, Namespaced>;
  }

  /** Lists page by page, following continue tokens (see {@linkcode listPages}). */
  listPages(options: ListPagesOptions = {}): AsyncIterable<StoredList<L, T, Namespaced>> {
    return listPages<StoredList<L, T, Namespaced>>((o) => this.list(o), options);
  }

  /** Every object of the list, fetched page by page; each object is yielded once. */
  listItems(options: ListPagesOptions = {}): AsyncIterable<Stored<T, Namespaced>> {
    return listItems<Stored<T, Namespaced>>((o) => this.list(o), options);
  }

  /** Starts a watch. */
  watch(options: WatchOptions = {}): Promise<Watcher<Stored<T, Namespaced>>> {
    const r = listParams(this.#request(this.#rest.get(), options), options);
    return r.watch<Stored<T, Namespaced>>().catch((e) => {
      throw this.#explain(e);
    });
  }

  /** Creates an object (POST). */
  async create(obj: T, options: CreateOptions = {}): Promise<Stored<T, Namespaced>> {
    const r = this.#request(this.#rest.post(), options, this.#namespaceOf(obj)).body(this.#withTypeMeta(obj));
    return this.#object(await this.#into<T>(writeParams(r, options)));
  }

  /** Replaces an object (PUT). */
  async update(obj: T, options: UpdateOptions = {}): Promise<Stored<T, Namespaced>> {
    const r = this.#request(this.#rest.put(), options, this.#namespaceOf(obj))
      .name(requireName(obj.metadata?.name, "object's")).body(this.#withTypeMeta(obj));
    return this.#object(await this.#into<T>(writeParams(r, options)));
  }

  /** Patches an object. */
  async patch<P extends PatchType>(
    name: string,
    patchType: P,
    data: PatchBody<T, P> | RawPatch,
    options: PatchOptions = {},
  ): Promise<Stored<T, Namespaced>> {
    return this.#object(await this.#patch(name, patchType, data as PatchData, options, undefined));
  }

  #patch<R>(
    name: string,
    patchType: PatchType,
    data: PatchData,
    options: PatchOptions,
    subresource: string | undefined,
    namespace?: string,
  ): Promise<R> {
    const r = this.#request(this.#rest.patch(patchType), options, namespace).name(
      requireName(name, "resource"),
    );
    if (subresource !== undefined) r.subResource(subresource);
    return this.#into<R>(writeParams(r.body(data), options));
  }

  #apply<R>(
    obj: KubeObject,
    options: ApplyOptions,
    subresource: string | undefined,
    name?: string,
  ): Promise<R> {
    if (!options?.fieldManager) throw new TypeError("Server-side apply needs options.fieldManager");
    return this.#patch<R>(
      name ?? requireName(obj.metadata?.name, "object's"),
      "apply",
      this.#withTypeMeta(obj),
      options,
      subresource,
      this.#namespaceOf(obj),
    );
  }

  /** Server-side apply. */
  async apply(obj: ApplyConfiguration<T>, options: ApplyOptions): Promise<Stored<T, Namespaced>> {
    return this.#object(await this.#apply<T>(obj as KubeObject, options, undefined));
  }

  /** Deletes an object. */
  async delete(name: string, options: DeleteOptions = {}): Promise<void> {
    const r = this.#request(this.#rest.delete(), options).name(requireName(name, "resource"));
    const body = deleteBody(options);
    if (body !== undefined) r.body(body);
    await this.#do(r);
  }

  /** Deletes every object the list options select. */
  async deleteCollection(options: DeleteOptions = {}, listOptions: ListOptions = {}): Promise<void> {
    const r = listParams(this.#request(this.#rest.delete(), options), listOptions);
    const body = deleteBody(options);
    if (body !== undefined) r.body(body);
    await this.#do(r);
  }

  /** Writes `obj` to the subresource `sub` of the object `name` (PUT or POST). */
  async #writeSub<R>(
    verb: "put" | "post",
    name: string,
    sub: string,
    obj: unknown,
    options: CreateOptions,
    ns?: string,
  ): Promise<R> {
    const r = this.#request(this.#rest[verb](), options, ns).name(requireName(name, "resource")).subResource(
      sub,
    );
    return await this.#into<R>(writeParams(r.body(obj as object), options));
  }

  #put<R>(name: string, sub: string, obj: unknown, options: UpdateOptions, ns?: string): Promise<R> {
    return this.#writeSub<R>("put", name, sub, obj, options, ns);
  }

  #post<R>(name: string, sub: string, obj: unknown, options: CreateOptions, ns?: string): Promise<R> {
    return this.#writeSub<R>("post", name, sub, obj, options, ns);
  }

  /** POSTs `obj` to the subresource `sub` of the object it names, in its namespace. */
  async #postNamed(sub: string, obj: unknown, options: CreateOptions): Promise<void> {
    const o = obj as KubeObject;
    await this.#post(requireName(o.metadata?.name, `${sub}'s`), sub, obj, options, this.#namespaceOf(o));
  }

  /** Replaces the object's status (PUT .../status). */
  async updateStatus(obj: T, options: UpdateOptions = {}): Promise<Stored<T, Namespaced>> {
    const name = requireName(obj.metadata?.name, "object's");
    return this.#object(
      await this.#put<T>(name, "status", this.#withTypeMeta(obj), options, this.#namespaceOf(obj)),
    );
  }

  /** Server-side apply of the status. */
  async applyStatus(obj: ApplyConfiguration<T>, options: ApplyOptions): Promise<Stored<T, Namespaced>> {
    return this.#object(await this.#apply<T>(obj as KubeObject, options, "status"));
  }

  /** Patches the status. */
  async patchStatus<P extends PatchType>(
    name: string,
    patchType: P,
    data: PatchBody<T, P> | RawPatch,
    options: PatchOptions = {},
  ): Promise<Stored<T, Namespaced>> {
    return this.#object(await this.#patch<T>(name, patchType, data as PatchData, options, "status"));
  }

  /** Reads the scale. */
  getScale<S>(name: string, options: GetOptions = {}): Promise<S> {
    const r = this.#request(this.#rest.get(), options).name(requireName(name, "resource")).subResource(
      "scale",
    )
      .param("resourceVersion", options.resourceVersion);
    return this.#into<S>(r);
  }

  /** Replaces the scale. */
  updateScale<S>(name: string, scale: S, options: UpdateOptions = {}): Promise<S> {
    return this.#put<S>(name, "scale", scale, options);
  }

  /** Server-side apply of the scale. */
  applyScale<S>(name: string, scale: ApplyConfiguration<NoInfer<S>>, options: ApplyOptions): Promise<S> {
    const obj = { apiVersion: "autoscaling/v1", kind: "Scale", ...(scale as KubeObject) };
    return this.#apply<S>(obj, options, "scale", name);
  }

  /** Evicts a pod. */
  evict<E>(eviction: E, options: CreateOptions = {}): Promise<void> {
    return this.#postNamed("eviction", eviction, options);
  }

  /** Binds a pod to a node. */
  bind<B>(binding: B, options: CreateOptions = {}): Promise<void> {
    return this.#postNamed("binding", binding, options);
  }

  #logRequest(name: string, options: PodLogOptions): Request {
    return this.#request(this.#rest.get(), options).name(requireName(name, "pod")).subResource("log")
      .param("container", options.container)
      .param("follow", options.follow)
      .param("previous", options.previous)
      .param("sinceSeconds", options.sinceSeconds)
      .param("sinceTime", options.sinceTime)
      .param("timestamps", options.timestamps)
      .param("tailLines", options.tailLines)
      .param("limitBytes", options.limitBytes)
      .param("insecureSkipTLSVerifyBackend", options.insecureSkipTLSVerifyBackend)
      .param("stream", options.stream);
  }

  /** The container log as text. */
  async getLogs(name: string, options: PodLogOptions = {}): Promise<string> {
    return (await this.#do(this.#logRequest(name, options))).text();
  }

  /** The container log as a text stream. */
  async streamLogs(name: string, options: PodLogOptions = {}): Promise<ReadableStream<string>> {
    const bytes = await this.#logRequest(name, options).stream().catch((e) => {
      throw this.#explain(e);
    });
    return bytes.pipeThrough(new TextDecoderStream());
  }

  /** Runs a command in a pod's container (pods/exec over WebSocket). */
  exec(name: string, options: ExecOptions): Promise<RemoteCommandSession> {
    return podStreams(this.#rest, this.#namespace ?? "").exec(name, options);
  }

  /** Attaches to a pod's container (pods/attach over WebSocket). */
  attach(name: string, options: StreamOptions = {}): Promise<RemoteCommandSession> {
    return podStreams(this.#rest, this.#namespace ?? "").attach(name, options);
  }

  /** Forwards a local TCP port to a pod's port (pods/portforward over WebSocket). */
  portForward(name: string, options: PortForwardOptions): Promise<PortForwarder> {
    return podStreams(this.#rest, this.#namespace ?? "").portForward(name, options);
  }

  /** One forwarded connection to a pod's port, as a byte stream pair. */
  portForwardStream(
    name: string,
    port: number,
    options: PortForwardStreamOptions = {},
  ): Promise<PortForwardStream> {
    return podStreams(this.#rest, this.#namespace ?? "").portForwardStream(name, port, options);
  }

  /** Requests a service account token. */
  createToken<R>(name: string, request: R, options: CreateOptions = {}): Promise<R> {
    const body = { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", ...(request as KubeObject) };
    return this.#post<R>(name, "token", body, options);
  }

  /** Replaces a pod's ephemeral containers. */
  async updateEphemeralContainers<P>(name: string, obj: P, options: UpdateOptions = {}): Promise<P> {
    return await this.#put<P>(name, "ephemeralcontainers", this.#withTypeMeta(obj as KubeObject), options);
  }

  /** Resizes a pod's containers. */
  async updateResize<P>(name: string, obj: P, options: UpdateOptions = {}): Promise<P> {
    return await this.#put<P>(name, "resize", this.#withTypeMeta(obj as KubeObject), options);
  }

  /** Replaces a namespace's finalizers. */
  async finalize<N>(obj: N, options: UpdateOptions = {}): Promise<N> {
    const o = obj as KubeObject;
    return await this.#put<N>(
      requireName(o.metadata?.name, "object's"),
      "finalize",
      this.#withTypeMeta(o),
      options,
    );
  }

  /** Replaces a certificate signing request's approval. */
  async updateApproval<C>(name: string, obj: C, options: UpdateOptions = {}): Promise<C> {
    return await this.#put<C>(name, "approval", this.#withTypeMeta(obj as KubeObject), options);
  }
}

/**
 * Creates the client of one resource (in one namespace for namespaced resources). Generated typed
 * clients call this; its result is assignable to the typed client of the resource.
 *
 * @example
 * ```ts
 * import { newResourceClient, restClientForGroupVersion } from "@kubeweb/client/clientset";
 * import type { RestConfig } from "@kubeweb/client/rest";
 *
 * declare const config: RestConfig;
 * const rest = restClientForGroupVersion(config, "apps", "v1");
 * const deployments = newResourceClient(rest, {
 *   group: "apps", version: "v1", resource: "deployments", kind: "Deployment", namespaced: true,
 * }, "default");
 * ```
 */
export function newResourceClient<
  T extends KubeObject,
  L extends KubeList<T> = KubeList<T>,
  Namespaced extends boolean = boolean,
>(
  rest: RESTClient,
  info: ResourceInfo,
  namespace?: string,
): ResourceClientImpl<T, L, Namespaced> {
  return new ResourceClientImpl<T, L, Namespaced>(rest, info, namespace);
}
