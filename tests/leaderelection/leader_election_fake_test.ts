// The leader election integration tests (leader_election_test.ts) in their second mode: three candidate
// processes elect a leader through the fake cluster of @kubeweb/client/testing, served on loopback by
// this process (KUBEWEB_TEST_TARGET=fake), in a child `deno test` so the mode is set before the tests load.
import assert from "node:assert/strict";

Deno.test({
  name: "leader_election_test.ts passes against the fake cluster",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["test", "-A", new URL("./leader_election_test.ts", import.meta.url).pathname],
      env: { KUBEWEB_TEST_TARGET: "fake", NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.ok(out.success, text);
    assert.match(text, /ok \| 3 passed \| 0 failed/);
  },
});
