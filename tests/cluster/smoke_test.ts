// Integration smoke test of the test harness itself: plain fetch against the real API server,
// checked independently with kubectl.
import assert from "node:assert/strict";
import { getTestCluster } from "./harness.ts";

const c = await getTestCluster();

Deno.test("admin client certificate lists namespaces with plain fetch", async () => {
  const client = Deno.createHttpClient({ caCerts: [c.caPem], cert: c.admin.certPem, key: c.admin.keyPem });
  try {
    const res = await fetch(`${c.server}/api/v1/namespaces`, { client });
    assert.equal(res.status, 200);
    const list = await res.json();
    assert.equal(list.kind, "NamespaceList");
    const names = list.items.map((n: { metadata: { name: string } }) => n.metadata.name);
    assert.ok(names.includes("default"), `namespaces: ${names}`);
    assert.ok(names.includes("kube-system"), `namespaces: ${names}`);
  } finally {
    client.close();
  }
});

Deno.test("the nobody token is authenticated but forbidden", async () => {
  const client = Deno.createHttpClient({ caCerts: [c.caPem] });
  try {
    const res = await fetch(`${c.server}/api/v1/namespaces`, {
      client,
      headers: { authorization: `Bearer ${c.nobodyToken}` },
    });
    assert.equal(res.status, 403);
    const status = await res.json();
    assert.equal(status.reason, "Forbidden");
    assert.match(status.message, /kubeweb-nobody/);
    const anon = await fetch(`${c.server}/api/v1/namespaces`, { client });
    assert.equal(anon.status, 403);
    assert.match((await anon.json()).message, /system:anonymous/);
  } finally {
    client.close();
  }
});

Deno.test("kubectl sees a namespace the test created", async () => {
  const name = `smoke-${crypto.randomUUID().slice(0, 8)}`;
  const client = Deno.createHttpClient({ caCerts: [c.caPem] });
  try {
    const res = await fetch(`${c.server}/api/v1/namespaces`, {
      method: "POST",
      client,
      headers: { authorization: `Bearer ${c.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name } }),
    });
    assert.equal(res.status, 201, await res.text());
    const out = await c.kubectl(["get", "namespace", name, "-o", "jsonpath={.metadata.name}"]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, name);
    const del = await c.kubectl(["delete", "namespace", name, "--wait=false"]);
    assert.equal(del.code, 0, del.stderr);
  } finally {
    client.close();
  }
});

Deno.test("the in-cluster simulation's service-account token is accepted", async () => {
  const token = (await Deno.readTextFile(c.inCluster.tokenFile)).trim();
  const ca = await Deno.readTextFile(c.inCluster.caFile);
  const ns = (await Deno.readTextFile(c.inCluster.namespaceFile)).trim();
  const client = Deno.createHttpClient({ caCerts: [ca] });
  try {
    const res = await fetch(
      `https://${c.inCluster.host}:${c.inCluster.port}/api/v1/namespaces/${ns}/configmaps`,
      {
        client,
        headers: { authorization: `Bearer ${token}` },
      },
    );
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal((await res.json()).kind, "ConfigMapList");
  } finally {
    client.close();
  }
});

Deno.test("ConfigMap data (a map) round-trips: the apiserver build serialises maps", async () => {
  const name = `smoke-${crypto.randomUUID().slice(0, 8)}`;
  const made = await c.kubectl([
    "create",
    "configmap",
    name,
    "--from-literal=greeting=héllo",
    "-n",
    "default",
  ]);
  assert.equal(made.code, 0, made.stderr);
  const got = await c.kubectl(["get", "configmap", name, "-n", "default", "-o", "json"]);
  assert.equal(got.code, 0, got.stderr);
  assert.deepEqual(JSON.parse(got.stdout).data, { greeting: "héllo" });
  assert.equal((await c.kubectl(["delete", "configmap", name, "-n", "default"])).code, 0);
});

Deno.test({
  name: "the API server's log reaches its log file (its output pipe is never left to fill)",
  ignore: !c.apiserverLog,
  fn: async () => {
    const log = await Deno.readTextFile(c.apiserverLog!);
    assert.match(log, /Serving securely on 127\.0\.0\.1:/);
  },
});
