/**
 * The core/v1 Event the recorder writes, reduced to the fields it sets and reads (the clientset's
 * `Event` fits it), and the two event types.
 *
 * @module
 */

/** The event type for normal, expected things (client-go's `v1.EventTypeNormal`). */
export const EVENT_TYPE_NORMAL = "Normal" as const;
/** The event type for things that may need attention (client-go's `v1.EventTypeWarning`). */
export const EVENT_TYPE_WARNING = "Warning" as const;

/** A reference to the object an event is about (core/v1 ObjectReference). */
export interface ObjectReference {
  /** Kind of the object, such as "Pod". */
  kind?: string;
  /** Namespace of the object ("" or absent for cluster-scoped objects). */
  namespace?: string;
  /** Name of the object. */
  name?: string;
  /** UID of the object. */
  uid?: string;
  /** API version of the object, such as "v1" or "apps/v1". */
  apiVersion?: string;
  /** Resource version of the object when the event was made. */
  resourceVersion?: string;
  /** A part of the object, such as "spec.containers{web}". */
  fieldPath?: string;
}

/** Who reports events (core/v1 EventSource). */
export interface EventSource {
  /** The reporting component, such as "my-controller". */
  component?: string;
  /** The host (or instance) the component runs on. */
  host?: string;
}

/** The metadata of an Event the recorder uses. */
export interface EventMeta {
  /** `<involved object name>.<hex timestamp>`. */
  name?: string;
  /** The involved object's namespace, or "default". */
  namespace?: string;
  /** Set by the server; used for patches. */
  resourceVersion?: string;
  /** Annotations given to `annotatedEventf`. */
  annotations?: Record<string, string>;
  /** Set by the server. */
  uid?: string;
}

/** A core/v1 Event. */
export interface Event {
  /** "v1". */
  apiVersion?: string;
  /** "Event". */
  kind?: string;
  /** Object metadata. */
  metadata?: EventMeta;
  /** The object the event is about. */
  involvedObject?: ObjectReference;
  /** A short CamelCase reason, such as "FailedScheduling". */
  reason?: string;
  /** A human-readable description. */
  message?: string;
  /** Who reported the event. */
  source?: EventSource;
  /** When the event was first seen (RFC 3339, seconds). */
  firstTimestamp?: string;
  /** When the event was last seen (RFC 3339, seconds). */
  lastTimestamp?: string;
  /** How many times it was seen. */
  count?: number;
  /** "Normal" or "Warning". */
  type?: string;
  /** The reporting controller (json `reportingComponent`; the source's component). */
  reportingComponent?: string;
  /** The reporting instance (the source's host). */
  reportingInstance?: string;
}
