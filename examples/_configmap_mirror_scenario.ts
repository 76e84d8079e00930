/**
 * The unit-test scenario of the demo controller against the fake cluster, runtime-neutral so Deno,
 * Bun and Node run the same code: a labelled ConfigMap gets a mirror (same data, controlled by the
 * source), a change of the source reaches the mirror, a deleted source takes its mirror with it
 * (through the controller's finalizer), and on stop the controller releases its lease.
 *
 * @module
 */
import { newFakeCluster } from "../testing/mod.ts";
import { newClientset } from "../clientset/clientset.ts";
import type { ConfigMap } from "../clientset/core/v1/types.ts";
import type { WatchEvent } from "../rest/types.ts";
import { FINALIZER, MIRROR_OF_LABEL, runConfigMapMirror, SOURCE_LABEL } from "./configmap_mirror.ts";

/** What the scenario observed. */
export interface MirrorScenarioResult {
  /** Milliseconds from the controller's start to the end of the scenario. */
  ms: number;
  /** The checks that held, in order. */
  checks: string[];
}

function check(ok: boolean, what: string, checks: string[]): void {
  if (!ok) throw new Error(`demo controller on the fake cluster: ${what} did not hold`);
  checks.push(what);
}

/** Runs the scenario; rejects with the first check that fails. */
export async function runMirrorScenario(): Promise<MirrorScenarioResult> {
  const cluster = await newFakeCluster({
    objects: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } }],
  });
  const cs = newClientset(cluster.config, cluster.clientOptions);
  const cms = cs.coreV1().configMaps("demo");
  const checks: string[] = [];
  const stop = new AbortController();
  const start = performance.now();
  // Every change in the namespace, in order: the scenario waits on events, never on the wall clock.
  const watcher = await cms.watch({ resourceVersion: cluster.resourceVersion });
  const events = watcher[Symbol.asyncIterator]();
  const until = async (what: string, pred: (e: WatchEvent<ConfigMap>) => boolean) => {
    for (;;) {
      const next = await Promise.race([
        events.next(),
        running.then(() => {
          throw new Error(`demo controller on the fake cluster: it stopped before ${what}`);
        }),
      ]);
      if (next.done) throw new Error(`demo controller on the fake cluster: the watch ended before ${what}`);
      if (pred(next.value)) return next.value;
    }
  };
  const running = runConfigMapMirror({
    clientset: cs,
    namespace: "demo",
    identity: "test",
    signal: stop.signal,
    log: () => {},
  });
  try {
    await cms.create({
      metadata: { name: "app", labels: { [SOURCE_LABEL]: "true" } },
      data: { colour: "blue" },
    });
    const added = await until(
      "the mirror was created",
      (e) => e.type === "ADDED" && e.object.metadata?.name === "app-mirror",
    );
    const mirror = added.object as ConfigMap;
    check(mirror.data?.colour === "blue", "the mirror has the source's data", checks);
    check(mirror.metadata?.labels?.[MIRROR_OF_LABEL] === "app", "the mirror names its source", checks);
    const source = await cms.get("app");
    check(
      mirror.metadata?.ownerReferences?.[0]?.uid === source.metadata?.uid &&
        mirror.metadata?.ownerReferences?.[0]?.controller === true,
      "the source controls the mirror",
      checks,
    );
    check(
      source.metadata?.finalizers?.includes(FINALIZER) === true,
      "the source carries the finalizer",
      checks,
    );
    const managers = (mirror.metadata?.managedFields ?? []).map((m) => (m as { manager: string }).manager);
    check(
      managers.includes("kubeweb-configmap-mirror"),
      "the mirror was written by server-side apply",
      checks,
    );

    await cms.update({ ...source, data: { colour: "green" } });
    await until(
      "the mirror followed the source",
      (e) =>
        e.type === "MODIFIED" && e.object.metadata?.name === "app-mirror" &&
        e.object.data?.colour === "green",
    );
    checks.push("a change of the source reaches the mirror");

    await cms.delete("app");
    await until(
      "the mirror was deleted",
      (e) => e.type === "DELETED" && e.object.metadata?.name === "app-mirror",
    );
    await until("the source was released", (e) => e.type === "DELETED" && e.object.metadata?.name === "app");
    checks.push("a deleted source takes its mirror with it");
  } finally {
    stop.abort();
    await running;
    watcher.stop();
  }
  const lease = await cs.coordinationV1().leases("demo").get("configmap-mirror");
  check(!lease.spec?.holderIdentity, "the lease is released on stop", checks);
  cluster.close();
  return { ms: Math.round(performance.now() - start), checks };
}
