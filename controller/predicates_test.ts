import assert from "node:assert/strict";
import {
  annotationsChanged,
  any,
  generationChanged,
  labelsChanged,
  passes,
  predicate,
  resourceVersionChanged,
} from "./predicates.ts";

const o = (meta: Record<string, unknown>) => ({ metadata: meta });

Deno.test("generationChanged passes spec changes only", () => {
  const p = generationChanged();
  assert.equal(p.update!(o({ generation: 1 }), o({ generation: 1, labels: { a: "b" } })), false);
  assert.equal(p.update!(o({ generation: 1 }), o({ generation: 2 })), true);
  assert.equal(p.create, undefined);
});

Deno.test("labelsChanged and annotationsChanged compare maps, not identity", () => {
  assert.equal(
    labelsChanged().update!(o({ labels: { a: "1", b: "2" } }), o({ labels: { b: "2", a: "1" } })),
    false,
  );
  assert.equal(labelsChanged().update!(o({ labels: { a: "1" } }), o({ labels: { a: "2" } })), true);
  assert.equal(labelsChanged().update!(o({}), o({ labels: {} })), false);
  assert.equal(annotationsChanged().update!(o({ annotations: { a: "1" } }), o({})), true);
});

Deno.test("resourceVersionChanged drops resyncs", () => {
  assert.equal(
    resourceVersionChanged().update!(o({ resourceVersion: "5" }), o({ resourceVersion: "5" })),
    false,
  );
  assert.equal(
    resourceVersionChanged().update!(o({ resourceVersion: "5" }), o({ resourceVersion: "6" })),
    true,
  );
});

Deno.test("custom predicates, any(), and a list meaning all", () => {
  const web = predicate((x: { metadata?: { labels?: Record<string, string> } }) =>
    x.metadata?.labels?.app === "web"
  );
  assert.equal(web.create!(o({ labels: { app: "web" } })), true);
  assert.equal(web.delete!(o({})), false);
  const either = any(generationChanged(), labelsChanged());
  assert.equal(either.update!(o({ generation: 1 }), o({ generation: 1 })), false);
  assert.equal(either.update!(o({ generation: 1 }), o({ generation: 1, labels: { x: "y" } })), true);
  const list = [generationChanged(), labelsChanged()];
  assert.equal(passes(list, "update", o({ generation: 2, labels: { x: "y" } }), o({ generation: 1 })), true);
  assert.equal(passes(list, "update", o({ generation: 2 }), o({ generation: 1 })), false);
  assert.equal(passes(list, "create", o({})), true);
});
