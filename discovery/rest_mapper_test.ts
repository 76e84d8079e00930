import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import { fakeOptions, TEST_CONFIG } from "../rest/_fake_transport.ts";
import { discoveryDocuments, discoveryServer } from "./_fake_discovery_server.ts";
import { newCachedDiscoveryClient } from "./cached_discovery_client.ts";
import { newDiscoveryClient } from "./discovery_client.ts";
import { AmbiguousMatchError, NoMatchError } from "./discovery_error.ts";
import { DeferredDiscoveryRESTMapper, DiscoveryRESTMapper, getAPIGroupResources } from "./rest_mapper.ts";

async function mapper(): Promise<DiscoveryRESTMapper> {
  const d = newDiscoveryClient(TEST_CONFIG, fakeOptions(discoveryServer()));
  const { groups, error } = await getAPIGroupResources(d);
  assert.ok(error !== undefined, "the fake server has one failing group-version");
  return new DiscoveryRESTMapper(groups);
}

Deno.test("resources are found by plural, singular and short name, case-insensitively", async () => {
  const m = await mapper();
  const deployments = { group: "apps", version: "v1", resource: "deployments" };
  assert.deepEqual(m.resourceFor("deployments"), deployments);
  assert.deepEqual(m.resourceFor("deployment"), deployments);
  assert.deepEqual(m.resourceFor("deploy"), deployments);
  assert.deepEqual(m.resourceFor("Deployments"), deployments);
  assert.deepEqual(m.resourceFor("cm"), { group: "", version: "v1", resource: "configmaps" });
  // Singular names fall back to the lower-case kind when discovery gives none (servers before 1.27).
  assert.deepEqual(m.resourceFor("configmap"), { group: "", version: "v1", resource: "configmaps" });
  assert.equal(m.resourceSingularizer("pods"), "pod");
  assert.equal(m.resourceSingularizer("deploy"), "deployment");
});

Deno.test("qualified names: resource.group and resource.version.group", async () => {
  const m = await mapper();
  assert.deepEqual(m.resourceFor("events.events.k8s.io"), {
    group: "events.k8s.io",
    version: "v1",
    resource: "events",
  });
  assert.deepEqual(m.resourceFor("hpa.v1.autoscaling"), {
    group: "autoscaling",
    version: "v1",
    resource: "horizontalpodautoscalers",
  });
  assert.deepEqual(
    m.resourceFor({ group: "autoscaling", resource: "horizontalpodautoscalers" }).version,
    "v2",
  );
});

Deno.test("the core group wins over later groups, the preferred version over the others", async () => {
  const m = await mapper();
  assert.deepEqual(m.resourceFor("events"), { group: "", version: "v1", resource: "events" });
  assert.deepEqual(m.resourcesFor("ev").map((r) => `${r.group}/${r.version}`), ["/v1", "events.k8s.io/v1"]);
  assert.deepEqual(m.kindFor("hpa"), {
    group: "autoscaling",
    version: "v2",
    kind: "HorizontalPodAutoscaler",
  });
  assert.deepEqual(m.kindsFor("hpa").map((k) => k.version), ["v2", "v1"]);
  // A resource only in the non-preferred version is still found.
  assert.deepEqual(m.resourceFor("legacythings").version, "v1");
});

Deno.test("kinds map to resources with their scope; subresources are not mapped", async () => {
  const m = await mapper();
  assert.deepEqual(m.restMapping({ group: "apps", kind: "Deployment" }), {
    resource: { group: "apps", version: "v1", resource: "deployments" },
    groupVersionKind: { group: "apps", version: "v1", kind: "Deployment" },
    scope: "namespace",
  });
  assert.equal(m.restMapping({ group: "", kind: "Namespace" }).scope, "root");
  assert.equal(m.restMapping("Deployment.apps").resource.resource, "deployments");
  assert.equal(
    m.restMapping({ group: "autoscaling", kind: "HorizontalPodAutoscaler" }, "v1").resource.version,
    "v1",
  );
  assert.deepEqual(
    m.restMappings({ group: "autoscaling", kind: "HorizontalPodAutoscaler" }).map((x) => x.resource.version),
    ["v2", "v1"],
  );
  assert.equal(m.restMapping({ group: "", kind: "pod" }).resource.resource, "pods", "kind case is forgiven");
  assert.throws(() => m.restMapping({ group: "autoscaling", kind: "Scale" }), NoMatchError);
  assert.equal(m.isNamespaced("ns"), false);
  assert.equal(m.isNamespaced("po"), true);
});

