/**
 * Runs the REST client under another runtime's binary against the test cluster: bundles
 * `_smoke_entry.ts` with `deno bundle` and runs the bundle with `binary`, then checks its JSON report.
 * The test is skipped when the binary is not installed.
 *
 * @module
 */
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";

async function runs(binary: string): Promise<boolean> {
  try {
    return (await new Deno.Command(binary, { args: ["--version"], stdout: "null", stderr: "null" }).output())
      .success;
  } catch {
    return false;
  }
}

/** Registers the smoke test for `runtime` ("node", "bun") run by `binary`. */
export async function smokeTest(runtime: string, binary: string): Promise<void> {
  const available = await runs(binary);
  Deno.test({
    name:
      `${runtime} runtime: REST client with a client certificate, errors, watch and impersonation (real ${runtime})`,
    ignore: !available,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const c = await getTestCluster();
      const dir = await Deno.makeTempDir({ prefix: `kubeweb-${runtime}-` });
      try {
        const bundle = await new Deno.Command(Deno.execPath(), {
          args: [
            "bundle",
            "--platform",
            "browser",
            "-o",
            `${dir}/smoke.mjs`,
            new URL("./_smoke_entry.ts", import.meta.url).pathname,
          ],
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.ok(bundle.success, new TextDecoder().decode(bundle.stderr));
        const name = `${runtime}-smoke-${crypto.randomUUID().slice(0, 8)}`;
        const run = await new Deno.Command(binary, {
          args: [`${dir}/smoke.mjs`],
          env: {
            KUBEWEB_SMOKE: JSON.stringify({
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
        assert.ok(run.success, `${runtime} failed: ${new TextDecoder().decode(run.stderr)}\n${stdout}`);
        const report = JSON.parse(stdout.trim().split("\n").at(-1)!);
        assert.equal(report.error, undefined, report.error);
        assert.equal(report.runtime, runtime);
        assert.ok(report.namespaces.includes("kube-system"));
        assert.equal(report.versionStatus, 200);
        assert.equal(report.nobodyForbidden, true);
        assert.deepEqual(report.watchEvents, [`ADDED ${name}`]);
        assert.ok(report.watchStopMs < 5000, `stop took ${report.watchStopMs} ms`);
        assert.equal(report.impersonatedStatus, 200);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
