import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import { newClientset } from "../clientset/clientset.ts";
import type { Runtime } from "../rest/runtime/runtime.ts";
import { fakeTransport, hangUntilAborted, json, testConfig } from "../tests/rest/_fake_transport.ts";
import type { Event } from "./event.ts";
import { newEventBroadcaster } from "./event_broadcaster.ts";
import {
  DEFAULT_EVENT_WRITE_TIMEOUT_MS,
  type EventCallOptions,
  type EventsClient,
  newEventSink,
} from "./event_sink.ts";

function recordingClient(): { client: EventsClient; seen: EventCallOptions[] } {
  const seen: EventCallOptions[] = [];
  const client: EventsClient = {
    create: (event: Event, options?: EventCallOptions) => {
      seen.push(options ?? {});
      return Promise.resolve(event);
    },
    patch: (_name: string, _type: "strategic", _data: string, options?: EventCallOptions) => {
      seen.push(options ?? {});
      return Promise.resolve({});
    },
  };
  return { client, seen };
}

const EVENT: Event = { metadata: { name: "e.1", namespace: "ns" }, reason: "R", message: "m" };

Deno.test("event sink: every write is bounded by timeoutMs, 30 s by default", async () => {
  for (
    const [options, want] of [[undefined, DEFAULT_EVENT_WRITE_TIMEOUT_MS], [
      { timeoutMs: 1500 },
      1500,
    ]] as const
  ) {
    const { client, seen } = recordingClient();
    const sink = newEventSink({ events: () => client }, options);
    await sink.create(EVENT);
    await sink.patch(EVENT, "{}");
    assert.deepEqual(seen, [{ timeoutMs: want }, { timeoutMs: want }]);
  }
  assert.equal(DEFAULT_EVENT_WRITE_TIMEOUT_MS, 30_000);
  const { client, seen } = recordingClient();
  await newEventSink({ events: () => client }, { timeoutMs: 0 }).create(EVENT);
  assert.deepEqual(seen, [{}], "0: unbounded but for the client's own deadlines");
});

Deno.test("event sink: a bad timeoutMs is refused with a clear error", () => {
  const { client } = recordingClient();
  for (const bad of [-1, Number.NaN, "5" as unknown as number]) {
    assert.throws(
      () => newEventSink({ events: () => client }, { timeoutMs: bad }),
      /timeoutMs must be a number/,
    );
  }
});

Deno.test("event sink over the clientset: a write with no answer times out and the broadcaster writes it again", async () => {
  const clock = new FakeClock();
  let posts = 0;
  const transports: ReturnType<typeof fakeTransport>[] = [];
  const runtime: Runtime = {
    name: "fake",
    createTransport: () => {
      const t = fakeTransport(async (req) => {
        posts++;
        if (posts === 1) return await hangUntilAborted(req); // a dead connection
        return json(
          { ...(await req.json()), metadata: { name: "x", namespace: "ns", resourceVersion: "9" } },
          201,
        );
      });
      transports.push(t);
      return t;
    },
  };
  const cs = newClientset(testConfig(), { runtime, clock, rateLimiter: null });
  const errors: unknown[] = [];
  const broadcaster = newEventBroadcaster({
    clock,
    random: () => 0.5,
    sleepDurationMs: 1000,
    logger: { error: (_m, e) => void errors.push(e) },
  });
  broadcaster.startRecordingToSink(newEventSink(cs.coreV1(), { timeoutMs: 2000 }));
  const recorder = broadcaster.newRecorder({ component: "test" });
  recorder.event(
    { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "ns" } },
    "Normal",
    "R",
    "m",
  );
  await clock.advance(1999);
  assert.equal(posts, 1);
  assert.equal(errors.length, 0);
  await clock.advance(1);
  assert.equal(errors.length, 1);
  // The write's own timeout: a TimeoutError (not an ApiError, so the broadcaster retries it).
  const e = errors[0];
  assert.ok(e instanceof DOMException && e.name === "TimeoutError", String(e));
  assert.equal(transports[0].closed, 1, "the dead connection is dropped");
  // The first retry sleeps half the sleep duration (random 0.5), then writes over a new connection.
  await clock.advance(500);
  assert.equal(posts, 2);
  assert.equal(transports.length, 2);
  await broadcaster.shutdown();
  assert.equal(errors.length, 1);
});
