/**
 * Group, version, resource and kind identifiers (apimachinery's `schema` package) and the parsing
 * of the strings users type for them ("apps/v1", "deployments.v1.apps", "deploy.apps").
 *
 * @module
 */

/** A group and version ("" group for the core API). */
export interface GroupVersion {
  /** API group ("" for the core group). */
  group: string;
  /** API version. */
  version: string;
}

/** A resource of a group-version (client-go's `schema.GroupVersionResource`). */
export interface GroupVersionResource extends GroupVersion {
  /** Plural lower-case resource name ("deployments"). */
  resource: string;
}

/** A kind of a group-version (client-go's `schema.GroupVersionKind`). */
export interface GroupVersionKind extends GroupVersion {
  /** The kind ("Deployment"). */
  kind: string;
}

/** A resource of a group, any version. */
export interface GroupResource {
  /** API group ("" for the core group). */
  group: string;
  /** Resource name. */
  resource: string;
}

/** A kind of a group, any version. */
export interface GroupKind {
  /** API group ("" for the core group). */
  group: string;
  /** The kind. */
  kind: string;
}

/**
 * Parses "apps/v1" into `{ group: "apps", version: "v1" }` and "v1" into the core group.
 *
 * @example
 * ```ts
 * import { parseGroupVersion } from "@kubeweb/client/meta";
 *
 * console.log(parseGroupVersion("rbac.authorization.k8s.io/v1")); // { group: "rbac.authorization.k8s.io", version: "v1" }
 * ```
 */
export function parseGroupVersion(groupVersion: string): GroupVersion {
  if (groupVersion === "" || groupVersion === "/") return { group: "", version: "" };
  const parts = groupVersion.split("/");
  if (parts.length === 1) return { group: "", version: parts[0] };
  if (parts.length === 2) return { group: parts[0], version: parts[1] };
  throw new TypeError(`Unexpected group version string "${groupVersion}"`);
}

/** "v1" for the core group, "<group>/<version>" otherwise. */
export function formatGroupVersion(gv: GroupVersion): string {
  return gv.group === "" ? gv.version : `${gv.group}/${gv.version}`;
}

/**
 * Parses "deployments.apps" (or "pods") into a group and resource: everything after the first dot
 * is the group.
 */
export function parseGroupResource(text: string): GroupResource {
  const dot = text.indexOf(".");
  return dot < 0
    ? { group: "", resource: text }
    : { group: text.slice(dot + 1), resource: text.slice(0, dot) };
}

/**
 * Parses a kubectl resource argument. "deployments.v1.apps" may name resource "deployments" of
 * apps/v1, or resource "deployments" of group "v1.apps": both readings are returned, the
 * fully-qualified one first when the middle part looks like a version (client-go's `ParseResourceArg`).
 *
 * @example
 * ```ts
 * import { parseResourceArg } from "@kubeweb/client/meta";
 *
 * const { gvr, gr } = parseResourceArg("deployments.v1.apps");
 * console.log(gvr); // { group: "apps", version: "v1", resource: "deployments" }
 * console.log(gr); // { group: "v1.apps", resource: "deployments" }
 * ```
 */
export function parseResourceArg(arg: string): { gvr?: GroupVersionResource; gr: GroupResource } {
  const gr = parseGroupResource(arg);
  const parts = arg.split(".");
  if (parts.length >= 3 && /^v\d+((alpha|beta)\d+)?$/.test(parts[1])) {
    return { gvr: { group: parts.slice(2).join("."), version: parts[1], resource: parts[0] }, gr };
  }
  return { gr };
}
