import assert from "node:assert/strict";
import { FakeClock, flushTasks } from "../_internal/clock.ts";
import { restClientFor, type RESTClientOptions } from "./rest_client.ts";
import { DeadlineExceededError } from "./deadline.ts";
import { TransportError } from "./errors.ts";
import type { Runtime } from "./runtime/runtime.ts";
import type { RestConfig } from "./rest_config.ts";
import {
  type FakeTransport,
  fakeTransport,
  hangUntilAborted,
  json,
  testConfig,
} from "../tests/rest/_fake_transport.ts";

/** A runtime whose transports are fakes answering with `handler`; `made` lists them in creation order. */
function fakeRuntime(handler: Parameters<typeof fakeTransport>[0]): Runtime & { made: FakeTransport[] } {
  const made: FakeTransport[] = [];
  return {
    name: "fake",
    made,
    createTransport() {
      const t = fakeTransport(handler);
      made.push(t);
      return t;
    },
  };
}

function client(
  runtime: Runtime,
  clock: FakeClock,
  options: Partial<RESTClientOptions> = {},
  config?: RestConfig,
) {
  return restClientFor(config ?? testConfig(), {
    apiPath: "/api",
    groupVersion: "v1",
    runtime,
    clock,
    rateLimiter: null,
    warningHandler: () => {},
    random: () => 0.5,
    ...options,
  });
}

function frame(e: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(e) + "\n");
}

/** A watch body the test writes to; it never ends by itself. */
function liveBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start: (c) => void (controller = c),
    cancel: () => void (cancelled = true),
  });
  return {
    response: () => new Response(body),
    push: (e: unknown) => controller.enqueue(frame(e)),
    cancelled: () => cancelled,
  };
}

const bookmark = (rv: string) => ({ type: "BOOKMARK", object: { metadata: { resourceVersion: rv } } });

Deno.test("response headers: a GET with no answer is retried on a new connection after the deadline", async () => {
  const clock = new FakeClock();
  let n = 0;
  const runtime = fakeRuntime((req) => n++ === 0 ? hangUntilAborted(req) : json({ kind: "Pod" }));
  const c = client(runtime, clock, { responseHeaderTimeoutMs: 5000 });
  let done = false;
  const p = c.get().resource("pods").name("a").do().then((r) => (done = true, r));
  await clock.advance(4999);
  assert.equal(done, false);
  assert.equal(runtime.made[0].closed, 0);
  await clock.advance(1);
  // The dead pool is dropped at once; the retry waits for the connection backoff (250 ms, jitter 10 %).
  assert.equal(runtime.made[0].closed, 1);
  await clock.advance(300);
  const r = await p;
  assert.equal(r.statusCode, 200);
  assert.equal(runtime.made.length, 2, "the retry went through a new transport");
  assert.equal(runtime.made[1].calls.length, 1);
});

Deno.test("response headers: a POST with no answer rejects with DeadlineExceededError, no retry", async () => {
  const clock = new FakeClock();
  const runtime = fakeRuntime(hangUntilAborted);
  const c = client(runtime, clock, { responseHeaderTimeoutMs: 2000 });
  const p = c.post().resource("configmaps").body({ metadata: { name: "x" } }).do();
  const rejected = assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DeadlineExceededError);
    assert.ok(e instanceof TransportError, "a DeadlineExceededError is a TransportError");
    assert.equal(e.kind, "response-headers");
    assert.equal(e.timeoutMs, 2000);
    assert.equal(e.host, "k8s.test:6443");
    assert.equal(e.method, "POST");
    assert.equal(e.path, "/api/v1/configmaps");
    assert.match(e.message, /no response headers within 2000 ms/);
    return true;
  });
  await clock.advance(2000);
  await rejected;
  assert.equal(runtime.made[0].calls.length, 1);
  assert.equal(runtime.made[0].closed, 1);
});

Deno.test("response headers: 0 turns the deadline off; the caller's abort does not drop the pool", async () => {
  const clock = new FakeClock();
  const runtime = fakeRuntime(hangUntilAborted);
  const c = client(runtime, clock, { responseHeaderTimeoutMs: 0 });
  const ac = new AbortController();
  const p = c.get().resource("pods").signal(ac.signal).do();
  await clock.advance(3_600_000);
  assert.equal(clock.waiters(), 0);
  ac.abort(new Error("stop"));
  await assert.rejects(p, /stop/);
  assert.equal(runtime.made[0].closed, 0, "an abort by the caller does not drop the pool");
});

