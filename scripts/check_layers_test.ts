import assert from "node:assert/strict";
import { moduleCycles, moduleEdges } from "./check_layers.ts";

Deno.test("moduleEdges resolves relative imports to the top-level folder", () => {
  const edges = moduleEdges(
    new Map([
      ["clientset/core/v1/types.ts", 'import type { ObjectMeta } from "../../../meta/v1/types.ts";'],
      ["cache/reflector.ts", 'import { x } from "./store.ts";\nexport * from "../rest/types.ts";'],
      ["rest/runtime/deno_test.ts", 'import { y } from "../../tests/runtimes/_tls_fixture.ts";'],
    ]),
  );
  assert.deepEqual(edges.map((e) => `${e.from}->${e.to}@${e.where}`), [
    "clientset->meta@clientset/core/v1/types.ts:1",
    "cache->rest@cache/reflector.ts:2",
  ]);
});

Deno.test("moduleCycles finds two modules importing each other, and longer loops", () => {
  const e = (from: string, to: string) => ({ from, to, where: "" });
  assert.deepEqual(moduleCycles([e("cache", "rest"), e("clientset", "rest")]), []);
  assert.deepEqual(moduleCycles([e("clientset", "discovery"), e("discovery", "clientset")]), [[
    "clientset",
    "discovery",
  ]]);
  assert.deepEqual(moduleCycles([e("a", "b"), e("b", "c"), e("c", "a"), e("c", "d")]), [["a", "b", "c"]]);
});
