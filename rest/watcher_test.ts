import assert from "node:assert/strict";
import { watcherFromResponse } from "./watcher.ts";

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
