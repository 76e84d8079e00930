import assert from "node:assert/strict";
import { loadKubeConfig, loadYamlParser, parseKubeConfig } from "./kubeconfig.ts";
import { modifyKubeConfig } from "./kubeconfig_writer.ts";
import { ConfigError } from "./config_error.ts";
import { FakeRuntime, TOKEN } from "./_config_fakes_test.ts";
import { denoRuntime } from "./runtime/deno.ts";
import { parseYaml } from "../_internal/deps.ts";

// parseKubeConfig needs the YAML parser, which loads on first need.
await loadYamlParser();

// A kubeconfig as tools write it: comments, relative paths, fields kubeweb does not know.
const A = `# managed by hand
apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://prod.example.com:6443
    certificate-authority: certs/ca.crt   # relative to this file
    x-vendor-field: keep-me
  x-entry-field: 1
users:
- name: alice
  user:
    token: ${TOKEN}
    exec-unknown: {a: 1}
contexts:
- name: prod
  context: {cluster: prod, user: alice, x-ctx: kept}
current-context: prod
x-top-level: {keep: true}
`;

const B = `clusters:
- name: dev
  cluster: {server: "https://dev.example.com"}
contexts:
- name: dev
  context: {cluster: dev}
preferences: {}
`;

// deno-lint-ignore no-explicit-any
type Doc = Record<string, any>;

function fake(): FakeRuntime {
  return new FakeRuntime({
    env: { KUBECONFIG: "/a/config:/b/config" },
    home: "/home/me",
    files: { "/a/config": A, "/b/config": B },
  });
}

function docOf(runtime: FakeRuntime, path: string): Doc {
  return parseYaml(runtime.files.get(path)!) as Doc;
}

Deno.test("modifyKubeConfig: nothing changed, nothing written", async () => {
  const runtime = fake();
  await modifyKubeConfig(await loadKubeConfig({ runtime }), { runtime });
  assert.equal(runtime.files.get("/a/config"), A);
  assert.equal(runtime.files.get("/b/config"), B);
  assert.ok(!runtime.ops.some((op) => op.startsWith("rename")));
  // The locks are gone.
  assert.ok(!runtime.files.has("/a/config.lock") && !runtime.files.has("/b/config.lock"));
});

Deno.test("modifyKubeConfig: set the current context, change and add entries, each in its own file", async () => {
  const runtime = fake();
  const kc = await loadKubeConfig({ runtime });
  kc.currentContext = "dev";
  kc.clusters.dev.server = "https://dev2.example.com";
  kc.clusters.dev.insecureSkipTlsVerify = true;
  kc.clusters.staging = { name: "staging", server: "https://staging.example.com" };
  kc.users.bob = { name: "bob", username: "bob", password: "pw" };
  kc.contexts.staging = { name: "staging", cluster: "staging", user: "bob", namespace: "apps" };
  kc.contexts.prod.namespace = "prod-ns";
  await modifyKubeConfig(kc, { runtime });

  const a = runtime.files.get("/a/config")!;
  // Unknown fields, comments and relative paths are kept in the file that did not change them.
  assert.match(a, /# managed by hand/);
  assert.match(a, /certificate-authority: certs\/ca\.crt/);
  assert.match(a, /x-vendor-field: keep-me/);
  assert.match(a, /x-entry-field: 1/);
  assert.match(a, /exec-unknown/);
  assert.match(a, /x-top-level/);
  const docA = docOf(runtime, "/a/config");
  // The default file (the first of KUBECONFIG) gets the current context and the new entries.
  assert.equal(docA["current-context"], "dev");
  assert.deepEqual(docA.clusters.map((c: Doc) => c.name), ["prod", "staging"]);
  assert.deepEqual(docA.clusters[1].cluster, { server: "https://staging.example.com" });
  assert.deepEqual(docA.users[1], { name: "bob", user: { username: "bob", password: "pw" } });
  assert.deepEqual(docA.contexts[0].context, {
    cluster: "prod",
    user: "alice",
    "x-ctx": "kept",
    namespace: "prod-ns",
  });
  assert.deepEqual(docA.contexts[1], {
    name: "staging",
    context: { cluster: "staging", user: "bob", namespace: "apps" },
  });
  // The changed cluster is written back to the file it came from.
  const docB = docOf(runtime, "/b/config");
  assert.deepEqual(docB.clusters, [{
    name: "dev",
    cluster: { server: "https://dev2.example.com", "insecure-skip-tls-verify": true },
  }]);
  assert.equal(docB["current-context"], undefined);
  // Atomically: a new file of mode 0600 renamed over the old one; no temporary file is left.
  for (const path of ["/a/config", "/b/config"]) {
    assert.equal(runtime.modes.get(path), 0o600);
    const rename = runtime.ops.find((op) => op.startsWith("rename") && op.endsWith(` ${path}`));
    assert.ok(rename, path);
    const temp = rename.split(" ")[1];
    assert.ok(temp.startsWith(`${path}.`) && temp.endsWith(".tmp"), temp);
    assert.ok(runtime.ops.indexOf(`write ${temp}`) < runtime.ops.indexOf(rename));
  }
  assert.deepEqual([...runtime.files.keys()].sort(), ["/a/config", "/b/config"]);
  // Read back, the configuration is the one that was written.
  const again = await loadKubeConfig({ runtime });
  assert.equal(again.currentContext, "dev");
  assert.equal(again.clusters.dev.server, "https://dev2.example.com");
  assert.equal(again.clusters.prod.certificateAuthority, "/a/certs/ca.crt");
  assert.equal(again.contexts.staging.namespace, "apps");
  assert.equal(again.users.alice.token, TOKEN);
});

Deno.test("modifyKubeConfig: removed entries are deleted from their file; clearing current-context clears it where set", async () => {
  const runtime = fake();
  const kc = await loadKubeConfig({ runtime });
  delete kc.contexts.dev;
  delete kc.clusters.dev;
  kc.currentContext = undefined;
  await modifyKubeConfig(kc, { runtime });
  const docB = docOf(runtime, "/b/config");
  assert.deepEqual(docB.clusters, []);
  assert.deepEqual(docB.contexts, []);
  assert.equal(docOf(runtime, "/a/config")["current-context"], undefined);
  assert.match(runtime.files.get("/a/config")!, /x-vendor-field: keep-me/);
});

Deno.test("modifyKubeConfig: a failed rename leaves the file as it was and names it", async () => {
  const runtime = fake();
  runtime.failRename.add("/b/config");
  const kc = await loadKubeConfig({ runtime });
  kc.clusters.dev.server = "https://elsewhere";
  await assert.rejects(modifyKubeConfig(kc, { runtime }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.file, "/b/config");
    assert.match(e.message, /Cannot write the kubeconfig \/b\/config; it is unchanged/);
    assert.ok(!e.message.includes(TOKEN));
    return true;
  });
  assert.equal(runtime.files.get("/b/config"), B);
  assert.deepEqual([...runtime.files.keys()].sort(), ["/a/config", "/b/config"]);
});

