/**
 * Where a broadcaster writes events (client-go's `EventSink`), and the adapter from a clientset's
 * core/v1 client to it.
 *
 * @module
 */
import type { Event } from "./event.ts";

/** Options of the Events client calls the sink makes. */
export interface EventCallOptions {
  /** Aborts the request. */
  signal?: AbortSignal;
  /** The request's timeout in ms (the clientset's `timeoutMs`). */
  timeoutMs?: number;
}

/** The longest one write of the sink waits for the API server by default (ms). */
export const DEFAULT_EVENT_WRITE_TIMEOUT_MS = 30_000;

/** Options of {@linkcode newEventSink}. */
export interface EventSinkOptions {
  /**
   * The longest one write may wait for the API server (default 30 000): a write over a dead
   * connection then fails (the REST client drops the connection) and the broadcaster retries it
   * later over a new one. 0 leaves the writes unbounded but for the client's own deadlines.
   */
  timeoutMs?: number;
}

/**
 * The namespaced core/v1 Events client: `clientset.coreV1().events(namespace)` fits it.
 */
export interface EventsClient {
  /** Creates an Event. */
  create(event: Event, options?: EventCallOptions): Promise<Event>;
  /** Patches an Event by name; the sink sends a strategic merge patch of count, lastTimestamp, message. */
  patch(name: string, patchType: "strategic", data: string, options?: EventCallOptions): Promise<Event>;
}

/** Hands out Events clients per namespace: `clientset.coreV1()` fits it. */
export interface EventsGetter {
  /** The Events client of `namespace`. */
  events(namespace: string): EventsClient;
}

/** Writes events (client-go's `EventSink`); errors are API errors or transport errors. */
export interface EventSink {
  /** Creates `event` in its namespace. */
  create(event: Event): Promise<Event>;
  /** Applies `patch` (JSON of count, lastTimestamp and message) to the existing `event`. */
  patch(event: Event, patch: string): Promise<Event>;
}

/**
 * Wraps an Events getter (`clientset.coreV1()`) as an {@linkcode EventSink} that writes each event
 * to its own namespace (client-go's `EventSinkImpl`), each write bounded by `timeoutMs`.
 *
 * @example
 * ```ts
 * import { newEventBroadcaster, newEventSink } from "@kubeweb/client/record";
 * import type { Clientset } from "@kubeweb/client/clientset";
 *
 * declare const clientset: Clientset;
 * newEventBroadcaster().startRecordingToSink(newEventSink(clientset.coreV1()));
 * ```
 */
export function newEventSink(client: EventsGetter, options: EventSinkOptions = {}): EventSink {
  const namespaceOf = (event: Event): string => event.metadata?.namespace ?? "default";
  const timeoutMs = options.timeoutMs ?? DEFAULT_EVENT_WRITE_TIMEOUT_MS;
  if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new TypeError(`The event sink's timeoutMs must be a number of ms, 0 or more (got ${timeoutMs})`);
  }
  const call: EventCallOptions = timeoutMs > 0 ? { timeoutMs } : {};
  return {
    create: (event: Event): Promise<Event> => client.events(namespaceOf(event)).create(event, { ...call }),
    patch: (event: Event, patch: string): Promise<Event> =>
      client.events(namespaceOf(event)).patch(event.metadata?.name ?? "", "strategic", patch, { ...call }),
  };
}
