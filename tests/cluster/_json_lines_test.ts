import assert from "node:assert/strict";
import { readJsonLines } from "./_json_lines.ts";

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(encoder.encode(chunk));
      c.close();
    },
  });
}

Deno.test("readJsonLines: the JSON lines, across chunk boundaries, other lines and an unended last line skipped", async () => {
  const seen: unknown[] = [];
  await readJsonLines(
    streamOf('{"a":', '1}\nlog line\n  {"b":2}  \n{"c":', "3}\n", '{"partial":'),
    (v) => seen.push(v),
  );
  assert.deepEqual(seen, [{ a: 1 }, { b: 2 }, { c: 3 }]);
});