Deno.test("modifyKubeConfig: a held lock is an error naming the lock file", async () => {
  const runtime = fake();
  runtime.files.set("/b/config.lock", "");
  const kc = await loadKubeConfig({ runtime });
  kc.currentContext = "dev";
  await assert.rejects(modifyKubeConfig(kc, { runtime }), /\/b\/config\.lock exists/);
  assert.equal(runtime.files.get("/a/config"), A);
  assert.ok(!runtime.files.has("/a/config.lock"), "the locks taken are released");
  assert.ok(runtime.files.has("/b/config.lock"), "a lock held by another is left alone");
});

Deno.test("modifyKubeConfig: a configuration without files is written to ~/.kube/config", async () => {
  const runtime = new FakeRuntime({ home: "/home/me" });
  const kc = parseKubeConfig("");
  kc.clusters.c = { name: "c", server: "https://c.example.com" };
  kc.contexts.c = { name: "c", cluster: "c" };
  kc.currentContext = "c";
  await modifyKubeConfig(kc, { runtime });
  const doc = docOf(runtime, "/home/me/.kube/config");
  assert.equal(doc.apiVersion, "v1");
  assert.equal(doc.kind, "Config");
  assert.equal(doc["current-context"], "c");
  assert.deepEqual(doc.clusters, [{ name: "c", cluster: { server: "https://c.example.com" } }]);
  assert.ok(runtime.ops.includes("mkdir /home/me/.kube"));
  assert.equal(runtime.modes.get("/home/me/.kube/config"), 0o600);
});

Deno.test("modifyKubeConfig: real files through Deno, mode 0600, exec settings merged field by field", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/config`;
    await Deno.writeTextFile(
      path,
      [
        "users:",
        "- name: u",
        "  user:",
        "    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/p, interactiveMode: Never, x: 1}",
        "",
      ].join("\n"),
      { mode: 0o644 },
    );
    const kc = await loadKubeConfig({ runtime: denoRuntime, path });
    kc.users.u.exec!.args = ["--verbose"];
    await modifyKubeConfig(kc, { runtime: denoRuntime });
    const text = await Deno.readTextFile(path);
    assert.match(text, /command: \.\/bin\/p/);
    assert.match(text, /x: 1/);
    assert.deepEqual((parseYaml(text) as Doc).users[0].user.exec.args, ["--verbose"]);
    if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["config"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
