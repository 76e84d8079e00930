// Integration tests of the typed clientset against the real API server (v1.20), each write checked
// with kubectl.
import assert from "node:assert/strict";
import { newClientset } from "../../clientset/mod.ts";
import type { Deployment } from "../../clientset/apps/v1/mod.ts";
import type { ConfigMap } from "../../clientset/core/v1/mod.ts";
import { ApiError, isConflict, isNotFound } from "../../rest/errors.ts";
import { dropNamespace, kubectlJson, kubectlNotFound, newNamespace, setup, waitFor } from "./_helpers.ts";
import { DEFAULT_RETRY } from "../../retry/backoff.ts";
import { retryOnConflict } from "../../retry/retry_on_conflict.ts";

const { c, config } = await setup();
const clientset = newClientset(config);
const ns = await newNamespace(config, "clientset");

function deployment(name: string, containers = [{ name: "app", image: "nginx:1.19" }]): Deployment {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers } },
    },
  };
}

Deno.test("typed CRUD of ConfigMaps, Secrets, Services, Deployments, Jobs, Leases and Roles, confirmed by kubectl", async (t) => {
  await t.step("ConfigMaps", async () => {
    const cms = clientset.coreV1().configMaps(ns);
    const created = await cms.create({ metadata: { name: "cfg", labels: { t: "crud" } }, data: { a: "1" } });
    assert.equal(created.kind, "ConfigMap");
    assert.ok(created.metadata?.uid);
    assert.deepEqual((await kubectlJson(c, ["get", "configmap", "cfg", "-n", ns])).data, { a: "1" });
    const got = await cms.get("cfg");
    got.data = { a: "2", b: "3" };
    const updated = await cms.update(got);
    assert.notEqual(updated.metadata?.resourceVersion, created.metadata?.resourceVersion);
    await cms.patch("cfg", "merge", { data: { c: "4" } });
    assert.deepEqual((await kubectlJson(c, ["get", "configmap", "cfg", "-n", ns])).data, {
      a: "2",
      b: "3",
      c: "4",
    });
    await cms.patch("cfg", "json", [{ op: "remove", path: "/data/b" }]);
    const list = await cms.list({ labelSelector: "t=crud" });
    assert.deepEqual(list.items.map((i) => i.metadata?.name), ["cfg"]);
    assert.deepEqual(list.items[0].data, { a: "2", c: "4" });
    // A stale update is a 409 Conflict.
    await assert.rejects(() => cms.update(created), (e: unknown) => isConflict(e));
    await cms.delete("cfg");
    assert.ok(await kubectlNotFound(c, ["configmap", "cfg", "-n", ns]));
    await assert.rejects(() => cms.get("cfg"), (e: unknown) => isNotFound(e));
  });

  await t.step("Secrets", async () => {
    const secrets = clientset.coreV1().secrets(ns);
    await secrets.create({
      metadata: { name: "creds" },
      type: "Opaque",
      stringData: { password: "hunter2" },
    });
    const got = await secrets.get("creds");
    assert.equal(atob(got.data!.password), "hunter2");
    assert.equal(atob((await kubectlJson(c, ["get", "secret", "creds", "-n", ns])).data.password), "hunter2");
    await secrets.patch("creds", "strategic", { data: { user: btoa("admin") } });
    assert.equal(atob((await kubectlJson(c, ["get", "secret", "creds", "-n", ns])).data.user), "admin");
    await secrets.delete("creds");
    assert.ok(await kubectlNotFound(c, ["secret", "creds", "-n", ns]));
  });

  await t.step("Services", async () => {
    const services = clientset.coreV1().services(ns);
    const svc = await services.create({
      metadata: { name: "web" },
      spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
    });
    assert.ok(svc.spec?.clusterIP, "the server allocated a cluster IP");
    const seen = await kubectlJson(c, ["get", "service", "web", "-n", ns]);
    assert.equal(seen.spec.ports[0].targetPort, "http");
    assert.equal(seen.spec.clusterIP, svc.spec?.clusterIP);
    svc.spec!.ports!.push({ name: "https", port: 443, targetPort: 8443 });
    await services.update(svc);
    assert.deepEqual(
      (await kubectlJson(c, ["get", "service", "web", "-n", ns])).spec.ports.map((p: { port: number }) =>
        p.port
      ),
      [80, 443],
    );
    await services.delete("web");
    assert.ok(await kubectlNotFound(c, ["service", "web", "-n", ns]));
  });

  await t.step("Deployments", async () => {
    const deployments = clientset.appsV1().deployments(ns);
    await deployments.create(deployment("crud"));
    const seen = await kubectlJson(c, ["get", "deployment", "crud", "-n", ns]);
    assert.equal(seen.spec.template.spec.containers[0].image, "nginx:1.19");
    const got = await deployments.get("crud");
    got.spec!.replicas = 3;
    await deployments.update(got);
    assert.equal((await kubectlJson(c, ["get", "deployment", "crud", "-n", ns])).spec.replicas, 3);
    const all = await clientset.appsV1().deployments("").list({ fieldSelector: `metadata.namespace=${ns}` });
    assert.ok(all.items.some((d) => d.metadata?.name === "crud"));
    await deployments.delete("crud");
    assert.ok(await kubectlNotFound(c, ["deployment", "crud", "-n", ns]));
  });

  await t.step("Jobs", async () => {
    const jobs = clientset.batchV1().jobs(ns);
    await jobs.create({
      metadata: { name: "once" },
      spec: {
        backoffLimit: 2,
        template: {
          spec: {
            restartPolicy: "Never",
            containers: [{ name: "run", image: "busybox", command: ["true"] }],
          },
        },
      },
    });
    const seen = await kubectlJson(c, ["get", "job", "once", "-n", ns]);
    assert.equal(seen.spec.backoffLimit, 2);
    assert.ok(seen.spec.selector, "the server generated the selector");
    await jobs.patch("once", "merge", { spec: { activeDeadlineSeconds: 60 } });
    assert.equal((await kubectlJson(c, ["get", "job", "once", "-n", ns])).spec.activeDeadlineSeconds, 60);
    await jobs.delete("once", { propagationPolicy: "Background" });
    assert.ok(await kubectlNotFound(c, ["job", "once", "-n", ns]));
  });

  await t.step("Leases", async () => {
    const leases = clientset.coordinationV1().leases(ns);
    const now = new Date().toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
    await leases.create({
      metadata: { name: "leader" },
      spec: { holderIdentity: "a", leaseDurationSeconds: 15, acquireTime: now, renewTime: now },
    });
    assert.equal((await kubectlJson(c, ["get", "lease", "leader", "-n", ns])).spec.holderIdentity, "a");
    const lease = await leases.get("leader");
    lease.spec!.holderIdentity = "b";
    lease.spec!.leaseTransitions = 1;
    await leases.update(lease);
    const seen = await kubectlJson(c, ["get", "lease", "leader", "-n", ns]);
    assert.equal(seen.spec.holderIdentity, "b");
    assert.equal(seen.spec.leaseTransitions, 1);
    await leases.delete("leader");
    assert.ok(await kubectlNotFound(c, ["lease", "leader", "-n", ns]));
  });

  await t.step("Roles", async () => {
    const roles = clientset.rbacV1().roles(ns);
    await roles.create({
      metadata: { name: "reader" },
      rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }],
    });
    assert.deepEqual((await kubectlJson(c, ["get", "role", "reader", "-n", ns])).rules[0].verbs, [
      "get",
      "list",
    ]);
    await roles.patch("reader", "json", [{ op: "add", path: "/rules/0/verbs/-", value: "watch" }]);
    assert.deepEqual(
      (await kubectlJson(c, ["get", "role", "reader", "-n", ns])).rules[0].verbs,
      ["get", "list", "watch"],
    );
    await roles.delete("reader");
    assert.ok(await kubectlNotFound(c, ["role", "reader", "-n", ns]));
  });
});

