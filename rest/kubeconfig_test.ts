import assert from "node:assert/strict";
import { loadKubeConfig, loadYamlParser, mergeKubeConfigs, parseKubeConfig } from "./kubeconfig.ts";
import { ConfigError } from "./config_error.ts";
import { CA_PEM, denoFileRuntime, FakeRuntime, TOKEN, yaml } from "./_config_fakes_test.ts";
import { encodeBase64 } from "./_config_util.ts";

// parseKubeConfig needs the YAML parser, which loads on first need.
await loadYamlParser();

const A = yaml({
  clusters: [
    { name: "shared", cluster: { server: "https://a.example.com", "certificate-authority": "certs/ca.crt" } },
    { name: "only-a", cluster: { server: "https://only-a.example.com" } },
  ],
  users: [{
    name: "u",
    user: {
      "client-certificate": "u.crt",
      "client-key": "./keys/../keys/u.key",
      tokenFile: "tok",
      exec: { apiVersion: "client.authentication.k8s.io/v1", command: "bin/plugin" },
    },
  }],
  contexts: [{ name: "ctx", context: { cluster: "shared", user: "u", namespace: "from-a" } }],
});

const B = yaml({
  clusters: [{ name: "shared", cluster: { server: "https://b.example.com" } }, {
    name: "only-b",
    cluster: { server: "https://only-b.example.com", "certificate-authority": "/abs/ca.crt" },
  }],
  users: [{ name: "u", user: { token: TOKEN } }, {
    name: "v",
    user: { exec: { apiVersion: "client.authentication.k8s.io/v1", command: "plugin-on-path" } },
  }],
  contexts: [{ name: "ctx", context: { cluster: "only-b", user: "v" } }, {
    name: "ctx-b",
    context: { cluster: "only-b" },
  }],
  "current-context": "ctx-b",
  preferences: { colors: true },
});

const C = yaml({
  "current-context": "ctx",
  clusters: [{ name: "only-c", cluster: { server: "https://c" } }],
});

Deno.test("parseKubeConfig gives camelCase typed entries keyed by name, with their source", () => {
  const kc = parseKubeConfig(
    yaml({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{
        name: "dev",
        cluster: {
          server: "https://dev:6443",
          "tls-server-name": "kubernetes",
          "insecure-skip-tls-verify": false,
          "certificate-authority-data": encodeBase64(CA_PEM),
          "proxy-url": "http://proxy:3128",
          "disable-compression": true,
          extensions: [{ name: "client.authentication.k8s.io/exec", extension: { audience: "x" } }],
        },
      }],
      users: [{
        name: "me",
        user: {
          token: TOKEN,
          as: "jane",
          "as-uid": "42",
          "as-groups": ["g1", "g2"],
          "as-user-extra": { "scopes.example.com/a": ["x", "y"] },
          "auth-provider": { name: "oidc", config: { "client-id": "k" } },
        },
      }],
      contexts: [{ name: "dev", context: { cluster: "dev", user: "me", namespace: "apps" } }],
      "current-context": "dev",
      preferences: { colors: false },
    }),
    { file: "/home/me/.kube/config" },
  );
  assert.deepEqual(kc.clusters.dev, {
    name: "dev",
    source: "/home/me/.kube/config",
    server: "https://dev:6443",
    tlsServerName: "kubernetes",
    insecureSkipTlsVerify: false,
    certificateAuthorityData: encodeBase64(CA_PEM),
    proxyUrl: "http://proxy:3128",
    disableCompression: true,
    extensions: { "client.authentication.k8s.io/exec": { audience: "x" } },
  });
  assert.deepEqual(kc.users.me, {
    name: "me",
    source: "/home/me/.kube/config",
    token: TOKEN,
    as: "jane",
    asUid: "42",
    asGroups: ["g1", "g2"],
    asUserExtra: { "scopes.example.com/a": ["x", "y"] },
    authProvider: { name: "oidc", config: { "client-id": "k" } },
  });
  assert.deepEqual(kc.contexts.dev, {
    name: "dev",
    source: "/home/me/.kube/config",
    cluster: "dev",
    user: "me",
    namespace: "apps",
  });
  assert.equal(kc.currentContext, "dev");
  assert.equal(kc.currentContextSource, "/home/me/.kube/config");
  assert.deepEqual(kc.preferences, { colors: false });
  assert.deepEqual(kc.files, ["/home/me/.kube/config"]);
});

