import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import { FakeListerWatcher } from "../cache/_fake_lister_watcher.ts";
import type { ListWatchClient } from "../cache/listwatch.ts";
import type { KubeObject } from "../rest/types.ts";
import { WaitTimeoutError } from "../retry/wait_timeout_error.ts";
import { deleted, jobComplete } from "./conditions.ts";
import { untilWithSync } from "./until_with_sync.ts";
import { waitFor } from "./wait_for.ts";
import { WaitFailedError } from "./wait_failed_error.ts";

type Obj = KubeObject & { status?: { conditions?: { type: string; status: string; reason?: string }[] } };

function job(rv: string, conditions: { type: string; status: string; reason?: string }[] = []): Obj {
  return { metadata: { namespace: "ns", name: "migrate", resourceVersion: rv }, status: { conditions } };
}

function clientOf(lw: FakeListerWatcher<Obj>): ListWatchClient<Obj> & { info: { resource: string } } {
  return {
    info: { resource: "jobs" },
    list: (o) => lw.list(o, o.signal ?? new AbortController().signal),
    watch: (o) => lw.watch(o, o.signal ?? new AbortController().signal),
  };
}

async function watches(lw: FakeListerWatcher<Obj>, n: number): Promise<void> {
  while (lw.watches.length < n) await new Promise((r) => setTimeout(r, 0));
}

Deno.test("waitFor: lists the object by name, then follows its changes until the condition holds", async () => {
  const lw = new FakeListerWatcher<Obj>();
  lw.listAnswers.push({ metadata: { resourceVersion: "10" }, items: [job("9")] });
  const done = waitFor(clientOf(lw), "migrate", jobComplete);
  await watches(lw, 1);
  assert.equal(lw.listCalls[0].fieldSelector, "metadata.name=migrate");
  assert.equal(lw.watchCalls[0].fieldSelector, "metadata.name=migrate");
  lw.lastWatch.send({ type: "MODIFIED", object: job("11") });
  lw.lastWatch.send({ type: "MODIFIED", object: job("12", [{ type: "Complete", status: "True" }]) });
  assert.equal((await done)?.metadata?.resourceVersion, "12");
  assert.equal(lw.lastWatch.stopped || lw.lastWatch.aborted, true, "the watch is closed");
});

Deno.test("waitFor: a condition already met on the list returns without waiting for an event", async () => {
  const lw = new FakeListerWatcher<Obj>();
  lw.listAnswers.push({
    metadata: { resourceVersion: "10" },
    items: [job("9", [{ type: "Complete", status: "True" }])],
  });
  assert.equal((await waitFor(clientOf(lw), "migrate", jobComplete))?.metadata?.resourceVersion, "9");
  const empty = new FakeListerWatcher<Obj>();
  assert.equal(await waitFor(clientOf(empty), "migrate", deleted), undefined, "already gone");
});

Deno.test("waitFor(deleted): a DELETED event, or its absence from a relist after expiry, ends the wait", async () => {
  const lw = new FakeListerWatcher<Obj>();
  lw.listAnswers.push({ metadata: { resourceVersion: "10" }, items: [job("9")] });
  const gone = waitFor(clientOf(lw), "migrate", deleted);
  await watches(lw, 1);
  lw.lastWatch.send({ type: "DELETED", object: job("12") });
  assert.equal(await gone, undefined);

  const lw2 = new FakeListerWatcher<Obj>();
  lw2.listAnswers.push({ metadata: { resourceVersion: "10" }, items: [job("9")] });
  const gone2 = waitFor(clientOf(lw2), "migrate", deleted);
  await watches(lw2, 1);
  lw2.listAnswers.push({ metadata: { resourceVersion: "40" }, items: [] });
  lw2.lastWatch.send({
    type: "ERROR",
    object: { kind: "Status", status: "Failure", code: 410, reason: "Expired", message: "too old" },
  });
  assert.equal(await gone2, undefined);
  assert.equal(lw2.listCalls.length, 2);
});

Deno.test("waitFor: a condition that throws (a failed Job) ends the wait with its error", async () => {
  const lw = new FakeListerWatcher<Obj>();
  lw.listAnswers.push({ metadata: { resourceVersion: "10" }, items: [job("9")] });
  const done = waitFor(clientOf(lw), "migrate", jobComplete);
  await watches(lw, 1);
  lw.lastWatch.send({
    type: "MODIFIED",
    object: job("11", [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded" }]),
  });
  await assert.rejects(
    done,
    (e) => e instanceof WaitFailedError && /Job "migrate" failed: BackoffLimitExceeded/.test(e.message),
  );
});

Deno.test("waitFor: timeoutMs rejects with WaitTimeoutError naming the object and the condition", async () => {
  const clock = new FakeClock(0);
  const lw = new FakeListerWatcher<Obj>();
  lw.listAnswers.push({ metadata: { resourceVersion: "10" }, items: [job("9")] });
  const done = waitFor(clientOf(lw), "migrate", jobComplete, { timeoutMs: 5000, clock });
  await watches(lw, 1);
  const rejected = assert.rejects(
    done,
    (e) =>
      e instanceof WaitTimeoutError &&
      e.message === 'Timed out after 5000 ms waiting for jobs "migrate" to meet jobComplete',
  );
  await clock.advance(5000);
  await rejected;
  assert.equal(lw.lastWatch.aborted, true);
});

Deno.test("waitFor: bad arguments are refused", async () => {
  const lw = new FakeListerWatcher<Obj>();
  await assert.rejects(() => waitFor(clientOf(lw), "", deleted), TypeError);
  // deno-lint-ignore no-explicit-any
  await assert.rejects(() => waitFor(clientOf(lw), "x", undefined as any), TypeError);
});

Deno.test("untilWithSync: conditions are met in turn; the event meeting the last is returned", async () => {
  const lw = new FakeListerWatcher<Obj>();
  lw.listAnswers.push({ metadata: { resourceVersion: "10" }, items: [job("9")] });
  const seen: string[] = [];
  const done = untilWithSync<Obj>(lw, [
    (e) => (seen.push(`1:${e.type}`), e.type === "MODIFIED"),
    (e) => (seen.push(`2:${e.type}`), e.type === "DELETED"),
  ]);
  await watches(lw, 1);
  lw.lastWatch.send({ type: "MODIFIED", object: job("11") }, { type: "MODIFIED", object: job("12") });
  lw.lastWatch.send({ type: "DELETED", object: job("13") });
  const last = await done;
  assert.equal(last?.object.metadata?.resourceVersion, "13");
  assert.deepEqual(seen, ["1:ADDED", "1:MODIFIED", "2:MODIFIED", "2:DELETED"]);
});

Deno.test("untilWithSync: a met precondition returns undefined before any watch", async () => {
  const lw = new FakeListerWatcher<Obj>();
  const r = await untilWithSync<Obj>(lw, [() => false], { precondition: (items) => items.length === 0 });
  assert.equal(r, undefined);
  assert.equal(lw.watches.length, 0);
  await assert.rejects(() => untilWithSync<Obj>(new FakeListerWatcher<Obj>(), []), TypeError);
});

Deno.test("untilWithSync: aborting the signal rejects with its reason", async () => {
  const lw = new FakeListerWatcher<Obj>();
  const ac = new AbortController();
  const done = untilWithSync<Obj>(lw, [() => false], { signal: ac.signal });
  await watches(lw, 1);
  ac.abort(new Error("cancelled"));
  await assert.rejects(done, /cancelled/);
});
