import assert from "node:assert/strict";
import { FakeClock, flushTasks } from "../_internal/clock.ts";
import { ApiError, isForbidden, TransportError } from "../rest/errors.ts";
import type { KubeObject, Status, WatchEvent } from "../rest/types.ts";
import { watcherFromResponse } from "../rest/watcher.ts";
import { CacheError } from "./cache_error.ts";
import type { DeletedFinalStateUnknown } from "./deleted_final_state_unknown.ts";
import { FakeListerWatcher } from "./_fake_lister_watcher.ts";
import type { ReflectorStore } from "./queue.ts";
import { Reflector, type ReflectorOptions } from "./reflector.ts";
import { metaNamespaceKeyFunc, newStore, type Store } from "./store.ts";

function cm(name: string, rv: string): KubeObject {
  return { kind: "ConfigMap", metadata: { namespace: "ns", name, resourceVersion: rv } };
}
const added = (o: KubeObject): WatchEvent => ({ type: "ADDED", object: o });
const modified = (o: KubeObject): WatchEvent => ({ type: "MODIFIED", object: o });
const deleted = (o: KubeObject): WatchEvent => ({ type: "DELETED", object: o });
const bookmark = (rv: string, initialEventsEnd = false): WatchEvent => ({
  type: "BOOKMARK",
  object: {
    kind: "ConfigMap",
    metadata: {
      resourceVersion: rv,
      annotations: initialEventsEnd ? { "k8s.io/initial-events-end": "true" } : undefined,
    },
  },
});
const statusOf = (code: number, reason: string, message = `${reason} happened`): Status => ({
  kind: "Status",
  apiVersion: "v1",
  status: "Failure",
  code,
  reason,
  message,
});
const errorEvent = (code: number, reason: string, message?: string): WatchEvent => ({
  type: "ERROR",
  object: statusOf(code, reason, message),
});
const apiError = (code: number, reason: string, message?: string) =>
  new ApiError(statusOf(code, reason, message));
const expired = () => apiError(410, "Expired", "too old resource version: 1 (20)");
const tooLarge = () =>
  new ApiError({
    ...statusOf(504, "Timeout", "Too large resource version: 99, current: 20"),
    details: { causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }] },
  });

/** A store that records what the reflector does to it, over a real store. */
class RecordingStore implements ReflectorStore<KubeObject> {
  ops: string[] = [];
  inner: Store<KubeObject> = newStore(metaNamespaceKeyFunc);
  failResync = false;
  add(obj: KubeObject): void {
    this.ops.push(`add ${obj.metadata?.name}@${obj.metadata?.resourceVersion}`);
    this.inner.add(obj);
  }
  update(obj: KubeObject): void {
    this.ops.push(`update ${obj.metadata?.name}@${obj.metadata?.resourceVersion}`);
    this.inner.update(obj);
  }
  delete(obj: KubeObject | DeletedFinalStateUnknown<KubeObject>): void {
    const o = obj as KubeObject;
    this.ops.push(`delete ${o.metadata?.name}@${o.metadata?.resourceVersion}`);
    this.inner.delete(obj);
  }
  replace(list: KubeObject[], rv: string): void {
    this.ops.push(`replace [${list.map((o) => o.metadata?.name).join(",")}]@${rv}`);
    this.inner.replace(list, rv);
  }
  resync(): void {
    this.ops.push("resync");
    if (this.failResync) throw new Error("resync failed");
  }
  names(): string[] {
    return this.inner.listKeys().map((k) => k.split("/")[1]).sort();
  }
}

function setup(options: ReflectorOptions = {}) {
  const clock = new FakeClock();
  const lw = new FakeListerWatcher<KubeObject>(clock);
  const store = new RecordingStore();
  const errors: unknown[] = [];
  /** What went to the logger: the message and the error. */
  const logged: { message: string; error: unknown }[] = [];
  const reflector = new Reflector(lw, store, {
    clock,
    random: () => 0,
    watchErrorHandler: (_r, e) => errors.push(e),
    logger: { warn: (message, error) => logged.push({ message, error }) },
    ...options,
  });
  const controller = new AbortController();
  let done: Promise<void> | undefined;
  return {
    clock,
    lw,
    store,
    errors,
    logged,
    reflector,
    controller,
    async start(): Promise<void> {
      done = reflector.run(controller.signal);
      await flushTasks();
    },
    async stop(): Promise<void> {
      controller.abort();
      await done;
      assert.equal(clock.waiters(), 0, "no timer left behind");
    },
    /** The delay of the one pending timer. */
    pendingDelay(): number | undefined {
      const at = clock.nextTimerAt();
      return at === undefined ? undefined : at - clock.now();
    },
  };
}

Deno.test("reflector: lists with resourceVersion 0 and limit 500, then watches from the list's RV with bookmarks", async () => {
  const t = setup();
  t.lw.listAnswers.push({ metadata: { resourceVersion: "10" }, items: [cm("a", "5"), cm("b", "9")] });
  await t.start();
  assert.deepEqual(t.lw.listCalls, [{ resourceVersion: "0", limit: 500 }]);
  assert.deepEqual(t.store.ops, ["replace [a,b]@10"]);
  assert.deepEqual(t.lw.watchCalls, [{
    resourceVersion: "10",
    timeoutSeconds: 300,
    allowWatchBookmarks: true,
  }]);
  assert.equal(t.reflector.lastSyncResourceVersion(), "10");
  assert.deepEqual(t.errors, []);
  await t.stop();
});