Deno.test("parseKubeConfig reads YAML 1.1 as kubectl does and accepts JSON and empty files", () => {
  const kc = parseKubeConfig(
    "clusters:\n- name: c\n  cluster:\n    server: https://c\n    insecure-skip-tls-verify: yes\n" +
      "contexts:\n- name: 2024-01-01\n  context: {cluster: c, namespace: 1:20}\n",
  );
  assert.equal(kc.clusters.c.insecureSkipTlsVerify, true);
  assert.equal(kc.contexts["2024-01-01"].namespace, "1:20");
  const json = parseKubeConfig(
    JSON.stringify({ clusters: [{ name: "j", cluster: { server: "https://j" } }] }),
  );
  assert.equal(json.clusters.j.server, "https://j");
  const empty = parseKubeConfig("", { file: "/e" });
  assert.deepEqual(empty, { clusters: {}, users: {}, contexts: {}, preferences: {}, files: ["/e"] });
});

Deno.test("parseKubeConfig keeps a name such as __proto__ as an ordinary entry", () => {
  const kc = parseKubeConfig(yaml({ clusters: [{ name: "__proto__", cluster: { server: "https://p" } }] }));
  assert.equal(Object.getPrototypeOf(kc.clusters), Object.prototype);
  assert.equal(Object.hasOwn(kc.clusters, "__proto__"), true);
  assert.deepEqual(Object.keys(kc.clusters), ["__proto__"]);
});

Deno.test("relative paths resolve against the kubeconfig's folder; absolute and bare exec commands stay", () => {
  const kc = parseKubeConfig(A, { file: "/etc/kube/a.yaml" });
  assert.equal(kc.clusters.shared.certificateAuthority, "/etc/kube/certs/ca.crt");
  assert.equal(kc.users.u.clientCertificate, "/etc/kube/u.crt");
  assert.equal(kc.users.u.clientKey, "/etc/kube/keys/u.key");
  assert.equal(kc.users.u.tokenFile, "/etc/kube/tok");
  assert.equal(kc.users.u.exec?.command, "/etc/kube/bin/plugin");
  const b = parseKubeConfig(B, { file: "relative/dir/b.yaml" });
  assert.equal(b.clusters["only-b"].certificateAuthority, "/abs/ca.crt");
  assert.equal(b.users.v.exec?.command, "plugin-on-path");
  const rel = parseKubeConfig(A, { file: "a.yaml" });
  assert.equal(rel.clusters.shared.certificateAuthority, "certs/ca.crt");
  assert.equal(rel.users.u.clientKey, "keys/u.key");
  const win = parseKubeConfig(A, { file: "C:\\Users\\me\\.kube\\config" });
  assert.equal(win.users.u.clientCertificate, "C:\\Users\\me\\.kube\\u.crt");
  const inline = parseKubeConfig(A);
  assert.equal(inline.users.u.tokenFile, "tok");
});

Deno.test("mergeKubeConfigs: the first file that defines a name wins, entries are never mixed", () => {
  const a = parseKubeConfig(A, { file: "/a/config" });
  const b = parseKubeConfig(B, { file: "/b/config" });
  const c = parseKubeConfig(C, { file: "/c/config" });
  const kc = mergeKubeConfigs([a, b, c]);
  assert.deepEqual(Object.keys(kc.clusters).sort(), ["only-a", "only-b", "only-c", "shared"]);
  assert.equal(kc.clusters.shared.server, "https://a.example.com");
  assert.equal(kc.clusters.shared.source, "/a/config");
  assert.equal(kc.clusters["only-b"].source, "/b/config");
  // users.u comes whole from /a: b's token is not merged into it.
  assert.equal(kc.users.u.token, undefined);
  assert.equal(kc.users.u.source, "/a/config");
  assert.equal(kc.users.v.source, "/b/config");
  assert.equal(kc.contexts.ctx.namespace, "from-a");
  assert.equal(kc.contexts.ctx.cluster, "shared");
  // current-context from the first file that sets it (b), not the last (c).
  assert.equal(kc.currentContext, "ctx-b");
  assert.equal(kc.currentContextSource, "/b/config");
  assert.deepEqual(kc.preferences, { colors: true });
  assert.deepEqual(kc.files, ["/a/config", "/b/config", "/c/config"]);
  // Reversed order: b's entries win.
  const rev = mergeKubeConfigs([c, b, a]);
  assert.equal(rev.clusters.shared.server, "https://b.example.com");
  assert.equal(rev.users.u.token, TOKEN);
  assert.equal(rev.currentContext, "ctx");
  assert.equal(rev.currentContextSource, "/c/config");
});

