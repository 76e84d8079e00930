import assert from "node:assert/strict";
import { transformStripManagedFields } from "./transform.ts";
import { DeletedFinalStateUnknown } from "./deleted_final_state_unknown.ts";
import type { KubeObject } from "../rest/types.ts";

Deno.test("transformStripManagedFields drops managedFields in place and keeps the rest", () => {
  const strip = transformStripManagedFields();
  const obj = {
    metadata: { name: "a", labels: { x: "y" }, managedFields: [{ manager: "kubectl", operation: "Apply" }] },
    data: { k: "v" },
  };
  const out = strip(obj);
  assert.equal(out, obj);
  assert.equal(out.metadata?.managedFields, undefined);
  assert.deepEqual(JSON.parse(JSON.stringify(out)), {
    metadata: { name: "a", labels: { x: "y" } },
    data: { k: "v" },
  });
});

Deno.test("transformStripManagedFields leaves objects without metadata (and tombstones) alone", () => {
  const strip = transformStripManagedFields<KubeObject>();
  const bare = {} as KubeObject;
  assert.equal(strip(bare), bare);
  assert.deepEqual(bare, {});
  const tomb = new DeletedFinalStateUnknown("ns/a", { metadata: { name: "a" } }) as unknown as KubeObject;
  assert.equal(strip(tomb), tomb);
  assert.equal(strip(null as unknown as KubeObject), null);
});
