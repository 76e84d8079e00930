/**
 * {@linkcode finalizer}: the finalizer helper (as kube-rs's `finalizer`): adds the controller's
 * finalizer before the first apply, runs cleanup once the object is being deleted, and removes the
 * finalizer after cleanup succeeded.
 *
 * @module
 */
import type { Clock } from "../_internal/clock.ts";
import { isNotFound } from "../rest/errors.ts";
import type { KubeObject } from "../rest/types.ts";
import { DEFAULT_RETRY } from "../retry/backoff.ts";
import { retryOnConflict } from "../retry/retry_on_conflict.ts";
import { ControllerError } from "./controller_error.ts";
import type { ReconcileResult } from "./reconcile.ts";

/** What the finalizer helper asks the handler to do. */
export type FinalizerEvent<T> =
  /** The object is live and carries the finalizer: make the world match it. */
  | { readonly type: "apply"; readonly object: T }
  /** The object is being deleted and still carries the finalizer: clean up what it owns outside the cluster. */
  | { readonly type: "cleanup"; readonly object: T };

/** The client calls the helper makes (any typed or dynamic resource client has them). */
export interface FinalizerClient<T> {
  /** Reads the object. */
  get(name: string, options?: { signal?: AbortSignal }): Promise<T>;
  /** Patches the object (the helper sends merge patches with the resourceVersion it read). */
  patch(name: string, patchType: "merge", data: object, options?: { signal?: AbortSignal }): Promise<T>;
}

/** Options of {@linkcode finalizer}. */
export interface FinalizerOptions<T> {
  /** The client of the object's resource, in its namespace. */
  client: FinalizerClient<T>;
  /** The finalizer's name, a qualified name such as `example.com/cleanup`. */
  name: string;
  /** The object, as the reconcile got it (from the cache). */
  object: T;
  /**
   * The reconcile's signal source: pass the reconcile context itself, so the lease is checked
   * before each write.
   */
  context?: { readonly signal: AbortSignal };
  /** Or a plain signal. */
  signal?: AbortSignal;
  /** The clock of the conflict retries (default: real). */
  clock?: Clock;
}

const QUALIFIED =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * Runs `handler` under a finalizer (kube-rs's `finalizer`):
 * - live object without the finalizer: adds it (a merge patch over the read resourceVersion,
 *   retried on Conflict), then calls `apply` with the patched object;
 * - live object with it: calls `apply`;
 * - object being deleted with the finalizer: calls `cleanup`, and when that resolves removes the
 *   finalizer (retried on Conflict; an object already gone counts as done);
 * - object being deleted without it: does nothing and returns done.
 *
 * Cleanup may run again if removing the finalizer fails (or the process dies in between): make it
 * idempotent. A failing handler leaves the finalizer in place; throw, and the key is retried.
 *
 * @example
 * ```ts
 * import { finalizer, type Reconciler, Result } from "@kubeweb/client/controller";
 * import type { ConfigMap, ConfigMapsClient } from "@kubeweb/client/clientset/core/v1";
 *
 * declare const configMaps: ConfigMapsClient;
 * declare function applyMirror(cm: ConfigMap): Promise<void>;
 * declare function deleteMirrors(cm: ConfigMap): Promise<void>;
 *
 * const reconcile: Reconciler<ConfigMap> = async (_request, context) => {
 *   if (!context.object) return Result.DONE; // gone: nothing left to finalize
 *   return await finalizer({ client: configMaps, name: "example.com/mirror", object: context.object, context }, async (event) => {
 *     if (event.type === "cleanup") await deleteMirrors(event.object);
 *     else await applyMirror(event.object);
 *     return Result.DONE;
 *   });
 * };
 * ```
 */
export async function finalizer<T extends KubeObject, R extends ReconcileResult | void>(
  options: FinalizerOptions<T>,
  handler: (event: FinalizerEvent<T>) => Promise<R> | R,
): Promise<R | ReconcileResult> {
  const { client, name } = options;
  if (typeof name !== "string" || !QUALIFIED.test(name) || name.length > 316) {
    throw new ControllerError(
      `Invalid finalizer name ${JSON.stringify(name)}: use a qualified name such as example.com/cleanup`,
    );
  }
  let object = options.object;
  const objName = object?.metadata?.name;
  if (!objName) throw new ControllerError("The finalizer helper needs an object with metadata.name");
  const signal = () => {
    const s = options.context?.signal ?? options.signal;
    s?.throwIfAborted();
    return s;
  };
  const has = (o: T) => (o.metadata?.finalizers ?? []).includes(name);
  const retry = { signal: options.context?.signal ?? options.signal, clock: options.clock };

  if (!object.metadata?.deletionTimestamp) {
    if (!has(object)) {
      let first = true;
      object = await retryOnConflict(DEFAULT_RETRY, async () => {
        const current = first ? object : await client.get(objName, { signal: signal() });
        first = false;
        if (has(current)) return current;
        if (current.metadata?.deletionTimestamp) return current;
        return await client.patch(objName, "merge", {
          metadata: {
            finalizers: [...(current.metadata?.finalizers ?? []), name],
            resourceVersion: current.metadata?.resourceVersion,
          },
        }, { signal: signal() });
      }, retry);
      if (object.metadata?.deletionTimestamp) return finalizer({ ...options, object }, handler);
    }
    return await handler({ type: "apply", object });
  }

  if (!has(object)) return {};
  const result = await handler({ type: "cleanup", object });
  let first = true;
  await retryOnConflict(DEFAULT_RETRY, async () => {
    let current: T;
    try {
      current = first ? object : await client.get(objName, { signal: signal() });
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    first = false;
    if (!has(current)) return;
    try {
      await client.patch(objName, "merge", {
        metadata: {
          finalizers: (current.metadata?.finalizers ?? []).filter((f) => f !== name),
          resourceVersion: current.metadata?.resourceVersion,
        },
      }, { signal: signal() });
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
  }, retry);
  return result;
}
