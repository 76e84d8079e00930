import assert from "node:assert/strict";
import { JsonBodyDecoder } from "./_json_body_decoder.ts";

const encoder = new TextEncoder();

/** Decodes `bytes` pushed in pieces cut at `cuts` (ascending byte offsets). */
function decodeCut(bytes: Uint8Array, cuts: number[], batchChars?: number, probeChars?: number): unknown {
  const d = new JsonBodyDecoder(batchChars, probeChars);
  let from = 0;
  for (const c of [...cuts, bytes.length]) {
    d.push(bytes.subarray(from, c));
    from = c;
  }
  return d.end();
}

/** Asserts that the decoder gives what JSON.parse gives, for the whole text and every cut in two and three. */
function assertSame(text: string, { threeWay = true }: { threeWay?: boolean } = {}): void {
  const bytes = encoder.encode(text);
  const want = JSON.parse(text);
  const check = (cuts: number[]) => {
    // Batches of one element (each parsed as it ends) and of the default size; guessing from the
    // first characters of the items array on.
    assert.deepEqual(decodeCut(bytes, cuts, 1), want, `batches of 1, cut at ${cuts.join(",")}`);
    for (const probe of [1, 16]) {
      for (const batch of [1, 40]) {
        assert.deepEqual(
          decodeCut(bytes, cuts, batch, probe),
          want,
          `probe ${probe}, batch ${batch}, cut at ${cuts}`,
        );
      }
    }
    const got = decodeCut(bytes, cuts);
    assert.deepEqual(got, want, `cut at ${cuts.join(",")} of ${JSON.stringify(text).slice(0, 80)}`);
    if (want !== null && typeof want === "object") {
      assert.deepEqual(Object.keys(got as object), Object.keys(want), "member order");
    }
  };
  check([]);
  for (let a = 0; a <= bytes.length; a++) check([a]);
  if (threeWay) {
    for (let a = 0; a <= bytes.length; a += 3) {
      for (let b = a; b <= bytes.length; b += 5) check([a, b]);
    }
  }
}

/** Asserts that the decoder throws a SyntaxError, as JSON.parse does, however the text is cut. */
function assertInvalid(text: string): void {
  assert.throws(() => JSON.parse(text), SyntaxError, "the case must be invalid JSON");
  const bytes = encoder.encode(text);
  for (let a = 0; a <= bytes.length; a++) {
    assert.throws(() => decodeCut(bytes, [a]), SyntaxError, `cut at ${a} of ${JSON.stringify(text)}`);
    assert.throws(
      () => decodeCut(bytes, [a], 1),
      SyntaxError,
      `batches of 1, cut at ${a} of ${JSON.stringify(text)}`,
    );
    for (const probe of [1, 4]) {
      assert.throws(
        () => decodeCut(bytes, [a], 1, probe),
        SyntaxError,
        `guessing after ${probe}, cut at ${a} of ${JSON.stringify(text)}`,
      );
    }
  }
}

Deno.test("JsonBodyDecoder: a list decodes as JSON.parse decodes it, however its bytes are cut", () => {
  assertSame(
    '{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[' +
      '{"metadata":{"name":"a","labels":{"x":"}{]["}},"spec":{"n":[1,2,{"y":null}]}},' +
      '{"metadata":{"name":"b\\"\\\\"},"data":{"k":"line\\nnext \\u00e9 é 😀"}}]}',
  );
});

Deno.test("JsonBodyDecoder: a guessed cut inside an element (the same key in a nested array) falls back to scanning", () => {
  // Items begin with {"metadata": and so do the objects of a nested array: the last "},{"metadata":"
  // of the held text may be inside an item.
  assertSame(
    '{"kind":"List","items":[{"metadata":{"n":1},"t":[{"metadata":{"a":"},{\\"metadata\\":"}},{"metadata":2}]},' +
      '{"metadata":{"n":2}},{"metadata":{"n":3},"t":[{"metadata":4},{"metadata":5}]}],"after":[{"metadata":6},{"metadata":7}]}',
  );
  assertSame('{"items":[{"metadata":1},{"metadata":2}],"x":[{"metadata":3},{"metadata":4}]}');
});

Deno.test("JsonBodyDecoder: whitespace, empty and one-element items, members after the items", () => {
  assertSame(' \n{ "items" : [ ] , "metadata" : { } } \n');
  assertSame('{"items":[{"a":1}],"kind":"List","metadata":{"continue":"x"}}');
  assertSame('{ "kind": "List",\n  "items": [\n    {"a": 1},\n    {"b": [2]}\n  ]\n}\n');
});

Deno.test("JsonBodyDecoder: items of every JSON type", () => {
  assertSame('{"items":[1,-2.5e3,"s","q\\"uote",true,false,null,[],[[1]],{}],"k":0}');
  assertSame('{"items":[ 1 , "a" ,null ]}');
});

