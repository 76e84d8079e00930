/**
 * Ready-made conditions for `waitFor`: deleted, Pod ready, Deployment rollout complete (as
 * `kubectl rollout status`), Job complete / failed / finished, CRD established, and any status
 * condition (as `kubectl wait --for=condition=...`).
 *
 * Each takes the object's current state (undefined: it does not exist) and returns true when the wait
 * is over, false to keep waiting, or throws {@linkcode WaitFailedError} when it can never be met.
 * They take typed objects and the dynamic client's unstructured objects alike.
 *
 * @module
 */
import { WaitFailedError } from "./wait_failed_error.ts";

/** A condition on an object's state; `undefined` means the object does not exist. */
export type WaitCondition<T> = (obj: T | undefined) => boolean;

interface StatusCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

// deno-lint-ignore no-explicit-any
type Loose = { metadata?: { name?: string; generation?: number }; spec?: any; status?: any };

function conditionsOf(obj: object): StatusCondition[] {
  const c = (obj as Loose).status?.conditions;
  return Array.isArray(c) ? c : [];
}

function condition(obj: object, type: string): StatusCondition | undefined {
  return conditionsOf(obj).find((c) => c?.type === type);
}

function nameOf(obj: object): string {
  return JSON.stringify((obj as Loose).metadata?.name ?? "");
}

function because(c: StatusCondition): string {
  return [c.reason, c.message].filter((p) => p).join(": ") || "no reason given";
}

/**
 * True once the object is gone (client-go's `kubectl wait --for=delete`).
 *
 * @example
 * ```ts
 * import { deleted } from "@kubeweb/client/tools";
 *
 * console.log(deleted(undefined), deleted({ metadata: { name: "web" } })); // true false
 * ```
 */
export function deleted(obj: object | undefined): boolean {
  return obj === undefined;
}

/**
 * A condition that is true once the object's status has the condition `type` with `status`
 * (default "True"), as `kubectl wait --for=condition=Type[=Status]`.
 *
 * @example
 * ```ts
 * import { hasCondition } from "@kubeweb/client/tools";
 *
 * const available = hasCondition("Available");
 * console.log(available({ status: { conditions: [{ type: "Available", status: "True" }] } })); // true
 * ```
 */
export function hasCondition(type: string, status: string = "True"): (obj: object | undefined) => boolean {
  const check = (obj: object | undefined): boolean =>
    obj !== undefined && condition(obj, type)?.status === status;
  Object.defineProperty(check, "name", { value: `hasCondition(${type}=${status})` });
  return check;
}

/**
 * True once the Pod's Ready condition is True. Throws {@linkcode WaitFailedError} when the Pod has
 * terminated (phase Succeeded or Failed): it will never be ready.
 *
 * @example
 * ```ts
 * import { podReady } from "@kubeweb/client/tools";
 *
 * console.log(podReady({ status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } })); // true
 * ```
 */
export function podReady(obj: object | undefined): boolean {
  if (obj === undefined) return false;
  if (condition(obj, "Ready")?.status === "True") return true;
  const phase = (obj as Loose).status?.phase;
  if (phase === "Succeeded" || phase === "Failed") {
    throw new WaitFailedError(`Pod ${nameOf(obj)} has terminated (phase ${phase}): it will never be ready`, {
      object: obj,
    });
  }
  return false;
}

/**
 * True once a Deployment's rollout is complete, by `kubectl rollout status`'s rules: the controller
 * has observed the latest generation, every replica is updated, no old replica is left and every
 * updated replica is available. Throws {@linkcode WaitFailedError} when the Progressing condition
 * says ProgressDeadlineExceeded.
 *
 * @example
 * ```ts
 * import { deploymentRolloutComplete } from "@kubeweb/client/tools";
 *
 * console.log(deploymentRolloutComplete({
 *   metadata: { generation: 2 }, spec: { replicas: 3 },
 *   status: { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 },
 * })); // true
 * ```
 */
export function deploymentRolloutComplete(obj: object | undefined): boolean {
  if (obj === undefined) return false;
  const d = obj as Loose;
  const status = d.status ?? {};
  if ((d.metadata?.generation ?? 0) > (status.observedGeneration ?? 0)) return false;
  const progressing = condition(obj, "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") {
    throw new WaitFailedError(`Deployment ${nameOf(obj)} exceeded its progress deadline`, { object: obj });
  }
  const updated = status.updatedReplicas ?? 0;
  if (typeof d.spec?.replicas === "number" && updated < d.spec.replicas) return false;
  if ((status.replicas ?? 0) > updated) return false;
  if ((status.availableReplicas ?? 0) < updated) return false;
  return true;
}

function jobState(obj: object): "Complete" | "Failed" | undefined {
  if (condition(obj, "Complete")?.status === "True") return "Complete";
  if (condition(obj, "Failed")?.status === "True") return "Failed";
  return undefined;
}

/**
 * True once the Job is Complete. Throws {@linkcode WaitFailedError} (with the reason and message of
 * its Failed condition) when it failed.
 *
 * @example
 * ```ts
 * import { jobComplete } from "@kubeweb/client/tools";
 *
 * console.log(jobComplete({ status: { conditions: [{ type: "Complete", status: "True" }] } })); // true
 * ```
 */
export function jobComplete(obj: object | undefined): boolean {
  if (obj === undefined) return false;
  const state = jobState(obj);
  if (state === "Failed") {
    throw new WaitFailedError(`Job ${nameOf(obj)} failed: ${because(condition(obj, "Failed")!)}`, {
      object: obj,
    });
  }
  return state === "Complete";
}

/**
 * True once the Job has Failed. Throws {@linkcode WaitFailedError} when it completed instead.
 *
 * @example
 * ```ts
 * import { jobFailed } from "@kubeweb/client/tools";
 *
 * console.log(jobFailed({ status: { conditions: [{ type: "Failed", status: "True" }] } })); // true
 * ```
 */
export function jobFailed(obj: object | undefined): boolean {
  if (obj === undefined) return false;
  const state = jobState(obj);
  if (state === "Complete") {
    throw new WaitFailedError(`Job ${nameOf(obj)} completed: it will never fail`, { object: obj });
  }
  return state === "Failed";
}

/**
 * True once the Job has finished, Complete or Failed (read which from its conditions).
 *
 * @example
 * ```ts
 * import { jobFinished } from "@kubeweb/client/tools";
 *
 * console.log(jobFinished({ status: { conditions: [{ type: "Failed", status: "True" }] } })); // true
 * ```
 */
export function jobFinished(obj: object | undefined): boolean {
  return obj !== undefined && jobState(obj) !== undefined;
}

/**
 * True once a CustomResourceDefinition is Established (its resource is served). Throws
 * {@linkcode WaitFailedError} when its names were not accepted (NamesAccepted False).
 *
 * @example
 * ```ts
 * import { crdEstablished } from "@kubeweb/client/tools";
 *
 * console.log(crdEstablished({ status: { conditions: [{ type: "Established", status: "True" }] } })); // true
 * ```
 */
export function crdEstablished(obj: object | undefined): boolean {
  if (obj === undefined) return false;
  if (condition(obj, "Established")?.status === "True") return true;
  const names = condition(obj, "NamesAccepted");
  if (names?.status === "False") {
    throw new WaitFailedError(
      `CustomResourceDefinition ${nameOf(obj)}: names not accepted: ${because(names)}`,
      { object: obj },
    );
  }
  return false;
}
