import assert from "node:assert/strict";
import { watcherFromResponse } from "./watcher.ts";
import { FakeClock } from "../_internal/clock.ts";
import { TransportError } from "./errors.ts";

Deno.test("watcher: await using stops the watch and releases the body", async () => {
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    cancel() {
      cancelled = true;
    },
  });
  let ended = 0;
  {
    await using watcher = watcherFromResponse(body, { onEnd: () => ended++ });
    assert.equal(typeof watcher.stop, "function");
  }
  assert.equal(cancelled, true);
  assert.equal(ended, 1);
});

Deno.test("watcher: disposing while iterating ends the iteration", async () => {
  const enc = new TextEncoder();
  let push!: (s: string) => void;
  const body = new ReadableStream<Uint8Array>({
    start: (c) => void (push = (s) => c.enqueue(enc.encode(s))),
  });
  const watcher = watcherFromResponse<{ metadata?: { name?: string } }>(body);
  push('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n');
  const seen: string[] = [];
  for await (const e of watcher) {
    seen.push(`${e.type} ${e.type === "ERROR" || e.type === "BOOKMARK" ? "" : e.object.metadata?.name}`);
    await watcher[Symbol.asyncDispose]();
  }
  assert.deepEqual(seen, ["ADDED a"]);
});

Deno.test("watcher idle deadline: judged from the pending read, with one clock reading per read, not per event", async () => {
  class CountingClock extends FakeClock {
    reads = 0;
    override now(): number {
      this.reads++;
      return super.now();
    }
  }
  const clock = new CountingClock();
  const enc = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  const w = watcherFromResponse(body, { clock, idleTimeoutMs: 10_000 });
  const it = w[Symbol.asyncIterator]();
  // 200 events in one chunk: handed out without reading the clock for each.
  const frames = Array.from(
    { length: 200 },
    (_, i) =>
      JSON.stringify({ type: "BOOKMARK", object: { metadata: { resourceVersion: String(i) } } }) + "\n",
  );
  controller.enqueue(enc.encode(frames.join("")));
  const before = clock.reads;
  for (let i = 0; i < 200; i++) {
    assert.equal((await it.next()).value?.object.metadata?.resourceVersion, String(i));
    // The consumer is slow (15 s per event, past the idle timeout): no read is pending, so it counts not.
    if (i < 3) await clock.advance(15_000);
  }
  assert.ok(clock.reads - before <= 6, `the clock was read ${clock.reads - before} times for 200 events`);
  // Now the consumer waits: the watch expires exactly when the read has been pending for 10 s.
  const pending = it.next();
  let settled = false;
  pending.then(() => settled = true, () => settled = true);
  await clock.advance(9_999);
  assert.equal(settled, false);
  await clock.advance(1);
  await assert.rejects(
    pending,
    (e: unknown) => e instanceof TransportError && /watch-idle/.test(String(e.cause)),
  );
  assert.equal(clock.waiters(), 0, "no timer is left behind");
});
