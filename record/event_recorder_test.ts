import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import type { Event } from "./event.ts";
import { newEventBroadcaster } from "./event_broadcaster.ts";
import { RecordError } from "./record_error.ts";

const START = Date.UTC(2026, 0, 1, 12, 30, 15) + 250;

function setup(): { clock: FakeClock; events: Event[]; recorder: ReturnType<typeof rec> } {
  const clock = new FakeClock(START);
  const b = newEventBroadcaster({ clock, logger: { error() {} } });
  const events: Event[] = [];
  b.startEventWatcher((e) => {
    events.push(e);
  });
  return { clock, events, recorder: rec(b) };
}
function rec(b: ReturnType<typeof newEventBroadcaster>) {
  return b.newRecorder({ component: "my-controller", host: "node-1" });
}

const POD = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web", namespace: "prod", uid: "u-1", resourceVersion: "42", labels: { a: "b" } },
  spec: { containers: [] },
};

Deno.test("recorder: builds a core/v1 Event about the object", async () => {
  const { clock, events, recorder } = setup();
  recorder.event(POD, "Normal", "Started", "Started container");
  await clock.advance(0);
  assert.equal(events.length, 1);
  const hex = (BigInt(START) * 1_000_000n).toString(16);
  assert.deepEqual(events[0], {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `web.${hex}`, namespace: "prod" },
    involvedObject: {
      kind: "Pod",
      namespace: "prod",
      name: "web",
      uid: "u-1",
      apiVersion: "v1",
      resourceVersion: "42",
    },
    reason: "Started",
    message: "Started container",
    source: { component: "my-controller", host: "node-1" },
    firstTimestamp: "2026-01-01T12:30:15Z",
    lastTimestamp: "2026-01-01T12:30:15Z",
    count: 1,
    type: "Normal",
    reportingComponent: "my-controller",
    reportingInstance: "node-1",
  });
});

Deno.test('recorder: namespace defaults to "default" for cluster-scoped objects', async () => {
  const { clock, events, recorder } = setup();
  recorder.event({ apiVersion: "v1", kind: "Node", metadata: { name: "n1" } }, "Warning", "NotReady", "down");
  await clock.advance(0);
  assert.equal(events[0].metadata?.namespace, "default");
  assert.equal(events[0].involvedObject?.namespace, undefined);
  assert.match(events[0].metadata!.name!, /^n1\.[0-9a-f]+$/);
});

Deno.test("recorder: names are <name>.<hex nanoseconds>, distinct within one millisecond", async () => {
  const { clock, events, recorder } = setup();
  recorder.event(POD, "Normal", "A", "a");
  recorder.event(POD, "Normal", "B", "b");
  await clock.advance(1);
  recorder.event(POD, "Normal", "C", "c");
  await clock.advance(0);
  const ns = BigInt(START) * 1_000_000n;
  assert.deepEqual(events.map((e) => e.metadata?.name), [
    `web.${ns.toString(16)}`,
    `web.${(ns + 1n).toString(16)}`,
    `web.${(ns + 1_000_000n).toString(16)}`,
  ]);
});

Deno.test("recorder: the type must be Normal or Warning", async () => {
  const { clock, events, recorder } = setup();
  for (const type of ["normal", "Info", "", "Error"]) {
    assert.throws(() => recorder.event(POD, type, "R", "m"), RecordError);
  }
  recorder.event(POD, "Warning", "R", "m");
  await clock.advance(0);
  assert.equal(events.length, 1);
});

Deno.test("recorder: an object without kind is refused; an ObjectReference is accepted", async () => {
  const { clock, events, recorder } = setup();
  assert.throws(
    () => recorder.event({ metadata: { name: "x", namespace: "d" } }, "Normal", "R", "m"),
    (e: unknown) => e instanceof RecordError && /without kind/.test(e.message),
  );
  assert.throws(() => recorder.event({} as never, "Normal", "R", "m"), RecordError);
  recorder.event(
    {
      kind: "Pod",
      apiVersion: "v1",
      name: "web",
      namespace: "prod",
      uid: "u",
      fieldPath: "spec.containers{app}",
    },
    "Normal",
    "Pulled",
    "pulled",
  );
  await clock.advance(0);
  assert.equal(events.length, 1);
  assert.deepEqual(events[0].involvedObject, {
    kind: "Pod",
    namespace: "prod",
    name: "web",
    uid: "u",
    apiVersion: "v1",
    fieldPath: "spec.containers{app}",
  });
  assert.equal(events[0].metadata?.namespace, "prod");
});

Deno.test("recorder: eventf formats Go-style; annotatedEventf adds annotations", async () => {
  const { clock, events, recorder } = setup();
  recorder.eventf(
    POD,
    "Warning",
    "BackOff",
    "Back-off %d times restarting %s: %v",
    3,
    "app",
    new Error("exit 1"),
  );
  const annotations = { "example.com/trace": "abc" };
  recorder.annotatedEventf(POD, annotations, "Normal", "Synced", "synced %q", "web");
  annotations["example.com/trace"] = "changed later";
  await clock.advance(0);
  assert.equal(events[0].message, "Back-off 3 times restarting app: exit 1");
  assert.equal(events[0].metadata?.annotations, undefined);
  assert.equal(events[1].message, 'synced "web"');
  assert.deepEqual(events[1].metadata?.annotations, { "example.com/trace": "abc" });
});

Deno.test("recorder: a source without host leaves host and reportingInstance unset", async () => {
  const clock = new FakeClock(START);
  const b = newEventBroadcaster({ clock });
  const events: Event[] = [];
  b.startEventWatcher((e) => {
    events.push(e);
  });
  b.newRecorder({ component: "c" }).event(POD, "Normal", "R", "m");
  await clock.advance(0);
  assert.deepEqual(events[0].source, { component: "c" });
  assert.equal(events[0].reportingInstance, undefined);
  assert.equal(events[0].reportingComponent, "c");
});

Deno.test("recorder: when <name>.<hex> is not a valid DNS subdomain, the event gets a generated valid name", async () => {
  const { clock, events, recorder } = setup();
  const names = [
    "system:controller:job", // a ClusterRole: ":" is not allowed
    "Web", // upper case
    "a".repeat(240), // with ".<hex>" longer than 253
    "-leading-dash",
  ];
  for (const name of names) {
    recorder.event({ apiVersion: "v1", kind: "X", metadata: { name, namespace: "d" } }, "Normal", "R", name);
  }
  recorder.event(POD, "Normal", "R", "ok");
  await clock.advance(0);
  const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  for (const e of events.slice(0, names.length)) {
    const n = e.metadata!.name!;
    assert.match(n, uuid, `${e.message} -> ${n}`);
    assert.ok(dnsSubdomain.test(n) && n.length <= 253);
    assert.equal(e.involvedObject?.name, e.message, "the involved object keeps its name");
  }
  assert.notEqual(events[0].metadata!.name, events[1].metadata!.name);
  assert.match(events[names.length].metadata!.name!, /^web\.[0-9a-f]+$/);
});
