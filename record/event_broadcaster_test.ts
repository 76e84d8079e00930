import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import { FakeClock, flushTasks } from "../_internal/clock.ts";
import { FakeSink } from "./_fake_sink_test.ts";
import type { Event } from "./event.ts";
import {
  DEFAULT_SLEEP_DURATION_MS,
  type EventBroadcaster,
  MAX_QUEUED_EVENTS,
  MAX_TRIES_PER_EVENT,
  newEventBroadcaster,
} from "./event_broadcaster.ts";
import { type EventsClient, newEventSink } from "./event_sink.ts";

const START = Date.UTC(2026, 0, 1);
const POD = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "default", uid: "u1" } };

function setup(options: { random?: () => number; queueLength?: number } = {}): {
  clock: FakeClock;
  sink: FakeSink;
  broadcaster: EventBroadcaster;
  errors: string[];
  recorder: ReturnType<EventBroadcaster["newRecorder"]>;
} {
  const clock = new FakeClock(START);
  const sink = new FakeSink(() => clock.now());
  const errors: string[] = [];
  const broadcaster = newEventBroadcaster({
    clock,
    random: options.random ?? (() => 0.5),
    queueLength: options.queueLength,
    logger: { error: (m) => errors.push(m) },
  });
  broadcaster.startRecordingToSink(sink);
  return {
    clock,
    sink,
    broadcaster,
    errors,
    recorder: broadcaster.newRecorder({ component: "ctrl", host: "h" }),
  };
}

Deno.test("broadcaster: client-go's defaults", () => {
  assert.equal(MAX_TRIES_PER_EVENT, 12);
  assert.equal(DEFAULT_SLEEP_DURATION_MS, 10_000);
  assert.equal(MAX_QUEUED_EVENTS, 1000);
});

Deno.test("sink: a new event is created; identical repeats are patched with a growing count", async () => {
  const { clock, sink, recorder } = setup();
  for (let i = 0; i < 4; i++) {
    recorder.event(POD, "Normal", "Synced", "synced");
    await clock.advance(2_000);
  }
  assert.deepEqual(sink.calls.map((c) => c.op), ["create", "patch", "patch", "patch"]);
  const created = sink.calls[0].event;
  assert.equal(created.count, 1);
  assert.equal(created.metadata?.resourceVersion, undefined);
  for (const [i, call] of sink.calls.slice(1).entries()) {
    assert.equal(call.event.metadata?.name, created.metadata?.name);
    assert.deepEqual(call.patch, {
      count: i + 2,
      lastTimestamp: new Date(START + (i + 1) * 2_000).toISOString().slice(0, 19) + "Z",
      message: "synced",
    });
  }
  const stored = [...sink.stored.values()];
  assert.equal(stored.length, 1);
  assert.equal(stored[0].count, 4);
  assert.equal(stored[0].firstTimestamp, "2026-01-01T00:00:00Z");
  assert.equal(stored[0].lastTimestamp, "2026-01-01T00:00:06Z");
});

Deno.test("sink: more than 25 identical events in a burst are skipped", async () => {
  const { clock, sink, recorder } = setup();
  for (let i = 0; i < 40; i++) recorder.event(POD, "Warning", "BackOff", "back-off restarting");
  await clock.advance(0);
  assert.equal(sink.calls.length, 25);
  assert.equal([...sink.stored.values()][0].count, 25);
  await clock.advance(300_000);
  recorder.event(POD, "Warning", "BackOff", "back-off restarting");
  recorder.event(POD, "Warning", "BackOff", "back-off restarting");
  await clock.advance(0);
  assert.equal(sink.calls.length, 26, "one token refilled after 300 s");
});