Deno.test("updateStatus on a Deployment writes the status only; kubectl sees it", async () => {
  const deployments = clientset.appsV1().deployments(ns);
  await deployments.create(deployment("status"));
  // The deployment controller writes this status too: read-modify-write until no write comes between, and
  // check collisionCount, a field the controller keeps as it finds it.
  const updated = await retryOnConflict(DEFAULT_RETRY, async () => {
    const d = await deployments.get("status");
    d.status = { ...d.status, collisionCount: 3, observedGeneration: 1 };
    d.spec!.replicas = 7; // ignored by the status subresource
    return await deployments.updateStatus(d);
  });
  assert.equal(updated.status?.collisionCount, 3);
  assert.equal(updated.spec?.replicas, 1);
  const seen = await kubectlJson(c, ["get", "deployment", "status", "-n", ns]);
  assert.equal(seen.status.collisionCount, 3);
  assert.equal(seen.status.observedGeneration, 1);
  assert.equal(seen.spec.replicas, 1, "spec is not written through the status subresource");
  const applied = await deployments.applyStatus(
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "status" }, status: { replicas: 2 } },
    { fieldManager: "status-writer", force: true },
  );
  assert.equal(applied.status?.replicas, 2);
  await deployments.delete("status");
});

Deno.test("scale subresource: getScale and updateScale change spec.replicas", async () => {
  const deployments = clientset.appsV1().deployments(ns);
  await deployments.create(deployment("scaled"));
  const scale = await deployments.getScale("scaled");
  assert.equal(scale.kind, "Scale");
  assert.equal(scale.spec?.replicas, 1);
  assert.equal(scale.status?.selector, "app=scaled");
  // The Scale carries the Deployment's resourceVersion, which the deployment controller's status writes move.
  const updated = await retryOnConflict(DEFAULT_RETRY, async () => {
    const current = await deployments.getScale("scaled");
    current.spec = { replicas: 4 };
    return await deployments.updateScale("scaled", current);
  });
  assert.equal(updated.spec?.replicas, 4);
  assert.equal((await kubectlJson(c, ["get", "deployment", "scaled", "-n", ns])).spec.replicas, 4);
  const out = await c.kubectl(["scale", "deployment", "scaled", "-n", ns, "--replicas=2"]);
  assert.equal(out.code, 0, out.stderr);
  assert.equal((await deployments.getScale("scaled")).spec?.replicas, 2);
  await deployments.delete("scaled");
});

