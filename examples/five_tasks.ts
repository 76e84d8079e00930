/**
 * The five tasks most programs do with a Kubernetes client, written as a user would: list pods, run an
 * informer with handlers, server-side apply, a workqueue worker, and leader election. The file is
 * type-checked by `deno task check` and contains no non-null assertions and no casts: objects the
 * server returned have their metadata, patch bodies are typed by patch type, and everything that runs
 * long takes a signal and cleans up with `await using`. `tests/examples/five_tasks_test.ts` runs it
 * against the test cluster.
 *
 * @module
 */
import { DeletedFinalStateUnknown, newSharedInformerFactory } from "@kubeweb/client/cache";
import { type Clientset, newClientset } from "@kubeweb/client/clientset";
import type { ConfigMap, Pod } from "@kubeweb/client/clientset/core/v1";
import { LeaderElector, LeaseLock } from "@kubeweb/client/leaderelection";
import type { Stored } from "@kubeweb/client/meta";
import { isNotFound, type RestConfig } from "@kubeweb/client/rest";
import { defaultControllerRateLimiter, newRateLimitingQueue } from "@kubeweb/client/workqueue";

/** What the tasks saw, for the test that runs them. */
export interface FiveTasksReport {
  /** Task 1: "namespace/name phase" of each pod listed. */
  listed: string[];
  /** Task 2: the informer's events, "add|update|delete name". */
  events: string[];
  /** Task 3: the applied ConfigMap's uid and resourceVersion. */
  applied: { uid: string; resourceVersion: string; data: Record<string, string> };
  /** Task 4: the keys the worker reconciled. */
  reconciled: string[];
  /** Task 5: the identity that led. */
  leader: string;
}

/** Task 1: list the pods of a namespace with a label selector. */
export async function listPods(
  clientset: Clientset,
  namespace: string,
  signal: AbortSignal,
): Promise<string[]> {
  const pods = await clientset.coreV1().pods(namespace).list({ labelSelector: "app=web", signal });
  return pods.items.map((pod) => `${pod.metadata.namespace}/${pod.metadata.name} ${pod.status?.phase ?? ""}`);
}

/**
 * Task 2: an informer with handlers, from a shared informer factory; `await using` shuts the factory
 * down on the way out. Records the events `change` causes, until the informer has seen a deletion.
 */
export async function watchPods(
  clientset: Clientset,
  namespace: string,
  signal: AbortSignal,
  change: () => Promise<void>,
): Promise<string[]> {
  const events: string[] = [];
  await using factory = newSharedInformerFactory(clientset, { namespace });
  const pods = factory.core().v1().pods();
  pods.informer().addEventHandler({
    onAdd: (pod) => void events.push(`add ${pod.metadata.name}`),
    onUpdate: (_old, pod) => void events.push(`update ${pod.metadata.name}`),
    // A delete the informer missed (during a relist) comes as a tombstone with the object's key.
    onDelete: (pod) =>
      void events.push(`delete ${pod instanceof DeletedFinalStateUnknown ? pod.key : pod.metadata.name}`),
  });
  factory.start(signal);
  const synced = await factory.waitForCacheSync(signal); // throws a CacheSyncError naming what did not sync
  console.log("synced", Object.keys(synced), "pods cached:", pods.lister().list().length);
  await change();
  while (!events.some((e) => e.startsWith("delete "))) {
    signal.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return events;
}

/** Task 3: server-side apply of a ConfigMap, then a typed merge patch of it. */
export async function applySettings(
  clientset: Clientset,
  namespace: string,
  signal: AbortSignal,
): Promise<Stored<ConfigMap, true>> {
  const configMaps = clientset.coreV1().configMaps(namespace);
  const applied = await configMaps.apply({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "settings", namespace, labels: { app: "web" } },
    data: { mode: "fast" },
  }, { fieldManager: "five-tasks", force: true, signal });
  console.log("applied", applied.metadata.uid, "at", applied.metadata.resourceVersion);
  // A merge patch is a partial ConfigMap (null deletes a key); a JSON patch a list of operations.
  await configMaps.patch("settings", "merge", { data: { level: "2" } }, { signal });
  return await configMaps.patch("settings", "json", [{ op: "add", path: "/data/checked", value: "yes" }], {
    signal,
  });
}