Deno.test('sink: the 10th similar event is written as "(combined from similar events): ..."', async () => {
  const { clock, sink, recorder } = setup();
  for (let i = 1; i <= 12; i++) recorder.eventf(POD, "Warning", "FailedMount", "mount %d failed", i);
  await clock.advance(0);
  assert.deepEqual(sink.calls.map((c) => c.op), [...Array(10).fill("create"), "patch", "patch"]);
  assert.equal(sink.calls[8].event.message, "mount 9 failed");
  assert.equal(sink.calls[9].event.message, "(combined from similar events): mount 10 failed");
  assert.equal(sink.calls[11].patch?.message, "(combined from similar events): mount 12 failed");
  assert.equal(sink.calls[11].patch?.count, 3);
});

Deno.test("sink: a patch of an event that is gone creates it again", async () => {
  const { clock, sink, recorder } = setup();
  recorder.event(POD, "Normal", "Synced", "synced");
  await clock.advance(0);
  sink.stored.clear(); // the event expired on the server
  recorder.event(POD, "Normal", "Synced", "synced");
  await clock.advance(0);
  assert.deepEqual(sink.calls.map((c) => c.op), ["create", "patch", "create"]);
  assert.equal(sink.calls[2].event.count, 2);
  assert.equal(sink.calls[2].event.metadata?.resourceVersion, undefined);
  assert.equal(sink.calls[2].event.metadata?.name, sink.calls[0].event.metadata?.name);
});

Deno.test("sink: an unreachable server is retried 12 times, the first sleep random, then 10 s", async () => {
  const { clock, sink, recorder, errors } = setup({ random: () => 0.25 });
  sink.fail = () => FakeSink.transportError();
  recorder.event(POD, "Normal", "Synced", "synced");
  await clock.advance(200_000);
  assert.equal(sink.calls.length, 12);
  const times = sink.calls.map((c) => c.at - START);
  assert.deepEqual(times, [
    0,
    2_500,
    12_500,
    22_500,
    32_500,
    42_500,
    52_500,
    62_500,
    72_500,
    82_500,
    92_500,
    102_500,
  ]);
  assert.ok(errors.some((m) => m.includes("retry limit exceeded")));
});

Deno.test("sink: a write the server rejects is not retried", async () => {
  const { clock, sink, recorder, errors } = setup();
  sink.fail = () => FakeSink.apiError(403, "Forbidden");
  recorder.event(POD, "Normal", "Synced", "synced");
  await clock.advance(100_000);
  assert.equal(sink.calls.length, 1);
  assert.ok(errors.some((m) => m.startsWith("Server rejected event")));
});

Deno.test("sink: recovery after an outage writes the event", async () => {
  const { clock, sink, recorder } = setup({ random: () => 0 });
  let down = true;
  sink.fail = () => (down ? FakeSink.transportError() : undefined);
  recorder.event(POD, "Normal", "Synced", "synced");
  await clock.advance(15_000);
  down = false;
  await clock.advance(10_000);
  assert.equal(sink.stored.size, 1);
  const n = sink.calls.length;
  await clock.advance(100_000);
  assert.equal(sink.calls.length, n, "no more tries once written");
});

Deno.test("queue: 1000 events wait per watcher; more are dropped", async () => {
  const { clock, sink, recorder, errors } = setup();
  let open!: () => void;
  sink.gate = new Promise((resolve) => (open = resolve));
  for (let i = 0; i < 1_010; i++) {
    recorder.event({ ...POD, metadata: { ...POD.metadata, name: `pod-${i}` } }, "Normal", "Synced", "x");
    if (i === 0) await flushTasks(); // the first is taken off the queue and is being written
  }
  assert.equal(errors.filter((m) => m.includes("too many queued events")).length, 9);
  open();
  sink.gate = undefined;
  await clock.advance(0);
  assert.equal(sink.calls.length, 1_001);
});

