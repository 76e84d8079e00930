// Integration test (needs the shared test cluster with its kube-controller-manager): garbage collection
// by ownerReferences and namespace deletion, compared between the real control plane and the fake with
// `garbageCollection: true`. Controllers act asynchronously, so what is compared is the state both reach
// (the names left, their ownerReferences), normalised as in _normalise.ts, not each answer.
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import { newClientset } from "../../clientset/clientset.ts";
import type { Clientset } from "../../clientset/clientset.ts";
import { newFakeCluster } from "../../testing/mod.ts";
import { isNotFound } from "../../rest/errors.ts";
import { Normaliser } from "./_normalise.ts";

const c = await getTestCluster();
await c.ensureParts(["controller-manager"]);
const realCs = newClientset({
  ...await loadRestConfig({ kubeconfig: c.kubeconfigPath, context: "admin" }),
  qps: -1,
});

async function settle<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function ownerScenario(cs: Clientset, ns: string, policy: "Background" | "Orphan"): Promise<unknown> {
  await cs.coreV1().namespaces().create({ metadata: { name: ns } });
  const cms = cs.coreV1().configMaps(ns);
  const owner = await cms.create({ metadata: { name: "owner" } });
  const other = await cms.create({ metadata: { name: "other-owner" } });
  const ref = (o: typeof owner) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    name: o.metadata!.name!,
    uid: o.metadata!.uid!,
  });
  await cms.create({ metadata: { name: "only-child", ownerReferences: [ref(owner)] } });
  await cms.create({ metadata: { name: "two-parents", ownerReferences: [ref(owner), ref(other)] } });
  await cms.delete("owner", { propagationPolicy: policy });
  const want = policy === "Background" ? 2 : 3; // other-owner, two-parents (+ only-child when orphaned)
  const list = await settle(() => cms.list(), (l) =>
    l.items.length === want &&
    l.items.every((i) => (i.metadata?.ownerReferences ?? []).every((r) => r.name !== "owner")));
  const n = new Normaliser();
  return list.items.map((i) =>
    n.normalise({ name: i.metadata?.name, ownerReferences: i.metadata?.ownerReferences })
  );
}

for (const policy of ["Background", "Orphan"] as const) {
  Deno.test(`garbage collection (${policy}) reaches the same state on the control plane and the fake`, async () => {
    const ns = `gc-${policy.toLowerCase()}-${crypto.randomUUID().slice(0, 6)}`;
    const real = await ownerScenario(realCs, ns, policy);
    const fake = await newFakeCluster({ garbageCollection: true });
    const got = await ownerScenario(newClientset(fake.config, fake.clientOptions), ns, policy);
    fake.close();
    assert.deepEqual(got, real);
  });
}

Deno.test("namespace deletion removes the contents and then the namespace on both", async () => {
  const run = async (cs: Clientset, ns: string) => {
    await cs.coreV1().namespaces().create({ metadata: { name: ns } });
    await cs.coreV1().configMaps(ns).create({ metadata: { name: "a" } });
    await cs.coreV1().secrets(ns).create({ metadata: { name: "s" }, stringData: { k: "v" } });
    await cs.coreV1().namespaces().delete(ns);
    const gone = await settle(
      () => cs.coreV1().namespaces().get(ns).then(() => false, (e) => isNotFound(e)),
      (v) => v,
    );
    const left = (await cs.coreV1().configMaps(ns).list()).items.length;
    return { gone, left };
  };
  const ns = `gc-ns-${crypto.randomUUID().slice(0, 6)}`;
  const real = await run(realCs, ns);
  const fake = await newFakeCluster({ garbageCollection: true });
  const got = await run(newClientset(fake.config, fake.clientOptions), ns);
  fake.close();
  assert.deepEqual(real, { gone: true, left: 0 });
  assert.deepEqual(got, real);
});
