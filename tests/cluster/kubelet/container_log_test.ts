import assert from "node:assert/strict";
import { ContainerLog, formatTimestamp, MAX_LOG_BYTES } from "./container_log.ts";

async function readAll(s: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(s).text();
}

function clock(startMs: number): () => number {
  let t = startMs;
  return () => (t += 1000);
}

async function withLog(fn: (log: ContainerLog) => Promise<void>, now = clock(Date.UTC(2026, 0, 1))) {
  const dir = await Deno.makeTempDir({ prefix: "kubeweb-log-test-" });
  const log = new ContainerLog(`${dir}/0.log`, { now });
  try {
    await fn(log);
  } finally {
    log.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("formatTimestamp prints RFC 3339 with nine fraction digits", () => {
  assert.equal(formatTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), "2026-01-02T03:04:05.006000000Z");
  assert.equal(formatTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5) + 0.5), "2026-01-02T03:04:05.000500000Z");
});

Deno.test("ContainerLog writes whole lines per stream and keeps a partial line until closed", async () => {
  await withLog(async (log) => {
    log.append("stdout", "a\nb");
    log.append("stderr", "err\n");
    log.append("stdout", "c\n");
    assert.equal(await readAll(log.read()), "a\nerr\nbc\n");
    log.append("stdout", "tail without newline");
    assert.equal(await readAll(log.read({ tailLines: 1 })), "bc\n");
    log.close();
    assert.equal(await readAll(log.read({ tailLines: 1 })), "tail without newline\n");
    const raw = await Deno.readTextFile(log.path);
    assert.match(raw.split("\n")[0], /^2026-01-01T00:00:01\.000000000Z stdout F a$/);
  });
});

Deno.test("ContainerLog read applies tailLines, timestamps, sinceTime and limitBytes", async () => {
  await withLog(async (log) => {
    log.append("stdout", "one\ntwo\nthree\n"); // written at +1 s, +2 s, +3 s
    assert.equal(await readAll(log.read({ tailLines: 2 })), "two\nthree\n");
    assert.equal(await readAll(log.read({ tailLines: 0 })), "");
    assert.equal(
      await readAll(log.read({ tailLines: 1, timestamps: true })),
      "2026-01-01T00:00:03.000000000Z three\n",
    );
    assert.equal(
      await readAll(log.read({ sinceTime: new Date(Date.UTC(2026, 0, 1, 0, 0, 2)) })),
      "two\nthree\n",
    );
    assert.equal(await readAll(log.read({ limitBytes: 6 })), "one\ntw");
  });
});

Deno.test("ContainerLog follow streams new lines and ends when the log closes", async () => {
  await withLog(async (log) => {
    log.append("stdout", "first\n");
    const reader = log.read({ follow: true }).pipeThrough(new TextDecoderStream()).getReader();
    assert.equal((await reader.read()).value, "first\n");
    const next = reader.read();
    log.append("stdout", "second\n");
    assert.equal((await next).value, "second\n");
    const end = reader.read();
    log.close();
    assert.equal((await end).done, true);
  });
});

Deno.test("ContainerLog follow ends when the reader cancels or the signal aborts", async () => {
  await withLog(async (log) => {
    const ac = new AbortController();
    const reader = log.read({ follow: true, signal: ac.signal }).getReader();
    const pending = reader.read();
    ac.abort();
    assert.equal((await pending).done, true);
    const other = log.read({ follow: true }).getReader();
    const waiting = other.read();
    await other.cancel();
    assert.equal((await waiting).done, true);
  });
});

Deno.test("ContainerLog stops writing at its size limit and says so", async () => {
  await withLog(async (log) => {
    const chunk = "x".repeat(1024 * 1024) + "\n";
    for (let i = 0; i < MAX_LOG_BYTES / chunk.length + 2; i++) log.append("stdout", chunk);
    const size = (await Deno.stat(log.path)).size;
    assert.ok(size <= MAX_LOG_BYTES + 200, `log size ${size}`);
    assert.match(await readAll(log.read({ tailLines: 1 })), /log limit of \d+ bytes reached/);
  });
});

Deno.test("ContainerLog lastText returns the newest lines within a byte limit", async () => {
  await withLog(async (log) => {
    log.append("stderr", "a\nb\nc\n");
    assert.equal(await log.lastText(2, 100), "b\nc\n");
    assert.equal(await log.lastText(3, 3), "\nc\n");
  });
});
