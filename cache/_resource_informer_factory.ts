/**
 * The informer factory over a client of any resource, which the dynamic and the metadata informer
 * factories configure with their client; and the lifecycle every factory delegates to its
 * {@linkcode InformerSet}.
 *
 * @module
 */
import type { GroupVersionResource } from "../meta/group_version.ts";
import type { KubeObject } from "../rest/types.ts";
import type { GenericInformer, InformerFactory, SharedInformerFactoryOptions } from "./informer_factory.ts";
import type { ListWatchClient } from "./listwatch.ts";
import { InformerSet } from "./_informer_set.ts";

/**
 * A factory's `start`, `waitForCacheSync` and `shutDown` (with its aliases), delegated to the
 * factory's informer set; subclasses give `forResource`.
 */
export abstract class InformerSetFactory<T extends KubeObject> implements InformerFactory<T> {
  #set: InformerSet;

  constructor(resyncMs: number, options: SharedInformerFactoryOptions) {
    this.#set = new InformerSet(resyncMs, options);
  }

  /** The factory's informers (a getter, so that a factory object has no own property for it). */
  protected get informers(): InformerSet {
    return this.#set;
  }

  abstract forResource(gvr: GroupVersionResource): GenericInformer<T>;

  start(signal: AbortSignal): void {
    this.#set.start(signal);
  }

  waitForCacheSync(signal?: AbortSignal): Promise<Record<string, true>> {
    return this.#set.waitForCacheSync(signal);
  }

  shutDown(): Promise<void> {
    return this.#set.shutDown();
  }

  shutdown(): Promise<void> {
    return this.#set.shutDown();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.#set.shutDown();
  }
}

/** A client of any resource, cluster-wide or in one namespace: the dynamic and the metadata clients. */
export interface AnyResourceClient<T> {
  /** The list-watch client of a resource, cluster-wide; `.namespace(ns)` of one namespace. */
  resource(
    gvr: GroupVersionResource,
  ): ListWatchClient<T> & { namespace(namespace: string): ListWatchClient<T> };
}

/**
 * The factory of informers for any resource through `client`: each informer watches the namespace
 * of the options ("" or unset: all).
 */
export class ResourceInformerFactory<T extends KubeObject> extends InformerSetFactory<T> {
  #client: AnyResourceClient<T>;
  #options: SharedInformerFactoryOptions;

  constructor(client: AnyResourceClient<T>, resyncMs: number, options: SharedInformerFactoryOptions) {
    super(resyncMs, options);
    this.#client = client;
    this.#options = options;
  }

  forResource(gvr: GroupVersionResource): GenericInformer<T> {
    return this.informers.genericFor<T>(gvr, () => {
      const client = this.#client.resource({
        group: gvr.group,
        version: gvr.version,
        resource: gvr.resource,
      });
      const namespace = this.#options.namespace ?? "";
      return namespace === "" ? client : client.namespace(namespace);
    });
  }
}
