import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import { ExecAuthProvider, type ExecClusterInfo } from "./exec_credential.ts";
import { type ExecConfig, loadKubeConfig } from "./kubeconfig.ts";
import { restConfigFromKubeConfig } from "./rest_config_from_kubeconfig.ts";
import { denoRuntime } from "./runtime/deno.ts";
import { ConfigError } from "./config_error.ts";
import { RuntimeCapabilityError, type SpawnOptions, type SpawnResult } from "./runtime/runtime.ts";
import { assertNoSecrets, CERT_PEM, ENV_SECRET, FakeRuntime, KEY_PEM } from "./_config_fakes_test.ts";

const V1 = "client.authentication.k8s.io/v1";
const V1BETA1 = "client.authentication.k8s.io/v1beta1";

function credential(status: Record<string, unknown>, apiVersion = V1): string {
  return JSON.stringify({ apiVersion, kind: "ExecCredential", status });
}

function ok(stdout: string): Promise<SpawnResult> {
  return Promise.resolve({ code: 0, stdout, stderr: "" });
}

/** A plugin that hands out token-1, token-2, ... expiring `ttlMs` after the clock's time of the run. */
function tokenPlugin(clock: FakeClock, ttlMs?: number) {
  let n = 0;
  return (_cmd: string, _opts: SpawnOptions): Promise<SpawnResult> => {
    n++;
    const status: Record<string, unknown> = { token: `token-${n}` };
    if (ttlMs !== undefined) status.expirationTimestamp = new Date(clock.now() + ttlMs).toISOString();
    return ok(credential(status));
  };
}

const EXEC: ExecConfig = {
  command: "get-token",
  args: ["--cluster", "prod"],
  env: [{ name: "SECRET_ENV", value: ENV_SECRET }],
  apiVersion: V1,
  interactiveMode: "Never",
};

const CLUSTER: ExecClusterInfo = {
  server: "https://prod.example.com:6443",
  tlsServerName: "kubernetes",
  certificateAuthorityData: "Q0E=",
  config: { audience: "prod" },
};

async function bearer(auth: ExecAuthProvider): Promise<string | null> {
  const h = new Headers();
  await auth.authorize(h);
  return h.get("authorization");
}

async function failure(p: Promise<unknown>): Promise<ConfigError> {
  const e = await p.then(() => assert.fail("no error"), (e: unknown) => e);
  assert.ok(e instanceof ConfigError, String(e));
  assertNoSecrets(e);
  return e;
}

Deno.test("the plugin gets args, env and KUBERNETES_EXEC_INFO; its token is sent as a bearer token", async () => {
  const clock = new FakeClock();
  const runtime = new FakeRuntime({ spawn: tokenPlugin(clock) });
  const auth = new ExecAuthProvider({ ...EXEC, provideClusterInfo: true }, {
    runtime,
    clock,
    cluster: CLUSTER,
  });
  assert.equal(await bearer(auth), "Bearer token-1");
  assert.equal(runtime.calls.length, 1);
  const { command, options } = runtime.calls[0];
  assert.equal(command, "get-token");
  assert.deepEqual(options.args, ["--cluster", "prod"]);
  assert.equal(options.env?.SECRET_ENV, ENV_SECRET);
  assert.deepEqual(JSON.parse(options.env!.KUBERNETES_EXEC_INFO), {
    apiVersion: V1,
    kind: "ExecCredential",
    spec: {
      interactive: false,
      cluster: {
        server: "https://prod.example.com:6443",
        "tls-server-name": "kubernetes",
        "certificate-authority-data": "Q0E=",
        config: { audience: "prod" },
      },
    },
  });
});

Deno.test("without provideClusterInfo the exec info has no cluster; v1beta1 works too", async () => {
  const runtime = new FakeRuntime({ spawn: () => ok(credential({ token: "b" }, V1BETA1)) });
  const auth = new ExecAuthProvider({ ...EXEC, apiVersion: V1BETA1 }, { runtime, cluster: CLUSTER });
  assert.equal(await bearer(auth), "Bearer b");
  assert.deepEqual(JSON.parse(runtime.calls[0].options.env!.KUBERNETES_EXEC_INFO), {
    apiVersion: V1BETA1,
    kind: "ExecCredential",
    spec: { interactive: false },
  });
});

