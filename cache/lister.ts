/**
 * Listers: read objects from an informer's indexer by name, namespace and label selector
 * (client-go's generated listers and `tools/cache/listers.go`).
 *
 * @module
 */
import { ApiError } from "../rest/errors.ts";
import type { KubeObject } from "../rest/types.ts";
import type { Indexer } from "./index.ts";
import { NAMESPACE_INDEX } from "./index.ts";
import { parseSelector, type Selector } from "./label_selector.ts";

/** A resource and its API group ("" for the core group), for NotFound errors. */
export interface GroupResource {
  /** The API group, "" for core. */
  group: string;
  /** The plural resource name, for example "pods". */
  resource: string;
}

/** Reads objects of one namespace from a cache. */
export interface NamespaceLister<T> {
  /** The objects of the namespace whose labels match `selector` (text or parsed; default everything). */
  list(selector?: Selector | string): T[];
  /** The object `name` of the namespace. Throws a NotFound {@linkcode ApiError} when it is not cached. */
  get(name: string): T;
}

/** Reads objects from a cache: client-go's `Lister`. */
export interface Lister<T> {
  /** All objects (every namespace) whose labels match `selector` (text or parsed; default everything). */
  list(selector?: Selector | string): T[];
  /**
   * The cluster-scoped object `name` (its key is the name). Throws a NotFound {@linkcode ApiError}
   * when it is not cached.
   */
  get(name: string): T;
  /** A lister restricted to namespace `namespace` ("" means all namespaces for `list`). */
  namespace(namespace: string): NamespaceLister<T>;
}

function toSelector(selector: Selector | string | undefined): Selector | undefined {
  if (selector === undefined) return undefined;
  const s = typeof selector === "string" ? parseSelector(selector) : selector;
  return s.empty() ? undefined : s;
}

function filter<T extends KubeObject>(items: T[], selector: Selector | undefined): T[] {
  if (selector === undefined) return items;
  const out: T[] = [];
  for (let i = 0; i < items.length; i++) {
    if (selector.matches(items[i].metadata?.labels)) out.push(items[i]);
  }
  return out;
}

function notFound(resource: GroupResource, name: string): ApiError {
  const qualified = resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
  const message = qualified ? `${qualified} "${name}" not found` : `"${name}" not found`;
  return new ApiError({
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    code: 404,
    reason: "NotFound",
    message,
    details: { name, group: resource.group, kind: resource.resource },
  });
}

class CacheNamespaceLister<T extends KubeObject> implements NamespaceLister<T> {
  #indexer: Indexer<T>;
  #namespace: string;
  #resource: GroupResource;

  constructor(indexer: Indexer<T>, namespace: string, resource: GroupResource) {
    this.#indexer = indexer;
    this.#namespace = namespace;
    this.#resource = resource;
  }

  list(selector?: Selector | string): T[] {
    const sel = toSelector(selector);
    const ns = this.#namespace;
    if (ns === "") return filter(this.#indexer.list(), sel);
    let items: T[];
    try {
      items = this.#indexer.byIndex(NAMESPACE_INDEX, ns);
    } catch {
      // No namespace index: scan everything.
      items = this.#indexer.list().filter((o) => (o.metadata?.namespace ?? "") === ns);
    }
    return filter(items, sel);
  }

  get(name: string): T {
    const key = this.#namespace ? this.#namespace + "/" + name : name;
    const obj = this.#indexer.getByKey(key);
    if (obj === undefined) throw notFound(this.#resource, name);
    return obj;
  }
}

class CacheLister<T extends KubeObject> implements Lister<T> {
  #indexer: Indexer<T>;
  #resource: GroupResource;

  constructor(indexer: Indexer<T>, resource: GroupResource) {
    this.#indexer = indexer;
    this.#resource = resource;
  }

  list(selector?: Selector | string): T[] {
    return filter(this.#indexer.list(), toSelector(selector));
  }

  get(name: string): T {
    const obj = this.#indexer.getByKey(name);
    if (obj === undefined) throw notFound(this.#resource, name);
    return obj;
  }

  namespace(namespace: string): NamespaceLister<T> {
    return new CacheNamespaceLister(this.#indexer, namespace, this.#resource);
  }
}

/**
 * Creates a {@linkcode Lister} over an indexer (usually `informer.getIndexer()`). `resource` names
 * the resource in NotFound errors: `{ group: "apps", resource: "deployments" }` or just "pods".
 * Namespace listing uses the {@linkcode NAMESPACE_INDEX} index when the indexer has it.
 *
 * @example
 * ```ts
 * import { newIndexer, newLister, metaNamespaceKeyFunc, metaNamespaceIndexFunc, NAMESPACE_INDEX } from "@kubeweb/client/cache";
 * import { isNotFound } from "@kubeweb/client/rest";
 *
 * const indexer = newIndexer(metaNamespaceKeyFunc, { [NAMESPACE_INDEX]: metaNamespaceIndexFunc });
 * indexer.add({ metadata: { namespace: "default", name: "web", labels: { app: "web" } } });
 * const pods = newLister(indexer, "pods");
 * console.log(pods.namespace("default").list("app=web").length); // 1
 * try {
 *   pods.namespace("default").get("nope");
 * } catch (e) {
 *   console.log(isNotFound(e)); // true
 * }
 * ```
 */
export function newLister<T extends KubeObject>(
  indexer: Indexer<T>,
  resource: GroupResource | string = "",
): Lister<T> {
  const gr = typeof resource === "string" ? { group: "", resource } : resource;
  return new CacheLister(indexer, gr);
}