Deno.test("server-side apply by two field managers: a conflict (409), then force", async () => {
  const cms = clientset.coreV1().configMaps(ns);
  const intent = (value: string): ConfigMap => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "shared" },
    data: { mode: value },
  });
  const first = await cms.apply(intent("fast"), { fieldManager: "team-a" });
  assert.equal(first.data?.mode, "fast");
  const err = await cms.apply(intent("slow"), { fieldManager: "team-b" }).then(() => undefined, (e) => e);
  assert.ok(err instanceof ApiError, `expected a conflict, got ${err}`);
  assert.equal(err.code, 409);
  assert.ok(isConflict(err));
  assert.match(err.message, /team-a/);
  assert.equal((await kubectlJson(c, ["get", "configmap", "shared", "-n", ns])).data.mode, "fast");
  const forced = await cms.apply(intent("slow"), { fieldManager: "team-b", force: true });
  assert.equal(forced.data?.mode, "slow");
  const seen = await kubectlJson(c, ["get", "configmap", "shared", "-n", ns, "--show-managed-fields"]);
  assert.equal(seen.data.mode, "slow");
  const owners = seen.metadata.managedFields
    .filter((f: { fieldsV1?: { "f:data"?: Record<string, unknown> } }) => f.fieldsV1?.["f:data"]?.["f:mode"])
    .map((f: { manager: string }) => f.manager);
  assert.deepEqual(owners, ["team-b"]);
  // A dry run changes nothing.
  await cms.apply(intent("dry"), { fieldManager: "team-b", dryRun: ["All"] });
  assert.equal((await cms.get("shared")).data?.mode, "slow");
  await cms.delete("shared");
});

