import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import { inClusterConfig, SERVICE_ACCOUNT_DIR } from "./in_cluster.ts";
import { ConfigError } from "./config_error.ts";
import { TokenFileAuthProvider } from "./rest_config.ts";
import { assertNoSecrets, CA_PEM, denoFileRuntime, FakeRuntime, TOKEN } from "./_config_fakes_test.ts";

const SA = SERVICE_ACCOUNT_DIR;

function pod(env: Record<string, string>, files: Record<string, string> = {}): FakeRuntime {
  return new FakeRuntime({
    env,
    files: {
      [`${SA}/token`]: `${TOKEN}\n`,
      [`${SA}/ca.crt`]: CA_PEM,
      [`${SA}/namespace`]: "team-a\n",
      ...files,
    },
  });
}

async function bearer(config: { auth?: { authorize(h: Headers): Promise<void> } }): Promise<string | null> {
  const h = new Headers();
  await config.auth!.authorize(h);
  return h.get("authorization");
}

Deno.test("in-cluster: host and port from the environment, token, CA and namespace files", async () => {
  const config = await inClusterConfig({
    runtime: pod({ KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" }),
  });
  assert.equal(config.host, "https://10.96.0.1:443");
  assert.equal(config.caPem, CA_PEM);
  assert.equal(config.caFile, `${SA}/ca.crt`);
  assert.equal(config.namespace, "team-a");
  assert.equal(config.bearerTokenFile, `${SA}/token`);
  assert.equal(config.bearerToken, undefined);
  assert.ok(config.auth instanceof TokenFileAuthProvider);
  assert.equal(await bearer(config), `Bearer ${TOKEN}`);
  assert.ok(!Deno.inspect(config).includes(TOKEN));
});

Deno.test("in-cluster: IPv6 service hosts are bracketed", async () => {
  for (
    const [host, expected] of [
      ["fd00:10:96::1", "https://[fd00:10:96::1]:6443"],
      ["[fd00::1]", "https://[fd00::1]:6443"],
      ["::1", "https://[::1]:6443"],
      ["kubernetes.default.svc", "https://kubernetes.default.svc:6443"],
    ]
  ) {
    const config = await inClusterConfig({
      runtime: pod({ KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: "6443" }),
    });
    assert.equal(config.host, expected);
    assert.doesNotThrow(() => new URL(config.host));
  }
});

Deno.test("in-cluster: POD_NAMESPACE wins; no namespace file means default", async () => {
  const env = { KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" };
  const withVar = await inClusterConfig({ runtime: pod({ ...env, POD_NAMESPACE: "from-env" }) });
  assert.equal(withVar.namespace, "from-env");
  const runtime = pod(env);
  runtime.files.delete(`${SA}/namespace`);
  assert.equal((await inClusterConfig({ runtime })).namespace, "default");
});

Deno.test("in-cluster: outside a cluster the error says so and is marked not-found", async () => {
  for (
    const [env, missing] of [
      [{}, /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT not set/],
      [{ KUBERNETES_SERVICE_HOST: "10.0.0.1" }, /: KUBERNETES_SERVICE_PORT not set/],
      [{ KUBERNETES_SERVICE_PORT: "443" }, /: KUBERNETES_SERVICE_HOST not set/],
    ] as const
  ) {
    await assert.rejects(inClusterConfig({ runtime: pod(env) }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.notFound, true);
      assert.match(e.message, /^Not running in a Kubernetes cluster/);
      assert.match(e.message, missing);
      return true;
    });
  }
});

Deno.test("in-cluster: bad port, bad host, missing token", async () => {
  const env = { KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" };
  await assert.rejects(
    inClusterConfig({ runtime: pod({ ...env, KUBERNETES_SERVICE_PORT: "https" }) }),
    (e: unknown) => e instanceof ConfigError && e.field === "KUBERNETES_SERVICE_PORT",
  );
  await assert.rejects(
    inClusterConfig({ runtime: pod({ ...env, KUBERNETES_SERVICE_HOST: "bad host/x" }) }),
    (e: unknown) => e instanceof ConfigError && e.field === "KUBERNETES_SERVICE_HOST",
  );
  const noToken = pod(env);
  noToken.files.delete(`${SA}/token`);
  await assert.rejects(inClusterConfig({ runtime: noToken }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.file, `${SA}/token`);
    assert.match(e.message, /Cannot read the token file .*token: the file does not exist/);
    return true;
  });
});

Deno.test("in-cluster: a missing, unreadable or invalid ca.crt is a warning, and the configuration goes on without it", async () => {
  const env = { KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" };
  const noCa = pod(env);
  noCa.files.delete(`${SA}/ca.crt`);
  const locked = pod(env);
  locked.unreadable.add(`${SA}/ca.crt`);
  const cases: [FakeRuntime, RegExp][] = [
    [noCa, /the file does not exist/],
    [locked, /the file cannot be read \(EACCES\)/],
    [pod(env, { [`${SA}/ca.crt`]: "garbage" }), /does not hold a PEM certificate/],
  ];
  for (const [runtime, why] of cases) {
    const warnings: string[] = [];
    const config = await inClusterConfig({ runtime, onWarning: (m) => warnings.push(m) });
    assert.equal(config.host, "https://10.0.0.1:443");
    assert.equal(config.caPem, undefined);
    assert.equal(config.caFile, undefined);
    assert.equal(await bearer(config), `Bearer ${TOKEN}`);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], new RegExp(`${SA}/ca\\.crt`));
    assert.match(warnings[0], why);
    assert.match(warnings[0], /without it/);
    assertNoSecrets(warnings[0]);
  }
});

Deno.test("in-cluster: a rotated token is picked up within a minute (fake clock)", async () => {
  const clock = new FakeClock();
  const runtime = pod({ KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" });
  const config = await inClusterConfig({ runtime, clock });
  assert.equal(await bearer(config), `Bearer ${TOKEN}`);
  runtime.files.set(`${SA}/token`, "rotated-token");
  await clock.advance(30_000);
  assert.equal(await bearer(config), `Bearer ${TOKEN}`);
  await clock.advance(30_000);
  assert.equal(await bearer(config), "Bearer rotated-token");
  const tokenReads = runtime.reads.filter((p) => p.endsWith("/token")).length;
  assert.equal(tokenReads, 2);
});

Deno.test("in-cluster: reads real files at overridden paths through a Deno-backed runtime", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/token`, "real-token");
    await Deno.writeTextFile(`${dir}/ca.crt`, CA_PEM);
    await Deno.writeTextFile(`${dir}/namespace`, "real-ns");
    const config = await inClusterConfig({
      runtime: denoFileRuntime({ KUBERNETES_SERVICE_HOST: "fd00::10", KUBERNETES_SERVICE_PORT: "443" }),
      tokenPath: `${dir}/token`,
      caPath: `${dir}/ca.crt`,
      namespacePath: `${dir}/namespace`,
    });
    assert.equal(config.host, "https://[fd00::10]:443");
    assert.equal(config.namespace, "real-ns");
    assert.equal(await bearer(config), "Bearer real-token");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("in-cluster: the server, CA file, token and namespace overrides apply, as client-go's", async () => {
  const env = { KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" };
  const other = "-----BEGIN CERTIFICATE-----\nT1RIRVI=\n-----END CERTIFICATE-----\n";
  const runtime = pod(env, { "/etc/other-ca.pem": other });
  const config = await inClusterConfig({
    runtime,
    overrides: {
      clusterInfo: { server: "kube.internal:6443", certificateAuthority: "/etc/other-ca.pem" },
      authInfo: { token: "override-token" },
      context: { namespace: "ns-override" },
    },
  });
  assert.equal(config.host, "https://kube.internal:6443");
  assert.equal(config.caPem, other);
  assert.equal(config.caFile, "/etc/other-ca.pem");
  assert.equal(config.namespace, "ns-override");
  assert.equal(config.bearerTokenFile, undefined);
  assert.equal(await bearer(config), "Bearer override-token");
  assert.ok(!runtime.reads.includes(`${SA}/ca.crt`));
  // An override CA that cannot be used is an error, not a warning: it was asked for.
  await assert.rejects(
    inClusterConfig({ runtime, overrides: { clusterInfo: { certificateAuthority: "/etc/gone.pem" } } }),
    (e: unknown) => e instanceof ConfigError && e.field === "overrides.clusterInfo.certificateAuthority",
  );
  await assert.rejects(
    inClusterConfig({ runtime, overrides: { clusterInfo: { server: "http://kube.internal" } } }),
    /must use https in a pod/,
  );
});
