import assert from "node:assert/strict";
import { Result } from "./result.ts";

Deno.test("Result: into, raw and text of the body", () => {
  const bytes = new TextEncoder().encode('{"kind":"Pod","metadata":{"name":"ä"}}');
  const r = new Result(201, new Headers({ "content-type": "application/json" }), bytes, ["w"]);
  assert.equal(r.statusCode, 201);
  assert.equal(r.headers.get("content-type"), "application/json");
  assert.deepEqual(r.warnings, ["w"]);
  assert.deepEqual(r.into(), { kind: "Pod", metadata: { name: "ä" } });
  assert.equal(r.raw(), bytes);
  assert.equal(r.text(), '{"kind":"Pod","metadata":{"name":"ä"}}');
});

Deno.test("Result: into() of an empty body is a TypeError, of a non-JSON body a SyntaxError", () => {
  assert.throws(() => new Result(204, new Headers(), new Uint8Array(), []).into(), /empty \(status 204\)/);
  assert.throws(
    () => new Result(200, new Headers(), new TextEncoder().encode("<html>"), []).into(),
    SyntaxError,
  );
});

Deno.test("Result: into() of blank bodies is a TypeError; JSON after leading whitespace parses", () => {
  for (const body of [" ", "\n\t\r ", ""]) {
    assert.throws(() => new Result(200, new Headers(), new TextEncoder().encode(body), []).into(), TypeError);
  }
  assert.deepEqual(new Result(200, new Headers(), new TextEncoder().encode(' \n {"a":1}'), []).into(), {
    a: 1,
  });
});

Deno.test("Result: into() runs no regular expression on the body, so V8's last-match state does not hold it", () => {
  const text = JSON.stringify({ items: [{ data: "x".repeat(64) }] });
  "probe".match(/probe/);
  new Result(200, new Headers(), new TextEncoder().encode(text), []).into();
  // V8 keeps the subject of the last match for the legacy RegExp.input: a large list would stay alive.
  assert.equal((RegExp as unknown as { input: string }).input, "probe");
});

Deno.test("Result: a body given as text gives its UTF-8 bytes from raw() (made once), and parses", () => {
  const text = ' {"kind":"Pod","metadata":{"name":"ä"}}';
  const r = new Result(200, new Headers(), text, []);
  assert.equal(r.text(), text);
  assert.deepEqual(r.into(), { kind: "Pod", metadata: { name: "ä" } });
  assert.deepEqual(r.raw(), new TextEncoder().encode(text));
  assert.equal(r.raw(), r.raw());
  assert.throws(() => new Result(200, new Headers(), " \n", []).into(), /empty \(status 200\)/);
  assert.throws(() => new Result(200, new Headers(), "<html>", []).into(), SyntaxError);
});
