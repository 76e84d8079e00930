/**
 * {@linkcode untilWithSync}: list, then watch, until conditions on the events are met (client-go's
 * `tools/watch.UntilWithSync`), across reconnects and watch expiry.
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import { linkSignals } from "../_internal/async.ts";
import type { ListerWatcher } from "../cache/listwatch.ts";
import type { KubeObject } from "../rest/types.ts";
import { WaitTimeoutError } from "../retry/wait_timeout_error.ts";
import { newRetryWatcher, type ObjectEvent } from "./retry_watcher.ts";

/** A condition on one event; true ends it (client-go's `watchtools.ConditionFunc`). */
export type EventCondition<T> = (event: ObjectEvent<T>) => boolean;

/** Options of {@linkcode untilWithSync}. */
export interface UntilWithSyncOptions<T> {
  /**
   * Checked once on the listed objects before any event: true ends the wait at once with
   * `undefined` (client-go's `PreconditionFunc`; for example "already deleted").
   */
  precondition?: (items: T[]) => boolean;
  /** Gives up after this many ms with {@linkcode WaitTimeoutError} (default: no limit). */
  timeoutMs?: number;
  /** Aborting it ends the wait with the signal's reason. */
  signal?: AbortSignal;
  /** What the timeout's message says is awaited (default "the condition"). */
  description?: string;
  /** The clock of the timeout and the backoff (default: the real clock). */
  clock?: Clock;
  /** Random numbers in [0, 1) for the backoff's jitter (default `Math.random`). */
  random?: () => number;
}

/**
 * Lists, then watches, and feeds every event to the conditions in turn: the first condition sees
 * events until it returns true, then the second, and so on; the event that met the last is returned.
 * The listed objects come first, as ADDED events. Watches that end are resumed, expired ones (410)
 * relisted (see `newRetryWatcher`). A condition that throws ends the wait with its error.
 *
 * @example Wait until a ConfigMap has the key "ready"
 * ```ts
 * import { listWatchFromClient } from "@kubeweb/client/cache";
 * import { newClientset } from "@kubeweb/client/clientset";
 * import { untilWithSync } from "@kubeweb/client/tools";
 * import type { RestConfig } from "@kubeweb/client/rest";
 *
 * declare const config: RestConfig;
 * const cms = newClientset(config).coreV1().configMaps("default");
 * const lw = listWatchFromClient(cms, { fieldSelector: "metadata.name=settings" });
 * const event = await untilWithSync(lw, [(e) => e.type !== "DELETED" && "ready" in (e.object.data ?? {})], {
 *   timeoutMs: 30_000,
 * });
 * ```
 */
export async function untilWithSync<T extends KubeObject>(
  lw: ListerWatcher<T>,
  conditions: EventCondition<T>[],
  options: UntilWithSyncOptions<T> = {},
): Promise<ObjectEvent<T> | undefined> {
  const clock = options.clock ?? REAL_CLOCK;
  const { signal, controller, dispose } = linkSignals(options.signal);
  const timeoutMs = options.timeoutMs;
  const timer = timeoutMs === undefined ? undefined : clock.setTimer(() =>
    controller.abort(
      new WaitTimeoutError(
        `Timed out after ${timeoutMs} ms waiting for ${options.description ?? "the condition"}`,
      ),
    ), timeoutMs);
  let preconditionMet = false;
  let checked = false;
  const watcher = newRetryWatcher(lw, {
    signal,
    clock,
    random: options.random,
    onList: (items) => {
      if (checked || options.precondition === undefined) return;
      checked = true;
      if (options.precondition(items)) {
        preconditionMet = true;
        watcher.stop();
      }
    },
  });
  try {
    let i = 0;
    if (conditions.length === 0) throw new TypeError("untilWithSync needs at least one condition");
    for await (const event of watcher) {
      if (preconditionMet) break;
      if (!conditions[i](event)) continue;
      if (++i === conditions.length) return event;
    }
    if (preconditionMet) return undefined;
    throw signal.reason ?? new Error("The watch ended before the condition was met");
  } finally {
    watcher.stop();
    timer?.cancel();
    dispose();
  }
}
