import assert from "node:assert/strict";
import { WatchDecodeError } from "./errors.ts";
import type { KubeObject, WatchEvent } from "./types.ts";
import { decodeWatchStream, DEFAULT_MAX_WATCH_FRAME_BYTES } from "./watch_decoder.ts";
import { seededRandom } from "../_internal/seeded_random.ts";

const enc = new TextEncoder();

/** A body that hands out `chunks` one read at a time and records whether it was cancelled. */
function body(
  chunks: Uint8Array[],
): { stream: ReadableStream<Uint8Array>; cancelled: () => unknown; pulls: () => number } {
  let i = 0;
  let cancelled: unknown = undefined;
  let pulls = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      pulls++;
      if (i < chunks.length) c.enqueue(chunks[i++]);
      else c.close();
    },
    cancel(reason) {
      cancelled = reason ?? "cancelled without reason";
    },
  }, { highWaterMark: 0 });
  return { stream, cancelled: () => cancelled, pulls: () => pulls };
}

/** Splits `bytes` at random points; sizes from 1 to `max` bytes. */
function randomChunks(bytes: Uint8Array, rand: () => number, max: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = 1 + Math.floor(rand() * max);
    out.push(bytes.slice(at, at + size));
    at += size;
  }
  return out;
}

async function collect<T = KubeObject>(
  it: AsyncIterable<WatchEvent<T>>,
): Promise<{ events: WatchEvent<T>[]; error: unknown }> {
  const events: WatchEvent<T>[] = [];
  try {
    for await (const e of it) events.push(e);
  } catch (error) {
    return { events, error };
  }
  return { events, error: undefined };
}

const TRICKY_STRINGS = [
  "plain",
  "{",
  "}",
  "}{",
  '"}{"',
  '\\"',
  "\\",
  "\\\\",
  '\\"}',
  "a\\",
  '{"type":"ERROR"}',
  "line\nbreak\r\ttab",
  "é",
  "日本語のテキスト",
  "emoji 😀 and 𝄞 music",
  "\u2028\u2029",
  "\ufeff BOM inside",
  "} {",
  "}\n{",
];

function randomEvent(rand: () => number, i: number): WatchEvent {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const type = pick(["ADDED", "MODIFIED", "DELETED", "BOOKMARK"] as const);
  const annotations: Record<string, string> = {};
  const n = Math.floor(rand() * 4);
  for (let k = 0; k < n; k++) {
    annotations[pick(TRICKY_STRINGS) + k] = pick(TRICKY_STRINGS) + pick(TRICKY_STRINGS);
  }
  return {
    type,
    object: {
      kind: "ConfigMap",
      apiVersion: "v1",
      metadata: { name: `cm-${i}`, resourceVersion: String(100 + i), annotations },
      data: { nested: JSON.stringify({ a: { b: [pick(TRICKY_STRINGS)] } }), list: [1, { x: "}" }, []] },
    } as KubeObject,
  } as WatchEvent;
}

type Layout = "newline" | "none" | "spaces" | "pretty" | "crlf" | "mixed";

function serialize(events: WatchEvent[], layout: Layout, rand: () => number): string {
  return events.map((e) => {
    switch (layout) {
      case "newline":
        return JSON.stringify(e) + "\n";
      case "none":
        return JSON.stringify(e);
      case "spaces":
        return " \t" + JSON.stringify(e) + "  ";
      case "pretty":
        return JSON.stringify(e, null, 2) + "\n";
      case "crlf":
        return JSON.stringify(e) + "\r\n";
      case "mixed": {
        const r = rand();
        return r < 0.4
          ? JSON.stringify(e) + "\n"
          : r < 0.6
          ? JSON.stringify(e)
          : r < 0.8
          ? JSON.stringify(e, null, 1) + "\n\n"
          : "\n" + JSON.stringify(e) + " {".slice(0, 1);
      }
    }
  }).join("");
}