Deno.test("JsonBodyDecoder: values that are not a list decode as JSON.parse decodes them", () => {
  assertSame('{"kind":"Pod","metadata":{"name":"p","items":[1,2]},"spec":{"items":["x"]}}');
  assertSame('[{"items":[1]},2]');
  assertSame('"items"');
  assertSame("42");
  assertSame('{"items":"not an array","x":[1]}');
  assertSame('{"itemsX":[1],"xitems":[2]}');
  assertSame('{"a":"\\"items\\":[","items":[3]}');
});

Deno.test("JsonBodyDecoder: duplicate items members keep the last value, as JSON.parse does", () => {
  assertSame('{"items":[1],"items":[2,3]}');
  assertSame('{"items":[1],"items":5}');
  assertSame('{"items":5,"items":[1,2]}');
  assertSame('{"\\u0069tems":[1],"items":[2]}');
  assertSame('{"items":[1],"\\u0069tems":[9]}');
});

Deno.test("JsonBodyDecoder: a blank body is undefined", () => {
  assert.equal(decodeCut(encoder.encode(""), []), undefined);
  assert.equal(decodeCut(encoder.encode(" \n\t "), [2]), undefined);
});

Deno.test("JsonBodyDecoder: text that is not JSON throws a SyntaxError, however it is cut", () => {
  for (
    const bad of [
      '{"items":[',
      '{"items":[1,]}',
      '{"items":[,1]}',
      '{"items":[1 2]}',
      '{"items":[{"a":1}{"b":2}]}',
      '{"items":[{"a":1]}',
      '{"items":[tru]}',
      '{"items":[1]',
      '{"items":[1]}}',
      '{"items":[1]} x',
      '{"items" [1]}',
      '{"a":"unterminated',
      '{"items":["unterminated]}',
      "{",
      "nope",
    ]
  ) assertInvalid(bad);
});

Deno.test("JsonBodyDecoder: a large list cut in 4 KB chunks equals JSON.parse", () => {
  const items = Array.from({ length: 2000 }, (_, i) => ({
    metadata: { name: `cm-${i}`, annotations: { note: `a "quoted" \\ value ${"x".repeat(i % 50)}` } },
    data: { "app.properties": Array.from({ length: i % 7 }, (_, k) => `k${k}: ü${k}`).join("\n") },
  }));
  const text = JSON.stringify({
    kind: "ConfigMapList",
    apiVersion: "v1",
    metadata: { resourceVersion: "9" },
    items,
  });
  const bytes = encoder.encode(text);
  for (const size of [1, 7, 4096, 65536]) {
    const cuts = [];
    for (let c = size; c < bytes.length; c += size) cuts.push(c);
    assert.deepEqual(decodeCut(bytes, cuts), JSON.parse(text), `chunks of ${size}`);
  }
});

Deno.test("JsonBodyDecoder: an element split over many chunks is joined once, not rescanned", () => {
  const big = "y".repeat(200_000);
  const text = `{"items":[{"v":"${big}"},{"w":"${big}\\\\"}]}`;
  const bytes = encoder.encode(text);
  const cuts = [];
  for (let c = 3; c < bytes.length; c += 3) cuts.push(c);
  assert.deepEqual(decodeCut(bytes, cuts), JSON.parse(text));
});

/** A small seeded PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("JsonBodyDecoder: random values, written compact or indented and cut at random, equal JSON.parse", () => {
  const random = prng(16);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const strings = ["", "items", 'a"b', "\\", '\\"', "}", "]", "{[", "é", "😀", "\n", "\u2028", ",:"];
  const value = (depth: number): unknown => {
    const r = random();
    if (depth > 3 || r < 0.3) return pick<unknown>([0, -1.5, 1e21, true, false, null, ...strings]);
    if (r < 0.6) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
    return Object.fromEntries(
      Array.from({ length: Math.floor(random() * 4) }, () => [pick(strings), value(depth + 1)]),
    );
  };
  for (let n = 0; n < 300; n++) {
    const list: Record<string, unknown> = {};
    if (random() < 0.5) list.kind = "List";
    if (random() < 0.3) list.metadata = value(1);
    list.items = Array.from({ length: Math.floor(random() * 6) }, () => value(1));
    if (random() < 0.3) list.after = value(1);
    const text = JSON.stringify(random() < 0.5 ? list : value(0), null, random() < 0.5 ? undefined : 2);
    const bytes = encoder.encode(text);
    const cuts: number[] = [];
    for (let c = Math.floor(random() * 9); c < bytes.length; c += 1 + Math.floor(random() * 9)) cuts.push(c);
    for (const [batch, probe] of [[1, undefined], [10, undefined], [undefined, undefined], [1, 1], [30, 4]]) {
      assert.deepEqual(
        decodeCut(bytes, cuts, batch, probe),
        JSON.parse(text),
        `case ${n}, batch ${batch}, probe ${probe}: ${text.slice(0, 200)}`,
      );
    }
  }
});
