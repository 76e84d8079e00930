import assert from "node:assert/strict";
import { flushTasks } from "../_internal/clock.ts";
import { newCoreV1Client } from "../clientset/core/v1/client.ts";
import { fakeOptions, fakeTransport, json, pathOf, TEST_CONFIG } from "../rest/_fake_transport.ts";
import type { Transport } from "../rest/runtime/runtime.ts";
import { isNotFound } from "../rest/errors.ts";
import { LineSplitStream, splitTimestamp, streamLogLines } from "./log_lines.ts";

const enc = new TextEncoder();

/** A body that sends `chunks`, then stays open unless `end`; records whether it was cancelled. */
function body(
  chunks: string[],
  end: boolean,
): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks) c.enqueue(enc.encode(chunk));
      if (end) c.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

Deno.test("LineSplitStream: lines across chunks, CRLF, a last line without newline, empty lines kept", async () => {
  const lines = ReadableStream.from(["a\nb", "b\r\n\nc", "c"]).pipeThrough(new LineSplitStream());
  assert.deepEqual(await collect(lines), ["a", "bb", "", "cc"]);
});

Deno.test("LineSplitStream: a line beyond maxLineLength is split, so the buffer stays bounded", async () => {
  const lines = ReadableStream.from(["abcdefg", "hij\nxy"]).pipeThrough(new LineSplitStream(4));
  assert.deepEqual(await collect(lines), ["abcd", "efgh", "ij", "xy"]);
  assert.throws(() => new LineSplitStream(0), RangeError);
});

Deno.test("streamLogLines sends every log option and yields the lines", async () => {
  const b = body(["line 1\nline", " 2\n", "partial"], true);
  const t = fakeTransport(() => new Response(b.stream));
  const pods = newCoreV1Client(TEST_CONFIG, fakeOptions(t)).pods("default");
  const lines = await streamLogLines(pods, "web-0", {
    container: "app",
    follow: true,
    previous: true,
    sinceSeconds: 30,
    tailLines: 5,
    timestamps: true,
  });
  assert.deepEqual(await collect(lines), ["line 1", "line 2", "partial"]);
  assert.equal(
    pathOf(t.calls[0]),
    "/api/v1/namespaces/default/pods/web-0/log?container=app&follow=true&previous=true&sinceSeconds=30" +
      "&timestamps=true&tailLines=5",
  );
  const t2 = fakeTransport(() => new Response(body([], true).stream));
  await streamLogLines(newCoreV1Client(TEST_CONFIG, fakeOptions(t2)).pods("ns"), "p", {
    sinceTime: "2026-12-01T20:00:00Z",
  });
  assert.equal(pathOf(t2.calls[0]), "/api/v1/namespaces/ns/pods/p/log?sinceTime=2026-12-01T20%3A00%3A00Z");
});

Deno.test("streamLogLines: the server's error rejects the open, before any line", async () => {
  const t = fakeTransport(() =>
    json({
      kind: "Status",
      status: "Failure",
      code: 404,
      reason: "NotFound",
      message: 'pods "gone" not found',
      details: { name: "gone", kind: "pods" },
    }, 404)
  );
  const pods = newCoreV1Client(TEST_CONFIG, fakeOptions(t)).pods("default");
  await assert.rejects(() => streamLogLines(pods, "gone"), (e) => isNotFound(e) && /gone/.test(String(e)));
});

Deno.test("streamLogLines: leaving the loop closes the followed stream", async () => {
  const b = body(["one\ntwo\n"], false);
  const t = fakeTransport(() => new Response(b.stream));
  const lines = await streamLogLines(newCoreV1Client(TEST_CONFIG, fakeOptions(t)).pods("default"), "p", {
    follow: true,
  });
  for await (const line of lines) {
    assert.equal(line, "one");
    break;
  }
  await flushTasks();
  assert.equal(b.cancelled(), true);
  assert.throws(() => lines[Symbol.asyncIterator](), TypeError);
});

Deno.test("streamLogLines: aborting the signal rejects the waiting iteration with its reason", async () => {
  // As fetch does: the request's signal errors the body.
  const t: Transport = {
    runtime: "fake",
    fetch(_input: Request | string | URL, init?: RequestInit): Promise<Response> {
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(enc.encode("one\n"));
          init?.signal?.addEventListener("abort", () => c.error(init.signal!.reason), { once: true });
        },
      });
      return Promise.resolve(new Response(stream));
    },
    close() {},
  };
  const ac = new AbortController();
  const lines = await streamLogLines(newCoreV1Client(TEST_CONFIG, fakeOptions(t)).pods("default"), "p", {
    follow: true,
    signal: ac.signal,
  });
  const it = lines[Symbol.asyncIterator]();
  assert.deepEqual(await it.next(), { done: false, value: "one" });
  const waiting = it.next();
  ac.abort(new Error("enough"));
  await assert.rejects(waiting, /enough/);
});

Deno.test("splitTimestamp: RFC 3339 prefix split off; other lines whole", () => {
  assert.deepEqual(splitTimestamp("2026-12-01T20:00:00.123456789Z a b"), {
    time: "2026-12-01T20:00:00.123456789Z",
    text: "a b",
  });
  assert.deepEqual(splitTimestamp("2026-12-01T20:00:00+01:00 x"), {
    time: "2026-12-01T20:00:00+01:00",
    text: "x",
  });
  assert.deepEqual(splitTimestamp("no time here"), { time: undefined, text: "no time here" });
});

Deno.test("streamLogLines: the lines as a web stream; cancel() and await using close it", async () => {
  const b = body(["a\nb\n"], false);
  const t = fakeTransport(() => new Response(b.stream));
  const pods = newCoreV1Client(TEST_CONFIG, fakeOptions(t)).pods("default");
  const lines = await streamLogLines(pods, "p", { follow: true });
  const reader = lines.readable.getReader();
  assert.deepEqual(await reader.read(), { done: false, value: "a" });
  reader.releaseLock();
  await lines.cancel();
  await flushTasks();
  assert.equal(b.cancelled(), true);
  const b2 = body(["x\n"], false);
  const t2 = fakeTransport(() => new Response(b2.stream));
  {
    await using disposable = await streamLogLines(
      newCoreV1Client(TEST_CONFIG, fakeOptions(t2)).pods("d"),
      "p",
    );
    assert.ok(disposable.readable instanceof ReadableStream);
  }
  await flushTasks(); // the cancel reaches the body through the pipe
  assert.equal(b2.cancelled(), true);
});