Deno.test("loadKubeConfig merges the KUBECONFIG list in order, skipping missing files", async () => {
  const runtime = new FakeRuntime({
    files: { "/a/config": A, "/b/config": B, "/c/config": C },
    env: { KUBECONFIG: "/missing/one:/a/config::/b/config:/a/config:/c/config" },
    home: "/home/me",
  });
  const kc = await loadKubeConfig({ runtime });
  assert.deepEqual(kc.files, ["/a/config", "/b/config", "/c/config"]);
  assert.equal(kc.clusters.shared.server, "https://a.example.com");
  assert.equal(kc.clusters.shared.certificateAuthority, "/a/certs/ca.crt");
  assert.equal(kc.currentContext, "ctx-b");
  assert.deepEqual(runtime.reads, ["/missing/one", "/a/config", "/b/config", "/c/config"]);
});

Deno.test("loadKubeConfig: a KUBECONFIG of only missing files is a not-found error naming them", async () => {
  const runtime = new FakeRuntime({ env: { KUBECONFIG: "/x:/y" }, files: { "/home/me/.kube/config": A } });
  const e = await assert.rejects(loadKubeConfig({ runtime }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.notFound, true);
    assert.equal(e.field, "KUBECONFIG");
    assert.match(e.message, /None of the files listed in KUBECONFIG exists \(\/x, \/y\)/);
    return true;
  });
  void e;
});

Deno.test("loadKubeConfig: an unreadable (not missing) KUBECONFIG file is an error naming it", async () => {
  const runtime = new FakeRuntime({
    env: { KUBECONFIG: "/a/config:/locked" },
    files: { "/a/config": A, "/locked": B },
    unreadable: ["/locked"],
  });
  await assert.rejects(loadKubeConfig({ runtime }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.file, "/locked");
    assert.equal(e.notFound, false);
    assert.match(e.message, /Cannot read the kubeconfig \/locked: the file cannot be read \(EACCES\)/);
    return true;
  });
});

Deno.test("loadKubeConfig: without KUBECONFIG reads ~/.kube/config; an explicit missing path is an error", async () => {
  const runtime = new FakeRuntime({ files: { "/home/me/.kube/config": A }, home: "/home/me" });
  const kc = await loadKubeConfig({ runtime });
  assert.deepEqual(kc.files, ["/home/me/.kube/config"]);
  assert.equal(kc.users.u.clientCertificate, "/home/me/.kube/u.crt");
  await assert.rejects(loadKubeConfig({ runtime, path: "/nope/config" }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.file, "/nope/config");
    assert.match(e.message, /Cannot read the kubeconfig \/nope\/config: the file does not exist/);
    return true;
  });
  await assert.rejects(loadKubeConfig({ runtime: new FakeRuntime({}) }), /home directory is unknown/);
  await assert.rejects(loadKubeConfig({ runtime: new FakeRuntime({ home: "/h" }) }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.notFound, true);
    assert.match(e.message, /\/h\/\.kube\/config/);
    return true;
  });
});

Deno.test("loadKubeConfig parses given text without reading, naming it by path", async () => {
  const runtime = new FakeRuntime({});
  const kc = await loadKubeConfig({ text: A, path: "/given/config", runtime });
  assert.equal(kc.users.u.tokenFile, "/given/tok");
  assert.deepEqual(runtime.reads, []);
});

