/**
 * Predicates: filters on informer events that drop the ones a controller need not react to
 * (controller-runtime's `predicate` package).
 *
 * @module
 */
import type { KubeObject } from "../rest/types.ts";

/**
 * Decides, per event, whether it should enqueue a reconcile. A missing method lets the event through.
 * Updates of the same resourceVersion (resyncs) pass unless a predicate drops them.
 */
export interface Predicate<T extends KubeObject = KubeObject> {
  /** An object was added. */
  create?(obj: T): boolean;
  /** An object changed from `oldObj` to `newObj`. */
  update?(oldObj: T, newObj: T): boolean;
  /** An object was deleted. */
  delete?(obj: T): boolean;
}

function sameRecord(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ak = Object.keys(a ?? {});
  const bk = Object.keys(b ?? {});
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (a![k] !== b?.[k]) return false;
  return true;
}

/**
 * Lets an update through only when `metadata.generation` changed (spec changes; status and metadata
 * changes do not bump it). Creates and deletes pass.
 *
 * @example
 * ```ts
 * import { generationChanged } from "@kubeweb/client/controller";
 *
 * console.log(generationChanged().update!({ metadata: { generation: 1 } }, { metadata: { generation: 2 } })); // true
 * ```
 */
export function generationChanged<T extends KubeObject = KubeObject>(): Predicate<T> {
  return { update: (o, n) => o.metadata?.generation !== n.metadata?.generation };
}

/**
 * Lets an update through only when the labels changed.
 *
 * @example
 * ```ts
 * import { labelsChanged } from "@kubeweb/client/controller";
 *
 * console.log(labelsChanged().update!({ metadata: { labels: { a: "1" } } }, { metadata: { labels: { a: "1" } } })); // false
 * ```
 */
export function labelsChanged<T extends KubeObject = KubeObject>(): Predicate<T> {
  return { update: (o, n) => !sameRecord(o.metadata?.labels, n.metadata?.labels) };
}

/**
 * Lets an update through only when the annotations changed.
 *
 * @example
 * ```ts
 * import { annotationsChanged } from "@kubeweb/client/controller";
 *
 * console.log(annotationsChanged().update!({ metadata: {} }, { metadata: { annotations: { a: "1" } } })); // true
 * ```
 */
export function annotationsChanged<T extends KubeObject = KubeObject>(): Predicate<T> {
  return { update: (o, n) => !sameRecord(o.metadata?.annotations, n.metadata?.annotations) };
}

/**
 * Lets an update through only when the resourceVersion changed: drops resyncs and relist re-deliveries.
 *
 * @example
 * ```ts
 * import { resourceVersionChanged } from "@kubeweb/client/controller";
 *
 * const p = resourceVersionChanged();
 * console.log(p.update!({ metadata: { resourceVersion: "7" } }, { metadata: { resourceVersion: "7" } })); // false
 * ```
 */
export function resourceVersionChanged<T extends KubeObject = KubeObject>(): Predicate<T> {
  return { update: (o, n) => o.metadata?.resourceVersion !== n.metadata?.resourceVersion };
}

/**
 * A predicate from one function applied to every event (to the new object of an update).
 *
 * @example
 * ```ts
 * import { predicate } from "@kubeweb/client/controller";
 *
 * const labelled = predicate((obj) => obj.metadata?.labels?.["app"] === "web");
 * console.log(labelled.create!({ metadata: { labels: { app: "web" } } })); // true
 * ```
 */
export function predicate<T extends KubeObject = KubeObject>(fn: (obj: T) => boolean): Predicate<T> {
  return { create: fn, update: (_, n) => fn(n), delete: fn };
}

/**
 * A predicate that lets an event through when any of `predicates` does (all of them, by contrast,
 * is what a list of predicates means).
 *
 * @example
 * ```ts
 * import { any, generationChanged, labelsChanged } from "@kubeweb/client/controller";
 *
 * const specOrLabels = any(generationChanged(), labelsChanged());
 * console.log(specOrLabels.update!({ metadata: { generation: 1 } }, { metadata: { generation: 1, labels: { a: "b" } } })); // true
 * ```
 */
export function any<T extends KubeObject = KubeObject>(...predicates: Predicate<T>[]): Predicate<T> {
  return {
    create: (obj) => predicates.some((p) => p.create?.(obj) ?? true),
    update: (o, n) => predicates.some((p) => p.update?.(o, n) ?? true),
    delete: (obj) => predicates.some((p) => p.delete?.(obj) ?? true),
  };
}

/** True when every predicate lets the event through (internal to the runtime). */
export function passes<T extends KubeObject>(
  predicates: readonly Predicate<T>[],
  event: "create" | "update" | "delete",
  obj: T,
  oldObj?: T,
): boolean {
  for (const p of predicates) {
    if (event === "create" && p.create && !p.create(obj)) return false;
    if (event === "update" && p.update && !p.update(oldObj!, obj)) return false;
    if (event === "delete" && p.delete && !p.delete(obj)) return false;
  }
  return true;
}