Deno.test("the credential is cached until expirationTimestamp, then the plugin runs again", async () => {
  const clock = new FakeClock();
  const runtime = new FakeRuntime({ spawn: tokenPlugin(clock, 10 * 60_000) });
  const auth = new ExecAuthProvider(EXEC, { runtime, clock, cluster: CLUSTER });
  assert.equal(await bearer(auth), "Bearer token-1");
  await clock.advance(5 * 60_000);
  assert.equal(await bearer(auth), "Bearer token-1");
  await clock.advance(5 * 60_000 - 1);
  assert.equal(await bearer(auth), "Bearer token-1");
  assert.equal(runtime.calls.length, 1);
  await clock.advance(1);
  assert.equal(await bearer(auth), "Bearer token-2");
  assert.equal(runtime.calls.length, 2);
  const c = await auth.getCredential();
  assert.deepEqual(c, { token: "token-2", expiresAt: clock.now() + 10 * 60_000 });
});

Deno.test("without expiry the credential is kept until a 401; onUnauthorized runs the plugin once more", async () => {
  const clock = new FakeClock();
  const runtime = new FakeRuntime({ spawn: tokenPlugin(clock) });
  const auth = new ExecAuthProvider(EXEC, { runtime, clock, cluster: CLUSTER });
  assert.equal(await bearer(auth), "Bearer token-1");
  await clock.advance(24 * 3600_000);
  assert.equal(await bearer(auth), "Bearer token-1");
  auth.onUnauthorized();
  assert.equal(await bearer(auth), "Bearer token-2");
  assert.equal(await bearer(auth), "Bearer token-2");
  assert.equal(runtime.calls.length, 2);
});

Deno.test("concurrent requests share one plugin run; an aborted waiter does not stop it", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  const runtime = new FakeRuntime({ spawn: () => gate.then(() => ok(credential({ token: "shared" }))) });
  const auth = new ExecAuthProvider(EXEC, { runtime, clock: new FakeClock() });
  const ac = new AbortController();
  const aborted = auth.getCredential(ac.signal);
  const waiting = [auth.getCredential(), bearer(auth), bearer(auth)];
  ac.abort(new Error("caller gave up"));
  await assert.rejects(aborted, /caller gave up/);
  release();
  const [c, h1, h2] = await Promise.all(waiting);
  assert.deepEqual(c, { token: "shared" });
  assert.equal(h1, "Bearer shared");
  assert.equal(h2, "Bearer shared");
  assert.equal(runtime.calls.length, 1);
});

Deno.test("the cache is keyed by the exec config and cluster, not by user name (peers #592)", async () => {
  const clock = new FakeClock();
  const runtime = new FakeRuntime({ spawn: tokenPlugin(clock) });
  // Same configuration, built twice (two RestConfigs from one kubeconfig): one run.
  const a1 = new ExecAuthProvider({ ...EXEC }, {
    runtime,
    clock,
    cluster: CLUSTER,
    field: "users[me].user.exec",
  });
  const a2 = new ExecAuthProvider({ ...EXEC }, {
    runtime,
    clock,
    cluster: { ...CLUSTER },
    field: "users[x].user.exec",
  });
  assert.equal(await bearer(a1), "Bearer token-1");
  assert.equal(await bearer(a2), "Bearer token-1");
  assert.equal(runtime.calls.length, 1);
  // Same user name, different clusters or arguments: separate credentials.
  const otherCluster = new ExecAuthProvider(EXEC, {
    runtime,
    clock,
    cluster: { ...CLUSTER, server: "https://dev" },
  });
  const otherArgs = new ExecAuthProvider({ ...EXEC, args: ["--cluster", "dev"] }, {
    runtime,
    clock,
    cluster: CLUSTER,
  });
  const otherEnv = new ExecAuthProvider({ ...EXEC, env: [{ name: "SECRET_ENV", value: "other" }] }, {
    runtime,
    clock,
    cluster: CLUSTER,
  });
  assert.equal(await bearer(otherCluster), "Bearer token-2");
  assert.equal(await bearer(otherArgs), "Bearer token-3");
  assert.equal(await bearer(otherEnv), "Bearer token-4");
  // A 401 on one provider refreshes the shared entry for its twin too.
  a1.onUnauthorized();
  assert.equal(await bearer(a2), "Bearer token-5");
  // Another runtime object has its own cache.
  const runtime2 = new FakeRuntime({ spawn: tokenPlugin(clock) });
  assert.equal(
    await bearer(new ExecAuthProvider(EXEC, { runtime: runtime2, clock, cluster: CLUSTER })),
    "Bearer token-1",
  );
});

