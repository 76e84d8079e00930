// Unit tests of the fake cluster through kubeweb's own clients. They pass with no permissions but the two environment
// variables the yaml library reads (`deno test --allow-env=LOG_TOKENS,LOG_STREAM testing/`): no socket, no file.
import assert from "node:assert/strict";
import { newFakeCluster } from "./fake_cluster.ts";
import { errorResponse } from "./reactors.ts";
import { newClientset } from "../clientset/clientset.ts";
import { newDynamicClient } from "../dynamic/dynamic_client.ts";
import { newSharedInformerFactory } from "../cache/informer_factory.ts";
import { ApiError, isConflict, isNotFound, isResourceExpired } from "../rest/errors.ts";
import { FakeClock } from "../_internal/clock.ts";
import type { ConfigMap } from "../clientset/core/v1/types.ts";

const YAML_SEED = `
apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: apps, labels: {tier: web}}
data: {mode: fast}
`;

Deno.test("seeding with YAML and typed objects; typed get, list with selectors, actions recorded", async () => {
  const cluster = await newFakeCluster({
    objects: [YAML_SEED, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "other", namespace: "apps" },
    }],
  });
  const cs = newClientset(cluster.config, cluster.clientOptions);
  const cm = await cs.coreV1().configMaps("apps").get("settings");
  assert.equal(cm.data?.mode, "fast");
  assert.match(cm.metadata?.uid ?? "", /^[0-9a-f-]{36}$/);
  const web = await cs.coreV1().configMaps("apps").list({ labelSelector: "tier=web" });
  assert.deepEqual(web.items.map((i) => i.metadata?.name), ["settings"]);
  const byName = await cs.coreV1().configMaps("apps").list({ fieldSelector: "metadata.name=other" });
  assert.deepEqual(byName.items.map((i) => i.metadata?.name), ["other"]);
  assert.deepEqual(cluster.actions().map((a) => `${a.verb} ${a.resource} ${a.namespace}/${a.name}`), [
    "get configmaps apps/settings",
    "list configmaps apps/",
    "list configmaps apps/",
  ]);
  cluster.close();
});

Deno.test("a seed object of an unknown kind or without apiVersion fails with a clear error", async () => {
  await assert.rejects(
    () => newFakeCluster({ objects: [{ apiVersion: "v1", kind: "Nope", metadata: { name: "x" } }] }),
    /serves no kind Nope in v1/,
  );
  await assert.rejects(
    () => newFakeCluster({ objects: [{ kind: "ConfigMap" }] }),
    /needs apiVersion and kind/,
  );
});

Deno.test("update with a stale resourceVersion is a Conflict ApiError; delete then get is NotFound", async () => {
  const cluster = await newFakeCluster();
  const cms = newClientset(cluster.config, cluster.clientOptions).coreV1().configMaps("default");
  const a = await cms.create({ metadata: { name: "a" }, data: { k: "1" } });
  await cms.update({ ...a, data: { k: "2" } });
  await assert.rejects(() => cms.update({ ...a, data: { k: "3" } }), (e) => isConflict(e));
  await cms.delete("a");
  await assert.rejects(() => cms.get("a"), (e) => isNotFound(e));
  cluster.close();
});

Deno.test("reactors answer with errors and Retry-After; delays use the cluster's clock", async () => {
  const clock = new FakeClock();
  const cluster = await newFakeCluster({ clock });
  const cms = newClientset(cluster.config, cluster.clientOptions).coreV1().configMaps("default");
  const remove = cluster.prependReactor(
    { verb: "create", resource: "configmaps" },
    () => errorResponse(429, "TooManyRequests", "slow down", { retryAfterSeconds: 3 }),
  );
  await assert.rejects(() => cms.create({ metadata: { name: "a" } }), (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 429);
    assert.equal(e.retryAfterSeconds, 3);
    return true;
  });
  remove();
  await cms.create({ metadata: { name: "a" } });
  cluster.delay({ verb: "get", resource: "*" }, 5_000);
  let done = false;
  const get = cms.get("a").then(() => done = true);
  await clock.advance(4_999);
  assert.equal(done, false);
  await clock.advance(1);
  await get;
  assert.equal(done, true);
  cluster.close();
});

Deno.test("watch from a resourceVersion older than the history is ERROR 410 Expired", async () => {
  const cluster = await newFakeCluster({ watchHistorySize: 2 });
  const cms = newClientset(cluster.config, cluster.clientOptions).coreV1().configMaps("default");
  const a = await cms.create({ metadata: { name: "a" } });
  for (let i = 0; i < 3; i++) await cms.update({ metadata: { name: "a" }, data: { i: String(i) } });
  const w = await cms.watch({ resourceVersion: a.metadata!.resourceVersion });
  for await (const e of w) {
    assert.equal(e.type, "ERROR");
    if (e.type === "ERROR") {
      assert.equal(e.object.code, 410);
      assert.equal(e.object.reason, "Expired");
    }
    break;
  }
  w.stop();
  const list = await cms.list();
  const fresh = await cms.watch({ resourceVersion: list.metadata?.resourceVersion });
  await cms.delete("a");
  for await (const e of fresh) {
    assert.equal(e.type, "DELETED");
    break;
  }
  fresh.stop();
  cluster.close();
});

Deno.test("bookmarks arrive on the cluster's clock when asked for", async () => {
  const clock = new FakeClock();
  const cluster = await newFakeCluster({ clock, bookmarkIntervalMs: 1_000 });
  const cms = newClientset(cluster.config, cluster.clientOptions).coreV1().configMaps("default");
  const w = await cms.watch({ allowWatchBookmarks: true, resourceVersion: cluster.resourceVersion });
  const it = w[Symbol.asyncIterator]();
  await new Promise((r) => setTimeout(r, 0));
  await clock.advance(1_000);
  const e = await it.next();
  assert.equal(e.value?.type, "BOOKMARK");
  w.stop();
  cluster.close();
});

