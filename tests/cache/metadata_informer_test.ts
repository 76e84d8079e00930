// Integration tests (need the real cluster): the metadata client and the metadata informer factory
// read PartialObjectMetadata (kubectl is the witness of what exists), managedFields can be stripped, and
// the factories' WatchList default falls back cleanly on this 1.20 server, which refuses it.
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";
import { newMetadataSharedInformerFactory } from "../../cache/metadata_informer_factory.ts";
import { newSharedInformerFactory } from "../../cache/informer_factory.ts";
import { transformStripManagedFields } from "../../cache/transform.ts";
import { newMetadataClient } from "../../metadata/metadata_client.ts";
import { adminClientset, adminConfig, newNamespace, removeNamespace } from "./_informer_check.ts";

const c = await getTestCluster();
const CMS = { group: "", version: "v1", resource: "configmaps" };

async function eventually(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function kubectlNames(ns: string): Promise<string[]> {
  const r = await c.kubectl(["get", "configmaps", "-n", ns, "-o", "jsonpath={.items[*].metadata.name}"]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split(" ").filter((n) => n !== "" && n !== "kube-root-ca.crt").sort();
}

Deno.test("metadata client: list, get and watch return PartialObjectMetadata without data", async () => {
  const cs = await adminClientset(c);
  const ns = await newNamespace(cs, "metadata-client");
  try {
    for (const name of ["a", "b"]) {
      await cs.coreV1().configMaps(ns).create({
        metadata: { name, labels: { k: name } },
        data: { big: "x".repeat(1000) },
      });
    }
    const cms = newMetadataClient(await adminConfig(c)).resource(CMS).namespace(ns);
    const list = await cms.list({ labelSelector: "k" });
    assert.equal(list.kind, "PartialObjectMetadataList");
    assert.equal(list.apiVersion, "meta.k8s.io/v1");
    assert.deepEqual(list.items.map((i) => i.metadata.name).sort(), await kubectlNames(ns));
    for (const item of list.items) {
      assert.equal(item.kind, "PartialObjectMetadata");
      assert.equal((item as { data?: unknown }).data, undefined);
      assert.ok(item.metadata.uid && item.metadata.resourceVersion);
    }
    const a = await cms.get("a");
    assert.deepEqual(a.metadata.labels, { k: "a" });
    assert.equal((a as { data?: unknown }).data, undefined);
    const ac = new AbortController();
    const watcher = await cms.watch({ resourceVersion: list.metadata?.resourceVersion, signal: ac.signal });
    await cs.coreV1().configMaps(ns).create({ metadata: { name: "c" }, data: { big: "y" } });
    for await (const e of watcher) {
      if (e.type === "ERROR") throw new Error(e.object.message);
      assert.equal(e.type, "ADDED");
      assert.equal(e.object.kind, "PartialObjectMetadata");
      assert.equal(e.object.metadata.name, "c");
      assert.equal((e.object as { data?: unknown }).data, undefined);
      watcher.stop();
    }
    await cms.delete("c");
    assert.deepEqual(await kubectlNames(ns), ["a", "b"]);
  } finally {
    await removeNamespace(cs, ns);
  }
});

Deno.test("metadata informer factory: syncs metadata, follows changes, strips managedFields; WatchList falls back on 1.20", async () => {
  const cs = await adminClientset(c);
  const ns = await newNamespace(cs, "metadata-informer");
  try {
    await Promise.all(
      Array.from(
        { length: 5 },
        (_, i) => cs.coreV1().configMaps(ns).create({ metadata: { name: `cm-${i}` }, data: { v: "1" } }),
      ),
    );
    const client = newMetadataClient(await adminConfig(c));
    const plain = newMetadataSharedInformerFactory(client, 0, { namespace: ns });
    const stripped = newMetadataSharedInformerFactory(client, 0, {
      namespace: ns,
      transform: transformStripManagedFields(),
    });
    const withFields = plain.forResource(CMS);
    const without = stripped.forResource(CMS);
    const warnings: string[] = [];
    withFields.informer().setWatchErrorHandler((_r, e) => warnings.push(String(e)));
    without.informer();
    const controller = new AbortController();
    plain.start(controller.signal);
    stripped.start(controller.signal);
    assert.deepEqual(await plain.waitForCacheSync(controller.signal), { "v1/configmaps": true });
    assert.deepEqual(await stripped.waitForCacheSync(controller.signal), { "v1/configmaps": true });
    const names = () =>
      without.lister().namespace(ns).list().map((o) => o.metadata.name).filter((n) =>
        n !== "kube-root-ca.crt"
      ).sort();
    assert.deepEqual(names(), await kubectlNames(ns));
    const one = withFields.lister().namespace(ns).get("cm-0");
    assert.equal(one.kind, "PartialObjectMetadata");
    assert.ok(Array.isArray(one.metadata.managedFields) && one.metadata.managedFields.length > 0);
    assert.equal((one as { data?: unknown }).data, undefined);
    assert.equal(without.lister().namespace(ns).get("cm-0").metadata.managedFields, undefined);
    // The WatchList request was refused (400) and the informer listed and watched instead, silently.
    assert.deepEqual(warnings, []);
    await cs.coreV1().configMaps(ns).create({ metadata: { name: "late" } });
    await cs.coreV1().configMaps(ns).delete("cm-1");
    await eventually("the watch's changes", () => names().includes("late") && !names().includes("cm-1"));
    assert.deepEqual(names(), await kubectlNames(ns));
    controller.abort();
    await Promise.all([plain.shutDown(), stripped.shutDown()]);
  } finally {
    await removeNamespace(cs, ns);
  }
});

Deno.test("typed factory: the WatchList default syncs on 1.20 by falling back to LIST and WATCH", async () => {
  const cs = await adminClientset(c);
  const ns = await newNamespace(cs, "watchlist-fallback");
  try {
    await cs.coreV1().configMaps(ns).create({ metadata: { name: "x" } });
    const factory = newSharedInformerFactory(cs, 0, { namespace: ns });
    const cms = factory.core().v1().configMaps();
    assert.equal(cms.informer().hasSynced(), false);
    const controller = new AbortController();
    factory.start(controller.signal);
    assert.deepEqual(await factory.waitForCacheSync(controller.signal), { "v1/configmaps": true });
    assert.ok(cms.lister().namespace(ns).get("x"));
    await cs.coreV1().configMaps(ns).create({ metadata: { name: "y" } });
    await eventually(
      "the watch's ADDED",
      () => cms.lister().namespace(ns).list().some((o) => o.metadata?.name === "y"),
    );
    controller.abort();
    await factory.shutDown();
  } finally {
    await removeNamespace(cs, ns);
  }
});
