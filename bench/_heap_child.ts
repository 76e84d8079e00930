/**
 * Child process of the bench's heap and fresh-process sync rows: syncs the data set once with one
 * contestant and prints one JSON line: the sync time, and the heap in use (after full GCs) before and
 * after it, with everything the contestant keeps still referenced.
 *
 * Contestants: `bound` (fetch + JSON.parse of the list the reflector asks for), `kubeweb` (an informer
 * as the typed factory builds it), `metadata` and `metadata-stripped` (the metadata factory's informer,
 * without and with `transformStripManagedFields`), `client-node` (@kubernetes/client-node's informer).
 *
 * Run: `deno run -A --v8-flags=--expose-gc bench/_heap_child.ts <contestant> '<BenchTarget JSON>'`
 *
 * @module
 */
import { newClientset } from "../clientset/clientset.ts";
import { newSharedInformerFactory } from "../cache/informer_factory.ts";
import { newMetadataSharedInformerFactory } from "../cache/metadata_informer_factory.ts";
import { transformStripManagedFields } from "../cache/transform.ts";
import { newMetadataClient } from "../metadata/metadata_client.ts";
import type { RestConfig } from "../rest/rest_config.ts";
import type { BenchTarget } from "./_target.ts";

const [mode, targetJson] = Deno.args;
const t = JSON.parse(targetJson) as BenchTarget;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --v8-flags=--expose-gc");

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc!();
  return Deno.memoryUsage().heapUsed;
}

const config: RestConfig = {
  host: t.server,
  namespace: "default",
  caPem: t.caPem,
  certPem: t.certPem,
  keyPem: t.keyPem,
  qps: -1,
};

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setTimeout(r, 1));
}

let keep: unknown;
let cached: () => number;
let ms = 0;
let before = 0;
const controller = new AbortController();
if (mode === "bound") {
  const client = Deno.createHttpClient({ caCerts: [t.caPem], cert: t.certPem, key: t.keyPem });
  before = heapUsed();
  const t0 = performance.now();
  const res = await fetch(
    `${t.server}/api/v1/namespaces/${t.namespace}/configmaps?limit=500&resourceVersion=0`,
    {
      client,
    },
  );
  const list = JSON.parse(await res.text()) as { items: unknown[] };
  ms = performance.now() - t0;
  keep = list.items;
  cached = () => list.items.length;
} else if (mode === "kubeweb") {
  const factory = newSharedInformerFactory(newClientset(config), 0, { namespace: t.namespace });
  const informer = factory.core().v1().configMaps().informer();
  let adds = 0;
  informer.addEventHandler({ onAdd: () => void adds++ });
  before = heapUsed();
  const t0 = performance.now();
  factory.start(controller.signal);
  await until(() => informer.hasSynced() && adds === t.count);
  ms = performance.now() - t0;
  keep = factory;
  cached = () => informer.getStore().list().length;
} else if (mode === "metadata" || mode === "metadata-stripped") {
  const factory = newMetadataSharedInformerFactory(newMetadataClient(config), 0, {
    namespace: t.namespace,
    transform: mode === "metadata-stripped" ? transformStripManagedFields() : undefined,
  });
  const informer = factory.forResource({ group: "", version: "v1", resource: "configmaps" }).informer();
  let adds = 0;
  informer.addEventHandler({ onAdd: () => void adds++ });
  before = heapUsed();
  const t0 = performance.now();
  factory.start(controller.signal);
  await until(() => informer.hasSynced() && adds === t.count);
  ms = performance.now() - t0;
  keep = factory;
  cached = () => informer.getStore().list().length;
} else if (mode === "client-node") {
  const k8s = await import("@kubernetes/client-node");
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(t.kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const informer = k8s.makeInformer(
    kc,
    `/api/v1/namespaces/${t.namespace}/configmaps`,
    () => core.listNamespacedConfigMap({ namespace: t.namespace, resourceVersion: "0" }),
  );
  let adds = 0;
  informer.on("add", () => void adds++);
  before = heapUsed();
  const t0 = performance.now();
  await informer.start();
  await until(() => adds === t.count);
  ms = performance.now() - t0;
  keep = informer;
  cached = () => informer.list(t.namespace).length;
} else {
  throw new Error(`unknown contestant ${mode}`);
}
// Let queues drain, then measure with everything the contestant keeps still referenced.
await new Promise((r) => setTimeout(r, 200));
const after = heapUsed();
console.log(JSON.stringify({ mode, ms, before, after, cached: cached(), rss: Deno.memoryUsage().rss }));
void keep;
Deno.exit(0);
