import assert from "node:assert/strict";
import { FakeClock, flushTasks } from "../_internal/clock.ts";
import { newClientset } from "../clientset/clientset.ts";
import { isNotFound } from "../rest/errors.ts";
import type { KubeObject } from "../rest/types.ts";
import { CacheError, CacheSyncError } from "./cache_error.ts";
import { NAMESPACE_INDEX } from "./index.ts";
import {
  informerKey,
  newSharedInformerFactory,
  type SharedInformerFactoryOptions,
} from "./informer_factory.ts";
import { advanceUntil, FAKE_CONFIG, FakeApi, fakeClientOptions, obj, settle } from "./_fake_api_test.ts";

function setup(resyncMs = 0, options: SharedInformerFactoryOptions = {}, api = new FakeApi()) {
  const clock = new FakeClock();
  const clientset = newClientset(FAKE_CONFIG, { ...fakeClientOptions(api), clock });
  const factory = newSharedInformerFactory(clientset, resyncMs, { clock, ...options });
  return { clock, api, factory };
}

Deno.test("one informer per resource: typed accessors, lister and forResource share it", () => {
  const { factory } = setup();
  const pods = factory.core().v1().pods();
  assert.equal(factory.core().v1().pods(), pods);
  assert.equal(pods.informer(), factory.core().v1().pods().informer());
  assert.equal(factory.forResource({ group: "", version: "v1", resource: "pods" }), pods);
  assert.equal(
    factory.forResource({ group: "", version: "v1", resource: "pods" }).informer(),
    pods.informer(),
  );
  const deployments = factory.apps().v1().deployments().informer();
  assert.equal(
    factory.forResource({ group: "apps", version: "v1", resource: "deployments" }).informer(),
    deployments,
  );
  assert.notEqual(deployments as unknown, pods.informer() as unknown);
  // Groups whose API group name has dots are reached by its first label, as in client-go.
  assert.equal(
    factory.forResource({ group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterroles" }),
    factory.rbac().v1().clusterRoles(),
  );
  assert.equal(
    factory.forResource({ group: "flowcontrol.apiserver.k8s.io", version: "v1", resource: "flowschemas" }),
    factory.flowcontrol().v1().flowSchemas(),
  );
  // Every informer has the namespace index.
  assert.deepEqual(pods.informer().getIndexer().byIndex(NAMESPACE_INDEX, "x"), []);
});

Deno.test("forResource of a resource the clientset does not have throws CacheError", () => {
  const { factory } = setup();
  for (
    const gvr of [
      { group: "stable.example.com", version: "v1", resource: "crontabs" },
      { group: "apps", version: "v9", resource: "deployments" },
      { group: "apps", version: "v1", resource: "nothings" },
      { group: "", version: "1", resource: "pods" },
    ]
  ) {
    assert.throws(() => factory.forResource(gvr), (e: unknown) => {
      assert.ok(e instanceof CacheError);
      assert.match(e.message, new RegExp(`^No informer found for ${informerKey(gvr)}`));
      return true;
    });
  }
});

Deno.test("start runs the informers requested so far; later ones run on the next start", async () => {
  const { clock, api, factory } = setup();
  api.set("/api/v1/configmaps", [obj("a", "one", "5"), obj("b", "two", "6")]);
  api.set("/apis/apps/v1/deployments", [obj("a", "web", "7")]);
  const controller = new AbortController();
  const configMaps = factory.core().v1().configMaps();
  configMaps.informer(); // requested
  factory.start(controller.signal);
  const deployments = factory.apps().v1().deployments(); // requested after start
  const synced = await settle(clock, factory.waitForCacheSync(controller.signal));
  assert.deepEqual(synced, { "v1/configmaps": true });
  assert.deepEqual(configMaps.lister().list().map((o) => o.metadata?.name).sort(), ["one", "two"]);
  assert.equal(deployments.informer().hasStarted(), false);
  assert.ok(!api.log().some((l) => l.includes("deployments")));

  factory.start(controller.signal); // starts only the new one
  const synced2 = await settle(clock, factory.waitForCacheSync(controller.signal));
  assert.deepEqual(synced2, { "v1/configmaps": true, "apps/v1/deployments": true });
  assert.equal(deployments.lister().namespace("a").get("web").metadata?.resourceVersion, "7");
  assert.deepEqual(api.log().filter((l) => l.startsWith("LIST")), [
    "LIST /api/v1/configmaps",
    "LIST /apis/apps/v1/deployments",
  ]);
  await advanceUntil(clock, () => api.openWatches() === 2);
  assert.equal(api.openWatches(), 2);

  controller.abort();
  await settle(clock, factory.shutDown());
  assert.ok(configMaps.informer().isStopped());
  assert.ok(deployments.informer().isStopped());
  assert.equal(api.openWatches(), 0);
});

Deno.test("the cache follows watch events; listers answer by namespace and selector with NotFound errors", async () => {
  const { clock, api, factory } = setup();
  api.set("/api/v1/pods", [obj("a", "p1", "5", { app: "web" }), obj("b", "p2", "6", { app: "db" })]);
  const pods = factory.core().v1().pods();
  const events: string[] = [];
  pods.informer().addEventHandler({
    onAdd: (p, initial) => void events.push(`add ${p.metadata?.name}${initial ? " initial" : ""}`),
    onUpdate: (_o, p) => void events.push(`update ${p.metadata?.name}@${p.metadata?.resourceVersion}`),
    onDelete: (p) => void events.push(`delete ${(p as KubeObject).metadata?.name}`),
  });
  const controller = new AbortController();
  factory.start(controller.signal);
  assert.deepEqual(await settle(clock, factory.waitForCacheSync()), { "v1/pods": true });
  await advanceUntil(clock, () => api.openWatches() === 1);
  api.emit("/api/v1/pods", "ADDED", obj("a", "p3", "8", { app: "web" }));
  api.emit("/api/v1/pods", "MODIFIED", obj("a", "p1", "9", { app: "web" }));
  api.emit("/api/v1/pods", "DELETED", obj("b", "p2", "10", { app: "db" }));
  await advanceUntil(clock, () => events.length === 5);
  assert.deepEqual(events.sort(), ["add p1 initial", "add p2 initial", "add p3", "delete p2", "update p1@9"]);
  const lister = pods.lister();
  assert.deepEqual(lister.namespace("a").list("app=web").map((p) => p.metadata?.name).sort(), ["p1", "p3"]);
  assert.deepEqual(lister.list("app=db"), []);
  assert.throws(() => lister.namespace("b").get("p2"), (e: unknown) => isNotFound(e));
  const notFound = (() => {
    try {
      factory.apps().v1().deployments().lister().namespace("a").get("web");
    } catch (e) {
      return e;
    }
  })();
  assert.ok(isNotFound(notFound));
  assert.match(String(notFound), /deployments\.apps "web" not found/);
  controller.abort();
  await settle(clock, factory.shutDown());
});

Deno.test("namespace, tweakListOptions and transform apply to every informer; cluster-scoped ones ignore the namespace", async () => {
  const { clock, api, factory } = setup(0, {
    namespace: "team",
    tweakListOptions: (o) => void (o.labelSelector = "owner=me"),
    transform: (o) => ({
      ...o,
      metadata: { ...o.metadata, managedFields: undefined, annotations: { t: "1" } },
    }),
  });
  api.set("/api/v1/namespaces/team/services", [
    { metadata: { namespace: "team", name: "s", resourceVersion: "3", managedFields: [{}] } },
  ]);
  api.set("/api/v1/nodes", [{ metadata: { name: "n1", resourceVersion: "4" } }]);
  factory.core().v1().services().informer();
  factory.core().v1().nodes().informer();
  const controller = new AbortController();
  factory.start(controller.signal);
  const synced = await settle(clock, factory.waitForCacheSync());
  assert.deepEqual(synced, { "v1/services": true, "v1/nodes": true });
  await advanceUntil(clock, () => api.openWatches() === 2);
  // WatchList first (the default), refused by this server as by 1.20; then LIST and WATCH.
  assert.deepEqual(api.log().sort(), [
    "LIST /api/v1/namespaces/team/services",
    "LIST /api/v1/nodes",
    "WATCH /api/v1/namespaces/team/services",
    "WATCH /api/v1/nodes",
    "WATCHLIST /api/v1/namespaces/team/services",
    "WATCHLIST /api/v1/nodes",
  ]);
  for (const r of api.requests) assert.equal(r.query.get("labelSelector"), "owner=me", `${r.verb} ${r.path}`);
  const svc = factory.core().v1().services().lister().namespace("team").get("s");
  assert.equal(svc.metadata?.managedFields, undefined);
  assert.deepEqual(svc.metadata?.annotations, { t: "1" });
  assert.deepEqual(factory.core().v1().nodes().lister().get("n1").metadata?.annotations, { t: "1" });
  controller.abort();
  await settle(clock, factory.shutDown());
});

Deno.test("resync: the factory's period, and customResync per informer key", async () => {
  const { clock, api, factory } = setup(0, { customResync: { "v1/configmaps": 2000 } });
  api.set("/api/v1/configmaps", [obj("a", "c", "5")]);
  api.set("/api/v1/secrets", [obj("a", "s", "6")]);
  const updates: string[] = [];
  for (const gi of [factory.core().v1().configMaps(), factory.core().v1().secrets()]) {
    gi.informer().addEventHandler({ onUpdate: (_o, n) => void updates.push(n.metadata?.name ?? "") });
  }
  const controller = new AbortController();
  factory.start(controller.signal);
  await settle(clock, factory.waitForCacheSync());
  await advanceUntil(clock, () => updates.length >= 2);
  await clock.advance(1000);
  await flushTasks();
  assert.deepEqual(updates.sort(), ["c", "c"], "only the ConfigMaps informer resyncs");
  controller.abort();
  await settle(clock, factory.shutDown());
});

Deno.test("waitForCacheSync rejects with a CacheSyncError naming the informers that did not sync before the signal aborted", async () => {
  const { clock, api, factory } = setup();
  api.hold("/api/v1/pods");
  api.set("/api/v1/secrets", []);
  factory.core().v1().pods().informer();
  factory.core().v1().secrets().informer();
  const controller = new AbortController();
  factory.start(controller.signal);
  const waitController = new AbortController();
  clock.setTimer(() => waitController.abort(), 1000);
  const error = await settle(clock, factory.waitForCacheSync(waitController.signal).catch((e) => e));
  assert.ok(error instanceof CacheSyncError && error instanceof CacheError);
  assert.deepEqual(error.unsynced, ["v1/pods"]);
  assert.equal(error.name, "CacheSyncError");
  assert.match(error.message, /v1\/pods did not sync/);
  assert.equal(error.cause, waitController.signal.reason);
  controller.abort();
  await settle(clock, factory.shutDown());
});

Deno.test("shutDown stops running informers without an aborted start signal; start after shutDown does nothing", async () => {
  const { clock, api, factory } = setup();
  api.set("/api/v1/pods", []);
  const pods = factory.core().v1().pods().informer();
  const start = new AbortController();
  factory.start(start.signal);
  await settle(clock, factory.waitForCacheSync());
  await settle(clock, factory.shutDown());
  assert.ok(pods.isStopped());
  assert.equal(start.signal.aborted, false);
  const secrets = factory.core().v1().secrets().informer();
  factory.start(start.signal);
  assert.equal(secrets.hasStarted(), false);
  assert.deepEqual(await factory.waitForCacheSync(), { "v1/pods": true });
  // Shutting down again (the deprecated spelling too), or a factory that never started, resolves at once.
  await factory.shutDown();
  await factory.shutDown();
  await newSharedInformerFactory(newClientset(FAKE_CONFIG, fakeClientOptions(api))).shutDown();
});

Deno.test("await using shuts the factory and its informers down", async () => {
  const { clock, api, factory: made } = setup();
  api.set("/api/v1/pods", []);
  const start = new AbortController();
  let pods;
  {
    await using factory = made;
    pods = factory.core().v1().pods().informer();
    factory.start(start.signal);
    await settle(clock, factory.waitForCacheSync());
    assert.equal(pods.isStopped(), false);
  }
  assert.ok(pods.isStopped());
  assert.equal(api.openWatches(), 0);
});

Deno.test("an informer its user already runs is left to its user", async () => {
  const { clock, api, factory } = setup();
  api.set("/api/v1/pods", []);
  const pods = factory.core().v1().pods().informer();
  const own = new AbortController();
  const running = pods.run(own.signal);
  factory.start(new AbortController().signal);
  await settle(clock, factory.shutDown());
  assert.equal(pods.isStopped(), false);
  own.abort();
  await settle(clock, running);
  assert.ok(pods.isStopped());
});

Deno.test("the typed accessors exist exactly for the resources that can be listed and watched", () => {
  const { factory } = setup();
  const pods = factory.core().v1().pods();
  assert.equal(pods, factory.forResource({ group: "", version: "v1", resource: "pods" }));
  // @ts-expect-error: bindings can only be created, so they have no informer
  assert.equal(factory.core().v1().bindings, undefined);
  // @ts-expect-error: authentication.k8s.io has no resource that can be listed
  assert.equal(factory.authentication, undefined);
  assert.equal(typeof factory.apps().v1().deployments().lister, "function");
  assert.equal(typeof factory.internal().v1alpha1().storageVersions, "function");
});

Deno.test("the factory takes its options as the second argument too, resyncMs among them", async () => {
  const clock = new FakeClock();
  const api = new FakeApi();
  api.set("/api/v1/namespaces/team/configmaps", [obj("team", "c", "5")]);
  const clientset = newClientset(FAKE_CONFIG, { ...fakeClientOptions(api), clock });
  const factory = newSharedInformerFactory(clientset, {
    namespace: "team",
    resyncMs: 2000,
    clock,
  });
  const updates: string[] = [];
  factory.core().v1().configMaps().informer().addEventHandler({
    onUpdate: (_o, n) => void updates.push(n.metadata.name),
  });
  const controller = new AbortController();
  factory.start(controller.signal);
  await settle(clock, factory.waitForCacheSync());
  await advanceUntil(clock, () => updates.length >= 1);
  assert.deepEqual(updates.slice(0, 1), ["c"]);
  controller.abort();
  await settle(clock, factory.shutDown());
  assert.throws(() => newSharedInformerFactory(newClientset(FAKE_CONFIG), -1), RangeError);
});

Deno.test("WatchList (the default): one watch gives the initial state and goes on; no LIST", async () => {
  const { clock, api, factory } = setup(0, {}, new FakeApi({ watchList: true }));
  api.set("/api/v1/configmaps", [obj("default", "a", "3"), obj("default", "b", "4")]);
  const cms = factory.core().v1().configMaps();
  const informer = cms.informer();
  const controller = new AbortController();
  factory.start(controller.signal);
  assert.deepEqual(await settle(clock, factory.waitForCacheSync()), { "v1/configmaps": true });
  assert.deepEqual(api.log(), ["WATCHLIST /api/v1/configmaps"]);
  const q = api.requests[0].query;
  assert.equal(q.get("resourceVersionMatch"), "NotOlderThan");
  assert.equal(q.get("allowWatchBookmarks"), "true");
  assert.deepEqual(cms.lister().list().map((o) => o.metadata?.name).sort(), ["a", "b"]);
  // The same watch continues after the initial events.
  api.emit("/api/v1/configmaps", "ADDED", obj("default", "c", "9"));
  await advanceUntil(clock, () => informer.getStore().list().length === 3);
  assert.equal(informer.getStore().list().length, 3);
  assert.deepEqual(api.log(), ["WATCHLIST /api/v1/configmaps"]);
  controller.abort();
  await settle(clock, factory.shutDown());
});

Deno.test("useWatchList: false lists and watches without trying WatchList", async () => {
  const { clock, api, factory } = setup(0, { useWatchList: false }, new FakeApi({ watchList: true }));
  api.set("/api/v1/configmaps", [obj("default", "a", "3")]);
  factory.core().v1().configMaps().informer();
  const controller = new AbortController();
  factory.start(controller.signal);
  await settle(clock, factory.waitForCacheSync());
  await advanceUntil(clock, () => api.openWatches() === 1);
  assert.deepEqual(api.log(), [
    "LIST /api/v1/configmaps",
    "WATCH /api/v1/configmaps",
  ]);
  controller.abort();
  await settle(clock, factory.shutDown());
});

Deno.test("watchErrorHandler, logger and handlerBacklogWarningThreshold reach every informer of the factory", async () => {
  const heard: string[] = [];
  const { clock, api, factory } = setup(0, {
    useWatchList: false,
    watchErrorHandler: (_reflector, err) => void heard.push(`handler: ${(err as Error).message}`),
    logger: { warn: (message) => void heard.push(`logger: ${message}`) },
    handlerBacklogWarningThreshold: 0,
  });
  api.forbid("/api/v1/configmaps");
  factory.core().v1().configMaps().informer();
  const controller = new AbortController();
  factory.start(controller.signal);
  await advanceUntil(clock, () => heard.length > 0);
  assert.match(heard[0], /^handler: .*forbidden/);
  controller.abort();
  await settle(clock, factory.shutDown());
});
