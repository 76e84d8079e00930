// Integration tests (need the real cluster): the shared informer factory syncs Pods, ConfigMaps and
// Deployments together and its typed listers follow live changes; the dynamic informer factory does the
// same for a custom resource.
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";
import { newDynamicSharedInformerFactory } from "../../cache/dynamic_informer_factory.ts";
import { newSharedInformerFactory } from "../../cache/informer_factory.ts";
import { newApiextensionsV1Client } from "../../clientset/apiextensions/v1/client.ts";
import type { Deployment } from "../../clientset/apps/v1/types.ts";
import type { Pod } from "../../clientset/core/v1/types.ts";
import { newDynamicClient } from "../../dynamic/dynamic_client.ts";
import { isAlreadyExists, isNotFound } from "../../rest/errors.ts";
import { adminClientset, adminConfig, newNamespace, removeNamespace } from "./_informer_check.ts";

const c = await getTestCluster();

async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function pod(name: string, app: string): Pod {
  return {
    metadata: { name, labels: { app } },
    spec: { containers: [{ name: "main", image: "registry.example/app:1" }] },
  };
}

function deployment(name: string, replicas: number): Deployment {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      // Paused: the deployment controller, when the cluster runs one, makes no ReplicaSet and no pods, so
      // the pod lister holds the test's own pods only.
      paused: true,
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "main", image: "registry.example/app:1" }] },
      },
    },
  };
}

Deno.test("(e) the factory syncs Pods, ConfigMaps and Deployments together; typed listers follow changes", async () => {
  const cs = await adminClientset(c);
  const ns = await newNamespace(cs, "factory-e");
  const other = await newNamespace(cs, "factory-e-other");
  try {
    await Promise.all([
      ...Array.from(
        { length: 5 },
        (_, i) => cs.coreV1().pods(ns).create(pod(`p-${i}`, i < 3 ? "web" : "db")),
      ),
      ...Array.from(
        { length: 6 },
        (_, i) => cs.coreV1().configMaps(ns).create({ metadata: { name: `cm-${i}` } }),
      ),
      ...Array.from({ length: 3 }, (_, i) => cs.appsV1().deployments(ns).create(deployment(`d-${i}`, i + 1))),
      cs.coreV1().pods(other).create(pod("elsewhere", "web")),
    ]);

    const factory = newSharedInformerFactory(cs, 0, { namespace: ns });
    const pods = factory.core().v1().pods();
    const configMaps = factory.core().v1().configMaps();
    const deployments = factory.apps().v1().deployments();
    assert.equal(factory.forResource({ group: "apps", version: "v1", resource: "deployments" }), deployments);
    const podAdds: string[] = [];
    pods.informer().addEventHandler({
      onAdd: (p, initial) => void podAdds.push(`${p.metadata?.name} ${initial}`),
    });
    configMaps.informer();
    deployments.informer();

    const controller = new AbortController();
    factory.start(controller.signal);
    try {
      const synced = await factory.waitForCacheSync(AbortSignal.timeout(30_000));
      assert.deepEqual(
        synced,
        { "v1/pods": true, "v1/configmaps": true, "apps/v1/deployments": true },
      );
      // Only the factory's namespace is watched.
      assert.deepEqual(
        pods.lister().list().map((p) => p.metadata?.name).sort(),
        [0, 1, 2, 3, 4].map((i) => `p-${i}`),
      );
      assert.deepEqual(pods.lister().namespace(ns).list("app=web").map((p) => p.metadata?.name).sort(), [
        "p-0",
        "p-1",
        "p-2",
      ]);
      assert.equal(
        pods.lister().namespace(ns).get("p-4").spec?.containers[0].image,
        "registry.example/app:1",
      );
      assert.equal(configMaps.lister().namespace(ns).list().length, 6);
      assert.equal(deployments.lister().namespace(ns).get("d-2").spec?.replicas, 3);
      await eventually("the pod handler's initial adds", () => podAdds.length === 5);
      assert.ok(podAdds.every((a) => a.endsWith(" true")));

      // Live changes reach the listers.
      await cs.appsV1().deployments(ns).patch("d-0", "merge", { spec: { replicas: 7 } });
      await cs.coreV1().pods(ns).delete("p-4");
      await cs.coreV1().configMaps(ns).create({ metadata: { name: "late" } });
      await eventually("the changes in the listers", () => {
        const d0 = deployments.lister().namespace(ns).get("d-0");
        return d0.spec?.replicas === 7 && pods.lister().list().length === 4 &&
          configMaps.lister().list().length === 7;
      });
      assert.throws(() => pods.lister().namespace(ns).get("p-4"), (e: unknown) => isNotFound(e));
      assert.deepEqual(podAdds.length, 5);

      // An informer requested after start runs on the next start() (requesting is calling informer()
      // or lister(), as in client-go).
      const secrets = factory.core().v1().secrets();
      secrets.informer();
      await cs.coreV1().secrets(ns).create({ metadata: { name: "s" }, stringData: { k: "v" } });
      assert.equal((await factory.waitForCacheSync(AbortSignal.timeout(1000)))["v1/secrets"], undefined);
      factory.start(controller.signal);
      const again = await factory.waitForCacheSync(AbortSignal.timeout(30_000));
      assert.equal(again["v1/secrets"], true);
      assert.equal(secrets.lister().namespace(ns).get("s").data?.k, btoa("v"));
    } finally {
      await factory.shutDown();
    }
    for (const gi of [pods, configMaps, deployments]) assert.ok(gi.informer().isStopped());
    assert.equal(controller.signal.aborted, false, "shutdown stops the informers by itself");
  } finally {
    await cs.coreV1().pods(ns).deleteCollection().catch(() => {});
    await cs.appsV1().deployments(ns).deleteCollection().catch(() => {});
    await cs.coreV1().secrets(ns).deleteCollection().catch(() => {});
    await cs.coreV1().pods(other).deleteCollection().catch(() => {});
    await removeNamespace(cs, ns);
    await removeNamespace(cs, other);
  }
});

