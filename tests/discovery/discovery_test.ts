// Integration tests of discovery and REST mapping against the real API server (v1.20), compared
// with what kubectl reports.
import assert from "node:assert/strict";
import { newApiextensionsV1Client } from "../../clientset/apiextensions/v1/mod.ts";
import { newClientset } from "../../clientset/mod.ts";
import { isNotFound } from "../../rest/errors.ts";
import {
  DeferredDiscoveryRESTMapper,
  DiscoveryRESTMapper,
  getAPIGroupResources,
  newCachedDiscoveryClient,
  newDiscoveryClient,
  NoMatchError,
} from "../../discovery/mod.ts";
import { kubectlJson, setup, waitFor } from "../clientset/_helpers.ts";

const { c, config } = await setup();

Deno.test("serverVersion, serverGroups and resources match kubectl", async () => {
  const d = newDiscoveryClient(config);
  const version = await d.serverVersion();
  assert.equal(version.gitVersion, (await kubectlJson(c, ["version"])).serverVersion.gitVersion);
  assert.match(version.gitVersion, /^v1\.20\./);
  const groups = await d.serverGroups();
  assert.equal(groups.groups[0].name, "");
  const names = groups.groups.map((g) => g.name);
  for (
    const g of ["apps", "batch", "rbac.authorization.k8s.io", "coordination.k8s.io", "apiextensions.k8s.io"]
  ) {
    assert.ok(names.includes(g), g);
  }
  assert.equal(names.includes("resource.k8s.io"), false, "v1.20 has no resource.k8s.io");
  const apiVersions = (await c.kubectl(["api-versions"])).stdout.trim().split("\n").sort();
  assert.deepEqual(groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion)).sort(), apiVersions);
  const core = await d.serverResourcesForGroupVersion("v1");
  assert.ok(core.resources.some((r) => r.name === "pods/log"));
  const apps = await d.serverResourcesForGroupVersion("apps/v1");
  const deployments = apps.resources.find((r) => r.name === "deployments")!;
  assert.deepEqual(deployments.shortNames, ["deploy"]);
  assert.equal(deployments.namespaced, true);
  await assert.rejects(() => d.serverResourcesForGroupVersion("resource.k8s.io/v1"), (e) => isNotFound(e));
});

Deno.test("serverGroupsAndResources and serverPreferredResources agree with kubectl api-resources", async () => {
  const d = newDiscoveryClient(config);
  const all = await d.serverGroupsAndResources();
  assert.equal(all.error, undefined);
  assert.equal(all.resources.length, all.groups.reduce((n, g) => n + g.versions.length, 0));
  const preferred = await d.serverPreferredResources();
  const ours = preferred.resources.flatMap((l) => {
    const group = l.groupVersion.includes("/") ? l.groupVersion.split("/")[0] : "";
    return l.resources.map((r) => group === "" ? r.name : `${r.name}.${group}`);
  }).sort();
  const out = await c.kubectl(["api-resources", "-o", "name"]);
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(ours, out.stdout.trim().split("\n").sort());
  const namespaced = await d.serverPreferredNamespacedResources();
  const nsNames = namespaced.resources.flatMap((l) => l.resources.map((r) => r.name));
  assert.ok(nsNames.includes("pods"));
  assert.equal(nsNames.includes("nodes"), false);
  const kubectlNamespaced = (await c.kubectl(["api-resources", "--namespaced=true", "-o", "name"])).stdout
    .trim()
    .split("\n");
  assert.equal(nsNames.length, kubectlNamespaced.length);
});

Deno.test("REST mapping of built-in kinds, short names and singular names", async () => {
  const { groups, error } = await getAPIGroupResources(newDiscoveryClient(config));
  assert.equal(error, undefined);
  const m = new DiscoveryRESTMapper(groups);
  assert.deepEqual(m.resourceFor("deploy"), { group: "apps", version: "v1", resource: "deployments" });
  assert.deepEqual(m.resourceFor("cm"), { group: "", version: "v1", resource: "configmaps" });
  assert.deepEqual(m.resourceFor("deployment"), { group: "apps", version: "v1", resource: "deployments" });
  assert.deepEqual(m.resourceFor("hpa"), {
    group: "autoscaling",
    version: "v1",
    resource: "horizontalpodautoscalers",
  });
  assert.deepEqual(m.resourceFor("events"), { group: "", version: "v1", resource: "events" });
  assert.deepEqual(m.kindFor("ing"), { group: "networking.k8s.io", version: "v1", kind: "Ingress" });
  assert.equal(m.restMapping({ group: "rbac.authorization.k8s.io", kind: "ClusterRole" }).scope, "root");
  assert.equal(m.restMapping({ group: "coordination.k8s.io", kind: "Lease" }).resource.resource, "leases");
  assert.equal(m.resourceSingularizer("networkpolicies"), "networkpolicy");
  assert.throws(() => m.restMapping({ group: "coordination.k8s.io", kind: "LeaseCandidate" }), NoMatchError);
  // kubectl agrees on what the short names mean.
  const out = await c.kubectl(["explain", "deploy", "--api-version=apps/v1"]);
  assert.match(out.stdout, /KIND:\s+Deployment/);
});

Deno.test("a new CRD: invisible to the cached client until invalidate(); the deferred mapper reloads on a miss", async () => {
  const crds = newApiextensionsV1Client(config).customResourceDefinitions();
  const name = "widgets.discovery.kubeweb.test";
  await crds.delete(name).catch(() => {});
  await waitFor("an old widgets CRD to go", async () => {
    try {
      await crds.get(name);
      return undefined;
    } catch (e) {
      return isNotFound(e) ? true : undefined;
    }
  }, 60_000);
  const discovery = newCachedDiscoveryClient(newDiscoveryClient(config));
  const mapper = new DeferredDiscoveryRESTMapper(discovery, { minReloadIntervalMs: 0 });
  await assert.rejects(() => mapper.resourceFor("wdg"), NoMatchError);
  await crds.create({
    metadata: { name },
    spec: {
      group: "discovery.kubeweb.test",
      scope: "Cluster",
      names: { kind: "Widget", plural: "widgets", singular: "widget", shortNames: ["wdg"] },
      versions: [{
        name: "v1",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
      }],
    },
  });
  try {
    await waitFor("the widgets CRD to be served", async () => {
      const out = await c.kubectl(["get", "--raw", "/apis/discovery.kubeweb.test/v1"]);
      return out.code === 0 || undefined;
    });
    const cached = await discovery.serverGroups();
    assert.equal(cached.groups.some((g) => g.name === "discovery.kubeweb.test"), false, "cached");
    discovery.invalidate();
    assert.ok((await discovery.serverGroups()).groups.some((g) => g.name === "discovery.kubeweb.test"));
    const mapping = await mapper.restMapping({ group: "discovery.kubeweb.test", kind: "Widget" });
    assert.deepEqual(mapping.resource, {
      group: "discovery.kubeweb.test",
      version: "v1",
      resource: "widgets",
    });
    assert.equal(mapping.scope, "root");
    assert.deepEqual(await mapper.resourceFor("wdg"), mapping.resource);
  } finally {
    await crds.delete(name);
  }
});

Deno.test("the clientset's discovery() is the same server", async () => {
  const v = await newClientset(config).discovery().serverVersion();
  assert.match(v.gitVersion, /^v1\.20\./);
});