Deno.test("no match and ambiguous matches are errors", async () => {
  const m = await mapper();
  assert.throws(
    () => m.resourceFor("widgets"),
    (e: unknown) => e instanceof NoMatchError && e.searched === "widgets",
  );
  assert.throws(
    () => m.restMapping({ group: "apps", kind: "Widget" }, "v1"),
    /No matches for kind "Widget\.v1\.apps"/,
  );
  const twice = new DiscoveryRESTMapper([{
    group: { name: "x.io", versions: [{ groupVersion: "x.io/v1", version: "v1" }] },
    versionedResources: {
      v1: [
        { name: "foos", singularName: "foo", kind: "Foo", namespaced: true, verbs: [], shortNames: ["f"] },
        { name: "fees", singularName: "fee", kind: "Fee", namespaced: true, verbs: [], shortNames: ["f"] },
      ],
    },
  }]);
  assert.throws(() => twice.resourceFor("f"), AmbiguousMatchError);
});

Deno.test("the deferred mapper loads discovery once, and reloads on a miss at most once per interval", async () => {
  const docs = discoveryDocuments();
  const t = discoveryServer(docs);
  const clock = new FakeClock(0);
  const discovery = newCachedDiscoveryClient(newDiscoveryClient(TEST_CONFIG, fakeOptions(t)));
  const m = new DeferredDiscoveryRESTMapper(discovery, { clock, minReloadIntervalMs: 5000 });
  assert.deepEqual(await m.resourceFor("cm"), { group: "", version: "v1", resource: "configmaps" });
  const afterLoad = t.calls.length;
  assert.equal((await m.restMapping({ group: "apps", kind: "Deployment" })).scope, "namespace");
  assert.equal(t.calls.length, afterLoad, "answered from the loaded mapping");

  // A CRD is installed: the first miss resets the stale cache and finds it.
  (docs["/apis"] as { groups: unknown[] }).groups.push({
    name: "stable.example.com",
    versions: [{ groupVersion: "stable.example.com/v1", version: "v1" }],
    preferredVersion: { groupVersion: "stable.example.com/v1", version: "v1" },
  });
  docs["/apis/stable.example.com/v1"] = {
    kind: "APIResourceList",
    groupVersion: "stable.example.com/v1",
    resources: [{
      name: "crontabs",
      singularName: "crontab",
      namespaced: true,
      kind: "CronTab",
      verbs: ["get"],
      shortNames: ["ct"],
    }],
  };
  const loaded = t.calls.length;
  await assert.rejects(() => m.resourceFor("ct"), NoMatchError, "the mapping is too young to reload");
  assert.equal(t.calls.length, loaded);
  await clock.advance(5000);
  assert.deepEqual(await m.resourceFor("ct"), {
    group: "stable.example.com",
    version: "v1",
    resource: "crontabs",
  });
  assert.deepEqual(await m.restMappingFor({ apiVersion: "stable.example.com/v1", kind: "CronTab" }), {
    resource: { group: "stable.example.com", version: "v1", resource: "crontabs" },
    groupVersionKind: { group: "stable.example.com", version: "v1", kind: "CronTab" },
    scope: "namespace",
  });
  // A miss right after a reload is an error, without another reload.
  const before = t.calls.length;
  await assert.rejects(() => m.resourceFor("gadgets"), NoMatchError);
  assert.equal(t.calls.length, before);
});

Deno.test("reset() drops the loaded mapping and the discovery cache", async () => {
  const t = discoveryServer();
  const m = new DeferredDiscoveryRESTMapper(
    newCachedDiscoveryClient(newDiscoveryClient(TEST_CONFIG, fakeOptions(t))),
  );
  await m.resourceFor("po");
  const once = t.calls.length;
  await m.kindFor("deploy");
  assert.equal(t.calls.length, once);
  m.reset();
  await m.kindFor("deploy");
  assert.equal(t.calls.length, once * 2);
});
