import assert from "node:assert/strict";
import { loadRestConfig } from "./load_rest_config.ts";
import { ConfigError } from "./config_error.ts";
import { SERVICE_ACCOUNT_DIR } from "./in_cluster.ts";
import { assertNoSecrets, baseDoc, CA_PEM, FakeRuntime, TOKEN, yaml } from "./_config_fakes_test.ts";

const IN_CLUSTER_ENV = { KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" };
const SA_FILES = { [`${SERVICE_ACCOUNT_DIR}/token`]: "sa-token", [`${SERVICE_ACCOUNT_DIR}/ca.crt`]: CA_PEM };

function doc(server: string): string {
  const d = baseDoc();
  d.clusters[0].cluster.server = server;
  return yaml(d);
}

Deno.test("an explicit kubeconfig wins, and only it is tried", async () => {
  const runtime = new FakeRuntime({
    env: { KUBECONFIG: "/env/config", ...IN_CLUSTER_ENV },
    home: "/home/me",
    files: { "/explicit": doc("https://explicit"), "/env/config": doc("https://env"), ...SA_FILES },
  });
  assert.equal((await loadRestConfig({ runtime, kubeconfig: "/explicit" })).host, "https://explicit");
  await assert.rejects(loadRestConfig({ runtime, kubeconfig: "/typo" }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.file, "/typo");
    return true;
  });
});

Deno.test("then KUBECONFIG, then ~/.kube/config, then in-cluster", async () => {
  const files = {
    "/env/config": doc("https://env"),
    "/home/me/.kube/config": doc("https://home"),
    ...SA_FILES,
  };
  const all = new FakeRuntime({
    env: { KUBECONFIG: "/env/config", ...IN_CLUSTER_ENV },
    home: "/home/me",
    files,
  });
  assert.equal((await loadRestConfig({ runtime: all })).host, "https://env");
  const noEnv = new FakeRuntime({ env: IN_CLUSTER_ENV, home: "/home/me", files });
  assert.equal((await loadRestConfig({ runtime: noEnv })).host, "https://home");
  const missingEnvFiles = new FakeRuntime({
    env: { KUBECONFIG: "/gone", ...IN_CLUSTER_ENV },
    home: "/home/me",
    files,
  });
  assert.equal((await loadRestConfig({ runtime: missingEnvFiles })).host, "https://10.96.0.1:443");
  const podOnly = new FakeRuntime({ env: IN_CLUSTER_ENV, home: "/root", files: SA_FILES });
  const config = await loadRestConfig({ runtime: podOnly });
  assert.equal(config.host, "https://10.96.0.1:443");
  assert.equal(config.namespace, "default");
  // An empty kubeconfig counts as absent, as in kubectl.
  const emptyHome = new FakeRuntime({
    env: IN_CLUSTER_ENV,
    home: "/root",
    files: { "/root/.kube/config": "", ...SA_FILES },
  });
  assert.equal((await loadRestConfig({ runtime: emptyHome })).host, "https://10.96.0.1:443");
});

Deno.test("the context option selects the context and rules out in-cluster", async () => {
  const runtime = new FakeRuntime({
    env: IN_CLUSTER_ENV,
    home: "/home/me",
    files: { "/home/me/.kube/config": doc("https://home"), ...SA_FILES },
  });
  const bob = await loadRestConfig({ runtime, context: "prod-bob" });
  assert.equal(bob.username, "bob");
  const pod = new FakeRuntime({ env: IN_CLUSTER_ENV, home: "/root", files: SA_FILES });
  await assert.rejects(
    loadRestConfig({ runtime: pod, context: "prod" }),
    /in-cluster: not tried, because the context "prod"/,
  );
});

Deno.test("a source that exists but is broken fails at once instead of falling through", async () => {
  const runtime = new FakeRuntime({
    env: { KUBECONFIG: "/env/config", ...IN_CLUSTER_ENV },
    home: "/home/me",
    files: {
      "/env/config": `users:\n- name: a\n  user: {token: [${TOKEN}]}\n`,
      "/home/me/.kube/config": doc("https://home"),
      ...SA_FILES,
    },
  });
  await assert.rejects(loadRestConfig({ runtime }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.file, "/env/config");
    assert.equal(e.field, "users[a].user.token");
    assertNoSecrets(e);
    return true;
  });
  const badContext = new FakeRuntime({
    env: IN_CLUSTER_ENV,
    home: "/home/me",
    files: { "/home/me/.kube/config": yaml({ ...baseDoc(), "current-context": "gone" }), ...SA_FILES },
  });
  await assert.rejects(loadRestConfig({ runtime: badContext }), /current-context names context "gone"/);
});