const WIDGETS = { group: "informer.kubeweb.test", version: "v1", resource: "widgets" };

Deno.test("the dynamic informer factory syncs a custom resource and follows its changes", async () => {
  const config = await adminConfig(c);
  const cs = await adminClientset(c);
  const crds = newApiextensionsV1Client(config).customResourceDefinitions();
  await crds.create({
    metadata: { name: "widgets.informer.kubeweb.test" },
    spec: {
      group: WIDGETS.group,
      scope: "Namespaced",
      names: { kind: "Widget", listKind: "WidgetList", plural: "widgets", singular: "widget" },
      versions: [{
        name: "v1",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
      }],
    },
  }).catch((e) => {
    if (!isAlreadyExists(e)) throw e;
  });
  const dynamic = newDynamicClient(config);
  await eventually("the Widget resource to be served", async () => {
    try {
      await dynamic.resource(WIDGETS).list({ limit: 1 });
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }, 60_000);
  const ns = await newNamespace(cs, "factory-dyn");
  const widgets = dynamic.resource(WIDGETS).namespace(ns);
  try {
    for (let i = 0; i < 4; i++) {
      await widgets.create({
        apiVersion: "informer.kubeweb.test/v1",
        kind: "Widget",
        metadata: { name: `w-${i}`, labels: { size: i % 2 === 0 ? "s" : "l" } },
        spec: { i },
      });
    }
    const factory = newDynamicSharedInformerFactory(dynamic, 0, { namespace: ns });
    const informer = factory.forResource(WIDGETS);
    factory.forResource({ group: "", version: "v1", resource: "configmaps" }).informer();
    informer.informer();
    factory.start(new AbortController().signal);
    try {
      const synced = await factory.waitForCacheSync(AbortSignal.timeout(30_000));
      assert.deepEqual(
        synced,
        { "informer.kubeweb.test/v1/widgets": true, "v1/configmaps": true },
      );
      const lister = informer.lister();
      assert.deepEqual(lister.namespace(ns).list("size=s").map((w) => w.metadata?.name).sort(), [
        "w-0",
        "w-2",
      ]);
      assert.deepEqual(lister.namespace(ns).get("w-3").spec, { i: 3 });
      await widgets.patch("w-3", "merge", { spec: { i: 30 } });
      await widgets.delete("w-0");
      await eventually("the widget changes in the lister", () => {
        const w3 = lister.namespace(ns).get("w-3").spec as { i: number };
        return w3.i === 30 && lister.list().length === 3;
      });
    } finally {
      await factory.shutDown();
    }
    assert.ok(informer.informer().isStopped());
  } finally {
    await widgets.deleteCollection().catch(() => {});
    await removeNamespace(cs, ns);
  }
});
