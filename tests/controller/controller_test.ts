// Integration tests (need the real cluster): the controller runtime reconciling ConfigMaps into child
// ConfigMaps, with every reconcile recorded by the test's own reconcile function; results checked
// through fresh lists and kubectl.
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";
import { newSharedInformerFactory } from "../../cache/informer_factory.ts";
import { newClientset } from "../../clientset/clientset.ts";
import type { ConfigMap } from "../../clientset/core/v1/types.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import { transportFor } from "../../rest/transport_for.ts";
import { seededRandom } from "../../_internal/seeded_random.ts";
import { pollUntil } from "../../retry/poll_until.ts";
import { Manager } from "../../controller/mod.ts";
import {
  FINALIZER,
  mirrorController,
  overlappingReconciles,
  type ReconcileRecord,
  SOURCE_LABEL,
} from "./_mirror_controller.ts";

const c = await getTestCluster();
const config = { ...await loadRestConfig({ kubeconfig: c.kubeconfigPath }), qps: 500, burst: 1000 };
const clientset = newClientset(config);

async function namespace(prefix: string): Promise<string> {
  const name = `${prefix}-${crypto.randomUUID().slice(0, 6)}`;
  await clientset.coreV1().namespaces().create({ metadata: { name } });
  return name;
}

function startManager(ns: string, record: ReconcileRecord[], failRate = 0, seed = 1) {
  const manager = new Manager({
    informerFactory: newSharedInformerFactory(clientset, { namespace: ns }),
    logSink: () => {},
  });
  manager.add(mirrorController({
    clientset,
    namespace: ns,
    replica: "local",
    record: (r) => record.push(r),
    failRate,
    random: seededRandom(seed),
    concurrency: 4,
  }));
  const stop = new AbortController();
  const running = manager.run(stop.signal);
  return {
    manager,
    stop: async () => {
      stop.abort();
      await running;
    },
  };
}

async function childrenOk(ns: string, sources: Map<string, Record<string, string>>): Promise<string[]> {
  const list = await clientset.coreV1().configMaps(ns).list();
  const byName = new Map(list.items.map((cm) => [cm.metadata!.name!, cm]));
  const bad: string[] = [];
  for (const [name, data] of sources) {
    const child = byName.get(`${name}-child`);
    const source = byName.get(name);
    if (!child || !source) {
      bad.push(`${name}: ${child ? "source" : "child"} missing`);
      continue;
    }
    const ref = child.metadata?.ownerReferences?.find((r) => r.controller);
    if (ref?.uid !== source.metadata?.uid) bad.push(`${name}: child not controlled by its source`);
    const canon = (d: Record<string, string | undefined>) => JSON.stringify(Object.entries(d).sort());
    if (canon(child.data ?? {}) !== canon(data)) bad.push(`${name}: child data differs`);
  }
  return bad;
}

Deno.test("300 sources reconciled to their children with 20 % random failures, no key ever reconciled concurrently", async () => {
  const ns = await namespace("ctrl-300");
  const record: ReconcileRecord[] = [];
  const m = startManager(ns, record, 0.2, 42);
  try {
    const sources = new Map<string, Record<string, string>>();
    const cms = clientset.coreV1().configMaps(ns);
    await Promise.all(Array.from({ length: 300 }, async (_, i) => {
      const data = { index: String(i), colour: ["red", "green", "blue"][i % 3] };
      sources.set(`src-${i}`, data);
      await cms.create({ metadata: { name: `src-${i}`, labels: { [SOURCE_LABEL]: "true" } }, data });
    }));
    // Change a third of them while the controller works.
    await Promise.all(Array.from({ length: 100 }, async (_, i) => {
      const data = { ...sources.get(`src-${i * 3}`)!, changed: "yes" };
      sources.set(`src-${i * 3}`, data);
      await cms.patch(`src-${i * 3}`, "merge", { data });
    }));
    let bad: string[] = [];
    await pollUntil(500, async () => (bad = await childrenOk(ns, sources)).length === 0, {
      immediate: true,
      timeoutMs: 120_000,
    }).catch(() => assert.fail(`did not converge: ${bad.slice(0, 5).join("; ")} (${bad.length} bad)`));
    const ends = record.filter((r) => r.ev === "end");
    const injected = ends.filter((r) => r.outcome === "injected").length;
    console.log(
      `reconciles: ${ends.length}, injected failures: ${injected} (${
        (100 * injected / ends.length).toFixed(1)
      } %)`,
    );
    assert.ok(injected > 30, `only ${injected} injected failures`);
    assert.deepEqual(overlappingReconciles(record), [], "a key was reconciled twice at once");
    // Independent witness: kubectl counts the children.
    const out = await c.kubectl(["get", "configmaps", "-n", ns, "-o", "name"]);
    assert.equal(out.stdout.split("\n").filter((l) => l.endsWith("-child")).length, 300);
  } finally {
    await m.stop();
  }
});

