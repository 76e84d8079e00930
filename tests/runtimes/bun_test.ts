// Integration test (needs the real cluster and the pinned `bun`): kubeweb's REST client under Bun,
// with the admin context's client certificate and custom CA (what @kubernetes/client-node cannot do on
// Bun, its issue #1451). Bun runs tests/runtimes/bun/roundtrip.ts as TypeScript, unbundled, with the
// preload plugin that maps kubeweb's `npm:` specifiers to node_modules (Bun has none of its own).
import { getTestCluster } from "../cluster/harness.ts";
import { findBinary, PINNED_BIN, skipUnless } from "./_child.ts";
import { runRoundtrip } from "./_roundtrip_scenario.ts";

const bun = await findBinary(`${PINNED_BIN}bun`);

Deno.test({
  name: "bun runtime: kubeconfig with client certificate and CA, list, create, watch kubectl's changes",
  ignore: skipUnless(bun, "bun", `${PINNED_BIN}bun`),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await getTestCluster();
    const program = new URL("./bun/roundtrip.ts", import.meta.url).pathname;
    const preload = new URL("./bun/npm_specifiers.ts", import.meta.url).pathname;
    const figures = await runRoundtrip(c, "bun", bun!.path, ["--preload", preload, program]);
    console.log(`bun ${bun!.version}: ${JSON.stringify(figures)}`);
  },
});
