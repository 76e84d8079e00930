/**
 * The resources the fake serves: the built-in table generated from the pinned spec, plus the
 * resources of CustomResourceDefinitions once they are created.
 *
 * @module
 */
import { RESOURCES } from "./_tables.ts";

/** A served resource. */
export interface ServedResource {
  /** API group ("" for core). */
  group: string;
  /** API version. */
  version: string;
  /** Plural name. */
  resource: string;
  /** Singular name (CRDs; "" for built-ins, as discovery of 1.20 answers). */
  singular: string;
  /** Kind. */
  kind: string;
  /** Namespaced or cluster-scoped. */
  namespaced: boolean;
  /** Verbs of the resource. */
  verbs: string[];
  /** Subresource -> verbs. */
  subresources: Record<string, string[]>;
  /** Schema key of the built-in type (undefined for custom resources). */
  type?: string;
  /** Short names (CRDs). */
  shortNames?: string[];
  /** Categories (CRDs). */
  categories?: string[];
  /** For custom resources: the CRD's scale subresource paths. */
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  /** True for the resources of a CRD. */
  custom?: boolean;
}

/** The storage identity of a resource: every version of one group/resource shares its objects. */
export function storageKey(r: { group: string; resource: string }): string {
  return `${r.group}/${r.resource}`;
}

/** The apiVersion of a group-version. */
export function apiVersionOf(group: string, version: string): string {
  return group === "" ? version : `${group}/${version}`;
}

/** Every resource served, by group/version/resource. */
export class ResourceTable {
  #byGvr = new Map<string, ServedResource>();

  /** The built-in table. */
  constructor() {
    for (const row of RESOURCES) this.add({ ...row, singular: "" });
  }

  /** Adds (or replaces) a resource. */
  add(r: ServedResource): void {
    this.#byGvr.set(`${r.group}/${r.version}/${r.resource}`, r);
  }

  /** Removes a resource. */
  remove(group: string, version: string, resource: string): void {
    this.#byGvr.delete(`${group}/${version}/${resource}`);
  }

  /** Looks a resource up. */
  get(group: string, version: string, resource: string): ServedResource | undefined {
    return this.#byGvr.get(`${group}/${version}/${resource}`);
  }

  /** The resource of a kind in a group-version. */
  byKind(apiVersion: string, kind: string): ServedResource | undefined {
    for (const r of this.#byGvr.values()) {
      if (apiVersionOf(r.group, r.version) === apiVersion && r.kind === kind) return r;
    }
    return undefined;
  }

  /** Every resource. */
  all(): ServedResource[] {
    return [...this.#byGvr.values()];
  }
}