Deno.test("response headers: the request's own timeout before the answer drops the pool too", async () => {
  const clock = new FakeClock();
  const runtime = fakeRuntime(hangUntilAborted);
  const c = client(runtime, clock);
  const p = c.put().resource("configmaps").name("x").body({}).timeout(1000).do();
  const rejected = assert.rejects(p, (e: unknown) => e instanceof DOMException && e.name === "TimeoutError");
  await clock.advance(1000);
  await rejected;
  assert.equal(runtime.made[0].closed, 1);
});

Deno.test("response headers: a transport given by the caller is never closed", async () => {
  const clock = new FakeClock();
  const t = fakeTransport(hangUntilAborted);
  const c = restClientFor(testConfig(), {
    apiPath: "/api",
    groupVersion: "v1",
    transport: t,
    clock,
    rateLimiter: null,
    responseHeaderTimeoutMs: 1000,
  });
  const rejected = assert.rejects(c.post().resource("pods").body({}).do(), DeadlineExceededError);
  await clock.advance(1000);
  await rejected;
  assert.equal(t.closed, 0);
});

Deno.test("watch idle: a bookmark watch silent for the idle timeout ends with watch-idle and drops the pool", async () => {
  const clock = new FakeClock();
  const live = liveBody();
  const runtime = fakeRuntime(live.response);
  const c = client(runtime, clock, { watchIdleTimeoutMs: 120_000 });
  const w = await c.get().resource("pods").param("allowWatchBookmarks", true).param("timeoutSeconds", 1800)
    .watch();
  const it = w[Symbol.asyncIterator]();
  // A bookmark every 60 s keeps it alive for 10 minutes.
  for (let i = 0; i < 9; i++) {
    await clock.advance(60_000);
    live.push(bookmark(String(i)));
    assert.equal((await it.next()).value?.type, "BOOKMARK");
  }
  const pending = it.next();
  let settled = false;
  pending.then(() => settled = true, () => settled = true);
  await clock.advance(119_999);
  assert.equal(settled, false);
  await clock.advance(1);
  await assert.rejects(pending, (e: unknown) => {
    assert.ok(e instanceof DeadlineExceededError);
    assert.equal(e.kind, "watch-idle");
    assert.equal(e.timeoutMs, 120_000);
    assert.equal(e.path, "/api/v1/pods");
    return true;
  });
  assert.equal(live.cancelled(), true, "the body is cancelled");
  assert.equal(runtime.made[0].closed, 1, "the pooled connections are dropped");
  assert.equal(runtime.made[0].calls[0].signal?.aborted, true, "the request is aborted");
  assert.equal(clock.waiters(), 0, "no timer is left behind");
});

Deno.test("watch idle: time the consumer spends between events does not count", async () => {
  const clock = new FakeClock();
  const live = liveBody();
  const c = client(fakeRuntime(live.response), clock, { watchIdleTimeoutMs: 10_000 });
  const w = await c.get().resource("pods").param("allowWatchBookmarks", true).watch();
  const it = w[Symbol.asyncIterator]();
  live.push(bookmark("1"));
  assert.equal((await it.next()).value?.type, "BOOKMARK");
  // The consumer is busy for 25 s: the stream is not idle, it is not being read.
  await clock.advance(25_000);
  live.push(bookmark("2"));
  assert.equal((await it.next()).value?.type, "BOOKMARK");
  const pending = it.next();
  let settled = false;
  pending.then(() => settled = true, () => settled = true);
  await clock.advance(9_000);
  assert.equal(settled, false);
  await clock.advance(1_000);
  await assert.rejects(
    pending,
    (e: unknown) => e instanceof DeadlineExceededError && e.kind === "watch-idle",
  );
});

