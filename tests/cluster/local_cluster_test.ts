// Unit tests of the local cluster's pure helpers (no cluster is started).
import assert from "node:assert/strict";
import { ALL_PARTS, parseParts } from "./local_cluster.ts";

Deno.test("parseParts reads a comma-separated list in start order, all and none", () => {
  assert.deepEqual(parseParts("all"), [...ALL_PARTS]);
  assert.deepEqual(parseParts("none"), []);
  assert.deepEqual(parseParts(""), []);
  assert.deepEqual(parseParts("scheduler, kubelet"), ["kubelet", "scheduler"]);
});

Deno.test("parseParts names an unknown part", () => {
  assert.throws(
    () => parseParts("kubelet,kube-proxy"),
    (e: Error) => e instanceof TypeError && /unknown cluster part "kube-proxy"/.test(e.message),
  );
});
