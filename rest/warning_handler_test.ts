import assert from "node:assert/strict";
import {
  defaultWarningHandler,
  newDeduplicatingWarningHandler,
  NO_WARNINGS,
  parseWarningHeader,
  setDefaultWarningHandler,
  type Warning,
} from "./warning_handler.ts";

Deno.test("parseWarningHeader: RFC 7234 values, several per header, escapes, dates, agents", () => {
  assert.deepEqual(parseWarningHeader('299 - "simple"'), [{ code: 299, agent: "-", text: "simple" }]);
  assert.deepEqual(
    parseWarningHeader(
      '299 - "a, b", 199 proxy.example:8080 "miscellaneous" "Wed, 21 Oct 2015 07:28:00 GMT",299 - "with \\"quotes\\" and \\\\"',
    ),
    [
      { code: 299, agent: "-", text: "a, b" },
      { code: 199, agent: "proxy.example:8080", text: "miscellaneous" },
      { code: 299, agent: "-", text: 'with "quotes" and \\' },
    ],
  );
  assert.deepEqual(parseWarningHeader('299 - ""'), [{ code: 299, agent: "-", text: "" }]);
  assert.deepEqual(parseWarningHeader("299 - “unicode”"), []);
  assert.deepEqual(parseWarningHeader('299 - "ünïcödé ✓"'), [{ code: 299, agent: "-", text: "ünïcödé ✓" }]);
});

Deno.test("parseWarningHeader: malformed entries are skipped, the rest kept", () => {
  assert.deepEqual(parseWarningHeader(""), []);
  assert.deepEqual(parseWarningHeader("garbage"), []);
  assert.deepEqual(parseWarningHeader('29 - "short code", 299 - "kept"'), [{
    code: 299,
    agent: "-",
    text: "kept",
  }]);
  assert.deepEqual(parseWarningHeader('299 - unquoted, 299 - "kept, too"'), [{
    code: 299,
    agent: "-",
    text: "kept, too",
  }]);
  assert.deepEqual(parseWarningHeader('299 - "unterminated'), []);
  assert.deepEqual(parseWarningHeader(' , ,299 - "x" , '), [{ code: 299, agent: "-", text: "x" }]);
});

Deno.test("deduplicating handler: code 299 only, once per text, bounded memory", () => {
  const out: string[] = [];
  const h = newDeduplicatingWarningHandler({ write: (m) => out.push(m), capacity: 2 });
  const w = (text: string, code = 299): Warning => ({ code, agent: "-", text });
  h(w("a"));
  h(w("a"));
  h(w("b"));
  h(w("not k8s", 199));
  h(w(""));
  h(w("c")); // forgets "a"
  h(w("b"));
  h(w("a"));
  assert.deepEqual(out, ["Warning: a", "Warning: b", "Warning: c", "Warning: a"]);
});

Deno.test("setDefaultWarningHandler replaces the default", () => {
  const before = defaultWarningHandler();
  try {
    setDefaultWarningHandler(NO_WARNINGS);
    assert.equal(defaultWarningHandler(), NO_WARNINGS);
  } finally {
    setDefaultWarningHandler(before);
  }
});
