// The informer integration tests (informer_test.ts) in their second mode: against the fake cluster of
// @kubeweb/client/testing instead of the real API server (KUBEWEB_TEST_TARGET=fake), in a child
// `deno test` so the mode is set before the tests' module loads.
import assert from "node:assert/strict";

Deno.test("informer_test.ts passes against the fake cluster", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", new URL("./informer_test.ts", import.meta.url).pathname],
    env: { KUBEWEB_TEST_TARGET: "fake", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.ok(out.success, text);
  assert.match(text, /ok \| 2 passed \| 0 failed/);
});