Deno.test("random chunking: every layout, many seeds, splits anywhere (inside UTF-8 and strings)", async () => {
  const layouts: Layout[] = ["newline", "none", "spaces", "pretty", "crlf", "mixed"];
  let cases = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const rand = seededRandom(seed);
    const events = Array.from({ length: 25 }, (_, i) => randomEvent(rand, i));
    for (const layout of layouts) {
      const bytes = enc.encode(serialize(events, layout, rand));
      for (const max of [1, 3, 17, 200, 5000]) {
        const { stream, cancelled } = body(randomChunks(bytes, rand, max));
        const { events: got, error } = await collect(decodeWatchStream(stream));
        assert.equal(error, undefined, `seed ${seed} ${layout} max ${max}: ${error}`);
        assert.deepEqual(got, events, `seed ${seed} ${layout} max ${max}`);
        assert.equal(cancelled(), undefined, "a stream that ends is not cancelled");
        cases++;
      }
    }
  }
  assert.equal(cases, 60 * 6 * 5);
});

Deno.test("every split point of a small stream with multi-byte characters", async () => {
  const events: WatchEvent[] = [
    { type: "ADDED", object: { metadata: { name: 'é😀}{\\"', annotations: { "k": "日本" } } } },
    { type: "MODIFIED", object: { metadata: { name: "b" } } },
  ];
  for (const sep of ["\n", ""]) {
    const bytes = enc.encode(events.map((e) => JSON.stringify(e)).join(sep) + sep);
    for (let a = 0; a <= bytes.length; a++) {
      for (const b of [a, a + 1, a + 2, a + 3, bytes.length]) {
        if (b > bytes.length) continue;
        const chunks = [bytes.slice(0, a), bytes.slice(a, b), bytes.slice(b)];
        const { events: got, error } = await collect(decodeWatchStream(body(chunks).stream));
        assert.equal(error, undefined, `split ${a}/${b} sep ${JSON.stringify(sep)}`);
        assert.deepEqual(got, events, `split ${a}/${b}`);
      }
    }
  }
});

Deno.test("ERROR events are yielded with their Status", async () => {
  const status = {
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    code: 410,
    reason: "Expired",
    message: "too old",
  };
  const text = JSON.stringify({ type: "ADDED", object: { metadata: { name: "a" } } }) + "\n" +
    JSON.stringify({ type: "ERROR", object: status }) + "\n";
  const { events, error } = await collect(decodeWatchStream(body([enc.encode(text)]).stream));
  assert.equal(error, undefined);
  assert.equal(events.length, 2);
  assert.deepEqual(events[1], { type: "ERROR", object: status });
});

Deno.test("a large frame (20 MB, above the default limit, so raised) in 64 KB chunks, in linear time", async () => {
  const big = "x".repeat(1000) + '{\\"}é';
  const items = Array.from({ length: 20_000 }, (_, i) => ({ i, s: big }));
  const event = { type: "ADDED", object: { metadata: { name: "big" }, items } };
  const frame = JSON.stringify(event);
  assert.ok(frame.length > 20_000_000, `${frame.length}`);
  const small = { type: "DELETED", object: { metadata: { name: "after" } } };
  for (const sep of ["\n", ""]) {
    const bytes = enc.encode(frame + sep + JSON.stringify(small) + sep);
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; at += 65_537) chunks.push(bytes.subarray(at, at + 65_537));
    const started = performance.now();
    const { events, error } = await collect(
      decodeWatchStream(body(chunks).stream, { maxFrameBytes: 64 * 1024 * 1024 }),
    );
    const ms = performance.now() - started;
    assert.equal(error, undefined);
    assert.equal(events.length, 2);
    assert.equal((events[0].object as unknown as { items: unknown[] }).items.length, 20_000);
    assert.deepEqual((events[0].object as unknown as { items: { s: string }[] }).items[19_999].s, big);
    assert.deepEqual(events[1], small);
    // Generous bound: a quadratic decoder needs minutes here (330 chunks re-scanned each time).
    assert.ok(ms < 20_000, `took ${ms} ms`);
  }
});

