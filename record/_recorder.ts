/**
 * The recorder behind `EventBroadcaster.newRecorder`: turns calls into core/v1 Events and hands them
 * to the broadcaster.
 *
 * @module
 */
import type { Clock } from "../_internal/clock.ts";
import { sprintf } from "./_sprintf.ts";
import { formatTime, type NanoStamps } from "./_time.ts";
import {
  type Event,
  EVENT_TYPE_NORMAL,
  EVENT_TYPE_WARNING,
  type EventSource,
  type ObjectReference,
} from "./event.ts";
import type { EventObject, EventRecorder } from "./event_recorder.ts";
import { RecordError } from "./record_error.ts";

/** What a recorder needs from its broadcaster. */
export interface RecorderContext {
  source: EventSource;
  clock: Clock;
  stamps: NanoStamps;
  /** Queues the event for every watcher. */
  emit(event: Event): void;
}

function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined && value !== "") target[key] = value;
}

/** Builds the involvedObject of an event (client-go's `ref.GetReference`). */
export function getReference(object: EventObject): ObjectReference {
  if (object === null || typeof object !== "object") {
    throw new RecordError("Cannot record an event: the object is not an object");
  }
  const ref: ObjectReference = {};
  if ("metadata" in object && object.metadata !== undefined) {
    if (!object.kind) {
      throw new RecordError(
        "Cannot record an event about an object without kind: set apiVersion and kind on it, or pass an ObjectReference",
      );
    }
    setIf(ref, "kind", object.kind);
    setIf(ref, "namespace", object.metadata.namespace);
    setIf(ref, "name", object.metadata.name);
    setIf(ref, "uid", object.metadata.uid);
    setIf(ref, "apiVersion", object.apiVersion);
    setIf(ref, "resourceVersion", object.metadata.resourceVersion);
    return ref;
  }
  const r = object as ObjectReference;
  if (!r.name && !r.uid) {
    throw new RecordError("Cannot record an event: the object has neither metadata nor a reference name");
  }
  for (
    const key of ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"] as const
  ) {
    setIf(ref, key, r[key]);
  }
  return ref;
}

const DNS1123_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * `<object name>.<hex nanoseconds>`, or a random UUID when that is not a valid DNS subdomain (an
 * object name such as "system:controller:job"), which the server would refuse as an Event name
 * (client-go's `util.GenerateEventName`, kubernetes#127594).
 */
export function generateEventName(refName: string, unixNano: bigint): string {
  const name = `${refName}.${unixNano.toString(16)}`;
  if (name.length <= 253 && DNS1123_SUBDOMAIN_RE.test(name)) return name;
  return crypto.randomUUID();
}

/** The recorder implementation. */
export class Recorder implements EventRecorder {
  #ctx: RecorderContext;

  constructor(ctx: RecorderContext) {
    this.#ctx = ctx;
  }

  event(object: EventObject, type: string, reason: string, message: string): void {
    this.#generate(object, undefined, type, reason, message);
  }

  eventf(object: EventObject, type: string, reason: string, format: string, ...args: unknown[]): void {
    this.#generate(object, undefined, type, reason, sprintf(format, ...args));
  }

  annotatedEventf(
    object: EventObject,
    annotations: Record<string, string>,
    type: string,
    reason: string,
    format: string,
    ...args: unknown[]
  ): void {
    this.#generate(object, annotations, type, reason, sprintf(format, ...args));
  }

  #generate(
    object: EventObject,
    annotations: Record<string, string> | undefined,
    type: string,
    reason: string,
    message: string,
  ): void {
    if (type !== EVENT_TYPE_NORMAL && type !== EVENT_TYPE_WARNING) {
      throw new RecordError(`Unsupported event type ${JSON.stringify(type)}: use "Normal" or "Warning"`);
    }
    const ref = getReference(object);
    const nowMs = this.#ctx.clock.now();
    const t = formatTime(nowMs);
    const metadata: Event["metadata"] = {
      name: generateEventName(ref.name ?? "", this.#ctx.stamps.next(nowMs)),
      namespace: ref.namespace || "default",
    };
    if (annotations !== undefined) metadata.annotations = { ...annotations };
    const { component, host } = this.#ctx.source;
    const event: Event = {
      apiVersion: "v1",
      kind: "Event",
      metadata,
      involvedObject: ref,
      reason,
      message,
      source: {},
      firstTimestamp: t,
      lastTimestamp: t,
      count: 1,
      type,
    };
    setIf(event.source!, "component", component);
    setIf(event.source!, "host", host);
    setIf(event, "reportingComponent", component);
    setIf(event, "reportingInstance", host);
    this.#ctx.emit(event);
  }
}
