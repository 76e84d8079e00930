// Integration tests of the dynamic client on built-in resources against the real API server (v1.20),
// confirmed with kubectl. (Custom resources through the dynamic client: tests/clientset/crd_test.ts.)
import assert from "node:assert/strict";
import { newDynamicClient } from "../../dynamic/mod.ts";
import { isConflict, isNotFound } from "../../rest/errors.ts";
import { dropNamespace, kubectlJson, kubectlNotFound, newNamespace, setup } from "../clientset/_helpers.ts";
import { DEFAULT_RETRY } from "../../retry/backoff.ts";
import { retryOnConflict } from "../../retry/retry_on_conflict.ts";

const { c, config } = await setup();
const ns = await newNamespace(config, "dynamic");
const dynamic = newDynamicClient(config);
const CONFIGMAPS = { group: "", version: "v1", resource: "configmaps" };
const DEPLOYMENTS = { group: "apps", version: "v1", resource: "deployments" };

Deno.test("unstructured ConfigMaps: create, get, update, apply, list across namespaces, delete", async () => {
  const cms = dynamic.resource(CONFIGMAPS).namespace(ns);
  const created = await cms.create({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "plain", labels: { via: "dynamic" } },
    data: { a: "1" },
  });
  assert.ok(created.metadata?.resourceVersion);
  assert.deepEqual((await kubectlJson(c, ["get", "configmap", "plain", "-n", ns])).data, { a: "1" });
  const got = await cms.get("plain");
  got.data = { a: "2" };
  await cms.update(got);
  await assert.rejects(() => cms.update(created), (e) => isConflict(e));
  await cms.apply(
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "plain" }, data: { b: "3" } },
    { fieldManager: "dynamic-test" },
  );
  assert.deepEqual((await kubectlJson(c, ["get", "configmap", "plain", "-n", ns])).data, { a: "2", b: "3" });
  const everywhere = await dynamic.resource(CONFIGMAPS).list({ labelSelector: "via=dynamic" });
  const mine = everywhere.items.filter((i) => i.metadata?.namespace === ns);
  assert.deepEqual(mine.map((i) => [i.apiVersion, i.kind, i.metadata?.name]), [["v1", "ConfigMap", "plain"]]);
  await cms.delete("plain");
  assert.ok(await kubectlNotFound(c, ["configmap", "plain", "-n", ns]));
  await assert.rejects(() => cms.get("plain"), (e) => isNotFound(e));
});

Deno.test("unstructured Deployments: strategic patch, status and scale subresources", async () => {
  const deployments = dynamic.resource(DEPLOYMENTS).namespace(ns);
  await deployments.create({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "app", image: "nginx:1.19" }, { name: "log", image: "busybox" }] },
      },
    },
  });
  await deployments.patch("web", "strategic", {
    spec: { template: { spec: { containers: [{ name: "app", image: "nginx:1.20" }] } } },
  });
  const seen = await kubectlJson(c, ["get", "deployment", "web", "-n", ns]);
  assert.deepEqual(seen.spec.template.spec.containers.map((x: { image: string }) => x.image), [
    "nginx:1.20",
    "busybox",
  ]);
  // The deployment controller (when the cluster runs one) writes the status too: read-modify-write until no
  // write comes between, and check collisionCount, a status field the controller keeps as it finds it.
  await retryOnConflict(DEFAULT_RETRY, async () => {
    const scale = await deployments.getScale("web");
    assert.equal(scale.kind, "Scale");
    await deployments.updateScale("web", { ...scale, spec: { replicas: 5 } });
  });
  assert.equal((await kubectlJson(c, ["get", "deployment", "web", "-n", ns])).spec.replicas, 5);
  await retryOnConflict(DEFAULT_RETRY, async () => {
    const current = await deployments.get("web");
    await deployments.updateStatus({
      ...current,
      status: { ...(current.status as Record<string, unknown>), collisionCount: 2 },
    });
  });
  assert.equal((await kubectlJson(c, ["get", "deployment", "web", "-n", ns])).status.collisionCount, 2);
  await deployments.delete("web", { propagationPolicy: "Background" });
});

Deno.test("cluster-scoped resources, watch and deleteCollection", async () => {
  const namespace = await dynamic.resource({ group: "", version: "v1", resource: "namespaces" }).get(ns);
  assert.equal(namespace.kind, "Namespace");
  const cms = dynamic.resource(CONFIGMAPS).namespace(ns);
  const start = await cms.list({ limit: 1 });
  const watcher = await cms.watch({ resourceVersion: start.metadata?.resourceVersion });
  for (const name of ["w1", "w2", "w3"]) {
    await cms.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, labels: { batch: "w" } } });
  }
  const added: string[] = [];
  for await (const e of watcher) {
    if (e.type === "ERROR") throw new Error(e.object.message);
    if (e.type === "ADDED") added.push(e.object.metadata!.name!);
    if (added.length === 3) watcher.stop();
  }
  assert.deepEqual(added, ["w1", "w2", "w3"]);
  await cms.deleteCollection({}, { labelSelector: "batch=w" });
  assert.equal((await kubectlJson(c, ["get", "configmaps", "-n", ns, "-l", "batch=w"])).items.length, 0);
});

Deno.test("cleanup", async () => {
  await dropNamespace(config, ns);
});
