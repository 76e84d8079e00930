import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import { FakeListerWatcher } from "../cache/_fake_lister_watcher.ts";
import { ApiError, TransportError } from "../rest/errors.ts";
import type { KubeObject, Status } from "../rest/types.ts";
import { newRetryWatcher, type ObjectEvent } from "./retry_watcher.ts";

type Obj = KubeObject & { data?: Record<string, string> };

function obj(name: string, rv: string, data?: Record<string, string>): Obj {
  return { metadata: { namespace: "ns", name, resourceVersion: rv }, data };
}

const EXPIRED: Status = {
  kind: "Status",
  status: "Failure",
  code: 410,
  reason: "Expired",
  message: "too old resource version: 5 (90)",
};

/** Takes events from the iterator until `n` arrived (advancing the fake clock while it waits). */
async function take<T>(it: AsyncIterator<T>, n: number, clock?: FakeClock): Promise<T[]> {
  const out: T[] = [];
  while (out.length < n) {
    const p = it.next();
    let settled = false;
    p.finally(() => (settled = true)).catch(() => {});
    while (clock !== undefined && !settled) {
      await new Promise((r) => setTimeout(r, 0));
      if (!settled && clock.nextTimerAt() !== undefined) {
        await clock.advance(clock.nextTimerAt()! - clock.now());
      }
    }
    const r = await p;
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

function summary(events: ObjectEvent<Obj>[]): string[] {
  return events.map((e) => `${e.type} ${e.object.metadata?.name}@${e.object.metadata?.resourceVersion}`);
}

/** Waits until the fake has started `n` watches. */
async function watches(lw: FakeListerWatcher<Obj>, n: number): Promise<void> {
  while (lw.watches.length < n) await new Promise((r) => setTimeout(r, 0));
}

Deno.test("retry watcher: lists, yields the items as ADDED, watches from the list's version", async () => {
  const lw = new FakeListerWatcher<Obj>();
  lw.listAnswers.push({ metadata: { resourceVersion: "10" }, items: [obj("a", "8"), obj("b", "9")] });
  const w = newRetryWatcher(lw);
  const it = w[Symbol.asyncIterator]();
  assert.deepEqual(summary(await take(it, 2)), ["ADDED a@8", "ADDED b@9"]);
  const next = it.next();
  await watches(lw, 1);
  assert.deepEqual(lw.watchCalls[0], {
    resourceVersion: "10",
    allowWatchBookmarks: true,
    timeoutSeconds: 300,
  });
  lw.lastWatch.send({ type: "MODIFIED", object: obj("a", "11") });
  assert.deepEqual(summary([(await next).value]), ["MODIFIED a@11"]);
  w.stop();
  assert.deepEqual(await it.next(), { done: true, value: undefined });
  assert.equal(lw.lastWatch.stopped || lw.lastWatch.aborted, true);
});

Deno.test("retry watcher: a closed watch resumes from the last version, bookmarks included", async () => {
  const lw = new FakeListerWatcher<Obj>();
  const w = newRetryWatcher(lw, { resourceVersion: "5" });
  const it = w[Symbol.asyncIterator]();
  const first = it.next();
  await watches(lw, 1);
  assert.equal(lw.listCalls.length, 0, "a given resource version starts with a watch, as client-go's");
  assert.equal(lw.watchCalls[0].resourceVersion, "5");
  lw.lastWatch.send({ type: "ADDED", object: obj("a", "6") });
  assert.deepEqual(summary([(await first).value]), ["ADDED a@6"]);
  lw.lastWatch.send({ type: "BOOKMARK", object: { metadata: { resourceVersion: "7" } } });
  lw.lastWatch.close();
  const second = it.next();
  await watches(lw, 2);
  assert.equal(lw.watchCalls[1].resourceVersion, "7");
  assert.equal(w.resourceVersion, "7");
  lw.lastWatch.send({ type: "DELETED", object: obj("a", "8") });
  assert.deepEqual(summary([(await second).value]), ["DELETED a@8"]);
  w.stop();
});

Deno.test("retry watcher: 410 Expired relists and yields the differences (added, modified, deleted)", async () => {
  const lw = new FakeListerWatcher<Obj>();
  lw.listAnswers.push({
    metadata: { resourceVersion: "10" },
    items: [obj("a", "8"), obj("b", "9"), obj("c", "9")],
  });
  const lists: string[][] = [];
  const w = newRetryWatcher(lw, { onList: (items) => lists.push(items.map((i) => i.metadata!.name!)) });
  const it = w[Symbol.asyncIterator]();
  await take(it, 3);
  const next = it.next();
  await watches(lw, 1);
  lw.listAnswers.push({
    metadata: { resourceVersion: "95" },
    items: [obj("a", "8"), obj("b", "50"), obj("d", "60")],
  });
  lw.lastWatch.send({ type: "ERROR", object: EXPIRED });
  const events = [(await next).value, ...await take(it, 2)];
  assert.deepEqual(summary(events), ["MODIFIED b@50", "ADDED d@60", "DELETED c@9"]);
  assert.deepEqual(lw.listCalls.map((c) => c.resourceVersion), ["", ""]);
  assert.deepEqual(lists, [["a", "b", "c"], ["a", "b", "d"]]);
  const after = it.next();
  await watches(lw, 2);
  assert.equal(lw.watchCalls[1].resourceVersion, "95");
  w.stop();
  assert.deepEqual(await after, { done: true, value: undefined });
});

Deno.test("retry watcher: a 410 when the watch starts relists too", async () => {
  const lw = new FakeListerWatcher<Obj>();
  lw.watchAnswers.push({ error: new ApiError(EXPIRED) });
  lw.listAnswers.push({ metadata: { resourceVersion: "95" }, items: [obj("x", "94")] });
  const w = newRetryWatcher(lw, { resourceVersion: "5" });
  const it = w[Symbol.asyncIterator]();
  assert.deepEqual(summary(await take(it, 1)), ["ADDED x@94"]);
  assert.equal(lw.listCalls.length, 1);
  w.stop();
});

Deno.test("retry watcher: connection failures and 5xx back off (800 ms, doubling) and watch again", async () => {
  const clock = new FakeClock(0);
  const lw = new FakeListerWatcher<Obj>(clock);
  const refused = new TransportError("127.0.0.1:6443", { cause: new Error("Connection refused") });
  const unavailable = new ApiError({
    kind: "Status",
    status: "Failure",
    code: 503,
    reason: "ServiceUnavailable",
    message: "try later",
  });
  lw.watchAnswers.push({ error: refused }, { error: unavailable });
  const w = newRetryWatcher(lw, { resourceVersion: "5", clock, random: () => 0 });
  const it = w[Symbol.asyncIterator]();
  const got = take(it, 1, clock);
  await watches(lw, 1);
  lw.lastWatch.send({ type: "ADDED", object: obj("a", "6") });
  assert.deepEqual(summary(await got), ["ADDED a@6"]);
  assert.deepEqual(lw.watchTimes, [0, 800, 2400]);
  w.stop();
});

Deno.test("retry watcher: a watch that ends at once with nothing backs off instead of spinning", async () => {
  const clock = new FakeClock(0);
  const lw = new FakeListerWatcher<Obj>(clock);
  const w = newRetryWatcher(lw, { resourceVersion: "5", clock, random: () => 0 });
  const it = w[Symbol.asyncIterator]();
  const next = it.next();
  await watches(lw, 1);
  lw.lastWatch.close();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(lw.watches.length, 1, "no new watch before the backoff");
  await clock.advance(800);
  await watches(lw, 2);
  w.stop();
  assert.deepEqual(await next, { done: true, value: undefined });
});

Deno.test("retry watcher: 403, a bad request or an ERROR event other than 410 ends the iteration with it", async () => {
  const forbidden = new ApiError({
    kind: "Status",
    status: "Failure",
    code: 403,
    reason: "Forbidden",
    message: "no",
  });
  const lw = new FakeListerWatcher<Obj>();
  lw.listAnswers.push({ error: forbidden });
  await assert.rejects(() => take(newRetryWatcher(lw)[Symbol.asyncIterator](), 1), (e) => e === forbidden);

  const lw2 = new FakeListerWatcher<Obj>();
  const it = newRetryWatcher(lw2, { resourceVersion: "1" })[Symbol.asyncIterator]();
  const next = it.next();
  await watches(lw2, 1);
  lw2.lastWatch.send({
    type: "ERROR",
    object: { kind: "Status", status: "Failure", code: 400, reason: "BadRequest", message: "bad selector" },
  });
  await assert.rejects(
    next,
    (e) => e instanceof ApiError && e.code === 400 && /bad selector/.test(e.message),
  );
});

Deno.test("retry watcher: aborting the signal rejects with its reason; it iterates once", async () => {
  const lw = new FakeListerWatcher<Obj>();
  const ac = new AbortController();
  const w = newRetryWatcher(lw, { resourceVersion: "1", signal: ac.signal });
  const it = w[Symbol.asyncIterator]();
  const next = it.next();
  await watches(lw, 1);
  ac.abort(new Error("bye"));
  await assert.rejects(next, /bye/);
  assert.throws(() => w[Symbol.asyncIterator](), TypeError);
});

Deno.test("retry watcher: leaving the loop stops the current watch", async () => {
  const lw = new FakeListerWatcher<Obj>();
  lw.listAnswers.push({ metadata: { resourceVersion: "2" }, items: [] });
  const w = newRetryWatcher(lw);
  const seen: string[] = [];
  const loop = (async () => {
    for await (const e of w) {
      seen.push(e.object.metadata!.name!);
      break;
    }
  })();
  await watches(lw, 1);
  lw.lastWatch.send({ type: "ADDED", object: obj("a", "3") });
  await loop;
  assert.deepEqual(seen, ["a"]);
  assert.equal(lw.lastWatch.stopped, true);
});