Deno.test("reflector: watch timeoutSeconds is random in [300, 600]", async () => {
  for (const [r, expected] of [[0, 300], [0.5, 450], [0.9999, 599]] as const) {
    const t = setup({ random: () => r });
    await t.start();
    assert.equal(t.lw.watchCalls[0].timeoutSeconds, expected);
    await t.stop();
  }
  const custom = setup({ minWatchTimeoutMs: 60_000, random: () => 0.5 });
  await custom.start();
  assert.equal(custom.lw.watchCalls[0].timeoutSeconds, 90);
  await custom.stop();
});

Deno.test("reflector: watch events apply to the store; the last RV (bookmarks included) is remembered", async () => {
  const t = setup();
  t.lw.listAnswers.push({ metadata: { resourceVersion: "10" }, items: [cm("a", "5"), cm("b", "9")] });
  await t.start();
  t.lw.lastWatch.send(added(cm("c", "11")), modified(cm("a", "12")), deleted(cm("b", "13")));
  await flushTasks();
  assert.deepEqual(t.store.ops.slice(1), ["add c@11", "update a@12", "delete b@13"]);
  assert.deepEqual(t.store.names(), ["a", "c"]);
  assert.equal(t.store.inner.getByKey("ns/a")?.metadata?.resourceVersion, "12");
  assert.equal(t.reflector.lastSyncResourceVersion(), "13");
  t.lw.lastWatch.send(bookmark("20"));
  await flushTasks();
  assert.equal(t.reflector.lastSyncResourceVersion(), "20");
  assert.equal(t.store.ops.length, 4, "a bookmark does not touch the store");
  // The watch closes normally (server timeout): watch again from the bookmark's RV, no relist.
  await t.clock.advance(300_000);
  t.lw.lastWatch.close();
  await flushTasks();
  assert.equal(t.lw.watches[0].stopped, true);
  assert.equal(t.lw.listCalls.length, 1);
  assert.equal(t.lw.watchCalls.length, 2);
  assert.equal(t.lw.watchCalls[1].resourceVersion, "20");
  assert.deepEqual(t.errors, []);
  await t.stop();
});

Deno.test("reflector: events without metadata and store failures are reported and skipped", async () => {
  const t = setup();
  await t.start();
  t.lw.lastWatch.send({ type: "ADDED", object: {} as KubeObject }, added(cm("ok", "2")));
  await flushTasks();
  assert.deepEqual(t.errors, []);
  assert.equal(t.logged.length, 1);
  assert.match(
    t.logged[0].message,
    /^reflector: Unable to understand a watch event \(ADDED\): the object has no metadata$/,
  );
  assert.ok(t.logged[0].error instanceof CacheError);
  assert.deepEqual(t.store.names(), ["ok"]);
  await t.stop();
});

Deno.test("reflector: backoff starts at 800 ms, doubles to a 30 s cap (jitter 0)", async () => {
  const t = setup();
  for (let i = 0; i < 10; i++) t.lw.listAnswers.push({ error: apiError(500, "InternalError") });
  await t.start();
  const delays: number[] = [];
  for (let i = 0; i < 9; i++) {
    const d = t.pendingDelay()!;
    delays.push(d);
    await t.clock.advance(d);
  }
  assert.deepEqual(delays, [800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000]);
  const gaps = t.lw.listTimes.slice(1).map((x, i) => x - t.lw.listTimes[i]);
  assert.deepEqual(gaps, delays);
  assert.equal(t.errors.length, 10);
  for (const e of t.errors) {
    assert.ok(e instanceof CacheError);
    assert.match(e.message, /^Failed to list objects: /);
    assert.ok(e.cause instanceof ApiError);
  }
  await t.stop();
});

Deno.test("reflector: backoff jitter is up to 1.0 times the delay", async () => {
  for (const [r, first, capped] of [[0.5, 1200, 45000], [0.999, 1599.2, 59970]] as const) {
    const t = setup({ random: () => r });
    for (let i = 0; i < 10; i++) t.lw.listAnswers.push({ error: apiError(500, "InternalError") });
    await t.start();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const d = t.pendingDelay()!;
      delays.push(d);
      await t.clock.advance(d);
    }
    assert.ok(Math.abs(delays[0] - first) < 0.01, `${delays[0]}`);
    assert.ok(Math.abs(delays[7] - capped) < 0.01, `${delays[7]}`);
    await t.stop();
  }
});

Deno.test("reflector: backoff resets after 2 minutes without a failure", async () => {
  const t = setup();
  t.lw.listAnswers.push({ error: apiError(500, "InternalError") }, { error: apiError(500, "InternalError") });
  await t.start();
  assert.equal(t.pendingDelay(), 800);
  await t.clock.advance(800);
  assert.equal(t.pendingDelay(), 1600);
  await t.clock.advance(1600);
  // Third list works; the watch is healthy for 3 minutes, then fails.
  assert.equal(t.lw.watches.length, 1);
  await t.clock.advance(180_000);
  t.lw.lastWatch.send(errorEvent(500, "InternalError"));
  await flushTasks();
  assert.equal(t.pendingDelay(), 800, "reset to the initial delay");
  await t.clock.advance(800);
  // A quick failure after that grows again.
  t.lw.lastWatch.send(errorEvent(500, "InternalError"));
  await flushTasks();
  assert.equal(t.pendingDelay(), 1600);
  await t.stop();
});