Deno.test("client certificate output is returned by getCredential and sets no header", async () => {
  const runtime = new FakeRuntime({
    spawn: () =>
      ok(credential({
        clientCertificateData: CERT_PEM,
        clientKeyData: KEY_PEM,
        expirationTimestamp: "2026-01-01T01:00:00Z",
      })),
  });
  const auth = new ExecAuthProvider(EXEC, { runtime, clock: new FakeClock() });
  assert.deepEqual(await auth.getCredential(), {
    certPem: CERT_PEM,
    keyPem: KEY_PEM,
    expiresAt: Date.UTC(2026, 0, 1, 1),
  });
  assert.equal(await bearer(auth), null);
});

Deno.test("a missing command reports the install hint", async () => {
  const runtime = new FakeRuntime({
    spawn: (cmd) =>
      Promise.reject(Object.assign(new Error(`Cannot run ${cmd}: program not found`), { code: "ENOENT" })),
  });
  const auth = new ExecAuthProvider({ ...EXEC, installHint: "Install it with: brew install get-token\n" }, {
    runtime,
    file: "/kc",
    field: "users[me].user.exec",
  });
  const e = await failure(auth.getCredential());
  assert.equal(e.file, "/kc");
  assert.equal(e.field, "users[me].user.exec.command");
  assert.match(e.message, /Exec credential plugin "get-token" was not found/);
  assert.match(e.message, /Install it with: brew install get-token$/);
  // Other start failures keep the runtime's error as the cause.
  const broken = new FakeRuntime({
    spawn: () => Promise.reject(Object.assign(new Error("nope"), { code: "EACCES" })),
  });
  const e2 = await failure(new ExecAuthProvider(EXEC, { runtime: broken }).getCredential());
  assert.match(e2.message, /could not be started/);
  assert.match(String((e2.cause as Error).message), /nope/);
});

Deno.test("a failing plugin: exit code and trimmed stderr, with secrets removed", async () => {
  const stderr = `\n  error: login failed for ${ENV_SECRET}\n${"x".repeat(2000)}\n`;
  const runtime = new FakeRuntime({ spawn: () => Promise.resolve({ code: 3, stdout: "", stderr }) });
  const auth = new ExecAuthProvider(EXEC, { runtime, file: "/kc", field: "users[me].user.exec" });
  const e = await failure(auth.getCredential());
  assert.equal(e.field, "users[me].user.exec");
  assert.match(
    e.message,
    /^\/kc: Exec credential plugin "get-token" exited with code 3: error: login failed for \[redacted\]/,
  );
  assert.ok(e.message.length < 1200, `stderr is cut: ${e.message.length}`);
  // A failure after a successful run never shows the previous token.
  let fail = false;
  const flaky = new FakeRuntime({
    spawn: () =>
      fail
        ? Promise.resolve({ code: 1, stdout: "", stderr: "refresh of old-token-9999 failed" })
        : ok(credential({ token: "old-token-9999" })),
  });
  const auth2 = new ExecAuthProvider(EXEC, { runtime: flaky });
  await auth2.getCredential();
  fail = true;
  auth2.onUnauthorized();
  const e2 = await failure(auth2.getCredential());
  assert.ok(!e2.message.includes("old-token-9999"), e2.message);
  assert.match(e2.message, /refresh of \[redacted\] failed/);
});

