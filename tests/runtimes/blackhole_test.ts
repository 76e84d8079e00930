// Integration test (needs the real cluster, the pinned `bun` and `node` on PATH): the black-hole
// scenario (tests/runtimes/_blackhole_scenario.ts) for a kubeweb informer under Bun (TypeScript as is)
// and Node (bundled by `deno bundle`): a half-open watch is noticed within its idle deadline, and the
// informer reconnects and converges.
import { getTestCluster } from "../cluster/harness.ts";
import { bundle, findBinary, PINNED_BIN, skipUnless } from "./_child.ts";
import { runBlackhole } from "./_blackhole_scenario.ts";

const bun = await findBinary(`${PINNED_BIN}bun`);
const node = await findBinary("node");
const program = new URL("./bun/blackhole_informer.ts", import.meta.url);

Deno.test({
  name: "black hole (bun): an informer notices its half-open watch within the idle deadline and converges",
  ignore: skipUnless(bun, "bun", `${PINNED_BIN}bun`),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await getTestCluster();
    const figures = await runBlackhole(c, "bun", bun!.path, [program.pathname]);
    console.log(`black hole (bun ${bun!.version} informer): ${JSON.stringify(figures)}`);
  },
});

Deno.test({
  name: "black hole (node): an informer notices its half-open watch within the idle deadline and converges",
  ignore: skipUnless(node, "node", "node on PATH"),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await getTestCluster();
    const dir = await Deno.makeTempDir({ prefix: "kubeweb-node-bh-" });
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