Deno.test("reflector: 410 on an established watch relists from the last synced RV, unpaginated", async () => {
  const t = setup();
  t.lw.listAnswers.push({ metadata: { resourceVersion: "10" }, items: [cm("a", "5")] });
  await t.start();
  t.lw.lastWatch.send(added(cm("b", "15")), errorEvent(410, "Expired", "too old resource version"));
  await flushTasks();
  assert.equal(t.lw.watches[0].stopped, true);
  // Routine: neither the watch-error handler nor the logger hears of it.
  assert.deepEqual(t.errors, []);
  assert.deepEqual(t.logged, []);
  assert.equal(t.lw.listCalls.length, 1, "the relist waits for the backoff");
  t.lw.listAnswers.push({ metadata: { resourceVersion: "30" }, items: [cm("a", "5")] });
  await t.clock.advance(800);
  assert.deepEqual(t.lw.listCalls[1], { resourceVersion: "15" });
  assert.deepEqual(t.store.ops, ["replace [a]@10", "add b@15", "replace [a]@30"]);
  assert.equal(t.lw.watchCalls[1].resourceVersion, "30");
  await t.stop();
});

Deno.test("reflector: an ERROR event becomes an ApiError carrying the Status", async () => {
  const t = setup();
  await t.start();
  t.lw.lastWatch.send(errorEvent(403, "Forbidden", "configmaps is forbidden"));
  await flushTasks();
  assert.deepEqual(t.errors, []);
  assert.equal(t.logged[0].message, "reflector: watch of objects ended with: configmaps is forbidden");
  const e = t.logged[0].error;
  assert.ok(e instanceof ApiError);
  assert.ok(isForbidden(e));
  assert.equal(e.message, "configmaps is forbidden");
  assert.deepEqual(e.status, statusOf(403, "Forbidden", "configmaps is forbidden"));
  await t.stop();
});

Deno.test("reflector: pages are followed with continue tokens; later relists keep paginating", async () => {
  const t = setup();
  t.lw.listAnswers.push(
    { metadata: { resourceVersion: "10", continue: "c1" }, items: [cm("a", "1")] },
    { metadata: { resourceVersion: "10", continue: "c2" }, items: [cm("b", "2")] },
    { metadata: { resourceVersion: "10" }, items: [cm("c", "3")] },
  );
  await t.start();
  assert.deepEqual(t.lw.listCalls, [
    { resourceVersion: "0", limit: 500 },
    { limit: 500, continue: "c1" },
    { limit: 500, continue: "c2" },
  ]);
  assert.deepEqual(t.store.ops, ["replace [a,b,c]@10"]);
  assert.equal(t.lw.watchCalls[0].resourceVersion, "10");
  // The first list was paginated: the server does not serve lists from its watch cache, so relists page too.
  t.lw.lastWatch.send(bookmark("12"), errorEvent(410, "Expired"));
  await flushTasks();
  await t.clock.advance(800);
  assert.deepEqual(t.lw.listCalls[3], { resourceVersion: "12", limit: 500 });
  await t.stop();
});

Deno.test("reflector: a configured page size applies to every list", async () => {
  const t = setup({ pageSize: 100 });
  await t.start();
  t.lw.lastWatch.send(bookmark("7"), errorEvent(410, "Expired"));
  await flushTasks();
  await t.clock.advance(800);
  assert.deepEqual(t.lw.listCalls, [{ resourceVersion: "0", limit: 100 }, {
    resourceVersion: "7",
    limit: 100,
  }]);
  await t.stop();
});

Deno.test("reflector: an expired continue page gives a full unpaginated list", async () => {
  const t = setup();
  t.lw.listAnswers.push(
    { metadata: { resourceVersion: "10", continue: "c1" }, items: [cm("a", "1")] },
    { error: expired() },
    { metadata: { resourceVersion: "11" }, items: [cm("a", "1"), cm("b", "2")] },
  );
  await t.start();
  assert.deepEqual(t.lw.listCalls, [
    { resourceVersion: "0", limit: 500 },
    { limit: 500, continue: "c1" },
    { resourceVersion: "0" },
  ]);
  assert.deepEqual(t.store.ops, ["replace [a,b]@11"]);
  await t.stop();
});

Deno.test('reflector: a list answered Expired, Gone or a bare 410 retries at once with resourceVersion ""', async () => {
  for (const reason of ["Expired", "Gone", ""]) {
    const t = setup();
    await t.start();
    t.lw.lastWatch.send(bookmark("15"), errorEvent(410, reason));
    await flushTasks();
    t.lw.listAnswers.push({ error: apiError(410, reason, "too old") }, {
      metadata: { resourceVersion: "40" },
      items: [],
    });
    await t.clock.advance(800);
    assert.deepEqual(t.lw.listCalls.slice(1), [{ resourceVersion: "15" }, { resourceVersion: "" }], reason);
    assert.equal(t.reflector.lastSyncResourceVersion(), "40");
    await t.stop();
  }
});

Deno.test('reflector: an Expired relist retries at once with resourceVersion ""', async () => {
  const t = setup();
  await t.start();
  t.lw.lastWatch.send(bookmark("15"), errorEvent(410, "Gone"));
  await flushTasks();
  t.lw.listAnswers.push({ error: expired() }, { metadata: { resourceVersion: "40" }, items: [] });
  await t.clock.advance(800);
  assert.deepEqual(t.lw.listCalls.slice(1), [{ resourceVersion: "15" }, { resourceVersion: "" }]);
  assert.equal(t.reflector.lastSyncResourceVersion(), "40");
  assert.equal(t.lw.watchCalls.at(-1)!.resourceVersion, "40");
  // Once a list succeeded, the next relist uses the synced RV again.
  t.lw.lastWatch.send(errorEvent(410, "Expired"));
  await flushTasks();
  await t.clock.advance(t.pendingDelay()!);
  assert.deepEqual(t.lw.listCalls.at(-1), { resourceVersion: "40" });
  await t.stop();
});

