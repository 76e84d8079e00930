/**
 * The request handling of the fake API server: routing of REST paths to resources and verbs, and
 * the semantics of each verb (create, get, list, watch, update, patch, apply, delete,
 * deleteCollection, the status and scale subresources) over the {@linkcode Store}.
 *
 * @module
 */
import type { Clock } from "../_internal/clock.ts";
import { parseYaml } from "../_internal/deps.ts";
import { apiVersionOf, ResourceTable, type ServedResource, storageKey } from "./_resources.ts";
import { type Obj, Store } from "./_store.ts";
import {
  alreadyExists,
  badRequest,
  conflict,
  expired,
  invalid,
  methodNotAllowed,
  MODIFIED,
  notFound,
  pathNotFound,
  StatusError,
  statusError,
} from "./_status.ts";
import { nameRequired, nameRuleFor, validateName } from "./_validation.ts";
import { fieldMatcher, parseLabelSelector } from "./_selectors.ts";
import { jsonPatch, mergePatch, sortKeys } from "./_patch.ts";
import { strategicMergePatch } from "./_strategic_merge.ts";
import { applyConfiguration } from "./_apply.ts";
import { trackUpdate, type Writer } from "./_managed_fields.ts";
import { applyDefaults, ClusterIpAllocator, GENERATION_KINDS, prepareForCreate } from "./_defaulting.ts";
import { dropEmpty, withSkeleton } from "./_skeleton.ts";
import * as discovery from "./_discovery.ts";
import { openWatch } from "./_watch.ts";
import { crdServedResources } from "./_crd.ts";

/** A parsed request. */
export interface ApiRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string | undefined;
  signal?: AbortSignal;
}

/** Where a request goes. */
export interface Route {
  /** The verb in client-go's names (get, list, watch, create, update, patch, delete, deletecollection). */
  verb: string;
  resource?: ServedResource;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Set for discovery paths. */
  discovery?: () => unknown | undefined | Promise<unknown | undefined>;
}

/** Options of the API server. */
export interface ApiServerOptions {
  clock: Clock;
  historySize?: number;
  bookmarkIntervalMs?: number;
  random: () => number;
}

const NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

