// Integration tests of the REST client against the real API server (kube-apiserver v1.20.2): every way
// of authenticating, error mapping, patches, warnings, impersonation and a watch of changes made by
// kubectl. Needs the test cluster (tests/cluster/harness.ts).
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";
import { restClientFor, type RESTClientOptions } from "../../rest/rest_client.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import { inClusterConfig } from "../../rest/in_cluster.ts";
import type { RestConfig } from "../../rest/rest_config.ts";
import {
  ApiError,
  isAlreadyExists,
  isConflict,
  isForbidden,
  isInvalid,
  isNotFound,
  isUnauthorized,
} from "../../rest/errors.ts";
import { denoRuntime } from "../../rest/runtime/deno.ts";
import { nodeRuntime } from "../../rest/runtime/node.ts";
import type { Runtime } from "../../rest/runtime/runtime.ts";
import type { KubeList, KubeObject, WatchEvent } from "../../rest/types.ts";
import type { Warning } from "../../rest/warning_handler.ts";

const c = await getTestCluster();
const here = new URL(".", import.meta.url).pathname;

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

const quiet: Partial<RESTClientOptions> = { warningHandler: () => {} };

function core(config: RestConfig, options: Partial<RESTClientOptions> = {}) {
  return restClientFor(config, { apiPath: "/api", groupVersion: "v1", ...quiet, ...options });
}

function test(name: string, fn: () => Promise<void>) {
  Deno.test({ name, fn, sanitizeResources: false, sanitizeOps: false });
}

async function configFor(context: string): Promise<RestConfig> {
  return await loadRestConfig({ kubeconfig: c.kubeconfigPath, context });
}