Deno.test('reflector: a too-large resourceVersion relists with resourceVersion ""', async () => {
  const t = setup();
  await t.start();
  t.lw.lastWatch.send(bookmark("99"), errorEvent(410, "Expired"));
  await flushTasks();
  t.lw.listAnswers.push({ error: tooLarge() }, { metadata: { resourceVersion: "20" }, items: [] });
  await t.clock.advance(800);
  assert.deepEqual(t.lw.listCalls.slice(1), [{ resourceVersion: "99" }, { resourceVersion: "" }]);
  assert.equal(t.reflector.lastSyncResourceVersion(), "20");
  await t.stop();
});

Deno.test("reflector: a very short watch (0 events, < 1 s) is logged; it backs off and relists", async () => {
  const t = setup();
  await t.start();
  await t.clock.advance(999);
  t.lw.lastWatch.close();
  await flushTasks();
  assert.deepEqual(t.errors, []);
  assert.equal(t.logged.length, 1);
  assert.match((t.logged[0].error as Error).message, /^Very short watch: reflector: unexpected watch close/);
  assert.equal(t.lw.watchCalls.length, 1);
  assert.equal(t.pendingDelay(), 800);
  await t.clock.advance(800);
  assert.deepEqual(t.lw.listCalls, [{ resourceVersion: "0", limit: 500 }, { resourceVersion: "1" }]);
  assert.equal(t.lw.watchCalls.length, 2);
  await t.stop();
});

Deno.test("reflector: a watch closing after 1 s, or with events, is re-watched at once without relist", async () => {
  const t = setup();
  await t.start();
  await t.clock.advance(1000);
  t.lw.lastWatch.close();
  await flushTasks();
  t.lw.lastWatch.send(added(cm("x", "3")));
  t.lw.lastWatch.close();
  await flushTasks();
  assert.deepEqual(t.errors, []);
  assert.equal(t.lw.listCalls.length, 1);
  assert.deepEqual(t.lw.watchCalls.map((c) => c.resourceVersion), ["1", "1", "3"]);
  await t.stop();
});

Deno.test("reflector: a broken connection mid-watch re-watches from the last RV", async () => {
  const t = setup();
  await t.start();
  t.lw.lastWatch.send(added(cm("x", "3")));
  t.lw.lastWatch.fail(new TransportError("127.0.0.1:6443", { cause: new Error("connection reset") }));
  await flushTasks();
  assert.deepEqual(t.errors, []);
  assert.equal(t.lw.listCalls.length, 1);
  assert.deepEqual(t.lw.watchCalls.map((c) => c.resourceVersion), ["1", "3"]);
  await t.stop();
});

Deno.test("reflector: connection refused or 429 on watch start backs off and re-watches without relisting", async () => {
  const t = setup();
  t.lw.watchAnswers.push(
    { error: new TransportError("127.0.0.1:6443", { cause: new Error("Connection refused") }) },
    { error: apiError(429, "TooManyRequests") },
    { error: new TransportError("127.0.0.1:6443", { cause: new Error("Connection refused") }) },
  );
  await t.start();
  const delays: number[] = [];
  for (let i = 0; i < 3; i++) {
    delays.push(t.pendingDelay()!);
    await t.clock.advance(delays[i]);
  }
  assert.deepEqual(delays, [800, 1600, 3200]);
  assert.equal(t.lw.listCalls.length, 1);
  assert.equal(t.lw.watchCalls.length, 4);
  assert.ok(t.lw.watchCalls.every((c) => c.resourceVersion === "1"));
  assert.equal(t.lw.watches.length, 1, "the fourth attempt is watching");
  assert.deepEqual(t.errors, []);
  await t.stop();
});

Deno.test("reflector: a 429 ERROR event on a watch backs off and re-watches without relisting", async () => {
  const t = setup();
  await t.start();
  t.lw.lastWatch.send(bookmark("5"), errorEvent(429, "TooManyRequests"));
  await flushTasks();
  assert.equal(t.pendingDelay(), 800);
  await t.clock.advance(800);
  assert.equal(t.lw.listCalls.length, 1);
  assert.deepEqual(t.lw.watchCalls.map((c) => c.resourceVersion), ["1", "5"]);
  await t.stop();
});

Deno.test("reflector: another error on watch start ends the cycle; it backs off and relists", async () => {
  const t = setup();
  t.lw.watchAnswers.push({ error: apiError(403, "Forbidden") });
  await t.start();
  assert.ok(isForbidden(t.errors[0]));
  await t.clock.advance(800);
  assert.equal(t.lw.listCalls.length, 2);
  await t.stop();
});

Deno.test("reflector: 500 ERROR events are retried at once within maxInternalErrorRetryDuration", async () => {
  const t = setup({ maxInternalErrorRetryDurationMs: 30_000 });
  await t.start();
  t.lw.lastWatch.send(bookmark("5"), errorEvent(500, "InternalError"));
  await flushTasks();
  assert.equal(t.lw.watchCalls.length, 2, "re-watched at once");
  assert.equal(t.clock.waiters(), 0);
  await t.clock.advance(20_000);
  t.lw.lastWatch.send(errorEvent(500, "InternalError"));
  await flushTasks();
  assert.equal(t.lw.watchCalls.length, 3);
  await t.clock.advance(20_000);
  // 40 s after the first of this run of errors: the window is over.
  t.lw.lastWatch.send(errorEvent(500, "InternalError"));
  await flushTasks();
  assert.equal(t.lw.watchCalls.length, 3);
  assert.equal(t.lw.listCalls.length, 1);
  await t.clock.advance(800);
  assert.equal(t.lw.listCalls.length, 2);
  assert.deepEqual(t.errors, []);
  assert.deepEqual(t.logged.map((l) => (l.error as ApiError).code), [500]);
  await t.stop();
});

