// Integration test (needs the real cluster): events written by the recorder through the clientset are
// seen by `kubectl get events`, with repeats counted and similar events combined.
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";
import { newClientset } from "../../clientset/clientset.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import { newEventBroadcaster } from "../../record/mod.ts";

const c = await getTestCluster();

interface KubectlEvent {
  metadata: { name: string; namespace: string };
  involvedObject: { kind: string; name: string; namespace?: string; uid?: string };
  reason: string;
  message: string;
  count: number;
  type: string;
  source: { component?: string; host?: string };
  firstTimestamp: string;
  lastTimestamp: string;
}

async function eventsAbout(name: string): Promise<KubectlEvent[]> {
  const out = await c.kubectl([
    "get",
    "events",
    "-n",
    "default",
    "--field-selector",
    `involvedObject.name=${name}`,
    "-o",
    "json",
  ]);
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout).items;
}

Deno.test("recorded events reach the API server, repeats counted and similar ones combined", async () => {
  const name = `rec-${crypto.randomUUID().slice(0, 8)}`;
  const created = await c.kubectl(["create", "configmap", name, "-n", "default", "--from-literal=a=b"]);
  assert.equal(created.code, 0, created.stderr);
  const clientset = newClientset(await loadRestConfig({ kubeconfig: c.kubeconfigPath }));
  const cm = await clientset.coreV1().configMaps("default").get(name);
  // A GET of one object carries kind and apiVersion; make sure the recorder gets them either way.
  const subject = { ...cm, apiVersion: "v1", kind: "ConfigMap" };

  const errors: string[] = [];
  const broadcaster = newEventBroadcaster({ logger: { error: (m, e) => errors.push(`${m}: ${e}`) } });
  broadcaster.startRecordingToSink(clientset.coreV1());
  const recorder = broadcaster.newRecorder({ component: "kubeweb-test", host: "test-host" });
  try {
    for (let i = 0; i < 5; i++) {
      recorder.event(subject, "Normal", "Synced", "ConfigMap synced");
      await new Promise((r) => setTimeout(r, 20));
    }
    for (let i = 1; i <= 12; i++) {
      recorder.eventf(subject, "Warning", "FailedCheck", "check %d failed", i);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await broadcaster.shutDown();
  }
  assert.deepEqual(errors, []);

  const events = await eventsAbout(name);
  const synced = events.filter((e) => e.reason === "Synced");
  assert.equal(synced.length, 1, JSON.stringify(synced));
  assert.equal(synced[0].count, 5);
  assert.equal(synced[0].type, "Normal");
  assert.equal(synced[0].message, "ConfigMap synced");
  assert.deepEqual(synced[0].source, { component: "kubeweb-test", host: "test-host" });
  assert.equal(synced[0].involvedObject.kind, "ConfigMap");
  assert.equal(synced[0].involvedObject.uid, cm.metadata?.uid);
  assert.match(synced[0].metadata.name, new RegExp(`^${name}\\.[0-9a-f]+$`));

  const failed = events.filter((e) => e.reason === "FailedCheck");
  const single = failed.filter((e) => !e.message.startsWith("(combined"));
  const combined = failed.filter((e) => e.message.startsWith("(combined from similar events): "));
  assert.equal(single.length, 9, JSON.stringify(single.map((e) => e.message)));
  assert.equal(combined.length, 1);
  assert.equal(combined[0].count, 3);
  assert.equal(combined[0].message, "(combined from similar events): check 12 failed");

  // kubectl's table shows the count too.
  const table = await c.kubectl([
    "get",
    "events",
    "-n",
    "default",
    "--field-selector",
    `involvedObject.name=${name}`,
  ]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /ConfigMap synced/);
  await c.kubectl(["delete", "configmap", name, "-n", "default"]);
});
