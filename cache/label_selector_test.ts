import assert from "node:assert/strict";
import { CacheError } from "./cache_error.ts";
import { parseSelector, selectorFromSet } from "./label_selector.ts";

Deno.test("parseSelector: the empty selector matches everything", () => {
  for (const text of ["", "  "]) {
    const s = parseSelector(text);
    assert.equal(s.empty(), true);
    assert.equal(s.matches(undefined), true);
    assert.equal(s.matches({ a: "b" }), true);
    assert.equal(s.toString(), "");
  }
});

Deno.test("parseSelector: the full client-go syntax", () => {
  const s = parseSelector("app=web,tier in (a,b),!canary,env!=prod,x notin (y),has");
  assert.equal(s.empty(), false);
  assert.deepEqual(
    s.requirements().map((r) => [r.key, r.operator, [...r.values]]),
    [
      ["app", "=", ["web"]],
      ["canary", "!", []],
      ["env", "!=", ["prod"]],
      ["has", "exists", []],
      ["tier", "in", ["a", "b"]],
      ["x", "notin", ["y"]],
    ],
  );
  assert.equal(s.toString(), "app=web,!canary,env!=prod,has,tier in (a,b),x notin (y)");
  assert.equal(s.matches({ app: "web", tier: "a", has: "1" }), true);
  assert.equal(s.matches({ app: "web", tier: "b", has: "", env: "dev", x: "z" }), true);
  assert.equal(s.matches({ app: "web", tier: "c", has: "1" }), false, "tier not in set");
  assert.equal(s.matches({ app: "web", tier: "a", has: "1", canary: "true" }), false, "canary present");
  assert.equal(s.matches({ app: "web", tier: "a", has: "1", env: "prod" }), false, "env=prod");
  assert.equal(s.matches({ app: "web", tier: "a", has: "1", x: "y" }), false, "x in (y)");
  assert.equal(s.matches({ app: "web", tier: "a" }), false, "has missing");
  assert.equal(s.matches({ app: "api", tier: "a", has: "1" }), false, "app differs");
  assert.equal(s.matches(undefined), false);
});

Deno.test("parseSelector: operators ==, !=, notin match missing labels as client-go does", () => {
  assert.equal(parseSelector("a==b").matches({ a: "b" }), true);
  assert.equal(parseSelector("a==b").matches({}), false);
  assert.equal(parseSelector("a!=b").matches({}), true);
  assert.equal(parseSelector("a notin (b)").matches({}), true);
  assert.equal(parseSelector("a in (b)").matches({}), false);
  assert.equal(parseSelector("a=").matches({ a: "" }), true);
  assert.equal(parseSelector("a=").matches({}), false);
  assert.equal(parseSelector("a==b").toString(), "a==b");
});

Deno.test("parseSelector: whitespace, empty set members, prefixed keys, gt and lt", () => {
  const s = parseSelector("  example.com/app = web ,  tier   in(  a , b ) ");
  assert.equal(s.toString(), "example.com/app=web,tier in (a,b)");
  assert.deepEqual([...parseSelector("a in ()").requirements()[0].values], [""]);
  assert.deepEqual([...parseSelector("a in (,x)").requirements()[0].values], ["", "x"]);
  assert.deepEqual([...parseSelector("a in (x,,y,x)").requirements()[0].values], ["", "x", "y"]);
  assert.equal(parseSelector("a in (,x)").matches({ a: "" }), true);
  assert.equal(parseSelector("n>5").matches({ n: "6" }), true);
  assert.equal(parseSelector("n>5").matches({ n: "5" }), false);
  assert.equal(parseSelector("n<5").matches({ n: "-2" }), true);
  assert.equal(parseSelector("n<5").matches({ n: "x" }), false);
  assert.equal(parseSelector("n<5").matches({}), false);
  assert.equal(parseSelector("n<5").toString(), "n<5");
  // "in" and "notin" are keywords only where an operator is expected.
  assert.equal(parseSelector("in=notin").matches({ in: "notin" }), true);
  assert.equal(parseSelector("in").matches({ in: "" }), true);
});

Deno.test("parseSelector: clear errors on bad syntax", () => {
  const cases: [string, RegExp][] = [
    ["a in (b", /found end of string at position 7, expected a value, ',' or '\)'/],
    ["a in b", /found "b" at position 5, expected '\('/],
    ["a in (b c)", /expected ',' or '\)'/],
    ["a b", /found "b" at position 2, expected one of '=', '==', '!=', 'in', 'notin', '>', '<'/],
    ["a=b c", /found "c" at position 4, expected ',' or end of string/],
    ["a=b,", /found end of string at position 4, expected a label key after ','/],
    [",a", /found "," at position 0, expected '!' or a label key/],
    ["!a=b", /expected ',' or end of string after a '!key' requirement/],
    ["!", /expected a label key after '!'/],
    ["a=(b)", /found "\(" at position 2, expected a value/],
    ["a>b", /the value of ">" must be an integer/],
    ["a in ()x", /found "x"/],
    ["-a=b", /invalid label key "-a"/],
    ["a/b/c=d", /at most one '\/'/],
    ["Example.com/a=b", /lowercase DNS subdomain/],
    ["a=-b", /invalid value "-b" for key "a"/],
    [`a=${"x".repeat(64)}`, /no more than 63 characters/],
    [`${"k".repeat(64)}=v`, /no more than 63 characters/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parseSelector(text), (e: unknown) => {
      assert.ok(e instanceof CacheError, text);
      assert.match(e.message, /^Invalid label selector /, text);
      assert.match(e.message, re, text);
      return true;
    });
  }
});

Deno.test("selectorFromSet: equality on every key; empty selects everything; invalid throws", () => {
  const s = selectorFromSet({ tier: "web", app: "x" });
  assert.equal(s.toString(), "app=x,tier=web");
  assert.equal(s.matches({ app: "x", tier: "web", other: "1" }), true);
  assert.equal(s.matches({ app: "x" }), false);
  assert.equal(selectorFromSet({}).empty(), true);
  assert.throws(() => selectorFromSet({ "bad key": "v" }), CacheError);
  assert.throws(() => selectorFromSet({ k: "bad value" }), CacheError);
});