Deno.test("reflector: normal watch closes between 500s do not restart the internal-error retry window", async () => {
  const t = setup({ maxInternalErrorRetryDurationMs: 30_000 });
  await t.start();
  t.lw.lastWatch.send(bookmark("5"), errorEvent(500, "InternalError"));
  await flushTasks();
  assert.equal(t.lw.watchCalls.length, 2, "retried at once");
  // A healthy watch that closes normally: not an internal error, so the window goes on.
  t.lw.lastWatch.send(added(cm("a", "6")));
  t.lw.lastWatch.close();
  await flushTasks();
  assert.equal(t.lw.watchCalls.length, 3);
  await t.clock.advance(20_000);
  t.lw.lastWatch.send(errorEvent(500, "InternalError"));
  await flushTasks();
  assert.equal(t.lw.watchCalls.length, 4, "20 s into the window: retried");
  t.lw.lastWatch.send(added(cm("b", "7")));
  t.lw.lastWatch.close();
  await flushTasks();
  assert.equal(t.lw.watchCalls.length, 5);
  await t.clock.advance(20_000);
  // 40 s after the first 500 of the run: the window is over, so this one relists.
  t.lw.lastWatch.send(errorEvent(500, "InternalError"));
  await flushTasks();
  assert.equal(t.lw.watchCalls.length, 5);
  await t.clock.advance(800);
  assert.equal(t.lw.listCalls.length, 2);
  await t.stop();
});

Deno.test("reflector: the internal-error retry window starts afresh a minute after the last 500", async () => {
  const t = setup({ maxInternalErrorRetryDurationMs: 30_000 });
  await t.start();
  t.lw.lastWatch.send(bookmark("5"), errorEvent(500, "InternalError"));
  await flushTasks();
  t.lw.lastWatch.send(added(cm("a", "6")));
  t.lw.lastWatch.close();
  await flushTasks();
  await t.clock.advance(60_000);
  t.lw.lastWatch.send(errorEvent(500, "InternalError"));
  await flushTasks();
  assert.equal(t.lw.watchCalls.length, 4, "a new run of errors: retried");
  assert.equal(t.lw.listCalls.length, 1);
  await t.stop();
});

Deno.test("reflector: without the retry window, a 500 ERROR event ends the cycle", async () => {
  const t = setup();
  await t.start();
  t.lw.lastWatch.send(errorEvent(500, "InternalError"));
  await flushTasks();
  assert.equal(t.lw.watchCalls.length, 1);
  assert.equal(t.logged.length, 1);
  await t.clock.advance(800);
  assert.equal(t.lw.listCalls.length, 2);
  await t.stop();
});

Deno.test("reflector: resync calls store.resync every resyncPeriod while watching", async () => {
  let allow = true;
  const t = setup({ resyncPeriodMs: 30_000, shouldResync: () => allow });
  await t.start();
  await t.clock.advance(29_999);
  assert.equal(t.store.ops.filter((o) => o === "resync").length, 0);
  await t.clock.advance(1);
  assert.equal(t.store.ops.filter((o) => o === "resync").length, 1);
  await t.clock.advance(30_000);
  assert.equal(t.store.ops.filter((o) => o === "resync").length, 2);
  allow = false;
  await t.clock.advance(30_000);
  assert.equal(t.store.ops.filter((o) => o === "resync").length, 2, "shouldResync false skips");
  allow = true;
  await t.clock.advance(30_000);
  assert.equal(t.store.ops.filter((o) => o === "resync").length, 3);
  await t.stop();
});

Deno.test("reflector: no resync without a period; a failing resync ends the watch with its error", async () => {
  const none = setup();
  await none.start();
  await none.clock.advance(10 * 60_000);
  assert.equal(none.store.ops.filter((o) => o === "resync").length, 0);
  await none.stop();

  const t = setup({ resyncPeriodMs: 10_000 });
  await t.start();
  t.store.failResync = true;
  await t.clock.advance(10_000);
  assert.equal(t.lw.watches[0].stopped, true);
  assert.deepEqual(t.errors, []);
  assert.equal(t.logged.length, 1);
  assert.match(t.logged[0].message, /ended with: resync failed/);
  await t.stop();
});

Deno.test("reflector: cancel before start makes no LIST or WATCH", async () => {
  const t = setup();
  t.controller.abort();
  await t.start();
  await t.stop();
  assert.equal(t.lw.listCalls.length, 0);
  assert.equal(t.lw.watchCalls.length, 0);
});

Deno.test("reflector: cancel after start stops the watcher and the loop", async () => {
  const t = setup({ resyncPeriodMs: 1000 });
  await t.start();
  const w = t.lw.lastWatch;
  await t.stop();
  assert.equal(w.stopped, true);
  assert.equal(w.aborted, true);
  await t.clock.advance(60_000);
  assert.equal(t.lw.listCalls.length, 1);
  assert.equal(t.lw.watchCalls.length, 1);
  assert.deepEqual(t.errors, []);
});

Deno.test("reflector: cancel during backoff or during a list ends run", async () => {
  const t = setup();
  t.lw.listAnswers.push({ error: apiError(500, "InternalError") });
  await t.start();
  assert.equal(t.clock.waiters(), 1);
  await t.stop();
  assert.equal(t.lw.listCalls.length, 1);

  // A list that never answers until aborted.
  const clock = new FakeClock();
  const controller = new AbortController();
  let listSignal: AbortSignal | undefined;
  const r = new Reflector<KubeObject>(
    {
      list: (_o, signal) => {
        listSignal = signal;
        return new Promise((_resolve, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason))
        );
      },
      watch: () => Promise.reject(new Error("not reached")),
    },
    newStore(metaNamespaceKeyFunc),
    { clock, watchErrorHandler: (_r, e) => errors.push(e) },
  );
  const errors: unknown[] = [];
  const done = r.run(controller.signal);
  await flushTasks();
  controller.abort();
  await done;
  assert.equal(listSignal?.aborted, true);
  assert.deepEqual(errors, []);
  assert.equal(clock.waiters(), 0);
});

