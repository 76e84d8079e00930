// Test double shared by the record unit tests (a *_test.ts file so it is never published).
import { ApiError, TransportError } from "../rest/errors.ts";
import type { Event } from "./event.ts";
import type { EventSink } from "./event_sink.ts";

/** One write the sink received. */
export interface SinkCall {
  op: "create" | "patch";
  event: Event;
  patch?: Record<string, unknown>;
  at: number;
}

/** An in-memory events API: create (AlreadyExists on a taken name), patch (NotFound when absent). */
export class FakeSink implements EventSink {
  calls: SinkCall[] = [];
  stored = new Map<string, Event>();
  /** Decides the fate of a call: undefined to succeed, or an error to reject with. */
  fail: ((call: SinkCall) => unknown) | undefined;
  /** When set, each call waits for this promise first. */
  gate: Promise<void> | undefined;
  #rv = 0;
  #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  static transportError(): TransportError {
    return new TransportError("127.0.0.1:6443", { cause: new Error("Connection refused") });
  }

  static apiError(code: number, reason: string): ApiError {
    return new ApiError({ kind: "Status", status: "Failure", code, reason, message: reason });
  }

  async create(event: Event): Promise<Event> {
    const call: SinkCall = { op: "create", event: structuredClone(event), at: this.#now() };
    this.calls.push(call);
    if (this.gate) await this.gate;
    const err = this.fail?.(call);
    if (err) throw err;
    const key = `${event.metadata?.namespace}/${event.metadata?.name}`;
    if (this.stored.has(key)) throw FakeSink.apiError(409, "AlreadyExists");
    const stored = structuredClone(event);
    stored.metadata!.resourceVersion = String(++this.#rv);
    this.stored.set(key, stored);
    return structuredClone(stored);
  }

  async patch(event: Event, patch: string): Promise<Event> {
    const call: SinkCall = {
      op: "patch",
      event: structuredClone(event),
      patch: JSON.parse(patch),
      at: this.#now(),
    };
    this.calls.push(call);
    if (this.gate) await this.gate;
    const err = this.fail?.(call);
    if (err) throw err;
    const key = `${event.metadata?.namespace}/${event.metadata?.name}`;
    const stored = this.stored.get(key);
    if (!stored) throw FakeSink.apiError(404, "NotFound");
    Object.assign(stored, JSON.parse(patch));
    stored.metadata!.resourceVersion = String(++this.#rv);
    return structuredClone(stored);
  }
}