Deno.test("a large pretty-printed frame is decoded once the brace closes", async () => {
  const event = {
    type: "MODIFIED",
    object: {
      metadata: { name: "pretty" },
      data: Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, `v}{${i}`])),
    },
  };
  const bytes = enc.encode(JSON.stringify(event, null, 2) + "\n");
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += 4099) chunks.push(bytes.subarray(at, at + 4099));
  const { events, error } = await collect(decodeWatchStream(body(chunks).stream));
  assert.equal(error, undefined);
  assert.deepEqual(events, [event]);
});

const A = JSON.stringify({ type: "ADDED", object: { metadata: { name: "a" } } });
const B = JSON.stringify({ type: "MODIFIED", object: { metadata: { name: "b" } } });

async function decodeError(
  text: string,
  chunkSize = 0,
): Promise<{ events: WatchEvent[]; error: WatchDecodeError }> {
  const bytes = enc.encode(text);
  const chunks = chunkSize > 0 ? randomChunks(bytes, () => (chunkSize - 1) / chunkSize, chunkSize) : [bytes];
  const b = body(chunks);
  const { events, error } = await collect(decodeWatchStream(b.stream));
  assert.ok(error instanceof WatchDecodeError, `expected a WatchDecodeError, got ${error}`);
  assert.equal(error.name, "WatchDecodeError");
  return { events, error };
}

Deno.test("an unknown event type ends the iteration after the good events", async () => {
  for (const size of [0, 1, 7]) {
    const { events, error } = await decodeError(`${A}\n${B}\n{"type":"SYNC","object":{}}\n${A}\n`, size);
    assert.equal(events.length, 2);
    assert.equal(error.message, 'Unknown watch event type "SYNC" at event 3');
    assert.equal(error.event, 3);
  }
  const missing = await decodeError(`${A}{"object":{}}`);
  assert.equal(missing.events.length, 1);
  assert.equal(missing.error.message, "Unknown watch event type (none) at event 2");
  const noObject = await decodeError(`${A}\n{"type":"ADDED"}\n`);
  assert.equal(noObject.error.message, "Watch event 2 (ADDED) has no object");
});

Deno.test("a frame that is not valid JSON ends the iteration after the good events", async () => {
  for (const size of [0, 1, 5, 13]) {
    const bad = await decodeError(`${A}\n${B}\n{"type":"ADDED","object":{"a":tru}}\n${A}\n`, size);
    assert.equal(bad.events.length, 2, `size ${size}`);
    assert.match(bad.error.message, /^Invalid JSON at event 3/);
    assert.equal(bad.error.event, 3);
    assert.ok(bad.error.cause instanceof SyntaxError);
    const notObject = await decodeError(`${A}\n[1,2]\n`, size);
    assert.equal(notObject.events.length, 1);
    assert.match(notObject.error.message, /^Invalid JSON at event 2/);
    const html = await decodeError(`${A}${B}<html>proxy error</html>`, size);
    assert.equal(html.events.length, 2);
    assert.match(html.error.message, /^Invalid JSON at event 3/);
    const noNewline = await decodeError(`${A}${B}{"type":"ADDED",,}${A}`, size);
    assert.equal(noNewline.events.length, 2);
    assert.match(noNewline.error.message, /^Invalid JSON at event 3/);
  }
});

Deno.test("a stream that ends inside a frame is truncated, after the good events", async () => {
  const partial = '{"type":"ADDED","object":{"metadata":{"name":"é}';
  const bytes = enc.encode(partial).length;
  for (const size of [0, 1, 4, 9]) {
    for (const sep of ["\n", ""]) {
      const { events, error } = await decodeError(`${A}${sep}${B}${sep}${partial}`, size);
      assert.equal(events.length, 2);
      assert.equal(
        error.message,
        `Watch stream truncated: it ended inside a frame of ${bytes} bytes (event 3)`,
        `size ${size} sep ${JSON.stringify(sep)}`,
      );
      assert.equal(error.event, 3);
    }
  }
  // Ending inside a multi-byte character, inside a frame.
  const cut = enc.encode(`${A}\n{"type":"ADDED","object":{"n":"😀"}}`).slice(0, -5);
  const { events, error } = await collect(decodeWatchStream(body([cut]).stream));
  assert.equal(events.length, 1);
  assert.ok(error instanceof WatchDecodeError);
  assert.match(error.message, /^Watch stream truncated/);
});

