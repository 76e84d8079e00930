/**
 * Small GETs of one ConfigMap: a bare `fetch` + `res.json()` (the bound) against kubeweb's typed
 * client and client-node's, sequentially and 32 at a time. Each sample is the time of `n` GETs.
 *
 * @module
 */
import { newCoreV1Client } from "../clientset/core/v1/mod.ts";
import type { BenchTarget } from "./_target.ts";

/** One contestant: runs `n` GETs with `concurrency` in flight and resolves when all are done. */
export type GetRunner = (n: number, concurrency: number) => Promise<void>;

async function pool(n: number, concurrency: number, one: () => Promise<void>): Promise<void> {
  let left = n;
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (left-- > 0) await one();
  }));
}

/** The contestants of the GET bench, warmed up (connections open). */
export async function getContestants(t: BenchTarget): Promise<Record<string, GetRunner>> {
  const path = `/api/v1/namespaces/${t.namespace}/configmaps/cm-0`;
  const client = Deno.createHttpClient({ caCerts: [t.caPem], cert: t.certPem, key: t.keyPem });
  const bare: GetRunner = (n, c) =>
    pool(n, c, async () => {
      const res = await fetch(`${t.server}${path}`, { client, headers: { accept: "application/json" } });
      const cm = await res.json();
      if (cm.metadata.name !== "cm-0") throw new Error("bare: wrong object");
    });
  const core = newCoreV1Client({
    host: t.server,
    namespace: "default",
    caPem: t.caPem,
    certPem: t.certPem,
    keyPem: t.keyPem,
    qps: -1,
  });
  const cms = core.configMaps(t.namespace);
  const kubeweb: GetRunner = (n, c) =>
    pool(n, c, async () => {
      const cm = await cms.get("cm-0");
      if (cm.metadata?.name !== "cm-0") throw new Error("kubeweb: wrong object");
    });
  const k8s = await import("@kubernetes/client-node");
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(t.kubeconfigPath);
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const clientNode: GetRunner = (n, c) =>
    pool(n, c, async () => {
      const cm = await api.readNamespacedConfigMap({ name: "cm-0", namespace: t.namespace });
      if (cm.metadata?.name !== "cm-0") throw new Error("client-node: wrong object");
    });
  const out = { bound: bare, kubeweb, "client-node": clientNode };
  for (const run of Object.values(out)) await run(40, 32);
  return out;
}