Deno.test("a strategic merge patch of a container list merges by name; a merge patch replaces the list", async () => {
  const deployments = clientset.appsV1().deployments(ns);
  await deployments.create(deployment("smp", [
    { name: "app", image: "nginx:1.19" },
    { name: "sidecar", image: "busybox:1.32" },
  ]));
  await deployments.patch("smp", "strategic", {
    spec: { template: { spec: { containers: [{ name: "app", image: "nginx:1.20" }] } } },
  });
  const containers = (await kubectlJson(c, ["get", "deployment", "smp", "-n", ns])).spec.template.spec
    .containers
    .map((x: { name: string; image: string }) => `${x.name}=${x.image}`);
  assert.deepEqual(containers, ["app=nginx:1.20", "sidecar=busybox:1.32"]);
  await deployments.patch("smp", "merge", {
    spec: { template: { spec: { containers: [{ name: "only", image: "nginx:1.20" }] } } },
  });
  const after = (await deployments.get("smp")).spec!.template.spec!.containers.map((x) => x.name);
  assert.deepEqual(after, ["only"]);
  await deployments.delete("smp");
});

Deno.test("1,200 objects listed in pages of 100: every object seen exactly once", async () => {
  const bulk = await newNamespace(config, "pages");
  const cms = clientset.coreV1().configMaps(bulk);
  const names = Array.from({ length: 1200 }, (_, i) => `cm-${String(i).padStart(4, "0")}`);
  for (let i = 0; i < names.length; i += 50) {
    await Promise.all(
      names.slice(i, i + 50).map((name) => cms.create({ metadata: { name, labels: { bulk: "yes" } } })),
    );
  }
  const pageSizes: number[] = [];
  const seen = new Map<string, number>();
  for await (const page of cms.listPages({ limit: 100, labelSelector: "bulk=yes" })) {
    pageSizes.push(page.items.length);
    for (const cm of page.items) seen.set(cm.metadata!.name!, (seen.get(cm.metadata!.name!) ?? 0) + 1);
  }
  assert.deepEqual(pageSizes, Array(12).fill(100));
  assert.equal(seen.size, 1200);
  assert.ok([...seen.values()].every((n) => n === 1));
  assert.deepEqual([...seen.keys()].sort(), names);
  let items = 0;
  for await (const _ of cms.listItems({ limit: 250, labelSelector: "bulk=yes" })) items++;
  assert.equal(items, 1200);
  const count = (await kubectlJson(c, ["get", "configmaps", "-n", bulk, "-l", "bulk=yes"])).items.length;
  assert.equal(count, 1200);
  await cms.deleteCollection({}, { labelSelector: "bulk=yes" });
  assert.equal((await cms.list({ labelSelector: "bulk=yes" })).items.length, 0);
  await dropNamespace(config, bulk);
});

Deno.test("delete with propagationPolicy: Foreground and Orphan set their finalizer; the garbage collector finishes", async () => {
  await c.ensureParts(["controller-manager"]); // its garbage collector finishes these deletions
  const cms = clientset.coreV1().configMaps(ns);
  for (const [policy, finalizer] of [["Foreground", "foregroundDeletion"], ["Orphan", "orphan"]] as const) {
    const name = `owner-${policy.toLowerCase()}`;
    const owner = await cms.create({ metadata: { name } });
    // A dependent that blocks its owner's deletion and holds its own finalizer keeps a Foreground deletion
    // waiting, so the owner's finalizer can be seen; an Orphan deletion only drops the dependent's reference.
    const ref = {
      apiVersion: "v1",
      kind: "ConfigMap",
      name,
      uid: owner.metadata!.uid!,
      blockOwnerDeletion: true,
    };
    await cms.create({
      metadata: { name: `${name}-dependent`, ownerReferences: [ref], finalizers: ["kubeweb.test/hold"] },
    });
    await cms.delete(name, { propagationPolicy: policy });
    if (policy === "Foreground") {
      const seen = await waitFor(`${name} waiting for its dependent`, async () => {
        const o = await kubectlJson(c, ["get", "configmap", name, "-n", ns]);
        const d = await kubectlJson(c, ["get", "configmap", `${name}-dependent`, "-n", ns]);
        return d.metadata.deletionTimestamp ? o : undefined;
      });
      assert.ok(seen.metadata.deletionTimestamp, `${policy}: marked for deletion`);
      assert.deepEqual(seen.metadata.finalizers, [finalizer]);
    }
    // Release the dependent; the garbage collector removes the owner's finalizer and the owner goes.
    await cms.patch(`${name}-dependent`, "merge", { metadata: { finalizers: null } });
    await waitFor(
      `${name} to go`,
      async () => (await kubectlNotFound(c, ["configmap", name, "-n", ns])) || undefined,
    );
    if (policy === "Orphan") {
      const orphan = await kubectlJson(c, ["get", "configmap", `${name}-dependent`, "-n", ns]);
      assert.equal(orphan.metadata.ownerReferences, undefined, "the orphan has no owner left");
      await cms.delete(`${name}-dependent`);
    } else {
      await waitFor(
        `${name}-dependent to go`,
        async () => (await kubectlNotFound(c, ["configmap", `${name}-dependent`, "-n", ns])) || undefined,
      );
    }
  }
  await cms.create({ metadata: { name: "owner-background" } });
  await cms.delete("owner-background", { propagationPolicy: "Background", gracePeriodSeconds: 0 });
  assert.ok(await kubectlNotFound(c, ["configmap", "owner-background", "-n", ns]));
  // Preconditions: a wrong UID refuses the delete.
  const kept = await cms.create({ metadata: { name: "kept" } });
  await assert.rejects(
    () => cms.delete("kept", { preconditions: { uid: "not-the-uid" } }),
    (e) => isConflict(e),
  );
  await cms.delete("kept", { preconditions: { uid: kept.metadata!.uid } });
});