/**
 * Task 4: a workqueue worker that reconciles pod keys with retries; the queue is shut down by
 * `await using`, and `get({ signal })` stops waiting when the signal aborts.
 */
export async function runWorker(
  clientset: Clientset,
  keys: string[],
  signal: AbortSignal,
): Promise<string[]> {
  const reconciled: string[] = [];
  await using queue = newRateLimitingQueue<string>(defaultControllerRateLimiter(), { name: "pods" });
  for (const key of keys) queue.add(key);
  const reconcile = async (key: string): Promise<void> => {
    const [namespace, name] = key.split("/");
    try {
      const pod: Stored<Pod, true> = await clientset.coreV1().pods(namespace).get(name, { signal });
      reconciled.push(`${pod.metadata.namespace}/${pod.metadata.name}@${pod.metadata.uid}`);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      reconciled.push(`${key} gone`);
    }
  };
  while (queue.len() > 0) {
    const { item, shutdown } = await queue.get({ signal });
    if (shutdown) break;
    try {
      await reconcile(item);
      queue.forget(item);
    } catch (e) {
      console.error("reconcile", item, "failed:", e);
      queue.addRateLimited(item);
    } finally {
      queue.done(item);
    }
  }
  return reconciled;
}

/** Task 5: leader election over a Lease; the work runs while leading, `await using` stops the elector. */
export async function leadOnce(
  clientset: Clientset,
  namespace: string,
  identity: string,
  signal: AbortSignal,
  work: (leading: AbortSignal) => Promise<void>,
): Promise<string> {
  let leader = "";
  await using elector = new LeaderElector({
    lock: new LeaseLock({ client: clientset.coordinationV1(), namespace, name: "five-tasks", identity }),
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    releaseOnCancel: true,
    callbacks: {
      onStartedLeading: async (leading) => {
        await work(leading);
        stop.abort();
      },
      onStoppedLeading: () => {},
      onNewLeader: (id) => void (leader = id),
    },
  });
  const stop = new AbortController();
  await elector.run(AbortSignal.any([signal, stop.signal]));
  return leader;
}

/** Runs the five tasks in `namespace` (which must exist), and reports what they saw. */
export async function fiveTasks(
  config: RestConfig,
  namespace: string,
  signal: AbortSignal,
): Promise<FiveTasksReport> {
  const clientset = newClientset(config);
  const pods = clientset.coreV1().pods(namespace);
  const web: Pod = {
    metadata: { name: "web-1", labels: { app: "web" } },
    spec: { containers: [{ name: "main", image: "registry.example/web:1" }] },
  };
  const created = await pods.create(web, { signal });
  const listed = await listPods(clientset, namespace, signal);
  const events = await watchPods(clientset, namespace, signal, async () => {
    await pods.patch(created.metadata.name, "strategic", { metadata: { labels: { tier: "front" } } }, {
      signal,
    });
    await pods.delete(created.metadata.name, { gracePeriodSeconds: 0, signal });
    // Wait for the informer to see the deletion: a watch of our own, ended by `await using`.
    await using watcher = await pods.watch({ resourceVersion: created.metadata.resourceVersion, signal });
    for await (const event of watcher) if (event.type === "DELETED") break;
  });
  const applied = await applySettings(clientset, namespace, signal);
  const reconciled = await runWorker(clientset, [`${namespace}/${created.metadata.name}`], signal);
  const leader = await leadOnce(clientset, namespace, "five-tasks-1", signal, async (leading) => {
    await clientset.coreV1().configMaps(namespace).get("settings", { signal: leading });
  });
  return {
    listed,
    events,
    applied: {
      uid: applied.metadata.uid,
      resourceVersion: applied.metadata.resourceVersion,
      data: applied.data ?? {},
    },
    reconciled,
    leader,
  };
}