Deno.test("when every source fails, one error lists why each one did", async () => {
  const runtime = new FakeRuntime({
    env: { KUBECONFIG: "/a:/b", KUBERNETES_SERVICE_HOST: "10.0.0.1" },
    home: "/home/me",
  });
  await assert.rejects(loadRestConfig({ runtime }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.notFound, true);
    const lines = e.message.split("\n");
    assert.equal(lines[0], "No Kubernetes configuration found; tried:");
    assert.equal(lines[1], "  - explicit kubeconfig: none given");
    assert.equal(lines[2], "  - KUBECONFIG: None of the files listed in KUBECONFIG exists (/a, /b)");
    assert.equal(lines[3], "  - ~/.kube/config: not read, because KUBECONFIG is set");
    assert.equal(
      lines[4],
      "  - in-cluster: Not running in a Kubernetes cluster: KUBERNETES_SERVICE_PORT not set",
    );
    assert.equal(lines.length, 5);
    assert.ok(e.cause instanceof AggregateError);
    assert.equal((e.cause as AggregateError).errors.length, 2);
    return true;
  });
  const bare = new FakeRuntime({});
  await assert.rejects(loadRestConfig({ runtime: bare }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /- KUBECONFIG: not set\n/);
    assert.match(e.message, /- ~\/\.kube\/config: the home directory is unknown\n/);
    assert.match(e.message, /- in-cluster: Not running in a Kubernetes cluster: KUBERNETES_SERVICE_HOST and/);
    return true;
  });
  // In a pod whose token is missing, the in-cluster reason says so.
  const noToken = new FakeRuntime({
    env: IN_CLUSTER_ENV,
    home: "/root",
    files: { [`${SERVICE_ACCOUNT_DIR}/ca.crt`]: CA_PEM },
  });
  await assert.rejects(loadRestConfig({ runtime: noToken }), /- in-cluster: .*Cannot read the token file/);
});

Deno.test("KUBECONFIG naming only missing or empty files never falls back to ~/.kube/config", async () => {
  const home = { "/home/me/.kube/config": doc("https://home") };
  for (const [list, files] of [["/gone:/also-gone", {}], ["/empty", { "/empty": "" }], [":", {}]] as const) {
    // In a pod, the in-cluster configuration is next (client-go searches only the listed files).
    const inPod = new FakeRuntime({
      env: { KUBECONFIG: list, ...IN_CLUSTER_ENV },
      home: "/home/me",
      files: { ...home, ...files, ...SA_FILES },
    });
    assert.equal((await loadRestConfig({ runtime: inPod })).host, "https://10.96.0.1:443", list);
    assert.ok(!inPod.reads.includes("/home/me/.kube/config"), list);
    // Outside a pod nothing is found, and the error says why ~/.kube/config was not read.
    const outside = new FakeRuntime({
      env: { KUBECONFIG: list },
      home: "/home/me",
      files: { ...home, ...files },
    });
    await assert.rejects(loadRestConfig({ runtime: outside }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.notFound, true);
      assert.match(e.message, /- ~\/\.kube\/config: not read, because KUBECONFIG is set\n/);
      return true;
    });
    assert.ok(!outside.reads.includes("/home/me/.kube/config"), list);
  }
});

Deno.test("overrides reach the kubeconfig and the in-cluster configuration; overrides.currentContext rules out in-cluster", async () => {
  const runtime = new FakeRuntime({
    env: IN_CLUSTER_ENV,
    home: "/home/me",
    files: { "/home/me/.kube/config": doc("https://home"), ...SA_FILES },
  });
  const fromFile = await loadRestConfig({
    runtime,
    overrides: { currentContext: "prod-bob", context: { namespace: "apps" } },
  });
  assert.equal(fromFile.username, "bob");
  assert.equal(fromFile.namespace, "apps");
  const pod = new FakeRuntime({ env: IN_CLUSTER_ENV, home: "/root", files: SA_FILES });
  const inPod = await loadRestConfig({ runtime: pod, overrides: { context: { namespace: "apps" } } });
  assert.equal(inPod.host, "https://10.96.0.1:443");
  assert.equal(inPod.namespace, "apps");
  await assert.rejects(
    loadRestConfig({ runtime: pod, overrides: { currentContext: "prod" } }),
    /in-cluster: not tried, because the context "prod"/,
  );
});