Deno.test("ANSI escapes and control characters of installHint and stderr are shown as text", async () => {
  const notFound = new FakeRuntime({
    spawn: () => Promise.reject(Object.assign(new Error("not found"), { code: "ENOENT" })),
  });
  const hint = "\x1b[2J\x1b[31mInstall\x1b[0m it:\r\n  brew install get-token\rFAKE\b\u202e\x07\x9b";
  const e = await failure(
    new ExecAuthProvider({ ...EXEC, installHint: hint }, { runtime: notFound }).getCredential(),
  );
  assert.ok(
    e.message.endsWith(
      "\n\nU+001B[2JU+001B[31mInstallU+001B[0m it:\n  brew install get-tokenU+000DFAKEU+0008U+202EU+0007U+009B",
    ),
    e.message,
  );
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  assert.doesNotMatch(e.message, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
  const failing = new FakeRuntime({
    spawn: () =>
      Promise.resolve({ code: 1, stdout: "", stderr: "\x1b]0;owned\x07\x1b[1Aerror:\tdenied\r\nnext line" }),
  });
  const e2 = await failure(new ExecAuthProvider(EXEC, { runtime: failing }).getCredential());
  assert.ok(
    e2.message.endsWith("exited with code 1: U+001B]0;ownedU+0007U+001B[1Aerror:\tdenied\nnext line"),
    e2.message,
  );
  const oddName = new FakeRuntime({ spawn: () => Promise.resolve({ code: 2, stdout: "", stderr: "" }) });
  const e3 = await failure(
    new ExecAuthProvider({ ...EXEC, command: "get\x1b[8m-token" }, { runtime: oddName }).getCredential(),
  );
  assert.match(e3.message, /Exec credential plugin "getU\+001B\[8m-token" exited with code 2$/);
});

Deno.test("unusable plugin output gets a clear error that never echoes the output", async () => {
  const outputs: [string, RegExp][] = [
    [`token: tok-SECRET-123`, /printed output that is not JSON/],
    [`[1, 2]`, /printed JSON that is not an ExecCredential object/],
    [
      JSON.stringify({ apiVersion: V1, kind: "Secret", status: { token: "tok-SECRET-123" } }),
      /kind is not ExecCredential/,
    ],
    [
      credential({ token: "tok-SECRET-123" }, V1BETA1),
      /apiVersion is not client\.authentication\.k8s\.io\/v1$/,
    ],
    [JSON.stringify({ apiVersion: V1, kind: "ExecCredential" }), /without a status/],
    [credential({ token: 12 }), /status\.token is not a string/],
    [credential({}), /neither a token nor a client certificate and key/],
    [credential({ token: "tok-SECRET-123\r\nX: 1" }), /status\.token holds a character that cannot be sent/],
    [credential({ token: "tok-SECRET-123\u0000" }), /status\.token holds a character that cannot be sent/],
    [credential({ clientCertificateData: CERT_PEM }), /clientCertificateData without clientKeyData/],
    [credential({ clientKeyData: KEY_PEM }), /clientKeyData without clientCertificateData/],
    [
      credential({ token: "tok-SECRET-123", expirationTimestamp: "soon" }),
      /expirationTimestamp is not a time/,
    ],
  ];
  for (const [stdout, message] of outputs) {
    const runtime = new FakeRuntime({ spawn: () => ok(stdout) });
    const e = await failure(new ExecAuthProvider(EXEC, { runtime }).getCredential());
    assert.match(e.message, message);
    assert.ok(!e.message.includes(stdout), e.message);
  }
});

Deno.test("a failed run is not cached: the next call runs the plugin again", async () => {
  let calls = 0;
  const runtime = new FakeRuntime({
    spawn: () => (++calls === 1
      ? Promise.resolve({ code: 1, stdout: "", stderr: "" })
      : ok(credential({ token: "t" }))),
  });
  const auth = new ExecAuthProvider(EXEC, { runtime });
  const e = await failure(auth.getCredential());
  assert.match(e.message, /exited with code 1$/);
  assert.equal(await bearer(auth), "Bearer t");
});

Deno.test("configuration checks: apiVersion, interactiveMode Always, runtimes without spawn", () => {
  const runtime = new FakeRuntime({ spawn: () => ok("") });
  assert.throws(() => new ExecAuthProvider({ ...EXEC, apiVersion: "v1" }, { runtime }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.field, "exec.apiVersion");
    return true;
  });
  assert.throws(
    () => new ExecAuthProvider({ ...EXEC, interactiveMode: "Always" }, { runtime }),
    /without a terminal/,
  );
  new ExecAuthProvider({ ...EXEC, interactiveMode: "IfAvailable" }, { runtime });
  assert.throws(
    () => new ExecAuthProvider(EXEC, { runtime: new FakeRuntime({ name: "web" }) }),
    (e: unknown) =>
      e instanceof RuntimeCapabilityError && e.runtime === "web" && !e.message.includes(ENV_SECRET),
  );
});

