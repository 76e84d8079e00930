// Runs the REST client under the real Node binary (not Deno's Node compatibility): the test bundles
// tests/runtimes/_node_entry.ts with `deno bundle` and runs it with `node` against the test cluster.
// Skipped when `node` is not installed.
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";

const hasNode = await new Deno.Command("node", { args: ["--version"], stdout: "null", stderr: "null" })
  .output()
  .then((o) => o.success, () => false);

Deno.test({
  name:
    "node runtime: REST client with a client certificate, errors, watch and impersonation under real Node",
  ignore: !hasNode,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await getTestCluster();
    const dir = await Deno.makeTempDir({ prefix: "kubeweb-node-" });
    try {
      const deno = Deno.execPath();
      const bundle = await new Deno.Command(deno, {
        args: [
          "bundle",
          "--platform",
          "browser",
          "-o",
          `${dir}/smoke.mjs`,
          new URL("./_node_entry.ts", import.meta.url).pathname,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(bundle.success, new TextDecoder().decode(bundle.stderr));
      const name = `node-smoke-${crypto.randomUUID().slice(0, 8)}`;
      const run = await new Deno.Command("node", {
        args: [`${dir}/smoke.mjs`],
        env: {
          KUBEWEB_NODE_SMOKE: JSON.stringify({
            server: c.server,
            caPem: c.caPem,
            certPem: c.admin.certPem,
            keyPem: c.admin.keyPem,
            nobodyToken: c.nobodyToken,
            name,
          }),
        },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stdout = new TextDecoder().decode(run.stdout);
      assert.ok(run.success, `node failed: ${new TextDecoder().decode(run.stderr)}\n${stdout}`);
      const report = JSON.parse(stdout.trim().split("\n").at(-1)!);
      assert.equal(report.error, undefined, report.error);
      assert.equal(report.runtime, "node");
      assert.ok(report.namespaces.includes("kube-system"));
      assert.equal(report.nobodyForbidden, true);
      assert.deepEqual(report.watchEvents, [`ADDED ${name}`]);
      assert.ok(report.watchStopMs < 5000, `stop took ${report.watchStopMs} ms`);
      assert.equal(report.impersonatedStatus, 200);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
