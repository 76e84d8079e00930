/**
 * {@linkcode DynamicClient}: every verb of the typed clients on any resource, named by group, version
 * and resource, with objects as plain JSON (client-go's `dynamic.Interface`).
 *
 * @module
 */
import type { RESTClient } from "../rest/rest_client.ts";
import type { RestConfig } from "../rest/rest_config.ts";
import type { ListMeta, ObjectMeta } from "../rest/types.ts";
import {
  type ClientOptions,
  type ResourceClient,
  ResourceClientImpl,
  restClientForGroupVersion,
  type ScaleSubresource,
  type StatusSubresource,
} from "../clientset/resource_client.ts";
import type { GroupVersionResource } from "../meta/group_version.ts";

/** An object of any kind as plain JSON (client-go's `unstructured.Unstructured`). */
export interface Unstructured {
  /** "v1", "apps/v1", "stable.example.com/v1". */
  apiVersion?: string;
  /** The kind ("ConfigMap"). */
  kind?: string;
  /** Object metadata. */
  metadata?: ObjectMeta;
  /** Any other field. */
  [field: string]: unknown;
}

/** A list of objects of any kind (client-go's `unstructured.UnstructuredList`). */
export interface UnstructuredList {
  /** The list's apiVersion. */
  apiVersion?: string;
  /** The list's kind ("ConfigMapList"). */
  kind?: string;
  /** List metadata (resourceVersion, continue). */
  metadata?: ListMeta;
  /** The objects; each has apiVersion and kind set from the list's. */
  items: Unstructured[];
}

/** The client of one resource (in one namespace, or across all): the verbs, status and scale. */
export type DynamicResourceClient =
  & ResourceClient<Unstructured, UnstructuredList>
  & StatusSubresource<Unstructured>
  & ScaleSubresource<Unstructured>;

/** A resource client that can be narrowed to a namespace (client-go's `NamespaceableResourceInterface`). */
export type NamespaceableResourceClient = DynamicResourceClient & {
  /** The same resource in a namespace. */
  namespace(namespace: string): DynamicResourceClient;
};

/** The dynamic client (client-go's `dynamic.Interface`). */
export interface DynamicClient {
  /**
   * The client of a resource. Without `.namespace(ns)` it addresses cluster-scoped resources, or
   * namespaced ones across all namespaces (list, watch).
   */
  resource(gvr: GroupVersionResource): NamespaceableResourceClient;
}

/** Sets the apiVersion and kind of list items from the list's (the server leaves them out). */
function decorate(obj: Unstructured, list?: UnstructuredList): Unstructured {
  if (list === undefined || (obj.apiVersion !== undefined && obj.kind !== undefined)) return obj;
  const kind = list.kind?.endsWith("List") ? list.kind.slice(0, -4) : undefined;
  return { apiVersion: list.apiVersion, kind, ...obj };
}

/**
 * Creates a dynamic client (client-go's `dynamic.NewForConfig`). REST clients are made per
 * group-version on first use and shared.
 *
 * @example
 * ```ts
 * import { newDynamicClient } from "@kubeweb/client/dynamic";
 * import type { RestConfig } from "@kubeweb/client/rest";
 *
 * declare const config: RestConfig;
 * const dynamic = newDynamicClient(config);
 * const crontabs = dynamic.resource({ group: "stable.example.com", version: "v1", resource: "crontabs" });
 * const list = await crontabs.namespace("default").list();
 * for (const ct of list.items) console.log(ct.metadata?.name, ct.spec);
 * ```
 */
export function newDynamicClient(config: RestConfig, options: ClientOptions = {}): DynamicClient {
  const rests = new Map<string, RESTClient>();
  const restFor = (group: string, version: string): RESTClient => {
    const key = `${group}/${version}`;
    let rest = rests.get(key);
    if (rest === undefined) rests.set(key, rest = restClientForGroupVersion(config, group, version, options));
    return rest;
  };
  return {
    resource(gvr: GroupVersionResource): NamespaceableResourceClient {
      if (!gvr.version || !gvr.resource) {
        throw new TypeError("A dynamic resource needs a version and a resource");
      }
      const rest = restFor(gvr.group, gvr.version);
      const info = { group: gvr.group, version: gvr.version, resource: gvr.resource, kind: "" };
      const all = new ResourceClientImpl<Unstructured, UnstructuredList>(
        rest,
        { ...info, namespaced: false },
        undefined,
        decorate,
      );
      return Object.assign(all, {
        namespace: (namespace: string): DynamicResourceClient =>
          new ResourceClientImpl<Unstructured, UnstructuredList>(
            rest,
            { ...info, namespaced: namespace !== "" },
            namespace,
            decorate,
          ),
      });
    },
  };
}