function jsonResponse(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** The answer to a StatusError. */
export function statusResponse(e: StatusError): Response {
  return jsonResponse(e.status, e.status.code ?? 500, e.headers);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

/** An apply body: JSON (which clients usually send) or YAML. */
function parseApplyBody(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return parseYaml(raw);
  }
}

/** A continue token as the etcd3 store writes it (JSON in unpadded base64url). */
function encodeContinue(rv: number, start: string): string {
  return btoa(JSON.stringify({ v: "meta.k8s.io/v1", rv, start })).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** A path outside every served group-version: the server's mux answers a plain-text 404. */
export class PlainNotFound extends Error {
  constructor() {
    super("404 page not found");
    this.name = "PlainNotFound";
  }
}

/** A Conflict naming the kind (the storage layer's precondition failures). */
function conflictKind(r: ServedResource, name: string, why: string): StatusError {
  return statusError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${r.kind} "${name}": ${why}`,
    r.group === "" ? { name, kind: r.kind } : { name, group: r.group, kind: r.kind },
  );
}

/** The fake API server. */
export class ApiServer {
  readonly store: Store;
  readonly table: ResourceTable = new ResourceTable();
  readonly clock: Clock;
  #ips = new ClusterIpAllocator();
  #random: () => number;
  #bookmarkIntervalMs: number;
  #watches = new Set<AbortController>();
  /** Called after each committed change (garbage collection hooks in here). */
  onChange: ((resource: ServedResource, type: string, obj: Obj) => void) | undefined;

  constructor(options: ApiServerOptions) {
    this.clock = options.clock;
    this.store = new Store({ historySize: options.historySize });
    this.#random = options.random;
    this.#bookmarkIntervalMs = options.bookmarkIntervalMs ?? 60_000;
  }

  #now(): string {
    return new Date(Math.floor(this.clock.now() / 1000) * 1000).toISOString().replace(".000Z", "Z");
  }

  #uid(): string {
    const h = () => Math.floor(this.#random() * 0x10000).toString(16).padStart(4, "0");
    return `${h()}${h()}-${h()}-4${h().slice(1)}-${(8 + Math.floor(this.#random() * 4)).toString(16)}${
      h().slice(1)
    }-${h()}${h()}${h()}`;
  }

  /** Routes a path; throws 404 for paths not served. */
  route(method: string, url: URL): Route {
    const parts = url.pathname.split("/").filter((p) => p !== "");
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === "api") {
      if (parts.length === 1) return { verb: "get", discovery: () => discovery.coreVersions() };
      group = "";
      version = parts[1];
      rest = parts.slice(2);
    } else if (parts[0] === "apis") {
      if (parts.length === 1) return { verb: "get", discovery: () => discovery.groupList(this.table) };
      if (parts.length === 2) return { verb: "get", discovery: () => discovery.group(this.table, parts[1]) };
      group = parts[1];
      version = parts[2];
      rest = parts.slice(3);
    } else if (parts[0] === "version" && parts.length === 1) {
      return {
        verb: "get",
        discovery: () => ({
          major: "1",
          minor: "36",
          gitVersion: "v1.36.0-fake",
          platform: "fake",
          goVersion: "",
          compiler: "",
          buildDate: "",
          gitCommit: "",
          gitTreeState: "",
        }),
      };
    } else throw pathNotFound();
    if (rest.length === 0) {
      return { verb: "get", discovery: () => discovery.resourceList(this.table, group, version) };
    }
    let watchPrefix = false;
    if (rest[0] === "watch") {
      watchPrefix = true;
      rest = rest.slice(1);
    }
    let namespace: string | undefined;
    if (rest[0] === "namespaces" && rest.length >= 3 && !["status", "finalize"].includes(rest[2])) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [resourceName, name, subresource, ...extra] = rest;
    const resource = this.table.get(group, version, resourceName);
    if (!this.table.all().some((r) => r.group === group && r.version === version)) throw new PlainNotFound();
    if (!resource || extra.length > 0) throw pathNotFound();
    if (namespace !== undefined && !resource.namespaced) throw pathNotFound();
    if (subresource !== undefined && !(subresource in resource.subresources)) throw pathNotFound();
    const watch = watchPrefix || ["true", "1"].includes(url.searchParams.get("watch") ?? "");
    let verb: string;
    const m = method.toUpperCase();
    if (name === undefined) {
      verb = m === "GET"
        ? (watch ? "watch" : "list")
        : m === "POST"
        ? "create"
        : m === "DELETE"
        ? "deletecollection"
        : "";
    } else {
      verb = m === "GET"
        ? (watch ? "watch" : "get")
        : m === "PUT"
        ? "update"
        : m === "PATCH"
        ? "patch"
        : m === "DELETE"
        ? "delete"
        : m === "POST" && subresource
        ? "create"
        : "";
    }
    const allowed = subresource === undefined ? resource.verbs : resource.subresources[subresource];
    if (verb === "" || !allowed.includes(verb === "watch" ? (subresource ? "get" : "watch") : verb)) {
      throw methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
    return { verb, resource, namespace, name, subresource };
  }

  /** Handles one request. */
  async handle(req: ApiRequest, route: Route): Promise<Response> {
    await Promise.resolve();
    if (route.discovery) {
      const doc = await route.discovery();
      if (doc === undefined) throw new PlainNotFound();
      return jsonResponse(doc);
    }
    const r = route.resource!;
    switch (route.verb) {
      case "get":
        return jsonResponse(this.#get(r, route));
      case "list":
        return jsonResponse(this.#list(r, route.namespace, req.url.searchParams));
      case "watch":
        return this.#watch(r, route.namespace, req.url.searchParams, req.signal);
      case "create":
        return jsonResponse(this.#create(r, route.namespace, this.#body(req), req), 201);
      case "update":
        return jsonResponse(this.#update(r, route, this.#body(req), req));
      case "patch":
        return this.#patch(r, route, req);
      case "delete":
        return this.#deleteResponse(r, route, req);
      case "deletecollection":
        return jsonResponse(this.#deleteCollection(r, route.namespace, req));
    }
    throw methodNotAllowed("the server does not allow this method on the requested resource");
  }

  #body(req: ApiRequest): Obj {
    if (req.body === undefined || req.body === "") throw badRequest("the body of the request was empty");
    try {
      const v = JSON.parse(req.body);
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
      return v;
    } catch {
      throw badRequest(
        `the object provided is unrecognized (must be of type ...): couldn't get version/kind; json parse error`,
      );
    }
  }

  /** Serves an object as the requested version (apiVersion and kind set). */
  serve(r: ServedResource, obj: Obj): Obj {
    const { metadata, ...rest } = obj;
    delete rest.apiVersion;
    delete rest.kind;
    return { kind: r.kind, apiVersion: apiVersionOf(r.group, r.version), metadata, ...rest };
  }

  #writer(r: ServedResource, req: ApiRequest, subresource: string | undefined): Writer {
    const q = req.url.searchParams.get("fieldManager");
    const ua = req.headers.get("user-agent") ?? "";
    const manager = q ?? (ua.split("/")[0].slice(0, 128) || "unknown");
    return {
      manager,
      apiVersion: apiVersionOf(r.group, r.version),
      time: this.#now(),
      subresource: subresource === "status" ? "status" : undefined,
      type: r.type ?? (r.custom ? `cr:${r.group}/${r.kind}` : undefined),
      hasStatus: "status" in r.subresources,
    };
  }

  #existing(r: ServedResource, namespace: string | undefined, name: string): Obj {
    const o = this.store.get(storageKey(r), namespace ?? "", name);
    if (o === undefined) throw notFound(r.group, r.resource, name);
    return o;
  }

  #get(r: ServedResource, route: Route): Obj {
    const o = this.#existing(r, route.namespace, route.name!);
    if (route.subresource === "scale") return this.#scaleOf(r, o);
    return this.serve(r, o);
  }

  #matcher(r: ServedResource, q: URLSearchParams): (o: Obj) => boolean {
    const ls = q.get("labelSelector") ?? "";
    const fs = q.get("fieldSelector") ?? "";
    const labels = parseLabelSelector(ls);
    const fields = fieldMatcher(fs, r, ls);
    return (o) => labels(o.metadata?.labels) && fields(o);
  }

  #list(r: ServedResource, namespace: string | undefined, q: URLSearchParams): Obj {
    const matches = this.#matcher(r, q);
    const rvParam = q.get("resourceVersion") ?? "";
    const match = q.get("resourceVersionMatch") ?? "";
    const limitText = q.get("limit");
    const cont = q.get("continue") ?? "";
    let limit = limitText === null ? 0 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 0) limit = 0;
    if (rvParam === "0" && cont === "") limit = 0; // served from the watch cache, which does not page
    let atRv = this.store.rv;
    let start = "";
    if (cont !== "") {
      if (rvParam !== "") throw badRequest("specifying resource version is not allowed when using continue");
      let token: { v?: string; rv?: number; start?: string };
      try {
        if (!/^[A-Za-z0-9_-]*$/.test(cont)) {
          const at = cont.search(/[^A-Za-z0-9_-]/);
          throw new Error(`illegal base64 data at input byte ${at}`);
        }
        token = JSON.parse(atob(cont.replace(/-/g, "+").replace(/_/g, "/")));
      } catch (e) {
        const why = e instanceof Error && e.message.startsWith("illegal base64")
          ? e.message
          : "illegal base64 data at input byte 0";
        throw badRequest(`invalid continue token: continue key is not valid: ${why}`);
      }
      if (token.v !== "meta.k8s.io/v1") {
        throw badRequest(
          `invalid continue token: continue key is not valid: server does not recognize this encoded version ${
            JSON.stringify(token.v ?? "")
          }`,
        );
      }
      if (typeof token.rv !== "number" || typeof token.start !== "string") {
        throw badRequest(
          "invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
        );
      }
      atRv = token.rv === -1 ? this.store.rv : token.rv;
      start = token.start;
      if (atRv < this.store.floor) {
        const e = expired(
          "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
        );
        e.status.metadata = { continue: encodeContinue(-1, start) };
        throw e;
      }
    } else if (match === "Exact") {
      atRv = Number(rvParam);
      if (atRv < this.store.floor) throw expired("The resourceVersion for the provided list is too old.");
    }
    const all = this.#listAt(r, namespace, atRv);
    const keyOf = (o: Obj) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;
    const candidates = all.filter((o) => keyOf(o) >= start);
    const selected: Obj[] = [];
    let next: string | undefined;
    let remaining = 0;
    for (let i = 0; i < candidates.length; i++) {
      if (!matches(candidates[i])) continue;
      if (limit > 0 && selected.length === limit) {
        next = keyOf(candidates[i]);
        remaining = candidates.slice(i).filter(matches).length;
        break;
      }
      selected.push(candidates[i]);
    }
    const metadata: Obj = { resourceVersion: String(atRv) };
    if (r.custom) metadata.continue = "";
    if (next !== undefined) {
      metadata.continue = encodeContinue(atRv, next);
      const noSelector = (q.get("labelSelector") ?? "") === "" && (q.get("fieldSelector") ?? "") === "";
      if (noSelector) metadata.remainingItemCount = remaining;
    }
    return {
      kind: `${r.kind}List`,
      apiVersion: apiVersionOf(r.group, r.version),
      metadata,
      items: selected.map((o) =>
        r.custom ? this.serve(r, o) : (({ apiVersion: _a, kind: _k, ...rest }) => rest)(o)
      ),
    };
  }

  #listAt(r: ServedResource, namespace: string | undefined, rv: number): Obj[] {
    if (rv >= this.store.rv) return this.store.list(storageKey(r), namespace);
    if (rv < this.store.floor) {
      throw expired(
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
      );
    }
    return this.store.listAt(storageKey(r), namespace, rv);
  }

  #watch(
    r: ServedResource,
    namespace: string | undefined,
    q: URLSearchParams,
    signal?: AbortSignal,
  ): Response {
    const matches = this.#matcher(r, q);
    const sendInitialEvents = q.get("sendInitialEvents") === "true";
    const allowBookmarks = q.get("allowWatchBookmarks") === "true";
    const rv = q.get("resourceVersion") ?? "";
    if (sendInitialEvents) {
      const causes = [];
      if (q.get("resourceVersionMatch") !== "NotOlderThan") {
        causes.push({
          reason: "FieldValueInvalid",
          message:
            'Invalid value: "": sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
          field: "resourceVersionMatch",
        });
      }
      if (causes.length > 0) throw invalid("meta.k8s.io", "ListOptions", "", causes);
    }
    if (rv !== "" && !/^\d+$/.test(rv)) {
      throw new StatusError({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: `resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${
          JSON.stringify(rv)
        }: invalid syntax`,
        code: 500,
      });
    }
    const t = q.get("timeoutSeconds");
    const ac = new AbortController();
    this.#watches.add(ac);
    signal?.addEventListener("abort", () => ac.abort(), { once: true });
    return openWatch(this.store, this.clock, {
      key: storageKey(r),
      namespace,
      matches,
      serve: (o) => this.serve(r, o),
      resourceVersion: rv,
      sendInitialEvents,
      allowBookmarks,
      timeoutMs: t === null ? undefined : Number(t) * 1000,
      bookmarkIntervalMs: this.#bookmarkIntervalMs,
      signal: ac.signal,
      kind: r.kind,
      apiVersion: apiVersionOf(r.group, r.version),
    }, () => this.#watches.delete(ac));
  }

  /** Ends every open watch (fault injection, close). */
  dropWatches(filter?: (key: string) => boolean): void {
    void filter;
    for (const ac of [...this.#watches]) ac.abort();
  }

  #checkIdentity(r: ServedResource, namespace: string | undefined, obj: Obj): void {
    const apiVersion = apiVersionOf(r.group, r.version);
    if (obj.apiVersion !== undefined && obj.apiVersion !== "" && obj.apiVersion !== apiVersion) {
      throw badRequest(
        `${r.kind} in version ${JSON.stringify(r.version)} cannot be handled as a ${r.kind}: no kind ${
          JSON.stringify(r.kind)
        } is registered for version ${
          JSON.stringify(obj.apiVersion)
        } in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"`,
      );
    }
    if (obj.kind !== undefined && obj.kind !== "" && obj.kind !== r.kind) {
      throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${r.kind})`);
    }
    obj.metadata ??= {};
    if (r.namespaced) {
      const ns = obj.metadata.namespace;
      if (ns !== undefined && ns !== "" && ns !== namespace) {
        throw badRequest(
          "the namespace of the provided object does not match the namespace sent on the request",
        );
      }
      obj.metadata.namespace = namespace;
    } else delete obj.metadata.namespace;
  }

  #requireNamespace(r: ServedResource, namespace: string | undefined, name: string): void {
    if (!r.namespaced) return;
    const ns = this.store.get("/namespaces", "", namespace ?? "");
    if (ns === undefined) throw notFound("", "namespaces", namespace ?? "");
    if (ns.metadata.deletionTimestamp !== undefined) {
      throw statusError(
        403,
        "Forbidden",
        `${
          r.group === "" ? r.resource : `${r.resource}.${r.group}`
        } "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        {
          name,
          group: r.group || undefined,
          kind: r.resource,
          causes: [{
            reason: "NamespaceTerminating",
            message: `namespace ${namespace} is being terminated`,
            field: "metadata.namespace",
          }],
        },
      );
    }
  }

  #validate(r: ServedResource, obj: Obj): void {
    const name = obj.metadata.name;
    const causes = validateName(name, nameRuleFor(r.resource));
    if (causes.length > 0) throw invalid(r.group, r.kind, name, causes);
  }

  /** Creates an object (also used by seeding and apply). */
  #create(
    r: ServedResource,
    namespace: string | undefined,
    body: Obj,
    req: ApiRequest | undefined,
    managedFields?: unknown[],
  ): Obj {
    const obj = structuredClone(body);
    this.#checkIdentity(r, namespace, obj);
    const meta = obj.metadata;
    if (!meta.name) {
      if (meta.generateName) {
        let suffix = "";
        for (let i = 0; i < 5; i++) suffix += NAME_CHARS[Math.floor(this.#random() * NAME_CHARS.length)];
        meta.name = `${meta.generateName}${suffix}`;
      } else throw invalid(r.group, r.kind, "", [nameRequired()]);
    }
    this.#validate(r, obj);
    this.#requireNamespace(r, namespace, meta.name);
    const existing = this.store.get(storageKey(r), meta.namespace ?? "", meta.name);
    if (existing !== undefined) {
      const e = alreadyExists(r.group, r.resource, meta.name);
      if (existing.metadata.deletionTimestamp !== undefined) {
        e.status.message = `object is being deleted: ${e.status.message}`;
      }
      throw e;
    }
    delete obj.apiVersion;
    delete obj.kind;
    if (!r.custom) {
      applyDefaults(r.group, r.kind, obj, true);
      dropEmpty(obj, r.type);
    }
    if (managedFields !== undefined) meta.managedFields = managedFields;
    else if (req) trackUpdate(undefined, obj, this.#writer(r, req, undefined));
    if (!r.custom) withSkeleton(obj, r.type);
    else if ("status" in r.subresources) delete obj.status;
    meta.uid = this.#uid();
    meta.creationTimestamp = this.#now();
    if (!r.custom) prepareForCreate(r.group, r.kind, obj);
    if (r.group === "" && r.kind === "Service") this.#allocateIp(obj);
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (GENERATION_KINDS.has(`${r.group}/${r.kind}`) || r.custom) meta.generation = 1;
    else delete meta.generation;
    if (r.group === "apiextensions.k8s.io" && r.kind === "CustomResourceDefinition") this.#crdAccepted(obj);
    const stored = this.store.put(storageKey(r), obj);
    this.#changed(r, "ADDED", stored);
    return this.serve(r, stored);
  }

  #allocateIp(obj: Obj): void {
    const spec = obj.spec;
    if (spec.type === "ExternalName") return;
    if (spec.clusterIP === "None") {
      spec.clusterIPs = ["None"];
    } else if (spec.clusterIP) {
      if (!this.#ips.claim(spec.clusterIP)) {
        throw invalid("", "Service", obj.metadata.name, [{
          reason: "FieldValueInvalid",
          message: `Invalid value: ${JSON.stringify(spec.clusterIP)}: provided IP is already allocated`,
          field: "spec.clusterIPs",
        }]);
      }
      spec.clusterIPs ??= [spec.clusterIP];
    } else {
      spec.clusterIP = this.#ips.allocate();
      spec.clusterIPs = [spec.clusterIP];
    }
    spec.ipFamilies ??= ["IPv4"];
    spec.ipFamilyPolicy ??= "SingleStack";
  }

  #changed(r: ServedResource, type: string, obj: Obj): void {
    if (r.group === "apiextensions.k8s.io" && r.kind === "CustomResourceDefinition") {
      for (const served of crdServedResources(obj)) {
        if (type === "DELETED") this.table.remove(served.group, served.version, served.resource);
        else this.table.add(served);
      }
    }
    this.onChange?.(r, type, obj);
  }

  #crdAccepted(obj: Obj): void {
    const names = obj.spec?.names ?? {};
    obj.status = {
      conditions: [
        {
          type: "NamesAccepted",
          status: "True",
          reason: "NoConflicts",
          message: "no conflicts found",
          lastTransitionTime: this.#now(),
        },
        {
          type: "Established",
          status: "True",
          reason: "InitialNamesAccepted",
          message: "the initial names have been accepted",
          lastTransitionTime: this.#now(),
        },
      ],
      acceptedNames: {
        plural: names.plural,
        singular: names.singular,
        kind: names.kind,
        listKind: names.listKind ?? `${names.kind}List`,
        ...(names.shortNames ? { shortNames: names.shortNames } : {}),
        ...(names.categories ? { categories: names.categories } : {}),
      },
      storedVersions: (obj.spec?.versions ?? []).filter((v: Obj) => v.storage).map((v: Obj) => v.name),
    };
  }

  /** Writes a changed object: the update path shared by update, patch, apply and the subresources. */
  #write(
    r: ServedResource,
    old: Obj,
    incoming: Obj,
    subresource: string | undefined,
    writer: Writer | undefined,
    track: boolean,
  ): Obj {
    const obj = structuredClone(incoming);
    const meta = obj.metadata ??= {};
    const name = old.metadata.name;
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    meta.name = name;
    if (r.namespaced) meta.namespace = old.metadata.namespace;
    if (
      meta.resourceVersion !== undefined && meta.resourceVersion !== "" &&
      meta.resourceVersion !== old.metadata.resourceVersion
    ) {
      throw conflict(r.group, r.resource, name, MODIFIED);
    }
    delete obj.apiVersion;
    delete obj.kind;
    const hasStatus = "status" in r.subresources;
    let next: Obj;
    if (subresource === "status") {
      next = structuredClone(old);
      if (obj.status === undefined) delete next.status;
      else next.status = obj.status;
      if (meta.managedFields !== undefined) next.metadata.managedFields = meta.managedFields;
    } else {
      next = obj;
      if (hasStatus) {
        if (old.status === undefined) delete next.status;
        else next.status = old.status;
      }
      meta.uid = old.metadata.uid;
      meta.creationTimestamp = old.metadata.creationTimestamp;
      if (old.metadata.deletionTimestamp !== undefined) {
        meta.deletionTimestamp = old.metadata.deletionTimestamp;
        meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
      } else {
        delete meta.deletionTimestamp;
        delete meta.deletionGracePeriodSeconds;
      }
      if (old.metadata.generation !== undefined) meta.generation = old.metadata.generation;
      else delete meta.generation;
      delete meta.selfLink;
      if (!r.custom) {
        applyDefaults(r.group, r.kind, next, false);
        dropEmpty(next, r.type);
        withSkeleton(next, r.type);
      }
      if (r.group === "apps" && r.kind === "DaemonSet") {
        const gen = Number(old.metadata.annotations?.["deprecated.daemonset.template.generation"] ?? "1");
        const bumped = !same(old.spec?.template, next.spec?.template) ? gen + 1 : gen;
        next.metadata.annotations = {
          ...next.metadata.annotations,
          "deprecated.daemonset.template.generation": String(bumped),
        };
      }
      if (r.group === "" && r.kind === "Service") {
        next.spec.clusterIP ??= old.spec?.clusterIP;
        next.spec.clusterIPs ??= old.spec?.clusterIPs;
        next.spec.ipFamilies ??= old.spec?.ipFamilies;
        next.spec.ipFamilyPolicy ??= old.spec?.ipFamilyPolicy;
      }
      if (r.group === "" && r.kind === "Namespace") {
        next.status = old.status;
        next.spec ??= old.spec;
      }
      this.#validate(r, next);
      if (old.metadata.deletionTimestamp !== undefined) {
        const added = (next.metadata.finalizers ?? []).filter((f: string) =>
          !(old.metadata.finalizers ?? []).includes(f)
        );
        if (added.length > 0) {
          const cause = {
            reason: "FieldValueForbidden",
            message:
              `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${
                added.map((f: string) => JSON.stringify(f)).join(", ")
              }}`,
            field: "metadata.finalizers",
          };
          // the server validates object metadata twice on update and reports the cause twice
          const e = invalid(r.group, r.kind, name, [cause, { ...cause }]);
          e.status.message = `${r.kind} "${name}" is invalid: ${cause.field}: ${cause.message}`;
          throw e;
        }
      }
      if (meta.generation !== undefined) {
        const strip = (o: Obj) => {
          const { metadata: _m, status: _s, ...rest } = o;
          return rest;
        };
        if (!same(strip(old), strip(next))) meta.generation = (old.metadata.generation ?? 0) + 1;
      }
    }
    if (track && writer) {
      if (incoming.metadata?.managedFields === undefined) {
        next.metadata.managedFields = old.metadata.managedFields;
      }
      trackUpdate(old, next, writer);
    }
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    if (next.metadata.managedFields === undefined) delete next.metadata.managedFields;
    if (same(old, next)) return this.serve(r, old); // a no-op write changes nothing, not even the resourceVersion
    if (next.metadata.deletionTimestamp !== undefined && (next.metadata.finalizers ?? []).length === 0) {
      const gone = this.store.remove(storageKey(r), old); // the DELETED event carries the last stored state
      this.#changed(r, "DELETED", gone);
      return this.serve(r, next);
    }
    const stored = this.store.put(storageKey(r), next);
    this.#changed(r, "MODIFIED", stored);
    return this.serve(r, stored);
  }

  #update(r: ServedResource, route: Route, body: Obj, req: ApiRequest): Obj {
    const missing = this.store.get(storageKey(r), route.namespace ?? "", route.name!) === undefined;
    const uid = body?.metadata?.uid;
    if (missing && typeof uid === "string" && uid !== "" && route.subresource === undefined) {
      // the storage layer checks the body's uid as a precondition before it finds nothing to update
      const key = `/registry/${
        r.group === "" || r.group.endsWith(".k8s.io") === false ? "" : `${r.group}/`
      }${r.resource}/${r.namespaced ? `${route.namespace}/` : ""}${route.name}`.replace(
        "/registry//",
        "/registry/",
      );
      throw conflict(
        r.group,
        r.resource,
        route.name!,
        `StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: ${uid}, UID in object meta: `,
      );
    }
    const old = this.#existing(r, route.namespace, route.name!);
    if (route.subresource === "scale") return this.#scaleWrite(r, old, body, req);
    this.#checkIdentity(r, route.namespace, body);
    return this.#write(r, old, body, route.subresource, this.#writer(r, req, route.subresource), true);
  }

  #patch(r: ServedResource, route: Route, req: ApiRequest): Response {
    const type = (req.headers.get("content-type") ?? "").split(";")[0].trim();
    const raw = req.body ?? "";
    let patch: unknown;
    try {
      patch = type === "application/apply-patch+yaml" ? parseApplyBody(raw) : JSON.parse(raw);
    } catch (e) {
      throw badRequest(`error decoding patch: ${e instanceof Error ? e.message : e}`);
    }
    const writer = this.#writer(r, req, route.subresource);
    if (type === "application/apply-patch+yaml") {
      if (!req.url.searchParams.get("fieldManager")) {
        throw invalid("meta.k8s.io", "PatchOptions", "", [{
          reason: "FieldValueRequired",
          message: "Required value: is required for apply patch",
          field: "fieldManager",
        }]);
      }
      const applied = patch as Obj;
      if (typeof applied !== "object" || applied === null) {
        throw badRequest("error decoding YAML: not an object");
      }
      const force = req.url.searchParams.get("force") === "true";
      const live = this.store.get(storageKey(r), route.namespace ?? "", route.name!);
      if (applied.metadata?.name !== undefined && applied.metadata.name !== route.name) {
        throw badRequest(
          `the name of the object (${applied.metadata.name}) does not match the name on the URL (${route.name})`,
        );
      }
      if (live === undefined) {
        if (route.subresource !== undefined) throw notFound(r.group, r.resource, route.name!);
        const next = applyConfiguration({
          live: undefined,
          applied: { ...applied, metadata: { ...applied.metadata, name: route.name } },
          force,
          writer,
        });
        const managed = next.metadata.managedFields;
        const body = { ...next, apiVersion: applied.apiVersion, kind: applied.kind };
        return jsonResponse(this.#create(r, route.namespace, body, req, managed), 201);
      }
      this.#checkIdentity(r, route.namespace, structuredClone(applied));
      const served = this.serve(r, live);
      const next = applyConfiguration({ live: served, applied, force, writer });
      return jsonResponse(this.#write(r, live, next, route.subresource, writer, false));
    }
    const old = this.#existing(r, route.namespace, route.name!);
    const current = route.subresource === "scale" ? this.#scaleOf(r, old) : this.serve(r, old);
    let next: Obj;
    if (type === "application/json-patch+json") next = jsonPatch(current, patch);
    else if (type === "application/merge-patch+json") next = mergePatch(current, patch);
    else if (type === "application/strategic-merge-patch+json") {
      if (r.custom || r.type === undefined) {
        throw statusError(
          415,
          "UnsupportedMediaType",
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
        );
      }
      next = strategicMergePatch(
        current,
        patch,
        route.subresource === "scale" ? "autoscaling.v1.Scale" : r.type,
      );
    } else {
      throw statusError(415, "UnsupportedMediaType", "415: Unsupported Media Type", {});
    }
    if (route.subresource === "scale") return jsonResponse(this.#scaleWrite(r, old, next, req));
    if (next?.metadata?.resourceVersion === undefined) {
      next.metadata ??= {};
      next.metadata.resourceVersion = old.metadata.resourceVersion;
    }
    return jsonResponse(this.#write(r, old, next, route.subresource, writer, true));
  }

  #scaleOf(_r: ServedResource, o: Obj): Obj {
    const spec = o.spec ?? {};
    const status = o.status ?? {};
    const selector = spec.selector?.matchLabels
      ? Object.entries(spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(",")
      : undefined;
    const scale: Obj = {
      kind: "Scale",
      apiVersion: "autoscaling/v1",
      metadata: {
        name: o.metadata.name,
        namespace: o.metadata.namespace,
        uid: o.metadata.uid,
        resourceVersion: o.metadata.resourceVersion,
        creationTimestamp: o.metadata.creationTimestamp,
      },
      spec: spec.replicas ? { replicas: spec.replicas } : {},
      status: { replicas: status.replicas ?? 0 },
    };
    if (selector !== undefined) scale.status.selector = selector;
    return scale;
  }

  #scaleWrite(r: ServedResource, old: Obj, body: Obj, req: ApiRequest): Obj {
    const rv = body.metadata?.resourceVersion;
    if (rv !== undefined && rv !== "" && rv !== old.metadata.resourceVersion) {
      throw conflict(r.group, r.resource, old.metadata.name, MODIFIED);
    }
    const replicas = body.spec?.replicas;
    if (typeof replicas !== "number" || replicas < 0) {
      throw invalid("autoscaling", "Scale", old.metadata.name, [{
        reason: "FieldValueInvalid",
        message: `Invalid value: ${replicas}: must be greater than or equal to 0`,
        field: "spec.replicas",
      }]);
    }
    const next = structuredClone(old);
    next.spec ??= {};
    next.spec.replicas = replicas;
    const out = this.#write(r, old, next, undefined, this.#writer(r, req, "scale"), true);
    const stored = this.store.get(storageKey(r), old.metadata.namespace ?? "", old.metadata.name);
    return this.#scaleOf(r, stored ?? out);
  }

  #deleteOptions(req: ApiRequest): Obj {
    const q = req.url.searchParams;
    let opts: Obj = {};
    if (req.body) {
      try {
        opts = JSON.parse(req.body);
      } catch {
        throw badRequest("the body of the request was not valid DeleteOptions");
      }
    }
    if (q.get("propagationPolicy")) opts.propagationPolicy = q.get("propagationPolicy");
    if (q.get("gracePeriodSeconds")) opts.gracePeriodSeconds = Number(q.get("gracePeriodSeconds"));
    return opts;
  }

  #deleteResponse(r: ServedResource, route: Route, req: ApiRequest): Response {
    const { obj, deleted } = this.deleteObject(r, route.namespace, route.name!, this.#deleteOptions(req));
    if (!deleted || (r.group === "" && r.kind === "Pod")) return jsonResponse(this.serve(r, obj));
    return jsonResponse({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Success",
      details: r.group === ""
        ? { name: obj.metadata.name, kind: r.resource, uid: obj.metadata.uid }
        : { name: obj.metadata.name, group: r.group, kind: r.resource, uid: obj.metadata.uid },
    });
  }

  /** Deletes one object with DeleteOptions; returns its final or pending state. */
  deleteObject(
    r: ServedResource,
    namespace: string | undefined,
    name: string,
    opts: Obj,
  ): { obj: Obj; deleted: boolean } {
    const old = this.#existing(r, namespace, name);
    const pre = opts.preconditions ?? {};
    if (pre.uid !== undefined && pre.uid !== old.metadata.uid) {
      throw conflictKind(
        r,
        name,
        `the UID in the precondition (${pre.uid}) does not match the UID in record (${old.metadata.uid}). The object might have been deleted and then recreated`,
      );
    }
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflictKind(
        r,
        name,
        `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${old.metadata.resourceVersion}). The object might have been modified`,
      );
    }
    const finalizers: string[] = [...(old.metadata.finalizers ?? [])];
    const policy = opts.propagationPolicy;
    if (old.metadata.deletionTimestamp === undefined) {
      if (policy === "Foreground" && !finalizers.includes("foregroundDeletion")) {
        finalizers.push("foregroundDeletion");
      }
      if ((policy === "Orphan" || opts.orphanDependents === true) && !finalizers.includes("orphan")) {
        finalizers.push("orphan");
      }
    }
    const isNamespace = r.group === "" && r.kind === "Namespace";
    if (finalizers.length > 0 || isNamespace) {
      if (old.metadata.deletionTimestamp !== undefined) return { obj: old, deleted: false };
      const next = structuredClone(old);
      next.metadata.deletionTimestamp = this.#now();
      if (!isNamespace) next.metadata.deletionGracePeriodSeconds = 0;
      if (finalizers.length > 0) next.metadata.finalizers = finalizers;
      if (isNamespace) next.status = { ...(next.status ?? {}), phase: "Terminating" };
      const stored = this.store.put(storageKey(r), next);
      this.#changed(r, "MODIFIED", stored);
      return { obj: stored, deleted: false };
    }
    if (r.group === "" && r.kind === "Pod") {
      // an unscheduled pod goes at once, answered with its graceful-deletion marks
      old.metadata.deletionTimestamp = this.#now();
      old.metadata.deletionGracePeriodSeconds = 0;
    }
    const gone = this.store.remove(storageKey(r), old);
    if (r.group === "" && r.kind === "Service" && old.spec?.clusterIP && old.spec.clusterIP !== "None") {
      this.#ips.release(old.spec.clusterIP);
    }
    this.#changed(r, "DELETED", gone);
    return { obj: gone, deleted: true };
  }

  /** Removes a terminating namespace's last finalizer (the namespace controller's final step). */
  finalizeNamespace(name: string): void {
    const r = this.table.get("", "v1", "namespaces")!;
    const ns = this.store.get("/namespaces", "", name);
    if (ns === undefined) return;
    const gone = this.store.remove("/namespaces", ns);
    this.#changed(r, "DELETED", gone);
  }

  #deleteCollection(r: ServedResource, namespace: string | undefined, req: ApiRequest): Obj {
    const q = req.url.searchParams;
    const matches = this.#matcher(r, q);
    const opts = this.#deleteOptions(req);
    const listRv = this.store.rv;
    const items: Obj[] = [];
    for (const o of this.store.list(storageKey(r), namespace)) {
      if (!matches(o)) continue;
      const { obj } = this.deleteObject(r, o.metadata.namespace, o.metadata.name, opts);
      items.push(r.custom ? this.serve(r, obj) : (({ apiVersion: _a, kind: _k, ...rest }) => rest)(obj));
    }
    return {
      kind: `${r.kind}List`,
      apiVersion: apiVersionOf(r.group, r.version),
      metadata: { resourceVersion: String(listRv) },
      items,
    };
  }

  /** Creates a seed object (no field manager, no request). */
  seed(obj: Obj): Obj {
    const apiVersion = obj.apiVersion;
    const kind = obj.kind;
    if (typeof apiVersion !== "string" || typeof kind !== "string") {
      throw new TypeError(`A seed object needs apiVersion and kind: ${JSON.stringify(obj).slice(0, 200)}`);
    }
    const r = this.table.byKind(apiVersion, kind);
    if (r === undefined) throw new TypeError(`The fake cluster serves no kind ${kind} in ${apiVersion}`);
    return this.#create(r, r.namespaced ? obj.metadata?.namespace ?? "default" : undefined, obj, undefined);
  }
}
