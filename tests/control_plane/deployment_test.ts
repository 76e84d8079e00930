// Integration: the controller-manager turns a Deployment into a ReplicaSet and Pods, the scheduler binds
// them to the test kubelet's node and the kubelet runs them; checked with kubectl.
import assert from "node:assert/strict";
import {
  controlPlane,
  dropNamespace,
  getJson,
  kubectl,
  newNamespace,
  nginxDeployment,
  waitFor,
} from "./_helpers.ts";

const c = await controlPlane();

Deno.test("a Deployment rolls out with every replica Ready and kubectl rollout status agrees", async () => {
  const ns = await newNamespace(c, "cp-deploy");
  try {
    await kubectl(c, ["-n", ns, "create", "-f", "-"], JSON.stringify(nginxDeployment("web", 3, "1", 5)));
    const out = await kubectl(c, ["-n", ns, "rollout", "status", "deployment/web", "--timeout=90s"]);
    assert.match(out, /successfully rolled out/);
    const d = await getJson(c, ["-n", ns, "deployment", "web"]);
    assert.equal(d.status.readyReplicas, 3);
    assert.equal(d.status.updatedReplicas, 3);
    assert.equal(d.status.availableReplicas, 3);
    const pods = await getJson(c, ["-n", ns, "pods", "-l", "app=web"]);
    assert.equal(pods.items.length, 3);
    for (const p of pods.items) {
      assert.equal(p.status.phase, "Running");
      assert.ok(p.spec.nodeName, "bound to a node");
      assert.equal(p.status.conditions.find((x: { type: string }) => x.type === "Ready").status, "True");
      assert.equal(p.status.containerStatuses[0].ready, true);
      assert.ok(p.status.containerStatuses[0].state.running.startedAt);
      assert.equal(p.metadata.ownerReferences[0].kind, "ReplicaSet");
    }
  } finally {
    await dropNamespace(c, ns);
  }
});

Deno.test("changing a Deployment's template rolls out a new ReplicaSet and scales the old one to zero", async () => {
  const ns = await newNamespace(c, "cp-rollout");
  try {
    await kubectl(c, ["-n", ns, "create", "-f", "-"], JSON.stringify(nginxDeployment("web", 2, "1", 5)));
    await kubectl(c, ["-n", ns, "rollout", "status", "deployment/web", "--timeout=90s"]);
    await kubectl(c, ["-n", ns, "set", "env", "deployment/web", "VERSION=2"]);
    const out = await kubectl(c, ["-n", ns, "rollout", "status", "deployment/web", "--timeout=90s"]);
    assert.match(out, /successfully rolled out/);
    const rs = await getJson(c, ["-n", ns, "replicasets", "-l", "app=web"]);
    assert.equal(rs.items.length, 2);
    const replicas = rs.items.map((r: { spec: { replicas: number } }) => r.spec.replicas).sort();
    assert.deepEqual(replicas, [0, 2]);
    // The old pods end (the kubelet honours their deletion); only the new template's remain.
    await waitFor("only the new pods to remain", async () => {
      const pods = await getJson(c, ["-n", ns, "pods", "-l", "app=web"]);
      const versions = pods.items.map((p: { spec: { containers: { env: { value: string }[] }[] } }) =>
        p.spec.containers[0].env[0].value
      );
      return versions.length === 2 && versions.every((v: string) => v === "2") ? true : undefined;
    });
  } finally {
    await dropNamespace(c, ns);
  }
});

Deno.test("the controller-manager creates a new namespace's default ServiceAccount", async () => {
  const ns = await newNamespace(c, "cp-sa");
  try {
    const sa = await waitFor("the default ServiceAccount", async () => {
      const out = await c.kubectl(["-n", ns, "get", "serviceaccount", "default", "-o", "json"]);
      return out.code === 0 ? JSON.parse(out.stdout) : undefined;
    });
    assert.equal(sa.metadata.name, "default");
  } finally {
    await dropNamespace(c, ns);
  }
});