Deno.test("an empty stream and whitespace only end without events or errors", async () => {
  for (const text of ["", "\n", " \r\n\t "]) {
    const { events, error } = await collect(decodeWatchStream(body([enc.encode(text)]).stream));
    assert.deepEqual(events, []);
    assert.equal(error, undefined);
  }
});

Deno.test("a complete frame without a trailing newline is delivered before more data arrives", async () => {
  // The body yields one frame (no newline) and then never ends: the event must come out anyway.
  for (const text of [A, `${A}${B.slice(0, 10)}`, `${A} `, `${A}\n${B}`]) {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
    });
    controller.enqueue(enc.encode(text));
    const it = decodeWatchStream(stream);
    const first = await it.next();
    assert.equal(first.done, false);
    assert.deepEqual(first.value, JSON.parse(A));
    await it.return!();
  }
});

Deno.test("return() cancels the body at once and ends the iteration", async () => {
  const chunks = Array.from(
    { length: 100 },
    (_, i) => enc.encode(JSON.stringify({ type: "ADDED", object: { i } }) + "\n"),
  );
  const b = body(chunks);
  const it = decodeWatchStream(b.stream);
  let n = 0;
  for await (const _ of it) if (++n === 3) break;
  assert.notEqual(b.cancelled(), undefined, "break cancels the body");
  assert.ok(b.pulls() < 10, `read ${b.pulls()} chunks`);
  assert.deepEqual(await it.next(), { value: undefined, done: true });
});

Deno.test("return() while a read is pending ends that read", async () => {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    cancel() {
      cancelled = true;
    },
  });
  const it = decodeWatchStream(stream);
  const pending = it.next();
  await it.return!();
  assert.ok(cancelled);
  assert.deepEqual(await pending, { value: undefined, done: true });
});

Deno.test("aborting the signal cancels the body and rejects pending and later next() calls", async () => {
  let cancelReason: unknown;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(enc.encode(`${A}\n`));
    },
    cancel(reason) {
      cancelReason = reason;
    },
  });
  const ac = new AbortController();
  const it = decodeWatchStream(stream, { signal: ac.signal });
  assert.deepEqual((await it.next()).value, JSON.parse(A));
  const pending = it.next();
  const reason = new Error("stop watching");
  ac.abort(reason);
  assert.equal(cancelReason, reason, "the body is cancelled synchronously on abort");
  await assert.rejects(pending, (e) => e === reason);
  await assert.rejects(it.next(), (e) => e === reason);

  // Already aborted: the body is cancelled before anything is read.
  let cancelled = false;
  const s2 = new ReadableStream<Uint8Array>({
    pull() {
      throw new Error("must not read");
    },
    cancel() {
      cancelled = true;
    },
  });
  const it2 = decodeWatchStream(s2, { signal: AbortSignal.abort(reason) });
  assert.ok(cancelled);
  await assert.rejects(it2.next(), (e) => e === reason);
});

Deno.test("a decode error cancels the body; the abort listener is removed when iteration ends", async () => {
  const b = body([enc.encode(`${A}\n{"type":"NOPE","object":{}}\n`), enc.encode(`${A}\n`)]);
  const ac = new AbortController();
  let listeners = 0;
  const add = ac.signal.addEventListener.bind(ac.signal);
  const remove = ac.signal.removeEventListener.bind(ac.signal);
  ac.signal.addEventListener = ((...args: Parameters<typeof add>) => {
    listeners++;
    add(...args);
  }) as typeof add;
  ac.signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
    listeners--;
    remove(...args);
  }) as typeof remove;
  const { events, error } = await collect(decodeWatchStream(b.stream, { signal: ac.signal }));
  assert.equal(events.length, 1);
  assert.ok(error instanceof WatchDecodeError);
  assert.ok(b.cancelled() instanceof WatchDecodeError, "the body is cancelled with the error");
  assert.equal(listeners, 0);
  const ok = body([enc.encode(`${A}\n`)]);
  await collect(decodeWatchStream(ok.stream, { signal: ac.signal }));
  assert.equal(listeners, 0, "removed after a normal end too");
});

