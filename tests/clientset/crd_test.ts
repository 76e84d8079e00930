// Integration test of custom resources: a CRD created by the test is found by discovery after
// invalidate(), mapped by the REST mapper, and used through the dynamic client and through the
// client generated from its YAML (tests/clientset/crontab_client); kubectl confirms each write.
import assert from "node:assert/strict";
import { parseYaml } from "../../_internal/deps.ts";
import { newApiextensionsV1Client } from "../../clientset/apiextensions/v1/mod.ts";
import type { CustomResourceDefinition } from "../../clientset/apiextensions/v1/mod.ts";
import { isAlreadyExists, isNotFound } from "../../rest/errors.ts";
import {
  DeferredDiscoveryRESTMapper,
  newCachedDiscoveryClient,
  newDiscoveryClient,
} from "../../discovery/mod.ts";
import { newDynamicClient } from "../../dynamic/mod.ts";
import { newStableV1Client } from "./crontab_client/stable.example.com/v1/mod.ts";
import { newStableV1beta1Client } from "./crontab_client/stable.example.com/v1beta1/mod.ts";
import { dropNamespace, kubectlJson, kubectlNotFound, newNamespace, setup, waitFor } from "./_helpers.ts";

const { c, config } = await setup();
const ns = await newNamespace(config, "crd");
const crds = newApiextensionsV1Client(config).customResourceDefinitions();
const fixture = parseYaml(
  await Deno.readTextFile(new URL("./testdata/crontab_crd.yaml", import.meta.url)),
) as CustomResourceDefinition;
const CRONTABS = { group: "stable.example.com", version: "v1", resource: "crontabs" };