Deno.test("loadKubeConfig reads real files through a Deno-backed runtime", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/one`);
    await Deno.writeTextFile(`${dir}/one/config`, A);
    await Deno.writeTextFile(`${dir}/two`, B);
    const runtime = denoFileRuntime({ KUBECONFIG: `${dir}/one/config:${dir}/absent:${dir}/two` });
    const kc = await loadKubeConfig({ runtime });
    assert.equal(kc.clusters.shared.certificateAuthority, `${dir}/one/certs/ca.crt`);
    assert.equal(kc.clusters["only-b"].source, `${dir}/two`);
    assert.equal(kc.currentContext, "ctx-b");
    await assert.rejects(
      loadKubeConfig({ runtime, path: `${dir}/absent` }),
      (e: unknown) => e instanceof ConfigError && e.file === `${dir}/absent`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("relative KUBECONFIG entries and explicit paths resolve against the working directory", async () => {
  const runtime = new FakeRuntime({
    files: { "/work/cfg/config": A, "/other/config": B },
    env: { KUBECONFIG: "cfg/config:../other/config" },
    cwd: "/work/sub/..",
  });
  const kc = await loadKubeConfig({ runtime });
  assert.deepEqual(kc.files, ["/work/cfg/config", "/other/config"]);
  assert.equal(kc.clusters.shared.source, "/work/cfg/config");
  assert.equal(kc.clusters.shared.certificateAuthority, "/work/cfg/certs/ca.crt");
  assert.equal(kc.users.u.clientKey, "/work/cfg/keys/u.key");
  assert.equal(kc.users.u.exec?.command, "/work/cfg/bin/plugin");
  assert.equal(kc.currentContextSource, "/other/config");
  const explicit = await loadKubeConfig({ runtime, path: "./cfg/config" });
  assert.deepEqual(explicit.files, ["/work/cfg/config"]);
  assert.equal(explicit.users.u.tokenFile, "/work/cfg/tok");
  // The same file named twice (relative and absolute) is read once.
  const twice = new FakeRuntime({
    files: { "/work/cfg/config": A },
    env: { KUBECONFIG: "cfg/config:/work/cfg/config" },
    cwd: "/work",
  });
  assert.deepEqual((await loadKubeConfig({ runtime: twice })).files, ["/work/cfg/config"]);
  assert.deepEqual(twice.reads, ["/work/cfg/config"]);
});

Deno.test("duplicate names inside one file are an error naming the duplicate (extensions too)", () => {
  const ext = (name: string) => ({ name, extension: { v: name } });
  const cases: [string, unknown, string][] = [
    ["clusters", { clusters: [{ name: "c", cluster: {} }, { name: "c", cluster: {} }] }, "clusters[c]"],
    ["users", { users: [{ name: "u", user: {} }, { name: "u", user: {} }] }, "users[u]"],
    ["contexts", { contexts: [{ name: "x", context: {} }, { name: "x", context: {} }] }, "contexts[x]"],
    [
      "cluster extensions",
      { clusters: [{ name: "c", cluster: { extensions: [ext("e"), ext("f"), ext("e")] } }] },
      "clusters[c].cluster.extensions[e]",
    ],
    [
      "user extensions",
      { users: [{ name: "u", user: { extensions: [ext("e"), ext("e")] } }] },
      "users[u].user.extensions[e]",
    ],
    [
      "context extensions",
      { contexts: [{ name: "x", context: { extensions: [ext("e"), ext("e")] } }] },
      "contexts[x].context.extensions[e]",
    ],
    [
      "preferences extensions",
      { preferences: { extensions: [ext("p"), ext("p")] } },
      "preferences.extensions[p]",
    ],
    ["top-level extensions", { extensions: [ext("t"), ext("t")] }, "extensions[t]"],
  ];
  for (const [what, doc, field] of cases) {
    assert.throws(() => parseKubeConfig(yaml(doc), { file: "/k/config" }), (e: unknown) => {
      assert.ok(e instanceof ConfigError, what);
      assert.equal(e.file, "/k/config", what);
      assert.equal(e.field, field, what);
      assert.match(e.message, /is defined twice/, what);
      return true;
    });
  }
});