Deno.test("reflector: the watch-error handler hears of list and watch-start errors only, as client-go", async () => {
  // A 500 in a running watch (no retry window), a very short watch, a failed resync and a WatchList
  // fallback are routine endings: client-go logs them and returns nil from ListAndWatch.
  const w = setup({ useWatchList: true });
  w.lw.watchAnswers.push({ error: apiError(400, "BadRequest", "sendInitialEvents is forbidden") });
  await w.start();
  assert.equal(w.lw.listCalls.length, 1, "fell back to LIST");
  assert.deepEqual(w.errors, [], "WatchList fallback");
  await w.stop();

  const t = setup({ resyncPeriodMs: 60_000 });
  await t.start();
  t.lw.lastWatch.send(added(cm("a", "2")), errorEvent(500, "InternalError", "etcd went away"));
  await flushTasks();
  assert.deepEqual(t.errors, [], "500 in a watch");
  await t.clock.advance(800); // backoff, relist, watch
  assert.equal(t.lw.listCalls.length, 2);
  t.lw.lastWatch.close();
  await flushTasks();
  assert.deepEqual(t.errors, [], "very short watch");
  await t.clock.advance(1600);
  assert.equal(t.lw.listCalls.length, 3);
  t.store.failResync = true;
  await t.clock.advance(60_000);
  assert.deepEqual(t.errors, [], "failed resync");
  t.store.failResync = false;
  assert.deepEqual(t.logged.map((l) => l.message), [
    "reflector: watch of objects ended with: etcd went away",
    "reflector: watch of objects ended with: Very short watch: reflector: unexpected watch close - watch lasted less than a second and no items received",
    "reflector: watch of objects ended with: resync failed",
  ]);
  await t.stop();

  // A failed list and a watch that cannot start (not retriable) reach the handler.
  const u = setup();
  u.lw.listAnswers.push({ error: apiError(403, "Forbidden", "no list") });
  u.lw.watchAnswers.push({ error: apiError(403, "Forbidden", "no watch") });
  await u.start();
  await u.clock.advance(800);
  assert.deepEqual(u.errors.map((e) => (e as Error).message), [
    "Failed to list objects: no list",
    "no watch",
  ]);
  assert.deepEqual(u.logged, []);
  await u.stop();
});

Deno.test("reflector: a logger that throws does not stop the reflector", async () => {
  const t = setup({
    logger: {
      warn() {
        throw new Error("logger broke");
      },
    },
  });
  await t.start();
  t.lw.lastWatch.send({ type: "ADDED", object: {} as KubeObject }, errorEvent(500, "InternalError"));
  await flushTasks();
  await t.clock.advance(800);
  assert.equal(t.lw.listCalls.length, 2);
  assert.equal(t.lw.watches.length, 2);
  await t.stop();
});

Deno.test("reflector: the default watch error handler warns, except for expiry", async () => {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (msg: string) => {
    warnings.push(msg);
  };
  try {
    const clock = new FakeClock();
    const lw = new FakeListerWatcher<KubeObject>(clock);
    lw.listAnswers.push({ error: apiError(403, "Forbidden", "nope") });
    const r = new Reflector(lw, newStore(metaNamespaceKeyFunc), {
      clock,
      random: () => 0,
      name: "cms",
      typeDescription: "configmaps",
    });
    const controller = new AbortController();
    const done = r.run(controller.signal);
    await flushTasks();
    await clock.advance(800);
    lw.lastWatch.send(errorEvent(410, "Expired"));
    await flushTasks();
    controller.abort();
    await done;
  } finally {
    console.warn = original;
  }
  assert.deepEqual(warnings, ["cms: watch of configmaps failed: Failed to list configmaps: nope"]);
});

// ---------------------------------------------------------------------------------------------
// WatchList

const WATCH_LIST_OPTIONS = {
  allowWatchBookmarks: true,
  sendInitialEvents: true,
  resourceVersionMatch: "NotOlderThan",
  timeoutSeconds: 300,
};

Deno.test("watchList: the request asks for initial events from the last synced RV", async () => {
  const t = setup({ useWatchList: true });
  await t.start();
  assert.equal(t.lw.listCalls.length, 0);
  assert.deepEqual(t.lw.watchCalls, [{ resourceVersion: "", ...WATCH_LIST_OPTIONS }]);
  await t.stop();
});

Deno.test("watchList: initial events go to a temporary store until the initial-events-end bookmark", async () => {
  const t = setup({ useWatchList: true });
  await t.start();
  const w = t.lw.lastWatch;
  w.send(added(cm("a", "5")), added(cm("b", "6")), added(cm("c", "7")), deleted(cm("c", "7")));
  await flushTasks();
  assert.deepEqual(t.store.ops, [], "the real store is untouched");
  w.send(bookmark("8"));
  await flushTasks();
  assert.deepEqual(t.store.ops, [], "a bookmark without the annotation does not end the stream");
  w.send({
    type: "BOOKMARK",
    object: { metadata: { resourceVersion: "9", annotations: { "k8s.io/initial-events-end": "false" } } },
  });
  await flushTasks();
  assert.deepEqual(t.store.ops, []);
  w.send(bookmark("10", true));
  await flushTasks();
  assert.deepEqual(t.store.ops, ["replace [a,b]@10"]);
  assert.equal(t.reflector.lastSyncResourceVersion(), "10");
  // The same watch continues.
  w.send(modified(cm("a", "11")));
  await flushTasks();
  assert.deepEqual(t.store.ops, ["replace [a,b]@10", "update a@11"]);
  assert.equal(t.lw.watchCalls.length, 1);
  assert.equal(w.stopped, false);
  assert.equal(t.reflector.lastSyncResourceVersion(), "11");
  await t.stop();
  assert.equal(w.stopped, true);
});