Deno.test("a body that fails passes its error through", async () => {
  const failure = new TypeError("connection reset");
  let sent = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (!sent) {
        sent = true;
        c.enqueue(enc.encode(`${A}\n`));
      } else c.error(failure);
    },
  });
  const { events, error } = await collect(decodeWatchStream(stream));
  assert.equal(events.length, 1);
  assert.equal(error, failure);
});

Deno.test("concurrent next() calls are answered in order", async () => {
  const chunks = [`${A}\n`, `${B}\n`, `${A}`, `\n`].map((s) => enc.encode(s));
  const it = decodeWatchStream(body(chunks).stream);
  const results = await Promise.all([it.next(), it.next(), it.next(), it.next()]);
  assert.deepEqual(results.map((r) => r.done ? "done" : (r.value.object as KubeObject).metadata?.name), [
    "a",
    "b",
    "a",
    "done",
  ]);
});

/** A body that never ends: `head`, then `piece` repeated in chunks of about 64 KiB, forever. */
function endless(
  head: string,
  piece: string,
): { stream: ReadableStream<Uint8Array>; pulls: () => number; cancelled: () => boolean } {
  const first = enc.encode(head);
  const chunk = enc.encode(piece.repeat(Math.max(1, Math.floor(65_536 / piece.length))));
  let pulls = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      c.enqueue(pulls++ === 0 ? first : chunk);
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, pulls: () => pulls, cancelled: () => cancelled };
}

Deno.test("a frame that never ends stops at the 16 MiB default with a WatchDecodeError; the body is cancelled", async (t) => {
  assert.equal(DEFAULT_MAX_WATCH_FRAME_BYTES, 16 * 1024 * 1024);
  const shapes: [string, string, string][] = [
    ["one endless string", `${A}\n{"type":"ADDED","object":{"data":"`, "x"],
    ["endless multi-byte string", `${A}\n{"type":"ADDED","object":{"data":"`, "é€"],
    ["endless lines that end in a brace", `${A}\n{"type":"ADDED","object":{"k":{}\n`, ',"k":{}\n'],
    ["endless nesting", `${A}\n{"type":"ADDED","object":`, '{"a":'],
  ];
  for (const [name, head, piece] of shapes) {
    await t.step(name, async () => {
      const b = endless(head, piece);
      const { events, error } = await collect(decodeWatchStream(b.stream));
      assert.ok(error instanceof WatchDecodeError, `expected a WatchDecodeError, got ${error}`);
      assert.match(error.message, /^Watch event 2 is too large: its frame is longer than 16777216 bytes/);
      assert.equal(error.event, 2);
      assert.equal(events.length, 1, "the good event before it is delivered");
      assert.ok(b.cancelled(), "the body was cancelled");
      // Reading stopped once the frame passed the limit: at most 16 MiB of 64 KiB chunks, plus a few.
      assert.ok(b.pulls() <= DEFAULT_MAX_WATCH_FRAME_BYTES / 60_000 + 3, `${b.pulls()} reads`);
    });
  }
});

