import assert from "node:assert/strict";
import { sprintf } from "./_sprintf.ts";

Deno.test("sprintf: the common verbs", () => {
  assert.equal(sprintf("Scaled %s to %d replicas", "web", 3), "Scaled web to 3 replicas");
  assert.equal(sprintf("%v %v %v %v", "a", 1.5, true, null), "a 1.5 true <nil>");
  assert.equal(sprintf("%v", { a: 1, b: [2] }), '{"a":1,"b":[2]}');
  assert.equal(sprintf("%+v", new Error("boom")), "boom");
  assert.equal(sprintf("%q", 'say "hi"'), '"say \\"hi\\""');
  assert.equal(sprintf("%d", 7.9), "7");
  assert.equal(sprintf("%d", 12n), "12");
  assert.equal(sprintf("%+d", 5), "+5");
  assert.equal(sprintf("%.2f", 3.14159), "3.14");
  assert.equal(sprintf("%f", 1), "1.000000");
  assert.equal(sprintf("%x %X", 255, 255), "ff FF");
  assert.equal(sprintf("%x", "hi"), "6869");
  assert.equal(sprintf("%t", false), "false");
  assert.equal(sprintf("%T %T", "s", 1), "string number");
  assert.equal(sprintf("100%%"), "100%");
  assert.equal(sprintf("%.3s", "abcdef"), "abc");
});

Deno.test("sprintf: width and flags", () => {
  assert.equal(sprintf("[%5s]", "ab"), "[   ab]");
  assert.equal(sprintf("[%-5s]", "ab"), "[ab   ]");
  assert.equal(sprintf("[%05d]", -42), "[-0042]");
  assert.equal(sprintf("[%3d]", 12345), "[12345]");
});

Deno.test("sprintf: missing, extra and wrong arguments as Go shows them", () => {
  assert.equal(sprintf("%s and %s", "one"), "one and %!s(MISSING)");
  assert.equal(sprintf("hi", "x", 2), "hi%!(EXTRA string=x, number=2)");
  assert.equal(sprintf("%d", "x"), "%!d(string=x)");
  assert.equal(sprintf("%z", 1), "%!z(NOVERB)%!(EXTRA number=1)");
  assert.equal(sprintf("end%"), "end%!(NOVERB)");
});