Deno.test("watchList: a close before the bookmark asks again; after it, a plain watch", async () => {
  const t = setup({ useWatchList: true });
  await t.start();
  t.lw.lastWatch.send(added(cm("a", "5")));
  t.lw.lastWatch.close();
  await flushTasks();
  assert.equal(t.lw.watchCalls.length, 2);
  assert.deepEqual(t.lw.watchCalls[1], { resourceVersion: "", ...WATCH_LIST_OPTIONS });
  assert.deepEqual(t.store.ops, []);
  t.lw.lastWatch.send(added(cm("b", "6")), bookmark("6", true), added(cm("c", "7")));
  t.lw.lastWatch.close();
  await flushTasks();
  assert.deepEqual(t.store.ops, ["replace [b]@6", "add c@7"]);
  assert.deepEqual(t.lw.watchCalls[2], {
    resourceVersion: "7",
    timeoutSeconds: 300,
    allowWatchBookmarks: true,
  });
  assert.equal(t.lw.listCalls.length, 0);
  assert.deepEqual(t.errors, []);
  await t.stop();
});

Deno.test("watchList: a relist cycle asks for initial events from the last synced RV", async () => {
  const t = setup({ useWatchList: true });
  await t.start();
  t.lw.lastWatch.send(bookmark("6", true), added(cm("c", "7")), errorEvent(500, "InternalError"));
  await flushTasks();
  await t.clock.advance(800);
  assert.deepEqual(t.lw.watchCalls[1], { resourceVersion: "7", ...WATCH_LIST_OPTIONS });
  await t.stop();
});

Deno.test("watchList: any error other than 429 or expired falls back to LIST then WATCH", async () => {
  // An old server refusing the parameters.
  const t = setup({ useWatchList: true });
  t.lw.watchAnswers.push({
    error: apiError(400, "BadRequest", "resourceVersionMatch is forbidden for watch"),
  });
  t.lw.listAnswers.push({ metadata: { resourceVersion: "20" }, items: [cm("a", "1")] });
  await t.start();
  assert.deepEqual(t.lw.listCalls, [{ resourceVersion: "0", limit: 500 }]);
  assert.deepEqual(t.lw.watchCalls[1], {
    resourceVersion: "20",
    timeoutSeconds: 300,
    allowWatchBookmarks: true,
  });
  assert.deepEqual(t.store.ops, ["replace [a]@20"]);
  assert.deepEqual(t.errors, [], "a fallback to LIST is routine");
  await t.stop();

  // An ERROR event in the stream.
  const u = setup({ useWatchList: true });
  await u.start();
  u.lw.lastWatch.send(added(cm("a", "1")), errorEvent(500, "InternalError"));
  await flushTasks();
  assert.equal(u.lw.watches[0].stopped, true);
  assert.equal(u.lw.listCalls.length, 1);
  assert.equal(u.lw.watchCalls.length, 2);
  assert.equal(u.lw.watchCalls[1].sendInitialEvents, undefined);
  await u.stop();
});

Deno.test('watchList: 429 backs off and asks again; expired asks again from resourceVersion ""', async () => {
  const t = setup({ useWatchList: true });
  t.lw.watchAnswers.push({ error: apiError(429, "TooManyRequests") });
  await t.start();
  assert.equal(t.pendingDelay(), 800);
  await t.clock.advance(800);
  assert.equal(t.lw.watchCalls.length, 2);
  assert.equal(t.lw.watchCalls[1].sendInitialEvents, true);
  // Sync once, then a new cycle whose stream expires.
  t.lw.lastWatch.send(bookmark("50", true), errorEvent(500, "InternalError"));
  await flushTasks();
  await t.clock.advance(t.pendingDelay()!);
  assert.equal(t.lw.watchCalls[2].resourceVersion, "50");
  t.lw.lastWatch.send(errorEvent(410, "Expired"));
  await flushTasks();
  assert.deepEqual(t.lw.watchCalls[3], { resourceVersion: "", ...WATCH_LIST_OPTIONS });
  assert.equal(t.lw.listCalls.length, 0);
  await t.stop();
});

Deno.test("watchList: chosen for servers 1.32 and newer, or when asked", () => {
  const lw = new FakeListerWatcher<KubeObject>();
  const store = newStore(metaNamespaceKeyFunc);
  const uses = (o: ReflectorOptions) => new Reflector(lw, store, o).usesWatchList;
  assert.equal(uses({}), false);
  assert.equal(uses({ serverVersion: "1.32" }), true);
  assert.equal(uses({ serverVersion: "v1.33.2" }), true);
  assert.equal(uses({ serverVersion: "v2.0.0" }), true);
  assert.equal(uses({ serverVersion: "v1.31.9" }), false);
  assert.equal(uses({ serverVersion: "v1.20.2" }), false);
  assert.equal(uses({ serverVersion: { major: "1", minor: "32+" } }), true);
  assert.equal(uses({ serverVersion: { major: "1", minor: "27" } }), false);
  assert.equal(uses({ serverVersion: "garbage" }), false);
  assert.equal(uses({ serverVersion: "1.34", useWatchList: false }), false);
  assert.equal(uses({ serverVersion: "1.20", useWatchList: true }), true);
});

