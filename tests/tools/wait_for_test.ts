// Integration: waitFor and its conditions against status written by the real controller-manager and
// the test kubelet (never by the test), each result checked with kubectl; the retry watcher relisting
// after a real 410 from the API server.
import assert from "node:assert/strict";
import { newApiextensionsV1Client } from "../../clientset/apiextensions/v1/client.ts";
import { newAppsV1Client } from "../../clientset/apps/v1/client.ts";
import { newBatchV1Client } from "../../clientset/batch/v1/client.ts";
import { newCoreV1Client } from "../../clientset/core/v1/client.ts";
import { type ListerWatcher, listWatchFromClient } from "../../cache/listwatch.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import type { KubeObject } from "../../rest/types.ts";
import { WaitTimeoutError } from "../../retry/wait_timeout_error.ts";
import {
  crdEstablished,
  deleted,
  deploymentRolloutComplete,
  jobComplete,
  jobFailed,
  podReady,
} from "../../tools/conditions.ts";
import { newRetryWatcher } from "../../tools/retry_watcher.ts";
import { waitFor } from "../../tools/wait_for.ts";
import { WaitFailedError } from "../../tools/wait_failed_error.ts";
import {
  controlPlane,
  dropNamespace,
  getJson,
  isGone,
  kubectl,
  newNamespace,
  nginxDeployment,
  shellJob,
} from "../control_plane/_helpers.ts";

const c = await controlPlane();
const config = await loadRestConfig({ kubeconfig: c.kubeconfigPath, context: "admin" });
config.qps = 200;
config.burst = 400;

function test(name: string, fn: (ns: string) => Promise<void>): void {
  Deno.test(name, async () => {
    const ns = await newNamespace(c, "tools-wait");
    try {
      await fn(ns);
    } finally {
      await dropNamespace(c, ns);
    }
  });
}

test("waitFor(deploymentRolloutComplete): a rollout and an update, as kubectl rollout status sees them", async (ns) => {
  const deployments = newAppsV1Client(config).deployments(ns);
  await kubectl(c, ["-n", ns, "create", "-f", "-"], JSON.stringify(nginxDeployment("web", 2, "1", 2)));
  const done = await waitFor(deployments, "web", deploymentRolloutComplete, { timeoutMs: 90_000 });
  assert.equal(done?.status?.availableReplicas, 2);
  assert.match(
    await kubectl(c, ["-n", ns, "rollout", "status", "deployment/web", "--timeout=1s"]),
    /successfully rolled out/,
  );
  // A new template: the wait lasts until the new ReplicaSet has replaced the old one.
  await kubectl(c, ["-n", ns, "set", "env", "deployment/web", "VERSION=2"]);
  const updated = await waitFor(deployments, "web", deploymentRolloutComplete, { timeoutMs: 90_000 });
  assert.equal(updated?.status?.observedGeneration, 2);
  assert.equal(updated?.status?.updatedReplicas, 2);
  assert.equal(updated?.status?.replicas, 2, "no old replica left");
  const d = await getJson(c, ["-n", ns, "deployment", "web"]);
  assert.equal(d.status.observedGeneration, 2);
  assert.equal(d.status.availableReplicas, 2);
  assert.match(
    await kubectl(c, ["-n", ns, "rollout", "status", "deployment/web", "--timeout=1s"]),
    /successfully rolled out/,
  );
});

test("waitFor(podReady) and waitFor(deleted): a pod run by the kubelet, then deleted gracefully", async (ns) => {
  const pods = newCoreV1Client(config).pods(ns);
  await kubectl(
    c,
    ["-n", ns, "create", "-f", "-"],
    JSON.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: {
        terminationGracePeriodSeconds: 5,
        containers: [{ name: "main", image: "busybox", command: ["sh", "-c", "exec sleep 1000"] }],
      },
    }),
  );
  const ready = await waitFor(pods, "p", podReady, { timeoutMs: 60_000 });
  assert.equal(ready?.status?.conditions?.find((x) => x.type === "Ready")?.status, "True");
  const seen = await getJson(c, ["-n", ns, "pod", "p"]);
  assert.equal(seen.status.conditions.find((x: { type: string }) => x.type === "Ready").status, "True");
  await kubectl(c, ["-n", ns, "delete", "pod", "p", "--wait=false"]);
  assert.equal(await waitFor(pods, "p", deleted, { timeoutMs: 60_000 }), undefined);
  assert.ok(await isGone(c, ["-n", ns, "pod", "p"]));
  // Already gone: returns at once.
  assert.equal(await waitFor(pods, "p", deleted, { timeoutMs: 5_000 }), undefined);
});

test("waitFor(podReady) fails with WaitFailedError on a pod that has terminated", async (ns) => {
  await kubectl(
    c,
    ["-n", ns, "create", "-f", "-"],
    JSON.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "once" },
      spec: {
        restartPolicy: "Never",
        containers: [{ name: "main", image: "busybox", command: ["sh", "-c", "exit 0"] }],
      },
    }),
  );
  await waitFor(newCoreV1Client(config).pods(ns), "once", (p) => p?.status?.phase === "Succeeded", {
    timeoutMs: 60_000,
  });
  assert.equal((await getJson(c, ["-n", ns, "pod", "once"])).status.phase, "Succeeded");
  await assert.rejects(
    () => waitFor(newCoreV1Client(config).pods(ns), "once", podReady, { timeoutMs: 10_000 }),
    (e) => e instanceof WaitFailedError && /Pod "once" has terminated \(phase Succeeded\)/.test(e.message),
  );
});