Deno.test("real spawn: the test plugin script, found relative to its kubeconfig, gives its token", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const script = new URL("../tests/rest/testdata/exec_plugin.sh", import.meta.url);
    await Deno.mkdir(`${dir}/bin`);
    await Deno.copyFile(script, `${dir}/bin/plugin.sh`);
    await Deno.chmod(`${dir}/bin/plugin.sh`, 0o755);
    await Deno.writeTextFile(
      `${dir}/config`,
      [
        "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443'}}]",
        "users:",
        "- name: u",
        "  user:",
        "    exec:",
        "      apiVersion: client.authentication.k8s.io/v1",
        "      command: ./bin/plugin.sh",
        "      interactiveMode: Never",
        `      env: [{name: KUBEWEB_EXEC_TOKEN, value: ${ENV_SECRET}}, {name: KUBEWEB_EXEC_COUNT_FILE, value: ${dir}/runs}]`,
        "contexts: [{name: c, context: {cluster: c, user: u}}]",
        "current-context: c",
      ].join("\n"),
    );
    const kc = await loadKubeConfig({ path: `${dir}/config`, runtime: denoRuntime });
    assert.equal(kc.users.u.exec?.command, `${dir}/bin/plugin.sh`);
    const config = await restConfigFromKubeConfig(kc, { runtime: denoRuntime });
    const h = new Headers();
    await config.auth!.authorize(h);
    assert.equal(h.get("authorization"), `Bearer ${ENV_SECRET}`);
    await config.auth!.authorize(h);
    assert.equal((await Deno.readTextFile(`${dir}/runs`)).trim().split("\n").length, 1);
    config.auth!.onUnauthorized!();
    await config.auth!.authorize(h);
    assert.equal((await Deno.readTextFile(`${dir}/runs`)).trim().split("\n").length, 2);

    // Without the token variable the script fails: its stderr is in the error.
    const failing = new ExecAuthProvider({
      command: `${dir}/bin/plugin.sh`,
      apiVersion: V1,
      interactiveMode: "Never",
    }, {
      runtime: denoRuntime,
    });
    const e = await failure(failing.getCredential());
    assert.match(e.message, /exited with code 1: exec_plugin\.sh: KUBEWEB_EXEC_TOKEN is not set$/);

    // A command that does not exist shows the install hint.
    const missing = new ExecAuthProvider(
      {
        command: `${dir}/bin/absent`,
        apiVersion: V1,
        interactiveMode: "Never",
        installHint: "Get it from example.com",
      },
      { runtime: denoRuntime },
    );
    const e2 = await failure(missing.getCredential());
    assert.match(e2.message, /was not found: is it installed and on the PATH\?\n\nGet it from example\.com/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