Deno.test("watch sees what the library writes", async () => {
  const cms = clientset.coreV1().configMaps(ns);
  const start = await cms.list({ limit: 1 });
  const watcher = await cms.watch({ resourceVersion: start.metadata?.resourceVersion, labelSelector: "w=1" });
  await cms.create({ metadata: { name: "watched", labels: { w: "1" } } });
  await cms.delete("watched");
  const events: string[] = [];
  for await (const e of watcher) {
    if (e.type === "ERROR") throw new Error(e.object.message);
    if (e.type === "BOOKMARK") continue;
    events.push(`${e.type} ${e.object.metadata.name}`);
    if (events.length === 2) watcher.stop();
  }
  assert.deepEqual(events, ["ADDED watched", "DELETED watched"]);
});

Deno.test("pod eviction and binding of pods no scheduler or kubelet takes", async () => {
  const pods = clientset.coreV1().pods(ns);
  // A scheduler name no scheduler has: the cluster's scheduler (when it runs one) leaves these pods alone.
  const spec = { schedulerName: "kubeweb-nobody", containers: [{ name: "app", image: "nginx" }] };
  await pods.create({ metadata: { name: "bound" }, spec });
  await pods.bind({
    metadata: { name: "bound" },
    target: { apiVersion: "v1", kind: "Node", name: "node-a" },
  });
  assert.equal((await kubectlJson(c, ["get", "pod", "bound", "-n", ns])).spec.nodeName, "node-a");
  await pods.create({ metadata: { name: "evicted" }, spec });
  await pods.evict({ metadata: { name: "evicted", namespace: ns } });
  await waitFor("the evicted pod to go", async () => {
    const p = await kubectlJson(c, ["get", "pods", "-n", ns, "--field-selector=metadata.name=evicted"]);
    return p.items.length === 0 || p.items[0].metadata.deletionTimestamp ? true : undefined;
  });
  await pods.deleteCollection({ gracePeriodSeconds: 0 });
});

Deno.test("a group the v1.20 server lacks gives a clear NotFound", async () => {
  for (
    const call of [
      () => clientset.coordinationV1alpha2().leaseCandidates("default").list(),
      () => clientset.resourceV1().deviceClasses().get("gpu"),
      () => clientset.admissionregistrationV1().validatingAdmissionPolicies().list(),
    ]
  ) {
    const err = await call().then(() => undefined, (e) => e);
    assert.ok(err instanceof ApiError, `got ${err}`);
    assert.ok(isNotFound(err));
    assert.equal(err.code, 404);
    assert.match(
      err.message,
      /could not find the requested resource: it does not serve \w+ in [\w.]+\/v\w+ /,
    );
  }
});

Deno.test("cleanup", async () => {
  await dropNamespace(config, ns);
});
