import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import { fakeOptions, TEST_CONFIG } from "../rest/_fake_transport.ts";
import { discoveryDocuments, discoveryServer } from "./_fake_discovery_server.ts";
import { newCachedDiscoveryClient } from "./cached_discovery_client.ts";
import { newDiscoveryClient } from "./discovery_client.ts";
import { GroupDiscoveryFailedError } from "./discovery_error.ts";

Deno.test("serverVersion and serverGroups read /version, /api and /apis; the core group comes first", async () => {
  const t = discoveryServer();
  const d = newDiscoveryClient(TEST_CONFIG, fakeOptions(t));
  assert.equal((await d.serverVersion()).gitVersion, "v1.20.2");
  const groups = await d.serverGroups();
  assert.deepEqual(groups.groups.map((g) => g.name), [
    "",
    "apps",
    "events.k8s.io",
    "autoscaling",
    "metrics.k8s.io",
  ]);
  assert.deepEqual(groups.groups[0].preferredVersion, { groupVersion: "v1", version: "v1" });
  assert.deepEqual(t.calls.map((c) => c.url.pathname), ["/version", "/api", "/apis"]);
});

Deno.test("serverResourcesForGroupVersion reads /api/v1 for the core group and /apis/<gv> for the others", async () => {
  const t = discoveryServer();
  const d = newDiscoveryClient(TEST_CONFIG, fakeOptions(t));
  assert.equal((await d.serverResourcesForGroupVersion("v1")).resources.length, 5);
  assert.equal((await d.serverResourcesForGroupVersion("apps/v1")).groupVersion, "apps/v1");
  await assert.rejects(
    () => d.serverResourcesForGroupVersion("batch/v9"),
    (e: Error) => e.name === "ApiError",
  );
  await assert.rejects(() => d.serverResourcesForGroupVersion(""), TypeError);
  assert.deepEqual(t.calls.map((c) => c.url.pathname), ["/api/v1", "/apis/apps/v1", "/apis/batch/v9"]);
});

Deno.test("serverGroupsAndResources returns what succeeded and an error naming the failed group-versions", async () => {
  const d = newDiscoveryClient(TEST_CONFIG, fakeOptions(discoveryServer()));
  const { groups, resources, error } = await d.serverGroupsAndResources();
  assert.equal(groups.length, 5);
  assert.deepEqual(resources.map((r) => r.groupVersion), [
    "v1",
    "apps/v1",
    "events.k8s.io/v1",
    "autoscaling/v2",
    "autoscaling/v1",
  ]);
  assert.ok(error instanceof GroupDiscoveryFailedError);
  assert.deepEqual([...error.groups.keys()], ["metrics.k8s.io/v1beta1"]);
  assert.match(
    error.message,
    /^Unable to retrieve the complete list of server APIs: metrics\.k8s\.io\/v1beta1: /,
  );
});

Deno.test("without failures there is no error", async () => {
  const docs = discoveryDocuments();
  const apis = docs["/apis"] as { groups: { name: string }[] };
  apis.groups = apis.groups.filter((g) => g.name !== "metrics.k8s.io");
  const d = newDiscoveryClient(TEST_CONFIG, fakeOptions(discoveryServer(docs)));
  const result = await d.serverGroupsAndResources();
  assert.equal(result.error, undefined);
  assert.equal("error" in result, false);
});

Deno.test("serverPreferredResources takes each resource from the preferred version, else the first that has it", async () => {
  const d = newDiscoveryClient(TEST_CONFIG, fakeOptions(discoveryServer()));
  const { resources, error } = await d.serverPreferredResources();
  assert.ok(error instanceof GroupDiscoveryFailedError);
  const flat = resources.map((l) => `${l.groupVersion}: ${l.resources.map((r) => r.name).join(",")}`);
  assert.deepEqual(flat, [
    "v1: configmaps,events,namespaces,pods",
    "apps/v1: deployments",
    "events.k8s.io/v1: events",
    "autoscaling/v2: horizontalpodautoscalers",
    "autoscaling/v1: legacythings",
  ]);
  const namespaced = await d.serverPreferredNamespacedResources();
  assert.deepEqual(
    namespaced.resources.flatMap((l) => l.resources.map((r) => r.name)),
    ["configmaps", "events", "pods", "deployments", "events", "horizontalpodautoscalers"],
  );
});

Deno.test("the cached client serves repeated calls from memory until invalidate()", async () => {
  const t = discoveryServer();
  const d = newCachedDiscoveryClient(newDiscoveryClient(TEST_CONFIG, fakeOptions(t)));
  assert.equal(d.fresh(), true);
  await d.serverGroupsAndResources();
  const first = t.calls.length;
  assert.equal(first, 8); // /api, /apis, and six group-versions
  await d.serverGroupsAndResources();
  await d.serverPreferredResources();
  // Only the failed group-version is asked again: failures are not cached.
  assert.deepEqual(t.calls.slice(first).map((c) => c.url.pathname), [
    "/apis/metrics.k8s.io/v1beta1",
    "/apis/metrics.k8s.io/v1beta1",
  ]);
  assert.equal(d.fresh(), false);
  d.invalidate();
  assert.equal(d.fresh(), true);
  await d.serverGroups();
  assert.deepEqual(t.calls.slice(first + 2).map((c) => c.url.pathname), ["/api", "/apis"]);
});

Deno.test("concurrent calls share one request; a TTL expires entries on the injected clock", async () => {
  const t = discoveryServer();
  const clock = new FakeClock(0);
  const d = newCachedDiscoveryClient(newDiscoveryClient(TEST_CONFIG, fakeOptions(t)), { ttlMs: 1000, clock });
  const [a, b] = await Promise.all([
    d.serverResourcesForGroupVersion("apps/v1"),
    d.serverResourcesForGroupVersion("apps/v1"),
  ]);
  assert.equal(a, b);
  assert.equal(t.calls.length, 1);
  await clock.advance(999);
  await d.serverResourcesForGroupVersion("apps/v1");
  assert.equal(t.calls.length, 1);
  await clock.advance(1);
  await d.serverResourcesForGroupVersion("apps/v1");
  assert.equal(t.calls.length, 2);
});

Deno.test("a new group appears after invalidate()", async () => {
  const docs = discoveryDocuments();
  const d = newCachedDiscoveryClient(newDiscoveryClient(TEST_CONFIG, fakeOptions(discoveryServer(docs))));
  const before = await d.serverGroups();
  (docs["/apis"] as { groups: unknown[] }).groups.push({
    name: "stable.example.com",
    versions: [{ groupVersion: "stable.example.com/v1", version: "v1" }],
    preferredVersion: { groupVersion: "stable.example.com/v1", version: "v1" },
  });
  assert.equal((await d.serverGroups()).groups.length, before.groups.length);
  d.invalidate();
  assert.equal((await d.serverGroups()).groups.length, before.groups.length + 1);
});
