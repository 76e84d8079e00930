// Integration: the namespace controller deletes a namespace's contents first (waiting for the kubelet to
// end its pods) and only then the namespace itself; checked with kubectl.
import assert from "node:assert/strict";
import { controlPlane, getJson, isGone, kubectl, newNamespace, shellPod, waitFor } from "./_helpers.ts";

const c = await controlPlane();

Deno.test("deleting a namespace removes its contents and then the namespace", async () => {
  const ns = await newNamespace(c, "cp-ns");
  await kubectl(c, ["-n", ns, "create", "configmap", "cm", "--from-literal=k=v"]);
  await kubectl(c, ["-n", ns, "create", "secret", "generic", "s", "--from-literal=k=v"]);
  await kubectl(c, ["-n", ns, "create", "deployment", "web", "--image=nginx", "--replicas=2"]);
  // A pod that ignores SIGTERM holds the namespace in Terminating for its grace period.
  await kubectl(
    c,
    ["-n", ns, "create", "-f", "-"],
    JSON.stringify(shellPod("stubborn", "trap '' TERM; while true; do sleep 1; done", {
      terminationGracePeriodSeconds: 3,
    })),
  );
  await kubectl(c, ["-n", ns, "rollout", "status", "deployment/web", "--timeout=90s"]);
  await kubectl(c, ["-n", ns, "wait", "--for=condition=Ready", "pod/stubborn", "--timeout=90s"]);
  await kubectl(c, ["delete", "namespace", ns, "--wait=false"]);
  // While the namespace is Terminating, its contents are being deleted and the pod is still ending.
  const seen = await waitFor("the namespace Terminating while its pod ends", async () => {
    const n = await getJson(c, ["namespace", ns]);
    const pod = await c.kubectl(["-n", ns, "get", "pod", "stubborn", "-o", "json"]);
    if (pod.code !== 0) return undefined;
    const p = JSON.parse(pod.stdout);
    return n.status.phase === "Terminating" && p.metadata.deletionTimestamp ? { n, p } : undefined;
  });
  assert.deepEqual(seen.n.spec.finalizers, ["kubernetes"]);
  await waitFor(
    "the namespace to be gone",
    async () => await isGone(c, ["namespace", ns]) || undefined,
    90_000,
  );
  for (const kind of ["pods", "configmaps", "secrets", "deployments", "replicasets", "serviceaccounts"]) {
    const left = await getJson(c, ["-n", ns, kind]);
    assert.equal(left.items.length, 0, `${kind} left in ${ns}`);
  }
});