Deno.test("a child deleted by kubectl is recreated through owns; a source deleted by kubectl is cleaned up and its finalizer removed", async () => {
  const ns = await namespace("ctrl-owns");
  const record: ReconcileRecord[] = [];
  const m = startManager(ns, record);
  try {
    const cms = clientset.coreV1().configMaps(ns);
    for (const name of ["keep", "drop"]) {
      await cms.create({ metadata: { name, labels: { [SOURCE_LABEL]: "true" } }, data: { name } });
    }
    const childOf = async (name: string) => {
      try {
        return await cms.get(`${name}-child`);
      } catch {
        return undefined;
      }
    };
    await pollUntil(
      100,
      async () => (await childOf("keep")) !== undefined && (await childOf("drop")) !== undefined,
      {
        immediate: true,
        timeoutMs: 20_000,
      },
    );
    const source = await cms.get("drop");
    assert.deepEqual(source.metadata?.finalizers, [FINALIZER]);

    const first = await childOf("keep");
    const del = await c.kubectl(["delete", "configmap", "keep-child", "-n", ns]);
    assert.equal(del.code, 0, del.stderr);
    await pollUntil(100, async () => {
      const again = await childOf("keep");
      return again !== undefined && again.metadata?.uid !== first!.metadata?.uid;
    }, { immediate: true, timeoutMs: 20_000 });
    const recreated = await c.kubectl([
      "get",
      "configmap",
      "keep-child",
      "-n",
      ns,
      "-o",
      "jsonpath={.data.name}",
    ]);
    assert.equal(recreated.stdout, "keep");

    const gone = await c.kubectl(["delete", "configmap", "drop", "-n", ns, "--wait=true", "--timeout=20s"]);
    assert.equal(gone.code, 0, gone.stderr);
    const check = await c.kubectl([
      "get",
      "configmap",
      "drop",
      "drop-child",
      "-n",
      ns,
      "--ignore-not-found",
      "-o",
      "name",
    ]);
    assert.equal(check.stdout.trim(), "", "the source or its child is still there");
    assert.ok(record.some((r) => r.key === `${ns}/drop` && r.did === "cleaned"), "cleanup did not run");
    const keep = (await c.kubectl(["get", "configmap", "keep-child", "-n", ns, "-o", "name"])).stdout.trim();
    assert.equal(keep, "configmap/keep-child");
  } finally {
    await m.stop();
  }
});

Deno.test("metrics and readiness over the running manager", async () => {
  const ns = await namespace("ctrl-metrics");
  const { MetricsRegistry } = await import("../../controller/metrics.ts");
  const metrics = new MetricsRegistry();
  // rest_client_requests_total: the clientset's requests go through an instrumented transport.
  const counted = newClientset(config, { transport: metrics.instrumentTransport(transportFor(config)) });
  const manager = new Manager({
    informerFactory: newSharedInformerFactory(counted, { namespace: ns }),
    logSink: () => {},
    metrics,
  });
  const record: ReconcileRecord[] = [];
  manager.add(mirrorController({ clientset, namespace: ns, replica: "m", record: (r) => record.push(r) }));
  const stop = new AbortController();
  const running = manager.run(stop.signal);
  try {
    await clientset.coreV1().configMaps(ns).create(
      { metadata: { name: "a", labels: { [SOURCE_LABEL]: "true" } }, data: {} } as ConfigMap,
    );
    await pollUntil(100, () => record.some((r) => r.ev === "end" && r.did === "applied"), {
      immediate: true,
      timeoutMs: 20_000,
    });
    assert.equal(manager.readinessHandler(new Request("http://x/readyz")).status, 200);
    const text = await metrics.handler(new Request("http://x/metrics")).text();
    assert.match(text, /controller_runtime_reconcile_total\{controller="mirror",result="success"\} \d+/);
    assert.match(text, /workqueue_adds_total\{name="mirror"\} \d+/);
    assert.match(
      text,
      /controller_runtime_reconcile_time_seconds_bucket\{controller="mirror",le="\+Inf"\} \d+/,
    );
  } finally {
    stop.abort();
    await running;
  }
});