Deno.test("maxFrameBytes counts UTF-8 bytes exactly, for a frame in one chunk or split anywhere", async () => {
  const frameOf = (bytes: number): string => {
    const shell = JSON.stringify({ type: "ADDED", object: { data: "" } });
    const room = bytes - enc.encode(shell).length;
    // "é" is 2 bytes: fill with it, and one "x" when the room is odd.
    const data = "é".repeat(Math.floor(room / 2)) + (room % 2 ? "x" : "");
    const f = JSON.stringify({ type: "ADDED", object: { data } });
    assert.equal(enc.encode(f).length, bytes);
    return f;
  };
  const max = 3001;
  for (const size of [1, 4099]) {
    for (const sep of ["\n", ""]) {
      const fits = enc.encode(A + "\n" + frameOf(max) + sep + B + sep);
      const chunks = (bytes: Uint8Array) => {
        const out: Uint8Array[] = [];
        for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
        return out;
      };
      const ok = await collect(decodeWatchStream(body(chunks(fits)).stream, { maxFrameBytes: max }));
      assert.equal(ok.error, undefined, `size ${size} sep ${JSON.stringify(sep)}: ${ok.error}`);
      assert.equal(ok.events.length, 3);
      const over = enc.encode(A + "\n" + frameOf(max + 1) + sep + B + sep);
      const b = body(chunks(over));
      const bad = await collect(decodeWatchStream(b.stream, { maxFrameBytes: max }));
      assert.ok(bad.error instanceof WatchDecodeError, `size ${size}: ${bad.error}`);
      assert.match(bad.error.message, /Watch event 2 is too large: its frame is longer than 3001 bytes/);
      assert.equal(bad.events.length, 1);
    }
  }
  assert.throws(() => decodeWatchStream(body([]).stream, { maxFrameBytes: 0 }), RangeError);
});

/**
 * A byte stream body (as fetch's): BYOB reads get the chunks copied into the reader's view (a chunk
 * longer than the view goes on in the next read). Records the views it wrote into.
 */
function byteBody(chunks: Uint8Array[]): { stream: ReadableStream<Uint8Array>; views: Uint8Array[] } {
  const views: Uint8Array[] = [];
  let i = 0;
  let at = 0;
  const stream = new ReadableStream({
    type: "bytes",
    pull(c) {
      while (i < chunks.length && at >= chunks[i].length) [i, at] = [i + 1, 0];
      if (i >= chunks.length) {
        c.close();
        c.byobRequest?.respond(0);
        return;
      }
      const req = c.byobRequest;
      if (req === null) throw new Error("the decoder should read a byte stream with a BYOB reader");
      const view = req.view as Uint8Array;
      views.push(view);
      const n = Math.min(view.byteLength, chunks[i].length - at);
      view.set(chunks[i].subarray(at, at + n));
      at += n;
      req.respond(n);
    },
  });
  return { stream, views };
}

Deno.test("a byte stream body is read into one reused buffer, and every split still decodes", async () => {
  const rand = seededRandom(7);
  const events = Array.from({ length: 400 }, (_, i) => randomEvent(rand, i));
  const bytes = enc.encode(serialize(events, "mixed", rand));
  for (const max of [1, 5, 300, 70_000, 200_000]) {
    const { stream, views } = byteBody(randomChunks(bytes, rand, max));
    const { events: got, error } = await collect(decodeWatchStream(stream));
    assert.equal(error, undefined, `max ${max}: ${error}`);
    assert.deepEqual(got, events, `max ${max}`);
    assert.ok(views.length > 0);
    const size = views[0].buffer.byteLength;
    assert.ok(
      views.every((v) => v.byteOffset === 0 && v.buffer.byteLength === size),
      "one buffer size, from 0",
    );
  }
  // A fetch body is a byte stream: it takes the same path.
  const fetched = new Response(bytes).body!;
  assert.deepEqual((await collect(decodeWatchStream(fetched))).events, events);
});

Deno.test("a byte stream body: a multi-byte character split by the read buffer is carried over", async () => {
  const big = "é".repeat(40_000) + "😀" + "日".repeat(30_000); // crosses 64 KiB reads at odd offsets
  const events: WatchEvent[] = [
    { type: "ADDED", object: { metadata: { name: "a", annotations: { big } } } },
    { type: "MODIFIED", object: { metadata: { name: "b", annotations: { big: big.slice(1) } } } },
  ];
  const bytes = enc.encode(events.map((e) => JSON.stringify(e) + "\n").join(""));
  const { stream } = byteBody([bytes]);
  const { events: got, error } = await collect(decodeWatchStream(stream));
  assert.equal(error, undefined);
  assert.deepEqual(got, events);
});
