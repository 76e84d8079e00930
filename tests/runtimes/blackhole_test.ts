// Integration test (needs the real cluster and the pinned `bun` and Node binaries): the black-hole
// scenario (tests/runtimes/_blackhole_scenario.ts) for a kubeweb informer under Bun (TypeScript as is,
// with the preload plugin for kubeweb's `npm:` specifiers) and under each pinned Node release (bundled
// by `deno bundle`): a half-open watch is noticed within its idle deadline, and the informer
// reconnects and converges.
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";
import { bundle, findBinary, PINNED_BIN, PINNED_NODES, skipUnless } from "./_child.ts";
import { runBlackhole } from "./_blackhole_scenario.ts";

const bun = await findBinary(`${PINNED_BIN}bun`);
const program = new URL("./bun/blackhole_informer.ts", import.meta.url);

Deno.test({
  name: "black hole (bun): an informer notices its half-open watch within the idle deadline and converges",
  ignore: skipUnless(bun, "bun", `${PINNED_BIN}bun`),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await getTestCluster();
    const preload = new URL("./bun/npm_specifiers.ts", import.meta.url).pathname;
    const figures = await runBlackhole(c, "bun", bun!.path, ["--preload", preload, program.pathname]);
    console.log(`black hole (bun ${bun!.version} informer): ${JSON.stringify(figures)}`);
  },
});

for (const { major, path } of PINNED_NODES) {
  const node = await findBinary(path);
  Deno.test({
    name:
      `black hole (node ${major}): an informer notices its half-open watch within the idle deadline and converges`,
    ignore: skipUnless(node, `node ${major}`, path),
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      assert.match(node!.version, new RegExp(`^v${major}\\.`), `${path} is not Node ${major}`);
      const c = await getTestCluster();
      const dir = await Deno.makeTempDir({ prefix: `kubeweb-node${major}-bh-` });
      try {
        const out = `${dir}/blackhole_informer.mjs`;
        await bundle(program, out);
        const figures = await runBlackhole(c, "node", node!.path, [out]);
        console.log(`black hole (node ${node!.version} informer): ${JSON.stringify(figures)}`);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
