/**
 * {@linkcode waitFor}: wait until one object meets a condition (deleted, ready, rolled out, ...),
 * watching it rather than polling.
 *
 * @module
 */
import type { Clock } from "../_internal/clock.ts";
import { type ListWatchClient, listWatchFromClient } from "../cache/listwatch.ts";
import type { KubeObject } from "../rest/types.ts";
import type { WaitCondition } from "./conditions.ts";
import { untilWithSync } from "./until_with_sync.ts";

/** Options of {@linkcode waitFor}. */
export interface WaitForOptions {
  /** Gives up after this many ms with a `WaitTimeoutError` naming the object (default: no limit). */
  timeoutMs?: number;
  /** Aborting it ends the wait with the signal's reason. */
  signal?: AbortSignal;
  /** The clock of the timeout and the backoff (default: the real clock). */
  clock?: Clock;
  /** Random numbers in [0, 1) for the backoff's jitter (default `Math.random`). */
  random?: () => number;
}

/** A client of one resource: any typed client of the clientset, or a dynamic resource client. */
export type WaitForClient<T> = ListWatchClient<T> & {
  readonly info?: { resource: string; group?: string };
};

/**
 * Waits until the object `name` meets `condition`, and returns its state then (undefined when the
 * condition was met by its absence, as `deleted`). It lists the object by name, then watches it,
 * resuming across reconnects and relisting after watch expiry; the condition sees the object after
 * every change (undefined while it does not exist). A condition that throws (such as
 * {@linkcode WaitFailedError} from `jobComplete`) ends the wait with that error; `timeoutMs` with a
 * `WaitTimeoutError` naming the object and the condition.
 *
 * @example Apply a Deployment, then wait for its rollout as `kubectl rollout status` does
 * ```ts
 * import { newClientset } from "@kubeweb/client/clientset";
 * import { deploymentRolloutComplete, waitFor } from "@kubeweb/client/tools";
 * import type { RestConfig } from "@kubeweb/client/rest";
 *
 * declare const config: RestConfig;
 * const deployments = newClientset(config).appsV1().deployments("default");
 * const done = await waitFor(deployments, "web", deploymentRolloutComplete, { timeoutMs: 120_000 });
 * console.log(done?.status?.availableReplicas);
 * ```
 */
export async function waitFor<T extends KubeObject>(
  client: WaitForClient<T>,
  name: string,
  condition: WaitCondition<T>,
  options: WaitForOptions = {},
): Promise<T | undefined> {
  if (typeof name !== "string" || name === "") throw new TypeError("waitFor needs the object's name");
  if (typeof condition !== "function") throw new TypeError("waitFor needs a condition function");
  const what = client.info?.resource
    ? `${client.info.resource} ${JSON.stringify(name)}`
    : JSON.stringify(name);
  const lw = listWatchFromClient(client, { fieldSelector: `metadata.name=${name}` });
  let state: T | undefined;
  await untilWithSync<T>(lw, [(event) => {
    state = event.type === "DELETED" ? undefined : event.object;
    return condition(state);
  }], {
    precondition: (items) => {
      state = items[0];
      return condition(state);
    },
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    clock: options.clock,
    random: options.random,
    description: `${what} to meet ${condition.name || "the condition"}`,
  });
  return state;
}
