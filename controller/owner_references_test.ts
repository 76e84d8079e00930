import assert from "node:assert/strict";
import { ControllerError } from "./controller_error.ts";
import {
  controllerRefFor,
  getControllerOf,
  isControlledBy,
  setControllerReference,
} from "./owner_references.ts";

const owner = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "ns", uid: "u1" },
};

Deno.test("controllerRefFor names the owner with controller and blockOwnerDeletion", () => {
  assert.deepEqual(controllerRefFor(owner), {
    apiVersion: "apps/v1",
    kind: "Deployment",
    name: "web",
    uid: "u1",
    controller: true,
    blockOwnerDeletion: true,
  });
  assert.throws(
    () => controllerRefFor({ metadata: { name: "x" } }),
    (e: Error) => e instanceof ControllerError && /apiVersion, kind, metadata.uid/.test(e.message),
  );
});

Deno.test("setControllerReference adds, replaces the same owner, refuses another controller", () => {
  const child = setControllerReference(owner, {
    metadata: {
      name: "c",
      namespace: "ns",
      ownerReferences: [{ apiVersion: "v1", kind: "X", name: "x", uid: "ux" }],
    },
  });
  assert.equal(child.metadata.ownerReferences!.length, 2);
  setControllerReference(owner, child);
  assert.equal(child.metadata.ownerReferences!.length, 2);
  assert.equal(getControllerOf(child)?.uid, "u1");
  assert.equal(isControlledBy(child, owner), true);
  assert.equal(isControlledBy(child, { ...owner, metadata: { ...owner.metadata, uid: "other" } }), false);
  const other = { ...owner, metadata: { ...owner.metadata, name: "api", uid: "u2" } };
  assert.throws(() => setControllerReference(other, child), /already controlled by Deployment web/);
  assert.throws(
    () => setControllerReference(owner, { metadata: { name: "c", namespace: "elsewhere" } }),
    /cross-namespace/,
  );
  // A cluster-scoped owner may control a namespaced child.
  const node = { apiVersion: "v1", kind: "Node", metadata: { name: "n1", uid: "n" } };
  assert.equal(
    getControllerOf(setControllerReference(node, { metadata: { name: "c", namespace: "ns" } }))?.kind,
    "Node",
  );
});
