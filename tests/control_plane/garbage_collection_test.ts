// Integration: the garbage collector of the controller-manager removes dependents by ownerReferences when
// their owner is deleted with propagationPolicy Background; checked with kubectl.
import assert from "node:assert/strict";
import { controlPlane, dropNamespace, getJson, isGone, kubectl, newNamespace, waitFor } from "./_helpers.ts";

const c = await controlPlane();

/** DELETE with propagationPolicy Background, through kubectl's raw API access. */
async function deleteWith(path: string, propagationPolicy: string): Promise<void> {
  const body = JSON.stringify({ apiVersion: "v1", kind: "DeleteOptions", propagationPolicy });
  const dir = await Deno.makeTempDir({ prefix: "kubeweb-gc-test-" });
  try {
    await Deno.writeTextFile(`${dir}/options.json`, body);
    await kubectl(c, ["delete", "--raw", path, "-f", `${dir}/options.json`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("deleting an owner with propagationPolicy Background removes its dependents", async () => {
  const ns = await newNamespace(c, "cp-gc");
  try {
    await kubectl(c, ["-n", ns, "create", "configmap", "owner", "--from-literal=k=v"]);
    const owner = await getJson(c, ["-n", ns, "configmap", "owner"]);
    const ref = { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata.uid };
    const dependents = [
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dep-cm", ownerReferences: [ref] } },
      { apiVersion: "v1", kind: "Secret", metadata: { name: "dep-secret", ownerReferences: [ref] } },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "bystander" } },
    ];
    await kubectl(
      c,
      ["-n", ns, "create", "-f", "-"],
      JSON.stringify({ apiVersion: "v1", kind: "List", items: dependents }),
    );
    await deleteWith(`/api/v1/namespaces/${ns}/configmaps/owner`, "Background");
    assert.ok(await isGone(c, ["-n", ns, "configmap", "owner"]), "the owner is deleted at once");
    await waitFor("the dependents to be collected", async () => {
      const gone = await isGone(c, ["-n", ns, "configmap", "dep-cm"]) &&
        await isGone(c, ["-n", ns, "secret", "dep-secret"]);
      return gone ? true : undefined;
    });
    assert.equal(
      await isGone(c, ["-n", ns, "configmap", "bystander"]),
      false,
      "objects without the owner stay",
    );
  } finally {
    await dropNamespace(c, ns);
  }
});

Deno.test("deleting a Deployment with propagationPolicy Background removes its ReplicaSet and Pods", async () => {
  const ns = await newNamespace(c, "cp-gc-deploy");
  try {
    await kubectl(c, ["-n", ns, "create", "deployment", "web", "--image=nginx", "--replicas=2"]);
    await kubectl(c, ["-n", ns, "rollout", "status", "deployment/web", "--timeout=90s"]);
    const rs = await getJson(c, ["-n", ns, "replicasets", "-l", "app=web"]);
    assert.equal(rs.items.length, 1);
    await deleteWith(`/apis/apps/v1/namespaces/${ns}/deployments/web`, "Background");
    await waitFor("the ReplicaSet and the Pods to be collected", async () => {
      const left = await getJson(c, ["-n", ns, "replicasets,pods", "-l", "app=web"]);
      return left.items.length === 0 ? true : undefined;
    });
  } finally {
    await dropNamespace(c, ns);
  }
});

Deno.test("deleting an owner with propagationPolicy Orphan keeps its dependents and drops their reference", async () => {
  const ns = await newNamespace(c, "cp-gc-orphan");
  try {
    await kubectl(c, ["-n", ns, "create", "configmap", "owner"]);
    const owner = await getJson(c, ["-n", ns, "configmap", "owner"]);
    const ref = { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata.uid };
    await kubectl(
      c,
      ["-n", ns, "create", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "dep", ownerReferences: [ref] },
      }),
    );
    await deleteWith(`/api/v1/namespaces/${ns}/configmaps/owner`, "Orphan");
    await waitFor(
      "the owner to be deleted",
      async () => await isGone(c, ["-n", ns, "configmap", "owner"]) || undefined,
    );
    const dep = await getJson(c, ["-n", ns, "configmap", "dep"]);
    assert.equal(dep.metadata.ownerReferences, undefined);
  } finally {
    await dropNamespace(c, ns);
  }
});