Deno.test("watch idle: bytes of a frame still arriving keep the watch alive", async () => {
  const clock = new FakeClock();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  const c = client(fakeRuntime(() => new Response(body)), clock, { watchIdleTimeoutMs: 10_000 });
  const w = await c.get().resource("pods").param("allowWatchBookmarks", true).watch();
  const it = w[Symbol.asyncIterator]();
  const pending = it.next();
  const text = JSON.stringify({ type: "ADDED", object: { metadata: { name: "big" }, data: "x".repeat(50) } });
  for (const ch of text) {
    await clock.advance(5_000);
    controller.enqueue(new TextEncoder().encode(ch));
    await flushTasks();
  }
  controller.enqueue(new TextEncoder().encode("\n"));
  assert.equal((await pending).value?.object.metadata?.name, "big");
  w.stop();
});

Deno.test("watch idle: only watches that allow bookmarks get it; 0 turns it off", async () => {
  const clock = new FakeClock();
  const live = liveBody();
  const c = client(fakeRuntime(live.response), clock, { watchIdleTimeoutMs: 1000 });
  const w = await c.get().resource("pods").param("timeoutSeconds", 60).watch();
  const it = w[Symbol.asyncIterator]();
  const pending = it.next();
  let settled = false;
  pending.then(() => settled = true, () => settled = true);
  await clock.advance(59_000);
  assert.equal(settled, false, "a watch without bookmarks may be quiet");
  w.stop();
  assert.deepEqual(await pending, { value: undefined, done: true });

  const live2 = liveBody();
  const off = client(fakeRuntime(live2.response), clock, { watchIdleTimeoutMs: 0 });
  const w2 = await off.get().resource("pods").param("allowWatchBookmarks", true).param("timeoutSeconds", 60)
    .watch();
  const it2 = w2[Symbol.asyncIterator]();
  const pending2 = it2.next();
  let settled2 = false;
  pending2.then(() => settled2 = true, () => settled2 = true);
  await clock.advance(59_000);
  assert.equal(settled2, false);
  w2.stop();
  await pending2;
});

Deno.test("watch deadline: timeoutSeconds plus the grace ends even a busy watch with watch-deadline", async () => {
  const clock = new FakeClock();
  const live = liveBody();
  const runtime = fakeRuntime(live.response);
  const c = client(runtime, clock, { watchDeadlineGraceMs: 5000 });
  const w = await c.get().resource("pods").param("allowWatchBookmarks", true).param("timeoutSeconds", 30)
    .watch();
  const it = w[Symbol.asyncIterator]();
  for (let i = 0; i < 34; i++) {
    await clock.advance(1000);
    live.push(bookmark(String(i)));
    assert.equal((await it.next()).value?.type, "BOOKMARK");
  }
  const rejected = assert.rejects(it.next(), (e: unknown) => {
    assert.ok(e instanceof DeadlineExceededError);
    assert.equal(e.kind, "watch-deadline");
    assert.equal(e.timeoutMs, 35_000);
    return true;
  });
  await clock.advance(1000);
  await rejected;
  assert.equal(runtime.made[0].closed, 1);
});

Deno.test("watch deadline: a watch that expires before it is iterated rejects on iteration", async () => {
  const clock = new FakeClock();
  const live = liveBody();
  const c = client(fakeRuntime(live.response), clock, { watchDeadlineGraceMs: 0 });
  const w = await c.get().resource("pods").param("timeoutSeconds", 2).watch();
  await clock.advance(2000);
  assert.equal(live.cancelled(), true);
  await assert.rejects(
    (async () => {
      for await (const _ of w) { /* nothing */ }
    })(),
    (e: unknown) => e instanceof DeadlineExceededError && e.kind === "watch-deadline",
  );
});

Deno.test("watch: a normal close, stop() and the caller's abort leave the pool alone and no timers", async () => {
  const clock = new FakeClock();
  const runtime = fakeRuntime(() => new Response(JSON.stringify(bookmark("5")) + "\n"));
  const c = client(runtime, clock, { watchIdleTimeoutMs: 1000 });
  const w = await c.get().resource("pods").param("allowWatchBookmarks", true).watch();
  const got = [];
  for await (const e of w) got.push(e.type);
  assert.deepEqual(got, ["BOOKMARK"]);
  assert.equal(clock.waiters(), 0);

  const live = liveBody();
  const c2 = client(fakeRuntime(live.response), clock, { watchIdleTimeoutMs: 1000 });
  const w2 = await c2.get().resource("pods").param("allowWatchBookmarks", true).watch();
  w2.stop();
  assert.equal(clock.waiters(), 0);
  assert.equal(runtime.made[0].closed, 0);
});
