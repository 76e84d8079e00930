/**
 * {@linkcode CachedDiscoveryClient}: a discovery client that keeps the group list and each
 * group-version's resources in memory until {@linkcode CachedDiscoveryClient.invalidate} (client-go's
 * `discovery/cached/memory`), optionally for at most a time-to-live.
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import type { RESTClient } from "../rest/rest_client.ts";
import type { APIGroupList, APIResourceList, Info } from "../meta/v1/types.ts";
import type { CallOptions } from "../meta/options.ts";
import {
  type DiscoveryClient,
  fetchGroupsAndResources,
  type GroupsAndResources,
  preferredResources,
  type ResourceLists,
} from "./discovery_client.ts";

/** A discovery client with a cache. */
export interface CachedDiscoveryClient extends DiscoveryClient {
  /** Drops everything cached: the next calls ask the server again (client-go's `Invalidate`). */
  invalidate(): void;
  /** True when nothing served since the last `invalidate()` came from the cache (client-go's `Fresh`). */
  fresh(): boolean;
}

/** Options of {@linkcode newCachedDiscoveryClient}. */
export interface CachedDiscoveryOptions {
  /** How long an entry is used before it is fetched again (default: until `invalidate()`). */
  ttlMs?: number;
  /** The clock that ages entries (default: the real clock). */
  clock?: Clock;
}

interface Entry<T> {
  value: Promise<T>;
  at: number;
}

class CachedDiscoveryClientImpl implements CachedDiscoveryClient {
  #delegate: DiscoveryClient;
  #ttl: number | undefined;
  #clock: Clock;
  #groups: Entry<APIGroupList> | undefined;
  #resources = new Map<string, Entry<APIResourceList>>();
  #fresh = true;

  constructor(delegate: DiscoveryClient, options: CachedDiscoveryOptions) {
    this.#delegate = delegate;
    this.#ttl = options.ttlMs;
    this.#clock = options.clock ?? REAL_CLOCK;
  }

  get restClient(): RESTClient {
    return this.#delegate.restClient;
  }

  #valid<T>(e: Entry<T> | undefined): e is Entry<T> {
    return e !== undefined && (this.#ttl === undefined || this.#clock.now() - e.at < this.#ttl);
  }

  serverVersion(options?: CallOptions): Promise<Info> {
    return this.#delegate.serverVersion(options);
  }

  serverGroups(options?: CallOptions): Promise<APIGroupList> {
    const cached = this.#groups;
    if (this.#valid(cached)) {
      this.#fresh = false;
      return cached.value;
    }
    const entry: Entry<APIGroupList> = { value: this.#delegate.serverGroups(options), at: this.#clock.now() };
    this.#groups = entry;
    // Failures are not cached: the next call asks again.
    entry.value.catch(() => {
      if (this.#groups === entry) this.#groups = undefined;
    });
    return entry.value;
  }

  serverResourcesForGroupVersion(groupVersion: string, options?: CallOptions): Promise<APIResourceList> {
    const cached = this.#resources.get(groupVersion);
    if (this.#valid(cached)) {
      this.#fresh = false;
      return cached.value;
    }
    const entry: Entry<APIResourceList> = {
      value: this.#delegate.serverResourcesForGroupVersion(groupVersion, options),
      at: this.#clock.now(),
    };
    this.#resources.set(groupVersion, entry);
    entry.value.catch(() => {
      if (this.#resources.get(groupVersion) === entry) this.#resources.delete(groupVersion);
    });
    return entry.value;
  }

  serverGroupsAndResources(options?: CallOptions): Promise<GroupsAndResources> {
    return fetchGroupsAndResources(this, options);
  }

  async serverPreferredResources(options?: CallOptions): Promise<ResourceLists> {
    return preferredResources(await this.serverGroupsAndResources(options));
  }

  async serverPreferredNamespacedResources(options?: CallOptions): Promise<ResourceLists> {
    return preferredResources(await this.serverGroupsAndResources(options), true);
  }

  invalidate(): void {
    this.#groups = undefined;
    this.#resources.clear();
    this.#fresh = true;
  }

  fresh(): boolean {
    return this.#fresh;
  }
}

/**
 * Wraps a discovery client with an in-memory cache. Concurrent calls for the same document share one
 * request; failed requests are not cached.
 *
 * @example
 * ```ts
 * import { newCachedDiscoveryClient, newDiscoveryClient } from "@kubeweb/client/discovery";
 * import type { RestConfig } from "@kubeweb/client/rest";
 *
 * declare const config: RestConfig;
 * const discovery = newCachedDiscoveryClient(newDiscoveryClient(config));
 * await discovery.serverGroupsAndResources(); // asks the server
 * await discovery.serverGroupsAndResources(); // from the cache
 * discovery.invalidate(); // after installing a CRD
 * ```
 */
export function newCachedDiscoveryClient(
  delegate: DiscoveryClient,
  options: CachedDiscoveryOptions = {},
): CachedDiscoveryClient {
  return new CachedDiscoveryClientImpl(delegate, options);
}
