import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import type { Event } from "./event.ts";
import {
  DEFAULT_AGGREGATE_INTERVAL_SECONDS,
  DEFAULT_AGGREGATE_MAX_EVENTS,
  DEFAULT_LRU_CACHE_SIZE,
  DEFAULT_SPAM_BURST,
  DEFAULT_SPAM_QPS,
  EventCorrelator,
  getEventKey,
  getSpamKey,
} from "./event_correlator.ts";

const START = Date.UTC(2026, 0, 1);

function makeEvent(name: string, overrides: Partial<Event> = {}): Event {
  return {
    metadata: { name: `${name}.1`, namespace: "default" },
    involvedObject: { kind: "Pod", namespace: "default", name, uid: `uid-${name}`, apiVersion: "v1" },
    source: { component: "c", host: "h" },
    type: "Normal",
    reason: "Pulled",
    message: "pulled image",
    count: 1,
    firstTimestamp: "2026-01-01T00:00:00Z",
    lastTimestamp: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}

/** Correlates and, when not skipped, "writes" (updateState with the server's answer). */
function write(c: EventCorrelator, e: Event): ReturnType<EventCorrelator["eventCorrelate"]> {
  const r = c.eventCorrelate(e);
  if (!r.skip) c.updateState(r.event!);
  return r;
}

Deno.test("correlator: client-go's defaults", () => {
  assert.equal(DEFAULT_LRU_CACHE_SIZE, 4096);
  assert.equal(DEFAULT_AGGREGATE_MAX_EVENTS, 10);
  assert.equal(DEFAULT_AGGREGATE_INTERVAL_SECONDS, 600);
  assert.equal(DEFAULT_SPAM_BURST, 25);
  assert.equal(DEFAULT_SPAM_QPS, 1 / 300);
});

Deno.test("correlator: an identical event increments count and becomes a patch; count keeps growing", () => {
  const clock = new FakeClock(START);
  const c = new EventCorrelator({ clock });
  const first = write(c, makeEvent("web"));
  assert.equal(first.skip, false);
  assert.equal(first.patch, undefined);
  assert.equal(first.event?.count, 1);
  for (let n = 2; n <= 6; n++) {
    const later = makeEvent("web", {
      metadata: { name: `web.${n}`, namespace: "default" },
      lastTimestamp: `2026-01-01T00:00:0${n}Z`,
      firstTimestamp: `2026-01-01T00:00:0${n}Z`,
    });
    const r = write(c, later);
    assert.equal(r.event?.count, n);
    assert.equal(r.event?.metadata?.name, "web.1", "patches the event first written");
    assert.equal(r.event?.firstTimestamp, "2026-01-01T00:00:00Z");
    assert.deepEqual(JSON.parse(r.patch!), {
      count: n,
      lastTimestamp: `2026-01-01T00:00:0${n}Z`,
      message: "pulled image",
    });
  }
});

Deno.test("correlator: eventCorrelate does not modify its input", () => {
  const c = new EventCorrelator({ clock: new FakeClock(START) });
  write(c, makeEvent("web"));
  const e = makeEvent("web", { metadata: { name: "web.2", namespace: "default" } });
  const copy = structuredClone(e);
  c.eventCorrelate(e);
  assert.deepEqual(e, copy);
});

Deno.test("correlator: more than 25 events about one object in a burst are skipped, then 1 per 300 s", async () => {
  const clock = new FakeClock(START);
  const c = new EventCorrelator({ clock });
  const results = Array.from({ length: 30 }, () => write(c, makeEvent("web")));
  assert.equal(results.filter((r) => !r.skip).length, 25);
  assert.deepEqual(results.map((r) => r.skip).slice(24), [false, true, true, true, true, true]);
  assert.equal(results[24].event?.count, 25);
  await clock.advance(299_000);
  assert.equal(write(c, makeEvent("web")).skip, true);
  await clock.advance(1_000);
  assert.equal(write(c, makeEvent("web")).skip, false);
  assert.equal(write(c, makeEvent("web")).skip, true);
  await clock.advance(600_000);
  assert.equal(write(c, makeEvent("web")).skip, false);
  assert.equal(write(c, makeEvent("web")).skip, false);
  assert.equal(write(c, makeEvent("web")).skip, true);
});

Deno.test("correlator: the spam filter is keyed on source, involved object and type", () => {
  const c = new EventCorrelator({ clock: new FakeClock(START) });
  for (let i = 0; i < 25; i++) write(c, makeEvent("web", { message: `m${i % 3}` }));
  // Same source, object and type, other reason: same bucket, already empty.
  assert.equal(write(c, makeEvent("web", { reason: "Other" })).skip, true);
  // Another object, another type, another source: their own buckets.
  assert.equal(write(c, makeEvent("db")).skip, false);
  assert.equal(write(c, makeEvent("web", { type: "Warning" })).skip, false);
  assert.equal(write(c, makeEvent("web", { source: { component: "other" } })).skip, false);
  assert.equal(
    getSpamKey(makeEvent("web", { reason: "A", message: "x" })),
    getSpamKey(makeEvent("web", { reason: "B", message: "y" })),
  );
  assert.notEqual(
    getEventKey(makeEvent("web", { message: "x" })),
    getEventKey(makeEvent("web", { message: "y" })),
  );
});

Deno.test("correlator: the 10th distinct message with one aggregate key becomes a combined event", async () => {
  const clock = new FakeClock(START);
  const c = new EventCorrelator({ clock });
  for (let i = 1; i <= 9; i++) {
    const r = write(
      c,
      makeEvent("web", { message: `message ${i}`, metadata: { name: `web.${i}`, namespace: "default" } }),
    );
    assert.equal(r.event?.message, `message ${i}`);
    assert.equal(r.event?.metadata?.name, `web.${i}`);
  }
  const tenth = write(c, makeEvent("web", { message: "message 10" }));
  assert.equal(tenth.event?.message, "(combined from similar events): message 10");
  assert.equal(tenth.event?.count, 1);
  assert.equal(tenth.patch, undefined);
  assert.equal(tenth.event?.metadata?.name, `web.${(BigInt(START) * 1_000_000n).toString(16)}`);
  assert.equal(tenth.event?.metadata?.namespace, "default");
  assert.equal(tenth.event?.reason, "Pulled");
  assert.equal(tenth.event?.firstTimestamp, "2026-01-01T00:00:00Z");
  // Further similar events patch the combined one.
  const eleventh = write(c, makeEvent("web", { message: "message 11" }));
  assert.equal(eleventh.event?.message, "(combined from similar events): message 11");
  assert.equal(eleventh.event?.count, 2);
  assert.equal(eleventh.event?.metadata?.name, tenth.event?.metadata?.name);
  assert.deepEqual(JSON.parse(eleventh.patch!).count, 2);
  // Another reason is another aggregate key.
  assert.equal(write(c, makeEvent("web", { reason: "Killing", message: "k" })).event?.message, "k");
  // After 600 s without a similar event the count starts afresh.
  await clock.advance(600_001);
  const fresh = write(c, makeEvent("web", { message: "message 12" }));
  assert.equal(fresh.event?.message, "message 12");
});

Deno.test("correlator: similar events within 600 s of the previous one keep counting", async () => {
  const clock = new FakeClock(START);
  const c = new EventCorrelator({ clock, burstSize: 1000 });
  for (let i = 1; i <= 9; i++) {
    write(c, makeEvent("web", { message: `m${i}` }));
    await clock.advance(599_000);
  }
  assert.match(
    write(c, makeEvent("web", { message: "m10" })).event!.message!,
    /^\(combined from similar events\)/,
  );
});

Deno.test("correlator: LRU of 4096 entries forgets the least recently used event", () => {
  const clock = new FakeClock(START);
  const c = new EventCorrelator({ clock });
  write(c, makeEvent("obj-0"));
  for (let i = 1; i < 4096; i++) write(c, makeEvent(`obj-${i}`));
  // 4096 entries: obj-0 is still known, so its repeat is a patch (and becomes most recent).
  assert.equal(write(c, makeEvent("obj-0")).event?.count, 2);
  write(c, makeEvent("obj-4096")); // evicts obj-1, the least recently used
  assert.equal(write(c, makeEvent("obj-0")).event?.count, 3);
  assert.equal(write(c, makeEvent("obj-1")).event?.count, 1, "forgotten: written as a new event");
});

Deno.test("correlator: options override the defaults", () => {
  const c = new EventCorrelator({
    clock: new FakeClock(START),
    maxEvents: 2,
    burstSize: 3,
    messageFunc: (e) => `combined: ${e.message}`,
  });
  assert.equal(write(c, makeEvent("web", { message: "a" })).event?.message, "a");
  assert.equal(write(c, makeEvent("web", { message: "b" })).event?.message, "combined: b");
  assert.equal(write(c, makeEvent("web", { message: "c" })).event?.count, 2);
  assert.equal(write(c, makeEvent("web", { message: "d" })).skip, true);
});
