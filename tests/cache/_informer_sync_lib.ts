/**
 * The contestants of the informer sync bench (tests/cache/informer_sync_bench.ts), shared with the
 * heap-measuring child process: a bare `fetch` + `JSON.parse` of the list (the bound), kubeweb's
 * informer, and @kubernetes/client-node's informer. client-node is imported only when used, so the
 * heap of a kubeweb child holds none of its code.
 *
 * @module
 */
import { newClientset } from "../../clientset/clientset.ts";
import type { Clientset } from "../../clientset/clientset.ts";
import { metaNamespaceIndexFunc, NAMESPACE_INDEX } from "../../cache/index.ts";
import { type ListerWatcher, listWatchFromClient } from "../../cache/listwatch.ts";
import { newSharedIndexInformer, type SharedIndexInformer } from "../../cache/shared_informer.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import type { KubeObject } from "../../rest/types.ts";

/** Where the ConfigMaps are and how to reach the server. */
export interface SyncTarget {
  kubeconfigPath: string;
  server: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  namespace: string;
  count: number;
}

/** The bench's objects: 20,000 ConfigMaps of about 1.3 KB each as the server returns them. */
export const BENCH_NAMESPACE = "kubeweb-bench-informer-sync";
/** How many ConfigMaps the bench syncs. */
export const BENCH_COUNT = 20_000;

/**
 * A fetch with the admin client certificate (the same credentials every contestant uses), with the
 * runtime's default headers (so gzip is accepted) plus `headers`.
 */
export function adminFetch(
  t: SyncTarget,
  headers: Record<string, string> = {},
): (path: string) => Promise<Response> {
  const client = Deno.createHttpClient({ caCerts: [t.caPem], cert: t.certPem, key: t.keyPem });
  return (path) => fetch(`${t.server}${path}`, { client, headers });
}

/** The bound: one list request, the reflector's (resourceVersion=0, limit=500: served whole from the watch cache), fetched and parsed. */
export async function boundList(
  get: (path: string) => Promise<Response>,
  namespace: string,
): Promise<{ items: unknown[]; bytes: number }> {
  const res = await get(`/api/v1/namespaces/${namespace}/configmaps?limit=500&resourceVersion=0`);
  const text = await res.text();
  const list = JSON.parse(text) as { items: unknown[]; metadata: { continue?: string } };
  if (!res.ok || list.metadata.continue) throw new Error(`unexpected list answer ${res.status}`);
  return { items: list.items, bytes: text.length };
}

/** For comparison: the list paged by 500 from etcd (resourceVersion unset), following continue tokens. */
export async function pagedEtcdList(
  get: (path: string) => Promise<Response>,
  namespace: string,
): Promise<{ items: unknown[]; pages: number }> {
  const items: unknown[] = [];
  let token = "";
  let pages = 0;
  do {
    const q = token ? `&continue=${encodeURIComponent(token)}` : "";
    const res = await get(`/api/v1/namespaces/${namespace}/configmaps?limit=500${q}`);
    const list = JSON.parse(await res.text()) as { items: unknown[]; metadata: { continue?: string } };
    if (!res.ok) throw new Error(`unexpected list answer ${res.status}`);
    for (const item of list.items) items.push(item);
    token = list.metadata.continue ?? "";
    pages++;
  } while (token);
  return { items, pages };
}

/** A kubeweb clientset for the target (no client-side rate limit). */
export async function kubewebClientset(t: SyncTarget): Promise<Clientset> {
  return newClientset({ ...await loadRestConfig({ kubeconfig: t.kubeconfigPath }), qps: -1 });
}

/** A running informer and how long its initial sync took. */
export interface Synced {
  /** Milliseconds from start to synced. */
  ms: number;
  /** Milliseconds of the list call (request, body, JSON.parse), when known. */
  listMs?: number;
  /** Objects in the cache. */
  cached(): number;
  /** Stops the informer. */
  stop(): Promise<void>;
}

/**
 * kubeweb's informer as the factory builds it (namespace index, default in-order queue), with one
 * handler, started and timed to its handler's last add, where `hasSynced()` must hold (it turns true as
 * the queue hands out the list's last object, before the handler gets it). No timer runs while the sync
 * is measured: polling `hasSynced` every millisecond slowed the list read it timed by about 5 %.
 */
export async function kubewebSync(cs: Clientset, t: SyncTarget): Promise<Synced> {
  const inner = listWatchFromClient<KubeObject>(cs.coreV1().configMaps(t.namespace));
  let listMs = 0;
  const lw: ListerWatcher<KubeObject> = {
    list: async (options, signal) => {
      const t0 = performance.now();
      const list = await inner.list(options, signal);
      listMs = performance.now() - t0;
      return list;
    },
    watch: (options, signal) => inner.watch(options, signal),
  };
  const informer: SharedIndexInformer<KubeObject> = newSharedIndexInformer<KubeObject>(lw, {
    indexers: { [NAMESPACE_INDEX]: metaNamespaceIndexFunc },
  });
  let adds = 0;
  let all!: () => void;
  const synced = new Promise<void>((r) => all = r);
  informer.addEventHandler({ onAdd: () => void (++adds === t.count && all()) });
  const controller = new AbortController();
  const t0 = performance.now();
  const done = informer.run(controller.signal);
  await synced;
  const ms = performance.now() - t0;
  if (!informer.hasSynced()) throw new Error("kubeweb: not synced at the handler's last add");
  if (informer.getStore().list().length !== t.count) throw new Error("kubeweb: incomplete cache");
  return {
    ms,
    listMs,
    cached: () => informer.getStore().list().length,
    stop: async () => {
      controller.abort();
      await done;
      if (adds < t.count) throw new Error(`kubeweb: the handler got ${adds} adds`);
    },
  };
}

/**
 * @kubernetes/client-node 2.0.1's informer (`makeInformer` over `listNamespacedConfigMap`, asked for
 * resourceVersion "0" so the server answers from its watch cache as for the others), timed to the
 * last object's 'add' callback, which it calls as it stores the list.
 */
export async function clientNodeSync(t: SyncTarget): Promise<Synced> {
  const k8s = await import("@kubernetes/client-node");
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(t.kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let listMs = 0;
  const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${t.namespace}/configmaps`, async () => {
    const t0 = performance.now();
    const list = await core.listNamespacedConfigMap({ namespace: t.namespace, resourceVersion: "0" });
    listMs = performance.now() - t0;
    return list;
  });
  let adds = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  informer.on("add", () => {
    if (++adds === t.count) resolveAll();
  });
  let failure: unknown;
  informer.on("error", (e: unknown) => {
    failure = e;
    resolveAll();
  });
  const t0 = performance.now();
  const started = informer.start();
  await all;
  const ms = performance.now() - t0;
  if (failure !== undefined) throw new Error(`client-node informer failed: ${failure}`);
  await started;
  return {
    ms,
    listMs,
    cached: () => informer.list(t.namespace).length,
    stop: async () => {
      await informer.stop();
    },
  };
}
