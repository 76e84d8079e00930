/**
 * What a reconciler receives and returns: {@linkcode ReconcileRequest}, {@linkcode ReconcileContext},
 * {@linkcode ReconcileResult}.
 *
 * @module
 */
import type { EventRecorder } from "../record/event_recorder.ts";
import type { Lister } from "../cache/lister.ts";
import type { KubeObject } from "../rest/types.ts";
import type { ControllerLogger } from "./logger.ts";

/** The object to reconcile, by namespace and name ("" namespace: cluster-scoped). */
export interface ReconcileRequest {
  /** The namespace ("" for a cluster-scoped object). */
  readonly namespace: string;
  /** The name. */
  readonly name: string;
}

/**
 * What a reconcile asks for next: nothing (`done`), to be reconciled again through the rate limiter
 * (`requeue`), or again after a delay (`requeueAfter`). Returning nothing means done.
 */
export type ReconcileResult =
  | { readonly requeue?: false; readonly requeueAfterMs?: undefined }
  | { readonly requeue: true; readonly requeueAfterMs?: undefined }
  | { readonly requeue?: boolean; readonly requeueAfterMs: number };

/**
 * The ready-made results: `DONE`, `REQUEUE` and `requeueAfter(ms)`.
 *
 * @example
 * ```ts
 * import { Result } from "@kubeweb/client/controller";
 *
 * console.log(Result.DONE, Result.REQUEUE, Result.requeueAfter(30_000));
 * ```
 */
export const Result: {
  /** Reconciled: forget the key's failures, do not requeue. */
  readonly DONE: ReconcileResult;
  /** Requeue through the rate limiter (the backoff grows as for an error, but nothing is logged). */
  readonly REQUEUE: ReconcileResult;
  /** Reconcile again after `ms` milliseconds (failures are forgotten). */
  requeueAfter(ms: number): ReconcileResult;
} = Object.freeze({
  DONE: Object.freeze({}),
  REQUEUE: Object.freeze({ requeue: true as const }),
  requeueAfter(ms: number): ReconcileResult {
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`requeueAfter needs a finite delay of 0 ms or more, got ${ms}`);
    }
    return { requeueAfterMs: ms };
  },
});

/** What a reconcile gets besides the request. */
export interface ReconcileContext<T extends KubeObject = KubeObject> {
  /**
   * Aborts when the reconcile must stop: the lease was lost (reason {@linkcode LeaseLostError}) or
   * the shutdown timeout passed. Reading it checks the lease on the monotonic clock first, so pass
   * `context.signal` to every write: a write started after the lease ran out is refused at once.
   */
  readonly signal: AbortSignal;
  /** The object from the cache, or undefined when it is gone (deleted). Do not modify it. */
  readonly object: T | undefined;
  /** The lister of the primary resource. */
  readonly lister: Lister<T>;
  /** A logger whose records carry the controller, the key and the reconcile id. */
  readonly log: ControllerLogger;
  /** An event recorder (drops events once the lease is lost). */
  readonly recorder: EventRecorder;
  /** A unique id of this reconcile, also in every log record. */
  readonly reconcileID: string;
  /** The controller's name. */
  readonly controller: string;
  /** Throws the signal's reason if the reconcile must stop (lease lost, shutdown timeout). */
  throwIfAborted(): void;
}

/** The function that makes the world match an object's spec. Throwing requeues through the rate limiter. */
export type Reconciler<T extends KubeObject = KubeObject> = (
  request: ReconcileRequest,
  context: ReconcileContext<T>,
) => Promise<ReconcileResult | void> | ReconcileResult | void;

/** The key of a request in the workqueue: `namespace/name`, or `name` when cluster-scoped. */
export function requestKey(request: ReconcileRequest): string {
  return request.namespace ? `${request.namespace}/${request.name}` : request.name;
}

/** The request of a workqueue key (the inverse of {@linkcode requestKey}). */
export function requestFromKey(key: string): ReconcileRequest {
  const i = key.indexOf("/");
  return i < 0 ? { namespace: "", name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
