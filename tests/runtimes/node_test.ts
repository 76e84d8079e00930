// Integration test (needs the real cluster and `node` on PATH): the same program as bun_test.ts,
// bundled by `deno bundle` into a temporary folder and run by the real Node binary, so requests go
// through kubeweb's node:https transport with the client certificate and custom CA.
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";
import { bundle, findBinary, skipUnless } from "./_child.ts";
import { runRoundtrip } from "./_roundtrip_scenario.ts";

const node = await findBinary("node");

Deno.test({
  name: "node runtime: bundled program with client certificate and CA, list, create, watch kubectl's changes",
  ignore: skipUnless(node, "node", "node on PATH"),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await getTestCluster();
    const dir = await Deno.makeTempDir({ prefix: "kubeweb-node-rt-" });
    try {
      const out = `${dir}/roundtrip.mjs`;
      const bundleMs = await bundle(new URL("./bun/roundtrip.ts", import.meta.url), out);
      assert.doesNotMatch(
        await Deno.readTextFile(out),
        /^import .* from ["']node:/m,
        "no static node: imports",
      );
      const figures = await runRoundtrip(c, "node", node!.path, [out]);
      console.log(`node ${node!.version}: ${JSON.stringify({ bundleMs, ...figures })}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
