/**
 * The recorder interface (client-go's `record.EventRecorder`) and what it accepts as the object an
 * event is about.
 *
 * @module
 */
import type { ObjectReference } from "./event.ts";

/** The metadata of an object the recorder reads to build the event's `involvedObject`. */
export interface EventObjectMeta {
  /** Name of the object. */
  name?: string;
  /** Namespace of the object. */
  namespace?: string;
  /** UID of the object. */
  uid?: string;
  /** Resource version of the object. */
  resourceVersion?: string;
}

/**
 * What an event can be about: any Kubernetes object that carries `kind` (and `apiVersion`) and
 * `metadata`, or an {@linkcode ObjectReference} when the object at hand has no kind (list items, for
 * example, come without one).
 */
export type EventObject =
  | { apiVersion?: string; kind?: string; metadata?: EventObjectMeta }
  | ObjectReference;

/**
 * Records events about objects (client-go's `EventRecorder`). Calls never block and never fail
 * because of the API server: the event is queued for the broadcaster's watchers and sinks. They throw
 * `RecordError` only for a call that can never succeed (a type other than Normal or Warning,
 * an object without kind).
 *
 * @example
 * ```ts
 * import { newEventBroadcaster } from "@kubeweb/client/record";
 * import type { Clientset } from "@kubeweb/client/clientset";
 *
 * declare const clientset: Clientset;
 * const broadcaster = newEventBroadcaster();
 * broadcaster.startRecordingToSink(clientset.coreV1());
 * const recorder = broadcaster.newRecorder({ component: "my-controller" });
 * const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "default" } };
 * recorder.eventf(pod, "Normal", "Scaled", "Scaled %s to %d replicas", "web", 3);
 * await broadcaster.shutDown();
 * ```
 */
export interface EventRecorder {
  /** Records an event with a plain message. `type` is "Normal" or "Warning". */
  event(object: EventObject, type: string, reason: string, message: string): void;
  /** Records an event whose message is formatted like Go's `fmt.Sprintf` (%s %d %v %q ...). */
  eventf(object: EventObject, type: string, reason: string, format: string, ...args: unknown[]): void;
  /** As {@linkcode EventRecorder.eventf}, with annotations on the event object. */
  annotatedEventf(
    object: EventObject,
    annotations: Record<string, string>,
    type: string,
    reason: string,
    format: string,
    ...args: unknown[]
  ): void;
}