Deno.test("shutdown: flushes queued events once, without retry sleeps, and drops later ones", async () => {
  const { clock, sink, broadcaster, recorder, errors } = setup();
  sink.fail = (call) => (call.event.reason === "Bad" ? FakeSink.transportError() : undefined);
  for (let i = 0; i < 5; i++) recorder.event(POD, "Normal", `R${i}`, "m");
  recorder.event(POD, "Normal", "Bad", "m");
  recorder.event(POD, "Normal", "After", "m");
  await broadcaster.shutDown(); // resolves without the clock moving: no 10 s sleeps
  assert.deepEqual(sink.calls.map((c) => c.event.reason), ["R0", "R1", "R2", "R3", "R4", "Bad", "After"]);
  assert.ok(errors.some((m) => m.includes("broadcaster is shut down")));
  recorder.event(POD, "Normal", "Late", "m");
  await clock.advance(60_000);
  assert.equal(sink.calls.length, 7);
  assert.ok(errors.some((m) => m.includes("dropped")));
});

Deno.test("shutdown: an event waiting between retries gives up at once", async () => {
  const { clock, sink, broadcaster, recorder } = setup();
  sink.fail = () => FakeSink.transportError();
  recorder.event(POD, "Normal", "Synced", "synced");
  await clock.advance(1_000);
  assert.equal(sink.calls.length, 1);
  await broadcaster.shutDown();
  await clock.advance(100_000);
  assert.equal(sink.calls.length, 1);
});

Deno.test("watchers: startEventWatcher and startLogging see every event; stop ends that", async () => {
  const clock = new FakeClock(START);
  const b = newEventBroadcaster({ clock });
  const seen: Event[] = [];
  const lines: string[] = [];
  const w = b.startEventWatcher(async (e) => {
    await clock.sleep(0);
    seen.push(e);
  });
  b.startLogging((line) => lines.push(line));
  const r = b.newRecorder({ component: "c" });
  r.event(POD, "Normal", "One", "first");
  r.event(POD, "Warning", "Two", "second");
  await clock.advance(0);
  assert.deepEqual(seen.map((e) => e.reason), ["One", "Two"]);
  assert.equal(
    lines[0],
    `Event({"kind":"Pod","namespace":"default","name":"web","uid":"u1","apiVersion":"v1"}): type: 'Normal' reason: 'One' first`,
  );
  w.stop();
  r.event(POD, "Normal", "Three", "third");
  await clock.advance(0);
  assert.equal(seen.length, 2);
  assert.equal(lines.length, 3);
  await b.shutDown();
});

Deno.test("watchers: a handler that throws does not stop the others", async () => {
  const clock = new FakeClock(START);
  const errors: string[] = [];
  const b = newEventBroadcaster({ clock, logger: { error: (m) => errors.push(m) } });
  const seen: string[] = [];
  b.startEventWatcher((e) => {
    if (e.reason === "One") throw new Error("boom");
    seen.push(e.reason!);
  });
  const r = b.newRecorder({ component: "c" });
  r.event(POD, "Normal", "One", "m");
  r.event(POD, "Normal", "Two", "m");
  await b.shutDown();
  assert.deepEqual(seen, ["Two"]);
  assert.equal(errors.length, 1);
});

Deno.test("newEventSink: writes each event to its namespace, patches as strategic merge", async () => {
  const requests: unknown[][] = [];
  const client = (ns: string): EventsClient => ({
    create: (event) => {
      requests.push(["create", ns, event.metadata?.name]);
      return Promise.resolve({ ...event, metadata: { ...event.metadata, resourceVersion: "1" } });
    },
    patch: (name, type, data) => {
      requests.push(["patch", ns, name, type, JSON.parse(data)]);
      return Promise.resolve({ metadata: { name, namespace: ns }, count: JSON.parse(data).count });
    },
  });
  const clock = new FakeClock(START);
  const b = newEventBroadcaster({ clock });
  b.startRecordingToSink({ events: client }); // anything shaped like clientset.coreV1()
  const r = b.newRecorder({ component: "c" });
  r.event({ ...POD, metadata: { ...POD.metadata, namespace: "prod" } }, "Normal", "A", "m");
  r.event({ ...POD, metadata: { ...POD.metadata, namespace: "prod" } }, "Normal", "A", "m");
  r.event({ apiVersion: "v1", kind: "Node", metadata: { name: "n1" } }, "Normal", "A", "m");
  await b.shutDown();
  const hex = (BigInt(START) * 1_000_000n).toString(16);
  assert.deepEqual(requests[0], ["create", "prod", `web.${hex}`]);
  assert.equal(requests[1][0], "patch");
  assert.equal(requests[1][1], "prod");
  assert.equal(requests[1][2], `web.${hex}`);
  assert.equal(requests[1][3], "strategic");
  assert.equal((requests[1][4] as { count: number }).count, 2);
  assert.deepEqual(requests[2].slice(0, 2), ["create", "default"]);
  const sink = newEventSink({ events: client });
  await sink.create({ metadata: { name: "x" } });
  assert.deepEqual(requests[3], ["create", "default", "x"]);
});