Deno.test("a CRD created by the test: discovery after invalidate(), REST mapping, dynamic and generated clients", async (t) => {
  const discovery = newCachedDiscoveryClient(newDiscoveryClient(config));
  const before = await discovery.serverGroupsAndResources();
  const hasGroup = (groups: { name: string }[]) => groups.some((g) => g.name === "stable.example.com");
  if (hasGroup(before.groups)) {
    // Left over from an interrupted run: start from a cluster without it.
    await crds.delete(fixture.metadata!.name!);
    await waitFor("the old CRD to go", async () => {
      try {
        await crds.get(fixture.metadata!.name!);
        return undefined;
      } catch (e) {
        if (isNotFound(e)) return true;
        throw e;
      }
    }, 60_000);
    discovery.invalidate();
    assert.equal(hasGroup((await discovery.serverGroups()).groups), false);
  }

  await t.step("create the CRD and wait until it is established", async () => {
    await crds.create(fixture).catch((e) => {
      if (!isAlreadyExists(e)) throw e;
    });
    await waitFor("the CRD to be established", async () => {
      const crd = await crds.get(fixture.metadata!.name!);
      return crd.status?.conditions?.some((x) => x.type === "Established" && x.status === "True") ||
        undefined;
    });
    const seen = await kubectlJson(c, ["get", "crd", "crontabs.stable.example.com"]);
    assert.equal(seen.spec.names.kind, "CronTab");
  });

  await t.step("the cached discovery client sees the group only after invalidate()", async () => {
    assert.equal(hasGroup((await discovery.serverGroups()).groups), false, "served from the cache");
    assert.equal(discovery.fresh(), false);
    const resources = await waitFor("discovery to list crontabs", async () => {
      discovery.invalidate();
      const { groups, resources } = await discovery.serverGroupsAndResources();
      if (!hasGroup(groups)) return undefined;
      return resources.find((r) => r.groupVersion === "stable.example.com/v1");
    });
    const crontabs = resources.resources.find((r) => r.name === "crontabs")!;
    assert.equal(crontabs.kind, "CronTab");
    assert.equal(crontabs.namespaced, true);
    assert.deepEqual(crontabs.shortNames, ["ct"]);
    assert.ok(resources.resources.some((r) => r.name === "crontabs/scale"));
    const preferred = await discovery.serverPreferredResources();
    assert.ok(preferred.resources.some((l) => l.groupVersion === "stable.example.com/v1"));
  });

  await t.step("the REST mapper maps the new kind and its short name", async () => {
    const mapper = new DeferredDiscoveryRESTMapper(discovery);
    assert.deepEqual(await mapper.restMapping({ group: "stable.example.com", kind: "CronTab" }), {
      resource: CRONTABS,
      groupVersionKind: { group: "stable.example.com", version: "v1", kind: "CronTab" },
      scope: "namespace",
    });
    assert.deepEqual(await mapper.resourceFor("ct"), CRONTABS);
    assert.deepEqual(await mapper.resourceFor("crontab.v1beta1.stable.example.com"), {
      ...CRONTABS,
      version: "v1beta1",
    });
  });

  await t.step(
    "the dynamic client creates, reads, patches, writes status and scale, and deletes",
    async () => {
      const dyn = newDynamicClient(config).resource(CRONTABS).namespace(ns);
      const created = await dyn.create({
        apiVersion: "stable.example.com/v1",
        kind: "CronTab",
        metadata: { name: "dynamic" },
        spec: { cronSpec: "*/5 * * * *", image: "cron:1", replicas: 1 },
      });
      assert.ok(created.metadata?.uid);
      let seen = await kubectlJson(c, ["get", "crontabs", "dynamic", "-n", ns]);
      assert.equal(seen.spec.cronSpec, "*/5 * * * *");
      await dyn.patch("dynamic", "merge", { spec: { image: "cron:2" } });
      const got = await dyn.get("dynamic");
      assert.equal((got.spec as { image: string }).image, "cron:2");
      got.status = { phase: "Active", replicas: 1 };
      await dyn.updateStatus(got);
      const scale = await dyn.getScale("dynamic");
      assert.equal((scale.spec as { replicas: number }).replicas, 1);
      await dyn.updateScale("dynamic", { ...scale, spec: { replicas: 2 } });
      seen = await kubectlJson(c, ["get", "ct", "dynamic", "-n", ns]);
      assert.equal(seen.spec.image, "cron:2");
      assert.equal(seen.spec.replicas, 2);
      assert.equal(seen.status.phase, "Active");
      const list = await newDynamicClient(config).resource(CRONTABS).list();
      const item = list.items.find((i) => i.metadata?.name === "dynamic");
      assert.equal(item?.kind, "CronTab");
      assert.equal(item?.apiVersion, "stable.example.com/v1");
      await dyn.delete("dynamic");
      assert.ok(await kubectlNotFound(c, ["crontabs", "dynamic", "-n", ns]));
    },
  );

  await t.step("the client generated from the CRD's YAML is typed and works", async () => {
    const cronTabs = newStableV1Client(config).cronTabs(ns);
    const created = await cronTabs.create({
      metadata: { name: "typed", labels: { app: "cron" } },
      spec: {
        cronSpec: "0 * * * *",
        image: "cron:1",
        replicas: 1,
        concurrencyPolicy: "Forbid",
        port: "http",
        env: [{ name: "A", value: null }],
        extra: { anything: { nested: true } },
      },
    });
    assert.equal(created.kind, "CronTab");
    assert.equal(created.spec?.concurrencyPolicy, "Forbid");
    const seen = await kubectlJson(c, ["get", "crontabs", "typed", "-n", ns]);
    assert.equal(seen.spec.port, "http");
    assert.deepEqual(
      seen.spec.extra,
      { anything: { nested: true } },
      "preserve-unknown-fields keeps the object",
    );
    const scaled = await cronTabs.updateScale("typed", {
      apiVersion: "autoscaling/v1",
      kind: "Scale",
      metadata: { name: "typed", namespace: ns },
      spec: { replicas: 3 },
    });
    assert.equal(scaled.spec?.replicas, 3);
    const current = await cronTabs.get("typed");
    current.status = { phase: "Done", replicas: 3, lastScheduleTime: "2026-01-01T00:00:00Z" };
    await cronTabs.updateStatus(current);
    await cronTabs.apply(
      {
        apiVersion: "stable.example.com/v1",
        kind: "CronTab",
        metadata: { name: "typed" },
        spec: { args: ["--once"] },
      },
      { fieldManager: "crd-test", force: true },
    );
    const after = await kubectlJson(c, ["get", "crontabs", "typed", "-n", ns]);
    assert.equal(after.spec.replicas, 3);
    assert.deepEqual(after.spec.args, ["--once"]);
    assert.equal(after.status.phase, "Done");
    const listed = await cronTabs.list({ labelSelector: "app=cron" });
    assert.deepEqual(listed.items.map((i) => i.metadata?.name), ["typed"]);
    // The other served version reads the same object.
    const beta = await newStableV1beta1Client(config).cronTabs(ns).get("typed");
    assert.equal(beta.apiVersion, "stable.example.com/v1beta1");
    assert.equal((beta.spec as { image?: string }).image, "cron:1");
    await cronTabs.delete("typed");
    assert.ok(await kubectlNotFound(c, ["crontabs", "typed", "-n", ns]));
  });

  await t.step(
    "generating from the live cluster's CRDs gives the client generated from the YAML",
    async () => {
      const root = new URL("../..", import.meta.url).pathname;
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "scripts/gen/crd.ts",
          "--cluster",
          "--kubeconfig",
          c.kubeconfigPath,
          "--context",
          "admin",
          "--group",
          "stable.example.com",
          "--out",
          "tests/clientset/crontab_client",
          "--clientset",
          "./clientset",
          "--check",
        ],
        cwd: root,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, stderr);
    },
  );

  await t.step("delete the CRD", async () => {
    await crds.delete(fixture.metadata!.name!);
    await waitFor(
      "the CRD to go",
      async () => (await kubectlNotFound(c, ["crd", "crontabs.stable.example.com"])) || undefined,
      60_000,
    );
  });
});

Deno.test("cleanup", async () => {
  await dropNamespace(config, ns);
});
