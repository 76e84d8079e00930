// Integration tests (need the real cluster): a kubeconfig written by modifyKubeConfig and configurations
// built with ConfigOverrides, checked against the cluster and against kubectl reading the same file with
// the same flags.
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";
import { denoRuntime } from "../../rest/runtime/deno.ts";
import { loadKubeConfig } from "../../rest/kubeconfig.ts";
import { modifyKubeConfig } from "../../rest/kubeconfig_writer.ts";
import { type RestConfig, restConfigTlsOptions } from "../../rest/rest_config.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";

const c = await getTestCluster();

async function kubectl(
  kubeconfig: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command("kubectl", {
    args: ["--kubeconfig", kubeconfig, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { KUBECONFIG: "" },
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b).trim();
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

async function getJson(config: RestConfig, path: string): Promise<{ status: number; body: unknown }> {
  const transport = denoRuntime.createTransport(restConfigTlsOptions(config));
  try {
    const headers = new Headers({ Accept: "application/json" });
    await config.auth?.authorize(headers);
    const res = await transport.fetch(`${config.host}${path}`, { headers });
    return { status: res.status, body: await res.json() };
  } finally {
    transport.close();
  }
}

Deno.test("integration: a kubeconfig changed by modifyKubeConfig is read by kubectl and reaches the cluster", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/config`;
    await Deno.writeTextFile(path, await Deno.readTextFile(c.kubeconfigPath));
    const kc = await loadKubeConfig({ runtime: denoRuntime, path });
    const cluster = kc.contexts.token.cluster!;
    kc.contexts["token-system"] = { name: "token-system", cluster, user: "token", namespace: "kube-system" };
    kc.currentContext = "token-system";
    await modifyKubeConfig(kc, { runtime: denoRuntime });
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);

    const current = await kubectl(path, ["config", "current-context"]);
    assert.equal(current.stdout, "token-system", current.stderr);
    const made = await c.kubectl([
      "create",
      "configmap",
      "-n",
      "kube-system",
      `kcfg-${dir.split("/").pop()}`,
    ]);
    assert.equal(made.code, 0, made.stderr);
    const witness = await kubectl(path, ["get", "configmaps", "-o", "name"]);
    assert.equal(witness.code, 0, witness.stderr);
    assert.match(witness.stdout, /configmap\/kcfg-/);
    const config = await loadRestConfig({ kubeconfig: path, runtime: denoRuntime });
    assert.equal(config.namespace, "kube-system");
    const res = await getJson(config, `/api/v1/namespaces/${config.namespace}/configmaps`);
    assert.equal(res.status, 200);
    const names = (res.body as { items: { metadata: { name: string } }[] }).items
      .map((i) => `configmap/${i.metadata.name}`).sort();
    assert.deepEqual(names, witness.stdout.split("\n").sort());
    await c.kubectl(["delete", "configmap", "-n", "kube-system", `kcfg-${dir.split("/").pop()}`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("integration: overrides behave as kubectl's --token, --insecure-skip-tls-verify and --server flags", async () => {
  // The nobody context is forbidden to list namespaces; the admin token override is not.
  const base = { kubeconfig: c.kubeconfigPath, context: "nobody", runtime: denoRuntime };
  const nobody = await loadRestConfig(base);
  assert.equal((await getJson(nobody, "/api/v1/namespaces")).status, 403);
  const server = c.server.replace("127.0.0.1", "localhost");
  const overridden = await loadRestConfig({
    ...base,
    overrides: {
      authInfo: { token: c.adminToken },
      clusterInfo: { insecureSkipTlsVerify: true, server },
    },
  });
  assert.equal(overridden.caPem, undefined);
  assert.equal(overridden.host, server);
  const ours = await getJson(overridden, "/api/v1/namespaces");
  assert.equal(ours.status, 200);
  const witness = await kubectl(c.kubeconfigPath, [
    "--context",
    "nobody",
    "--token",
    c.adminToken,
    "--insecure-skip-tls-verify",
    "--server",
    server,
    "get",
    "namespaces",
    "-o",
    "name",
  ]);
  assert.equal(witness.code, 0, witness.stderr);
  const names = (ours.body as { items: { metadata: { name: string } }[] }).items
    .map((i) => `namespace/${i.metadata.name}`).sort();
  assert.deepEqual(names, witness.stdout.split("\n").sort());
});