Deno.test("logger: a logger that throws is contained; handlers go on and shutdown does not hang", async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: PromiseRejectionEvent) => {
    e.preventDefault();
    unhandled.push(e.reason);
  };
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  try {
    const clock = new FakeClock(START);
    const sink = new FakeSink(() => clock.now());
    sink.fail = (call) => (call.event.reason === "Rejected" ? FakeSink.apiError(422, "Invalid") : undefined);
    const b = newEventBroadcaster({
      clock,
      queueLength: 1,
      logger: {
        error() {
          throw new Error("logger broke");
        },
      },
    });
    b.startRecordingToSink(sink);
    const seen: string[] = [];
    b.startEventWatcher((e) => {
      seen.push(e.reason!);
      if (e.reason === "Throws") throw new Error("handler broke");
    });
    const r = b.newRecorder({ component: "c" });
    r.event(POD, "Normal", "Throws", "m");
    r.event(POD, "Normal", "Dropped", "m"); // the queue of 1 is full: "dropped" is logged
    await flushTasks();
    r.event(POD, "Normal", "Rejected", "m");
    await flushTasks();
    r.event(POD, "Normal", "After", "m");
    await flushTasks();
    assert.deepEqual(seen, ["Throws", "Rejected", "After"]);
    assert.deepEqual(sink.calls.map((c) => c.event.reason), ["Throws", "Rejected", "After"]);
    let shutDown = false;
    const done = b.shutDown().then(() => (shutDown = true));
    await flushTasks();
    assert.equal(shutDown, true, "shutdown resolved");
    await done;
    r.event(POD, "Normal", "Late", "m"); // dropped after shutdown: logged, not thrown
    await flushTasks();
    assert.deepEqual(unhandled, []);
  } finally {
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
  }
});

Deno.test("watchers: a stopped watcher, its handler and its sink's correlator are released", async () => {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  const clock = new FakeClock(START);
  const b = newEventBroadcaster({ clock, logger: { error() {} } });
  const r = b.newRecorder({ component: "c" });
  const refs: WeakRef<object>[] = [];
  for (let i = 0; i < 20; i++) {
    // Scoped so the test itself keeps nothing.
    (() => {
      const sink = new FakeSink(() => clock.now());
      const handler = () => {};
      const sinkWatcher = b.startRecordingToSink(sink);
      const watcher = b.startEventWatcher(handler);
      refs.push(new WeakRef(sink), new WeakRef(handler));
      r.event(POD, "Normal", `R${i}`, "m");
      queueMicrotask(() => {
        sinkWatcher.stop();
        watcher.stop();
      });
    })();
    await clock.advance(0);
  }
  await flushTasks();
  gc();
  await flushTasks();
  gc();
  const kept = refs.filter((ref) => ref.deref() !== undefined).length;
  assert.equal(kept, 0, `${kept} of ${refs.length} stopped sinks and handlers are still held`);
  await b.shutDown();
});

Deno.test("shutDown: await using flushes and shuts down; shutdown is a deprecated alias", async () => {
  const { sink, broadcaster: made, recorder } = setup();
  {
    await using broadcaster = made;
    broadcaster.newRecorder({ component: "c" });
    recorder.event(POD, "Normal", "Synced", "m");
  }
  assert.deepEqual(sink.calls.map((c) => c.event.reason), ["Synced"]);
  await made.shutdown(); // again, through the old spelling: resolves at once
});