/**
 * A watch-list stream as kube-apiserver 1.32 sends it (`GET /api/v1/namespaces/demo/configmaps?watch=1&
 * sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`): the existing
 * objects as ADDED, the bookmark with the initial-events-end annotation, then live events.
 */
const RECORDED_STREAM =
  `{"type":"ADDED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"app-config","namespace":"demo","uid":"0b6b5f6e-4c5c-4a57-9d3c-3d7a4f1c2b10","resourceVersion":"1042","creationTimestamp":"2025-03-01T10:00:00Z","managedFields":[{"manager":"kubectl-create","operation":"Update","apiVersion":"v1","time":"2025-03-01T10:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:mode":{}}}}]},"data":{"mode":"blue"}}}
{"type":"ADDED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"kube-root-ca.crt","namespace":"demo","uid":"6a2b0f4e-1a7e-4b1e-8a55-2f6c1d9e0a21","resourceVersion":"1001","creationTimestamp":"2025-03-01T09:59:58Z","annotations":{"kubernetes.io/description":"Contains a CA bundle"}},"data":{"ca.crt":"-----BEGIN CERTIFICATE-----\\nMIIB...\\n-----END CERTIFICATE-----\\n"}}}
{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"1050","creationTimestamp":null,"annotations":{"k8s.io/initial-events-end":"true"}}}}
{"type":"MODIFIED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"app-config","namespace":"demo","uid":"0b6b5f6e-4c5c-4a57-9d3c-3d7a4f1c2b10","resourceVersion":"1057","creationTimestamp":"2025-03-01T10:00:00Z"},"data":{"mode":"green"}}}
{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"1100","creationTimestamp":null}}}
{"type":"DELETED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"app-config","namespace":"demo","uid":"0b6b5f6e-4c5c-4a57-9d3c-3d7a4f1c2b10","resourceVersion":"1103","creationTimestamp":"2025-03-01T10:00:00Z"},"data":{"mode":"green"}}}
`;

Deno.test("watchList: a recorded kube-apiserver 1.32 stream syncs the store and continues", async () => {
  const t = setup({ serverVersion: "v1.32.0" });
  await t.start();
  const events = RECORDED_STREAM.trim().split("\n").map((line) => JSON.parse(line) as WatchEvent);
  t.lw.lastWatch.send(...events.slice(0, 2));
  await flushTasks();
  assert.deepEqual(t.store.ops, []);
  t.lw.lastWatch.send(events[2]);
  await flushTasks();
  assert.deepEqual(t.store.ops, ["replace [app-config,kube-root-ca.crt]@1050"]);
  t.lw.lastWatch.send(...events.slice(3));
  await flushTasks();
  assert.deepEqual(t.store.ops.slice(1), ["update app-config@1057", "delete app-config@1103"]);
  assert.deepEqual(t.store.names(), ["kube-root-ca.crt"]);
  assert.equal(t.reflector.lastSyncResourceVersion(), "1103");
  assert.equal(t.lw.watchCalls.length, 1);
  assert.equal(t.lw.listCalls.length, 0);
  await t.stop();
});

Deno.test("reflector: a list with null items is empty; a list without an items array is an error", async () => {
  const t = setup();
  t.lw.listAnswers.push(
    { metadata: { resourceVersion: "3" }, items: null as unknown as KubeObject[] },
  );
  await t.start();
  assert.deepEqual(t.store.ops, ["replace []@3"]);
  await t.stop();
  const u = setup();
  u.lw.listAnswers.push({ metadata: { resourceVersion: "3" }, items: "nope" as unknown as KubeObject[] });
  await u.start();
  assert.match((u.errors[0] as Error).message, /no items array/);
  await u.stop();
});

Deno.test("watchList: the recorded stream through the REST watch decoder, split into odd chunks", async () => {
  const clock = new FakeClock();
  const store = new RecordingStore();
  const bytes = new TextEncoder().encode(RECORDED_STREAM);
  const watchCalls: Record<string, unknown>[] = [];
  const fake = new FakeListerWatcher<KubeObject>(clock);
  const reflector = new Reflector<KubeObject>(
    {
      list: (o, signal) => fake.list(o, signal),
      watch: (options, signal) => {
        watchCalls.push({ ...options });
        if (watchCalls.length > 1) return fake.watch(options, signal);
        // The recorded body, delivered 37 bytes at a time, then the server ends the watch.
        const body = new ReadableStream<Uint8Array>({
          start(c) {
            for (let i = 0; i < bytes.length; i += 37) c.enqueue(bytes.slice(i, i + 37));
            c.close();
          },
        });
        return Promise.resolve(watcherFromResponse<KubeObject>(body, { signal }));
      },
    },
    store,
    {
      clock,
      random: () => 0,
      useWatchList: true,
      watchErrorHandler: (_r, e) => assert.fail(String(e)),
    },
  );
  const controller = new AbortController();
  const done = reflector.run(controller.signal);
  for (let i = 0; i < 5; i++) await flushTasks();
  assert.deepEqual(store.ops, [
    "replace [app-config,kube-root-ca.crt]@1050",
    "update app-config@1057",
    "delete app-config@1103",
  ]);
  // The stream ended after the initial events: the next request is a plain watch from the last RV.
  assert.equal(watchCalls.length, 2);
  assert.deepEqual(watchCalls[1], {
    resourceVersion: "1103",
    timeoutSeconds: 300,
    allowWatchBookmarks: true,
  });
  controller.abort();
  await done;
});
