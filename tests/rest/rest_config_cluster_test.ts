// Integration tests (need the real cluster): configurations built by kubeweb's loaders authenticate
// against the test API server. Requests go straight through the Deno transport, so these test the
// configuration code, not the REST client.
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";
import { FakeClock } from "../../_internal/clock.ts";
import { denoRuntime } from "../../rest/runtime/deno.ts";
import { loadKubeConfig } from "../../rest/kubeconfig.ts";
import { type RestConfig, restConfigTlsOptions } from "../../rest/rest_config.ts";
import { restConfigFromKubeConfig } from "../../rest/rest_config_from_kubeconfig.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import { inClusterConfig } from "../../rest/in_cluster.ts";
import type { Runtime } from "../../rest/runtime/runtime.ts";

const c = await getTestCluster();

/** GETs `path` with the configuration's TLS settings and credentials; returns the status code. */
async function get(config: RestConfig, path: string): Promise<number> {
  const transport = denoRuntime.createTransport(restConfigTlsOptions(config));
  try {
    const headers = new Headers({ Accept: "application/json" });
    await config.auth?.authorize(headers);
    const res = await transport.fetch(`${config.host}${path}`, { headers });
    await res.body?.cancel();
    return res.status;
  } finally {
    transport.close();
  }
}

Deno.test("integration: the admin context (client certificate) can list namespaces", async () => {
  const config = await loadRestConfig({ kubeconfig: c.kubeconfigPath, runtime: denoRuntime });
  assert.equal(config.host, c.server);
  assert.ok(config.certPem && config.keyPem && config.caPem);
  assert.equal(config.auth, undefined);
  assert.equal(await get(config, "/api/v1/namespaces"), 200);
});

Deno.test("integration: the token context authenticates with its bearer token", async () => {
  const config = await loadRestConfig({
    kubeconfig: c.kubeconfigPath,
    context: "token",
    runtime: denoRuntime,
  });
  assert.equal(config.bearerToken, c.adminToken);
  assert.equal(await get(config, "/api/v1/namespaces"), 200);
});

Deno.test("integration: the nobody context is authenticated but forbidden", async () => {
  const config = await loadRestConfig({
    kubeconfig: c.kubeconfigPath,
    context: "nobody",
    runtime: denoRuntime,
  });
  assert.equal(await get(config, "/api/v1/namespaces"), 403);
});

Deno.test("integration: in-cluster simulation, and a rotated token file is picked up", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const tokenPath = `${dir}/token`;
    const realToken = await Deno.readTextFile(c.inCluster.tokenFile);
    await Deno.writeTextFile(tokenPath, realToken);
    const runtime: Runtime = {
      ...denoRuntime,
      env: (name) =>
        ({ KUBERNETES_SERVICE_HOST: c.inCluster.host, KUBERNETES_SERVICE_PORT: c.inCluster.port })[name],
    };
    const clock = new FakeClock();
    const config = await inClusterConfig({
      runtime,
      clock,
      tokenPath,
      caPath: c.inCluster.caFile,
      namespacePath: c.inCluster.namespaceFile,
    });
    assert.equal(config.host, `https://${c.inCluster.host}:${c.inCluster.port}`);
    assert.equal(config.namespace, "default");
    assert.equal(await get(config, "/api/v1/namespaces/default/serviceaccounts"), 200);
    // Rotate to a token the server rejects: used only once the refresh period has passed.
    await Deno.writeTextFile(tokenPath, "not-a-valid-token");
    assert.equal(await get(config, "/api/v1/namespaces"), 200);
    await clock.advance(60_000);
    assert.equal(await get(config, "/api/v1/namespaces"), 401);
    // Rotate back; a 401 makes the next request re-read at once.
    await Deno.writeTextFile(tokenPath, realToken);
    config.auth?.onUnauthorized?.();
    assert.equal(await get(config, "/api/v1/namespaces"), 200);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("integration: an exec plugin's token authenticates; it runs once until a 401", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const script = new URL("./testdata/exec_plugin.sh", import.meta.url).pathname;
    const kc = await loadKubeConfig({
      runtime: denoRuntime,
      path: `${dir}/config`,
      text: JSON.stringify({
        clusters: [{ name: "t", cluster: { server: c.server, "certificate-authority": c.caFile } }],
        users: [{
          name: "exec",
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1",
              command: script,
              interactiveMode: "Never",
              provideClusterInfo: true,
              env: [
                { name: "KUBEWEB_EXEC_TOKEN", value: c.adminToken },
                { name: "KUBEWEB_EXEC_COUNT_FILE", value: `${dir}/runs` },
              ],
            },
          },
        }],
        contexts: [{ name: "t", context: { cluster: "t", user: "exec" } }],
        "current-context": "t",
      }),
    });
    const config = await restConfigFromKubeConfig(kc, { runtime: denoRuntime });
    const runs = async () => (await Deno.readTextFile(`${dir}/runs`)).trim().split("\n").length;
    assert.equal(await get(config, "/api/v1/namespaces"), 200);
    assert.equal(await get(config, "/api/v1/namespaces"), 200);
    assert.equal(await runs(), 1);
    config.auth?.onUnauthorized?.();
    assert.equal(await get(config, "/api/v1/namespaces"), 200);
    assert.equal(await runs(), 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
