// Unit tests of the reflector with client-side watch deadlines (rest/deadline.ts): a watch ended by a
// deadline is logged, backed off and re-watched from the last synced resourceVersion; through a real
// REST client over a fake transport, a silent watch is noticed at its idle deadline.
import assert from "node:assert/strict";
import { FakeClock, flushTasks } from "../_internal/clock.ts";
import { DeadlineExceededError } from "../rest/deadline.ts";
import { restClientFor } from "../rest/rest_client.ts";
import type { Runtime } from "../rest/runtime/runtime.ts";
import type { KubeObject, WatchEvent } from "../rest/types.ts";
import { fakeTransport, json, testConfig } from "../tests/rest/_fake_transport.ts";
import { FakeListerWatcher } from "./_fake_lister_watcher.ts";
import { newListWatchFromRestClient } from "./listwatch.ts";
import { Reflector } from "./reflector.ts";
import { metaNamespaceKeyFunc, newStore } from "./store.ts";

function cm(name: string, rv: string): KubeObject {
  return { kind: "ConfigMap", metadata: { namespace: "ns", name, resourceVersion: rv } };
}
const added = (o: KubeObject): WatchEvent => ({ type: "ADDED", object: o });

Deno.test("reflector: a watch ended by a deadline is logged, backed off, and re-watched from the last RV", async () => {
  const clock = new FakeClock();
  const lw = new FakeListerWatcher<KubeObject>(clock);
  const store = newStore<KubeObject>(metaNamespaceKeyFunc);
  const errors: unknown[] = [];
  const handled: unknown[] = [];
  const reflector = new Reflector(lw, store, {
    clock,
    random: () => 0,
    watchErrorHandler: (_r, e) => handled.push(e),
    logger: { warn: (_m, e) => void errors.push(e) },
  });
  const controller = new AbortController();
  const done = reflector.run(controller.signal);
  await flushTasks();
  lw.lastWatch.send(added(cm("a", "3")));
  const dead = new DeadlineExceededError("127.0.0.1:6443", { kind: "watch-idle", timeoutMs: 120_000 });
  lw.lastWatch.fail(dead);
  await flushTasks();
  assert.deepEqual(errors, [dead], "the dead watch is logged, not a silent end");
  assert.deepEqual(handled, [], "a running watch's ending is not for the watch-error handler");
  assert.equal(lw.watchCalls.length, 1, "no re-watch before the backoff");
  assert.equal(clock.nextTimerAt()! - clock.now(), 800);
  await clock.advance(800);
  assert.deepEqual(lw.watchCalls.map((c) => c.resourceVersion), ["1", "3"]);
  assert.equal(lw.listCalls.length, 1, "no relist");
  assert.deepEqual(store.listKeys(), ["ns/a"]);
  controller.abort();
  await done;
});

Deno.test("reflector: a deadline on watch start (no response headers) backs off and re-watches", async () => {
  const clock = new FakeClock();
  const lw = new FakeListerWatcher<KubeObject>(clock);
  const errors: unknown[] = [];
  const handled: unknown[] = [];
  lw.watchAnswers.push({
    error: new DeadlineExceededError("127.0.0.1:6443", { kind: "response-headers", timeoutMs: 5000 }),
  });
  const reflector = new Reflector(lw, newStore<KubeObject>(metaNamespaceKeyFunc), {
    clock,
    random: () => 0,
    watchErrorHandler: (_r, e) => handled.push(e),
    logger: { warn: (_m, e) => void errors.push(e) },
  });
  const controller = new AbortController();
  const done = reflector.run(controller.signal);
  await flushTasks();
  assert.equal(lw.watchCalls.length, 1);
  await clock.advance(800);
  assert.equal(lw.watchCalls.length, 2);
  assert.equal(lw.listCalls.length, 1);
  assert.equal(lw.watches.length, 1, "the second start is watching");
  controller.abort();
  await done;
});

Deno.test("reflector over a REST client: a silent watch is noticed at its idle deadline and re-watched on a new connection", async () => {
  const clock = new FakeClock();
  const watchUrls: URL[] = [];
  let silentBody: ReadableStream<Uint8Array> | undefined;
  const transports: ReturnType<typeof fakeTransport>[] = [];
  const handler = (req: Request) => {
    const url = new URL(req.url);
    if (url.searchParams.get("watch") !== "true") {
      return json({ kind: "ConfigMapList", metadata: { resourceVersion: "7" }, items: [cm("a", "5")] });
    }
    watchUrls.push(url);
    // The first watch delivers one event and then goes silent (a half-open connection).
    if (watchUrls.length === 1) {
      silentBody = new ReadableStream({
        start: (c) => c.enqueue(new TextEncoder().encode(JSON.stringify(added(cm("b", "8"))) + "\n")),
      });
      return new Response(silentBody);
    }
    return new Response(new ReadableStream());
  };
  const runtime: Runtime = {
    name: "fake",
    createTransport: () => {
      const t = fakeTransport(handler);
      transports.push(t);
      return t;
    },
  };
  const rest = restClientFor(testConfig(), {
    apiPath: "/api",
    groupVersion: "v1",
    runtime,
    clock,
    rateLimiter: null,
    watchIdleTimeoutMs: 10_000,
  });
  const lw = newListWatchFromRestClient<KubeObject>(rest, { resource: "configmaps", namespace: "ns" });
  const store = newStore<KubeObject>(metaNamespaceKeyFunc);
  const errors: unknown[] = [];
  const handled: unknown[] = [];
  const reflector = new Reflector(lw, store, {
    clock,
    random: () => 0,
    watchErrorHandler: (_r, e) => handled.push(e),
    logger: { warn: (_m, e) => void errors.push(e) },
  });
  const controller = new AbortController();
  const done = reflector.run(controller.signal);
  for (let i = 0; i < 5; i++) await flushTasks();
  assert.deepEqual(store.listKeys().sort(), ["ns/a", "ns/b"]);
  assert.equal(watchUrls.length, 1);
  assert.equal(watchUrls[0].searchParams.get("allowWatchBookmarks"), "true");
  await clock.advance(9_999);
  assert.equal(errors.length, 0);
  await clock.advance(1);
  assert.equal(errors.length, 1);
  const e = errors[0];
  assert.ok(e instanceof DeadlineExceededError && e.kind === "watch-idle");
  assert.equal(transports[0].closed, 1, "the dead connection pool is dropped");
  await clock.advance(800);
  assert.equal(watchUrls.length, 2);
  assert.equal(watchUrls[1].searchParams.get("resourceVersion"), "8");
  assert.equal(transports.length, 2, "the re-watch goes through a new transport");
  controller.abort();
  await done;
});