test("waitFor(jobComplete / jobFailed): the Job controller's verdicts", async (ns) => {
  const jobs = newBatchV1Client(config).jobs(ns);
  await kubectl(c, ["-n", ns, "create", "-f", "-"], JSON.stringify(shellJob("ok", "exit 0")));
  await kubectl(c, ["-n", ns, "create", "-f", "-"], JSON.stringify(shellJob("bad", "exit 3")));
  const ok = await waitFor(jobs, "ok", jobComplete, { timeoutMs: 60_000 });
  assert.equal(ok?.status?.succeeded, 1);
  await assert.rejects(
    () => waitFor(jobs, "bad", jobComplete, { timeoutMs: 60_000 }),
    (e) => e instanceof WaitFailedError && /^Job "bad" failed: BackoffLimitExceeded/.test(e.message),
  );
  const bad = await waitFor(jobs, "bad", jobFailed, { timeoutMs: 5_000 });
  assert.equal(bad?.status?.failed, 1);
  const witness = await getJson(c, ["-n", ns, "jobs"]);
  const verdict = (name: string) =>
    witness.items.find((j: KubeObject) => j.metadata?.name === name).status.conditions
      .filter((x: { status: string }) => x.status === "True").map((x: { type: string }) => x.type);
  assert.deepEqual(verdict("ok"), ["Complete"]);
  assert.deepEqual(verdict("bad"), ["Failed"]);
});

test("waitFor(crdEstablished): a CRD created with kubectl becomes served", async (ns) => {
  const group = `${ns}.example.com`;
  const name = `widgets.${group}`;
  await kubectl(
    c,
    ["create", "-f", "-"],
    JSON.stringify({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name },
      spec: {
        group,
        names: { kind: "Widget", plural: "widgets" },
        scope: "Namespaced",
        versions: [{
          name: "v1",
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        }],
      },
    }),
  );
  try {
    const crds = newApiextensionsV1Client(config).customResourceDefinitions();
    const crd = await waitFor(crds, name, crdEstablished, { timeoutMs: 30_000 });
    assert.equal(crd?.status?.conditions?.find((x) => x.type === "Established")?.status, "True");
    assert.equal(await kubectl(c, ["-n", ns, "get", `widgets.${group}`, "-o", "name"]), "");
  } finally {
    await c.kubectl(["delete", "crd", name, "--wait=false"]);
  }
});

test("waitFor: timeoutMs ends the wait with a WaitTimeoutError naming the object", async (ns) => {
  await assert.rejects(
    () => waitFor(newCoreV1Client(config).pods(ns), "never", podReady, { timeoutMs: 1_500 }),
    (e) =>
      e instanceof WaitTimeoutError &&
      e.message === 'Timed out after 1500 ms waiting for pods "never" to meet podReady',
  );
});

Deno.test({
  name: "retry watcher: a watch from a version the server no longer has (410) relists and goes on",
  ignore: !c.canInjectFaults,
  async fn() {
    const ns = await newNamespace(c, "tools-wait");
    try {
      const cms = newCoreV1Client(config).configMaps(ns);
      await cms.create({ metadata: { name: "kept" }, data: { v: "0" } });
      const old = (await cms.get("kept")).metadata.resourceVersion;
      await cms.create({ metadata: { name: "dropped" } });
      await cms.delete("dropped");
      // etcd forgets every revision before now, and the restarted server's watch cache starts at the
      // current one: a watch from `old` is answered 410 Gone.
      await c.compactEtcd();
      await c.stopApiserver();
      await c.startApiserver();
      const calls: string[] = [];
      const inner = listWatchFromClient(cms);
      const lw: ListerWatcher<KubeObject> = {
        list: (o, s) => (calls.push(`list rv=${o.resourceVersion}`), inner.list(o, s)),
        watch: (o, s) => (calls.push(`watch rv=${o.resourceVersion}`), inner.watch(o, s)),
      };
      const events: string[] = [];
      for await (const e of newRetryWatcher(lw, { resourceVersion: old })) {
        events.push(`${e.type} ${e.object.metadata?.name}`);
        if (events.length === 1) await kubectl(c, ["-n", ns, "label", "configmap", "kept", "touched=yes"]);
        if (events.length === 2) break;
      }
      // The watch from `old` expired: a list followed, its state came out as events (the deleted
      // "dropped" never shows), then a watch from the list's version delivered kubectl's change.
      assert.equal(calls[0], `watch rv=${old}`);
      assert.equal(calls[1], "list rv=", calls.join(", "));
      assert.deepEqual(events, ["ADDED kept", "MODIFIED kept"]);
      assert.equal((await getJson(c, ["-n", ns, "configmap", "kept"])).metadata.labels.touched, "yes");
    } finally {
      await dropNamespace(c, ns);
    }
  },
});