Deno.test("dropWatches ends open watches", async () => {
  const cluster = await newFakeCluster();
  const cms = newClientset(cluster.config, cluster.clientOptions).coreV1().configMaps("default");
  const w = await cms.watch({ resourceVersion: cluster.resourceVersion });
  const ended = (async () => {
    for await (const _ of w) { /* nothing happens */ }
    return true;
  })();
  await new Promise((r) => setTimeout(r, 0));
  cluster.dropWatches();
  assert.equal(await ended, true);
  cluster.close();
});

Deno.test("a CRD is served once created: typed create of the CRD, dynamic client and discovery", async () => {
  const cluster = await newFakeCluster();
  const cs = newClientset(cluster.config, cluster.clientOptions);
  await cs.apiextensionsV1().customResourceDefinitions().create({
    metadata: { name: "widgets.example.dev" },
    spec: {
      group: "example.dev",
      scope: "Namespaced",
      names: { plural: "widgets", singular: "widget", kind: "Widget" },
      versions: [{
        name: "v1",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: "object" } },
      }],
    },
  });
  const widgets = newDynamicClient(cluster.config, cluster.clientOptions)
    .resource({ group: "example.dev", version: "v1", resource: "widgets" }).namespace("default");
  await widgets.create({
    apiVersion: "example.dev/v1",
    kind: "Widget",
    metadata: { name: "w" },
    spec: { size: 1 },
  });
  const list = await widgets.list();
  assert.deepEqual(list.items.map((i) => i.metadata?.name), ["w"]);
  const groups = await cs.discovery().serverGroups();
  assert.ok(groups.groups.some((g) => g.name === "example.dev"));
  cluster.close();
});

Deno.test("an informer syncs from the fake and sees later changes", async () => {
  const cluster = await newFakeCluster({ objects: [YAML_SEED] });
  const cs = newClientset(cluster.config, cluster.clientOptions);
  const factory = newSharedInformerFactory(cs, 0, { namespace: "apps" });
  const cms = factory.core().v1().configMaps();
  const seen: string[] = [];
  cms.informer().addEventHandler({ onAdd: (cm: ConfigMap) => void seen.push(cm.metadata?.name ?? "") });
  const stop = new AbortController();
  factory.start(stop.signal);
  await factory.waitForCacheSync(stop.signal);
  assert.deepEqual(seen, ["settings"]);
  await cs.coreV1().configMaps("apps").create({ metadata: { name: "late" } });
  for (let i = 0; i < 100 && !seen.includes("late"); i++) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(seen, ["settings", "late"]);
  assert.equal(cms.lister().namespace("apps").get("late")?.metadata?.name, "late");
  stop.abort();
  await factory.shutdown();
  cluster.close();
});

Deno.test("garbage collection deletes dependents whose owners are gone (when enabled)", async () => {
  const cluster = await newFakeCluster({ garbageCollection: true });
  const cms = newClientset(cluster.config, cluster.clientOptions).coreV1().configMaps("default");
  const owner = await cms.create({ metadata: { name: "owner" } });
  const ref = { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata!.uid! };
  await cms.create({ metadata: { name: "child", ownerReferences: [ref] } });
  await cms.create({ metadata: { name: "orphan-child", ownerReferences: [ref] } });
  await cms.delete("owner");
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual((await cms.list()).items.map((i) => i.metadata?.name), []);
  const owner2 = await cms.create({ metadata: { name: "owner2" } });
  await cms.create({
    metadata: { name: "kept", ownerReferences: [{ ...ref, name: "owner2", uid: owner2.metadata!.uid! }] },
  });
  await cms.delete("owner2", { propagationPolicy: "Orphan" });
  await new Promise((r) => setTimeout(r, 0));
  const kept = await cms.get("kept");
  assert.equal(kept.metadata?.ownerReferences, undefined);
  await assert.rejects(() => cms.get("owner2"), (e) => isNotFound(e));
  cluster.close();
});

Deno.test("server-side apply through the clientset, with conflicts and force", async () => {
  const cluster = await newFakeCluster();
  const cms = newClientset(cluster.config, cluster.clientOptions).coreV1().configMaps("default");
  await cms.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { k: "1" } }, {
    fieldManager: "one",
  });
  await assert.rejects(
    () =>
      cms.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { k: "2" } }, {
        fieldManager: "two",
      }),
    (e) => isConflict(e) && /conflict with "one": \.data\.k/.test((e as Error).message),
  );
  const forced = await cms.apply({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "a" },
    data: { k: "2" },
  }, {
    fieldManager: "two",
    force: true,
  });
  assert.equal(forced.data?.k, "2");
  assert.deepEqual(forced.metadata?.managedFields?.map((m) => (m as { manager: string }).manager), ["two"]);
  cluster.close();
});

Deno.test("a stale continue token after compact() is 410", async () => {
  const cluster = await newFakeCluster();
  const cms = newClientset(cluster.config, cluster.clientOptions).coreV1().configMaps("default");
  for (const n of ["a", "b", "c"]) await cms.create({ metadata: { name: n } });
  const page = await cms.list({ limit: 1 });
  assert.ok(page.metadata?.continue);
  await cms.create({ metadata: { name: "d" } });
  cluster.compact();
  await assert.rejects(
    () => cms.list({ limit: 1, continue: page.metadata!.continue }),
    (e) => isResourceExpired(e),
  );
  cluster.close();
});
