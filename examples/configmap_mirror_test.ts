// Unit test of the demo controller (examples/configmap_mirror.ts) against the fake cluster: no API
// server, no socket, no file. The same scenario runs on Bun and Node in tests/runtimes/mirror_fake_test.ts.
import assert from "node:assert/strict";
import { runMirrorScenario } from "./_configmap_mirror_scenario.ts";

Deno.test("the ConfigMap mirror controller mirrors, follows and cleans up on the fake cluster", async () => {
  const { checks, ms } = await runMirrorScenario();
  assert.deepEqual(checks, [
    "the mirror has the source's data",
    "the mirror names its source",
    "the source controls the mirror",
    "the source carries the finalizer",
    "the mirror was written by server-side apply",
    "a change of the source reaches the mirror",
    "a deleted source takes its mirror with it",
    "the lease is released on stop",
  ]);
  console.log(`demo controller scenario: ${ms} ms`);
});
