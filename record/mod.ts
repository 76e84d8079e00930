/**
 * Event recording (client-go's `tools/record`): controllers report what they do as core/v1 Events.
 * A broadcaster queues each event for its watchers; the sink watcher aggregates similar events,
 * turns repeats into count patches and drops spam, with client-go's defaults, then writes to the API
 * server, retrying while it is unreachable.
 *
 * @example Recording events about a Pod
 * ```ts
 * import { newEventBroadcaster } from "@kubeweb/client/record";
 * import type { Clientset } from "@kubeweb/client/clientset";
 *
 * declare const clientset: Clientset;
 * const broadcaster = newEventBroadcaster();
 * broadcaster.startRecordingToSink(clientset.coreV1());
 * const recorder = broadcaster.newRecorder({ component: "my-controller", host: "node-1" });
 * const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "default", uid: "1234" } };
 * recorder.eventf(pod, "Warning", "FailedSync", "Error syncing pod %s: %v", "web", new Error("timeout"));
 * await broadcaster.shutDown();
 * ```
 *
 * @module
 */
export {
  DEFAULT_SLEEP_DURATION_MS,
  type EventBroadcaster,
  type EventBroadcasterOptions,
  type EventWatcher,
  MAX_QUEUED_EVENTS,
  MAX_TRIES_PER_EVENT,
  newEventBroadcaster,
  type RecordLogger,
} from "./event_broadcaster.ts";
export {
  DEFAULT_AGGREGATE_INTERVAL_SECONDS,
  DEFAULT_AGGREGATE_MAX_EVENTS,
  DEFAULT_LRU_CACHE_SIZE,
  DEFAULT_SPAM_BURST,
  DEFAULT_SPAM_QPS,
  eventAggregatorByReasonFunc,
  eventAggregatorByReasonMessageFunc,
  type EventCorrelateResult,
  EventCorrelator,
  type EventCorrelatorOptions,
  getEventKey,
  getSpamKey,
} from "./event_correlator.ts";
export type { EventObject, EventObjectMeta, EventRecorder } from "./event_recorder.ts";
export {
  DEFAULT_EVENT_WRITE_TIMEOUT_MS,
  type EventCallOptions,
  type EventsClient,
  type EventsGetter,
  type EventSink,
  type EventSinkOptions,
  newEventSink,
} from "./event_sink.ts";
export {
  type Event,
  EVENT_TYPE_NORMAL,
  EVENT_TYPE_WARNING,
  type EventMeta,
  type EventSource,
  type ObjectReference,
} from "./event.ts";
export { RecordError } from "./record_error.ts";
export type { Clock, Timer } from "../_internal/clock.ts";