function uniqueName(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

async function namespaceNames(
  config: RestConfig,
  options: Partial<RESTClientOptions> = {},
): Promise<string[]> {
  const client = core(config, options);
  try {
    const list = (await client.get().resource("namespaces").do()).into<KubeList>();
    return list.items.map((n) => n.metadata!.name!);
  } finally {
    client.close();
  }
}

for (const runtime of [denoRuntime, nodeRuntime] as Runtime[]) {
  test(`admin client certificate (${runtime.name} transport): version, list, create, get, delete`, async () => {
    const config = await configFor("admin");
    assert.ok(config.certPem && config.keyPem && config.caPem);
    const raw = restClientFor(config, { apiPath: "", groupVersion: "", runtime, ...quiet });
    const client = core(config, { runtime });
    try {
      const version = (await raw.get().absPath("/version").do()).into<{ gitVersion: string }>();
      assert.equal(version.gitVersion, "v1.20.2");
      assert.ok((await namespaceNames(config, { runtime })).includes("kube-system"));
      const name = uniqueName("rc");
      const created = await client.post().namespace("default").resource("configmaps")
        .body({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { a: "1" } }).do();
      assert.equal(created.statusCode, 201);
      const got = (await client.get().namespace("default").resource("configmaps").name(name).do()).into<
        ConfigMap
      >();
      assert.deepEqual(got.data, { a: "1" });
      const kubectl = await c.kubectl([
        "get",
        "configmap",
        name,
        "-n",
        "default",
        "-o",
        "jsonpath={.data.a}",
      ]);
      assert.equal(kubectl.stdout, "1");
      await client.delete().namespace("default").resource("configmaps").name(name).do();
      await assert.rejects(
        client.get().namespace("default").resource("configmaps").name(name).do(),
        isNotFound,
      );
    } finally {
      client.close();
      raw.close();
    }
  });
}

test("tls-server-name: the server certificate is checked against the given name", async () => {
  const config = await configFor("token");
  const ok = { ...config, tlsServerName: "kubernetes.default" };
  assert.ok((await namespaceNames(ok)).includes("default"));
  const wrong = { ...config, tlsServerName: "not-in-the-cert.example" };
  await assert.rejects(namespaceNames(wrong, { maxConnectionRetries: 0 }), /Cannot connect to 127\.0\.0\.1/);
});

test("bearer token (token context) and static token from a hand-made config", async () => {
  const config = await configFor("token");
  assert.equal(config.certPem, undefined);
  assert.ok((await namespaceNames(config)).includes("default"));
  const handMade: RestConfig = {
    host: c.server,
    namespace: "default",
    caPem: c.caPem,
    bearerToken: c.adminToken,
  };
  assert.ok((await namespaceNames(handMade)).includes("default"));
});

test("nobody token is forbidden; a wrong token is unauthorized; anonymous is forbidden", async () => {
  const nobody = await configFor("nobody");
  const err = await namespaceNames(nobody).then(() => undefined, (e) => e);
  assert.ok(isForbidden(err), String(err));
  assert.ok(err instanceof ApiError);
  assert.equal(err.code, 403);
  assert.match(err.message, /kubeweb-nobody/);
  assert.equal(err.path, "/api/v1/namespaces");
  const bad: RestConfig = {
    host: c.server,
    namespace: "default",
    caPem: c.caPem,
    bearerToken: "not-a-token",
  };
  const unauthorized = await namespaceNames(bad).then(() => undefined, (e) => e);
  assert.ok(isUnauthorized(unauthorized), String(unauthorized));
  assert.ok(!String(unauthorized.message).includes("not-a-token"));
  await assert.rejects(namespaceNames({ host: c.server, namespace: "default", caPem: c.caPem }), isForbidden);
});

test("in-cluster simulation: service account token, CA and namespace files", async () => {
  const ic = c.inCluster;
  const env: Record<string, string> = { KUBERNETES_SERVICE_HOST: ic.host, KUBERNETES_SERVICE_PORT: ic.port };
  const runtime: Runtime = { ...denoRuntime, env: (n) => env[n] ?? denoRuntime.env!(n) };
  const config = await inClusterConfig({
    runtime,
    tokenPath: ic.tokenFile,
    caPath: ic.caFile,
    namespacePath: ic.namespaceFile,
  });
  assert.equal(config.host, `https://${ic.host}:${ic.port}`);
  assert.equal(config.namespace, "default");
  const client = core(config);
  try {
    const list = (await client.get().namespace(config.namespace).resource("serviceaccounts").do()).into<
      KubeList
    >();
    assert.ok(list.items.some((sa) => sa.metadata?.name === "kubeweb-incluster"));
  } finally {
    client.close();
  }
});

test("exec credential plugin provides the token", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kubeweb-exec-" });
  const countFile = `${dir}/runs`;
  try {
    await Deno.writeTextFile(
      `${dir}/config`,
      `apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: ${c.server}
    certificate-authority: ${c.caFile}
users:
- name: exec
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ${here}testdata/exec_plugin.sh
      interactiveMode: Never
      env:
      - {name: KUBEWEB_EXEC_TOKEN, value: "${c.adminToken}"}
      - {name: KUBEWEB_EXEC_COUNT_FILE, value: "${countFile}"}
contexts:
- name: exec
  context: {cluster: test, user: exec, namespace: kube-system}
current-context: exec
`,
    );
    const config = await loadRestConfig({ kubeconfig: `${dir}/config` });
    assert.equal(config.namespace, "kube-system");
    assert.ok((await namespaceNames(config)).includes("kube-system"));
    assert.ok((await namespaceNames(config)).includes("default"));
    // The credential has no expiry: the plugin ran once for both requests.
    assert.equal((await Deno.readTextFile(countFile)).trim().split("\n").length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

test("error mapping: NotFound, AlreadyExists, Conflict, Invalid", async () => {
  const client = core(await configFor("admin"));
  const name = uniqueName("errs");
  const cms = () => client.get().namespace("default").resource("configmaps");
  try {
    await assert.rejects(
      cms().name(name).do(),
      (e: unknown) => isNotFound(e) && (e as ApiError).details?.name === name,
    );
    const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { v: "1" } };
    const created = (await client.post().namespace("default").resource("configmaps").body(body).do()).into<
      ConfigMap
    >();
    await assert.rejects(
      client.post().namespace("default").resource("configmaps").body(body).do(),
      (e: unknown) => isAlreadyExists(e) && (e as ApiError).code === 409,
    );
    const stale = { ...created, data: { v: "2" } };
    await client.put().namespace("default").resource("configmaps").name(name).body(stale).do();
    await assert.rejects(
      client.put().namespace("default").resource("configmaps").name(name).body({ ...stale, data: { v: "3" } })
        .do(),
      isConflict,
    );
    await assert.rejects(
      client.post().namespace("default").resource("configmaps")
        .body({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "Not_Valid" } }).do(),
      (e: unknown) => isInvalid(e) && (e as ApiError).code === 422 && /Not_Valid/.test((e as Error).message),
    );
  } finally {
    await client.delete().namespace("default").resource("configmaps").name(name).do().catch(() => {});
    client.close();
  }
});

test("patches: json, merge, strategic and server-side apply", async () => {
  const client = core(await configFor("admin"));
  const name = uniqueName("patch");
  const cm = () => client.get().namespace("default").resource("configmaps").name(name);
  try {
    await client.post().namespace("default").resource("configmaps")
      .body({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { a: "1" } }).do();
    await client.patch("json").namespace("default").resource("configmaps").name(name)
      .body([{ op: "add", path: "/data/b", value: "2" }]).do();
    await client.patch("merge").namespace("default").resource("configmaps").name(name)
      .body({ data: { c: "3", a: null } }).do();
    await client.patch("strategic").namespace("default").resource("configmaps").name(name)
      .body({ metadata: { labels: { l: "x" } } }).do();
    const applied = (await client.patch("apply").namespace("default").resource("configmaps").name(name)
      .param("fieldManager", "kubeweb-test").param("force", true)
      .body({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { d: "4" } }).do()).into<
      ConfigMap
    >();
    assert.equal(applied.data?.d, "4");
    const final = (await cm().do()).into<ConfigMap>();
    assert.deepEqual(final.data, { b: "2", c: "3", d: "4" });
    assert.equal(final.metadata?.labels?.l, "x");
  } finally {
    await client.delete().namespace("default").resource("configmaps").name(name).do().catch(() => {});
    client.close();
  }
});

test("warnings: a deprecated API's Warning header reaches result.warnings and the handler", async () => {
  const seen: Warning[] = [];
  const ext = restClientFor(await configFor("admin"), {
    apiPath: "/apis",
    groupVersion: "extensions/v1beta1",
    warningHandler: (w) => seen.push(w),
  });
  try {
    const r = await ext.get().namespace("default").resource("ingresses").do();
    assert.equal(r.warnings.length, 1, `warnings: ${r.warnings}`);
    assert.match(r.warnings[0], /extensions\/v1beta1 Ingress is deprecated/);
    assert.equal(seen[0].code, 299);
    assert.equal(seen[0].text, r.warnings[0]);
  } finally {
    ext.close();
  }
});

test("impersonation: groups are sent as separate headers (system:masters after another group)", async () => {
  const admin = await configFor("token");
  const asJane = { ...admin, impersonate: { userName: "jane", groups: ["devs"] } };
  const err = await namespaceNames(asJane).then(() => undefined, (e) => e);
  assert.ok(isForbidden(err));
  assert.match(err.message, /"jane"/);
  // Merged into one "devs, system:masters" header value this would be a single unknown group.
  const asMaster = { ...admin, impersonate: { userName: "jane", groups: ["devs", "system:masters"] } };
  assert.ok((await namespaceNames(asMaster)).includes("default"));
});

test("raw paths and query parameters: label selector and limit", async () => {
  const client = core(await configFor("admin"));
  const names = [uniqueName("sel"), uniqueName("sel")];
  try {
    for (const [i, name] of names.entries()) {
      await client.post().namespace("default").resource("configmaps")
        .body({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name, labels: { kubeweb: "sel", idx: String(i) } },
        })
        .do();
    }
    const list = (await client.get().namespace("default").resource("configmaps")
      .params({ labelSelector: "kubeweb=sel,idx in (0, 1)", limit: 1 }).do()).into<KubeList>();
    assert.equal(list.items.length, 1);
    assert.ok(list.metadata?.continue);
  } finally {
    for (const name of names) {
      await client.delete().namespace("default").resource("configmaps").name(name).do().catch(() => {});
    }
    client.close();
  }
});

test("watch sees create, update and delete made by kubectl; stop() ends it", async () => {
  const client = core(await configFor("admin"));
  const ns = uniqueName("watch");
  await client.post().resource("namespaces").body({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: ns },
  }).do();
  try {
    const list = (await client.get().namespace(ns).resource("configmaps").do()).into<KubeList>();
    const watcher = await client.get().namespace(ns).resource("configmaps")
      .params({
        resourceVersion: list.metadata?.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: 60,
      })
      .watch<ConfigMap>();
    const events: WatchEvent<ConfigMap>[] = [];
    const done = (async () => {
      for await (const e of watcher) {
        if (e.type === "BOOKMARK") continue;
        events.push(e);
        if (e.type === "DELETED") watcher.stop();
      }
    })();
    const run = async (args: string[], stdin?: string) => {
      const r = await c.kubectl(args, { stdin });
      assert.equal(r.code, 0, r.stderr);
    };
    await run(["create", "configmap", "w1", "-n", ns, "--from-literal=k=v1"]);
    await run(["patch", "configmap", "w1", "-n", ns, "--type=merge", "-p", '{"data":{"k":"v2"}}']);
    await run(["delete", "configmap", "w1", "-n", ns]);
    await done;
    assert.deepEqual(
      events.map((e) =>
        `${e.type} ${(e.object as ConfigMap).metadata?.name} ${(e.object as ConfigMap).data?.k}`
      ),
      ["ADDED w1 v1", "MODIFIED w1 v2", "DELETED w1 v2"],
    );
  } finally {
    await client.delete().resource("namespaces").name(ns).do().catch(() => {});
    client.close();
  }
});

test("watch: the client's configured timeout does not end a healthy watch", async () => {
  const config = { ...(await configFor("admin")), timeoutMs: 1000 };
  const client = core(config);
  try {
    const watcher = await client.get().namespace("default").resource("configmaps")
      .params({ timeoutSeconds: 3 }).watch();
    const started = performance.now();
    for await (const _e of watcher) { /* initial ADDED events, then silence until the server ends it */ }
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 2500, `the watch ended after ${Math.round(elapsed)} ms, before timeoutSeconds`);
  } finally {
    client.close();
  }
});
