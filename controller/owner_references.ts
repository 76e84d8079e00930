/**
 * Owner references: the controller reference of an owner, set on and read from its children
 * (apimachinery's `metav1.NewControllerRef`, controller-runtime's `SetControllerReference`).
 *
 * @module
 */
import type { KubeObject, ObjectMeta } from "../rest/types.ts";
import { ControllerError } from "./controller_error.ts";

/** One entry of `metadata.ownerReferences`. */
export type OwnerReference = NonNullable<ObjectMeta["ownerReferences"]>[number];

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf("/");
  return i < 0 ? "" : apiVersion.slice(0, i);
}

/**
 * The controller reference to `owner`: its apiVersion, kind, name and uid, with `controller` and
 * `blockOwnerDeletion` true. Throws {@linkcode ControllerError} when the owner lacks any of them (an
 * object from the server or an informer has them all).
 *
 * @example
 * ```ts
 * import { controllerRefFor } from "@kubeweb/client/controller";
 *
 * const ref = controllerRefFor({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", uid: "u-1" } });
 * console.log(ref); // { apiVersion: "v1", kind: "ConfigMap", name: "a", uid: "u-1", controller: true, blockOwnerDeletion: true }
 * ```
 */
export function controllerRefFor(owner: KubeObject): OwnerReference {
  const { apiVersion, kind } = owner;
  const name = owner.metadata?.name;
  const uid = owner.metadata?.uid;
  const missing = [
    ["apiVersion", apiVersion],
    ["kind", kind],
    ["metadata.name", name],
    ["metadata.uid", uid],
  ].filter(([, v]) => !v).map(([k]) => k);
  if (missing.length > 0) {
    throw new ControllerError(`Cannot make a controller reference: the owner has no ${missing.join(", ")}`);
  }
  return {
    apiVersion: apiVersion!,
    kind: kind!,
    name: name!,
    uid: uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The controller reference among `obj`'s owner references, if any (apimachinery's `GetControllerOf`). */
export function getControllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/**
 * True when `child`'s controller reference names `owner` (same uid, or same group, kind and name
 * when the owner has no uid).
 *
 * @example
 * ```ts
 * import { controllerRefFor, isControlledBy } from "@kubeweb/client/controller";
 *
 * const owner = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", uid: "u-1" } };
 * console.log(isControlledBy({ metadata: { ownerReferences: [controllerRefFor(owner)] } }, owner)); // true
 * ```
 */
export function isControlledBy(child: KubeObject, owner: KubeObject): boolean {
  const ref = getControllerOf(child);
  if (!ref) return false;
  if (owner.metadata?.uid) return ref.uid === owner.metadata.uid;
  return ref.kind === owner.kind && ref.name === owner.metadata?.name &&
    groupOf(ref.apiVersion) === groupOf(owner.apiVersion ?? "");
}

/**
 * Sets `owner` as the controller of `child` (in place, and returns `child`): an existing reference
 * to the same owner is replaced; a controller reference to another owner is an error
 * ({@linkcode ControllerError}: the child is already controlled by someone else). Owner and child
 * must be in the same namespace, or the owner cluster-scoped.
 *
 * @example
 * ```ts
 * import { setControllerReference } from "@kubeweb/client/controller";
 *
 * const owner = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "ns", uid: "u-1" } };
 * const child = setControllerReference(owner, { metadata: { name: "a-mirror", namespace: "ns" } });
 * console.log(child.metadata.ownerReferences?.length); // 1
 * ```
 */
export function setControllerReference<C extends KubeObject & { metadata: ObjectMeta }>(
  owner: KubeObject,
  child: C,
): C & { metadata: { ownerReferences: OwnerReference[] } } {
  const ref = controllerRefFor(owner);
  const ownerNs = owner.metadata?.namespace ?? "";
  const childNs = child.metadata.namespace ?? "";
  if (ownerNs !== "" && ownerNs !== childNs) {
    throw new ControllerError(
      `Cannot set ${ref.kind} ${ownerNs}/${ref.name} as controller of an object in namespace "${childNs}": ` +
        "cross-namespace owner references are not allowed",
    );
  }
  const refs = child.metadata.ownerReferences ?? [];
  const current = refs.find((r) => r.controller === true);
  if (current && current.uid !== ref.uid) {
    throw new ControllerError(
      `Object ${childNs ? `${childNs}/` : ""}${child.metadata.name ?? ""} is already controlled by ` +
        `${current.kind} ${current.name}`,
    );
  }
  const sameOwner = (r: OwnerReference) =>
    r.uid === ref.uid ||
    (r.kind === ref.kind && r.name === ref.name && groupOf(r.apiVersion) === groupOf(ref.apiVersion));
  child.metadata.ownerReferences = [...refs.filter((r) => !sameOwner(r)), ref];
  return child as C & { metadata: { ownerReferences: OwnerReference[] } };
}
