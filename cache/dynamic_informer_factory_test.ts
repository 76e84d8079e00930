import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import { newDynamicClient } from "../dynamic/dynamic_client.ts";
import { isNotFound } from "../rest/errors.ts";
import { newDynamicSharedInformerFactory } from "./dynamic_informer_factory.ts";
import type { SharedInformerFactoryOptions } from "./informer_factory.ts";
import { advanceUntil, FAKE_CONFIG, FakeApi, fakeClientOptions, obj, settle } from "./_fake_api_test.ts";

const CRONTABS = { group: "stable.example.com", version: "v1", resource: "crontabs" };

function setup(options: SharedInformerFactoryOptions = {}) {
  const clock = new FakeClock();
  const api = new FakeApi();
  const factory = newDynamicSharedInformerFactory(newDynamicClient(FAKE_CONFIG, fakeClientOptions(api)), 0, {
    clock,
    ...options,
  });
  return { clock, api, factory };
}

Deno.test("dynamic factory: one informer per GVR, synced from the dynamic client, listers by namespace", async () => {
  const { clock, api, factory } = setup();
  api.set("/apis/stable.example.com/v1/crontabs", [
    obj("a", "t1", "5", { every: "min" }),
    obj("b", "t2", "6"),
  ]);
  api.set("/api/v1/configmaps", [obj("a", "c", "7")]);
  const crontabs = factory.forResource(CRONTABS);
  assert.equal(factory.forResource({ ...CRONTABS }), crontabs);
  assert.equal(factory.forResource(CRONTABS).informer(), crontabs.informer());
  const configMaps = factory.forResource({ group: "", version: "v1", resource: "configmaps" });
  configMaps.informer();
  const controller = new AbortController();
  factory.start(controller.signal);
  const synced = await settle(clock, factory.waitForCacheSync(controller.signal));
  assert.deepEqual(synced, { "stable.example.com/v1/crontabs": true, "v1/configmaps": true });
  await advanceUntil(clock, () => api.openWatches() === 2);
  api.emit("/apis/stable.example.com/v1/crontabs", "MODIFIED", { ...obj("a", "t1", "9"), spec: { x: 1 } });
  await advanceUntil(
    clock,
    () => crontabs.lister().namespace("a").get("t1").metadata?.resourceVersion === "9",
  );
  const t1 = crontabs.lister().namespace("a").get("t1");
  assert.deepEqual(t1.spec, { x: 1 });
  // The dynamic client sets apiVersion and kind of list items from the list's.
  assert.equal(crontabs.lister().namespace("b").get("t2").apiVersion, "v1");
  assert.deepEqual(crontabs.lister().list("every=min").map((o) => o.metadata?.name), []);
  assert.throws(() => crontabs.lister().namespace("a").get("zz"), (e: unknown) => {
    assert.ok(isNotFound(e));
    assert.match(String(e), /crontabs\.stable\.example\.com "zz" not found/);
    return true;
  });
  controller.abort();
  await settle(clock, factory.shutDown());
  assert.ok(crontabs.informer().isStopped());
  assert.equal(api.openWatches(), 0);
});

Deno.test("dynamic factory: namespace and tweakListOptions shape the requests; shutdown ends them", async () => {
  const { clock, api, factory } = setup({
    namespace: "team",
    tweakListOptions: (o) => void (o.fieldSelector = "metadata.name=t1"),
  });
  api.set("/apis/stable.example.com/v1/namespaces/team/crontabs", [obj("team", "t1", "5")]);
  const crontabs = factory.forResource(CRONTABS);
  crontabs.informer();
  factory.start(new AbortController().signal);
  await settle(clock, factory.waitForCacheSync());
  await advanceUntil(clock, () => api.openWatches() === 1);
  assert.deepEqual(api.log(), [
    "WATCHLIST /apis/stable.example.com/v1/namespaces/team/crontabs",
    "LIST /apis/stable.example.com/v1/namespaces/team/crontabs",
    "WATCH /apis/stable.example.com/v1/namespaces/team/crontabs",
  ]);
  for (const r of api.requests) assert.equal(r.query.get("fieldSelector"), "metadata.name=t1");
  assert.equal(crontabs.lister().namespace("team").list().length, 1);
  await settle(clock, factory.shutDown());
  assert.ok(crontabs.informer().isStopped());
  assert.equal(api.openWatches(), 0);
});
