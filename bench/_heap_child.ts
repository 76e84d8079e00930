/**
 * Child process of the bench's heap and fresh-process sync rows: syncs the data set once with one
 * contestant and prints one JSON line: the sync time, and the heap in use (after full GCs) with
 * everything the contestant keeps still referenced (`after`) and once it is stopped and dropped
 * (`before`), so `after - before` is the heap the contestant holds. `start`, the reading before the
 * sync, is printed too (compiled code is left out of every reading: see {@linkcode CODE_SPACES}): `after - start` adds the process's one-time costs of the sync, about 1.7 MB
 * even for the bound (the runtime's first HTTPS request: TLS, the HTTP client; the code compiled),
 * which no cache holds and which would otherwise be a fixed ~90 B per object at 20,000 objects, a
 * quarter of a stripped metadata informer's heap. client-node's informer cannot be dropped (see
 * below): its `before` is `start`.
 *
 * Contestants: `bound` (fetch + JSON.parse of the list the reflector asks for), `kubeweb` (an informer
 * as the typed factory builds it), `metadata` and `metadata-stripped` (the metadata factory's informer,
 * without and with `transformStripManagedFields`), `client-node` (@kubernetes/client-node's informer).
 *
 * Every contestant but the bound is timed to its handler's last add, seen as it happens (kubeweb's
 * `hasSynced()` is checked there): no timer runs during the sync (polling every millisecond slowed the
 * list read it timed by about 5 %). Each contestant counts with closures of its own block here: with
 * the counter of `tests/cache/_informer_sync_lib.ts` (a function returning its closures), the stopped
 * informer stayed reachable and its heap read as never released; why was not found.
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
import { getHeapSpaceStatistics } from "node:v8";

const [mode, targetJson] = Deno.args;
const t = JSON.parse(targetJson) as BenchTarget;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --v8-flags=--expose-gc");

/**
 * V8's spaces of compiled code (machine code, bytecode and their metadata): the runtime's, made
 * and thrown away as functions get hot or go unused, not anything a contestant's cache holds. The
 * code a sync makes hot is still there while the contestant runs and may be gone by the time it is
 * dropped, so counting it would add a contestant's code size (about 0.1 MB, ±) to its held heap.
 */
const CODE_SPACES = new Set([
  "code_space",
  "code_large_object_space",
  "trusted_space",
  "trusted_large_object_space",
]);

/** The heap in use after full GCs, without the spaces of compiled code. */
function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc!();
  let used = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (!CODE_SPACES.has(space.space_name)) used += space.space_used_size;
  }
  return used;
}

const config: RestConfig = {
  host: t.server,
  namespace: "default",
  caPem: t.caPem,
  certPem: t.certPem,
  keyPem: t.keyPem,
  qps: -1,
};

let cached: (() => number) | undefined;
/** Stops the contestant, so that what it holds can be dropped. */
let stop: (() => Promise<void>) | undefined;
/** Whether dropping the contestant releases what it holds. */
let releases = true;
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
  cached = () => list.items.length;
} else if (mode === "kubeweb") {
  const factory = newSharedInformerFactory(newClientset(config), 0, { namespace: t.namespace });
  const informer = factory.core().v1().configMaps().informer();
  let adds = 0;
  let all!: () => void;
  const done = new Promise<void>((r) => all = r);
  informer.addEventHandler({ onAdd: () => void (++adds === t.count && all()) });
  before = heapUsed();
  const t0 = performance.now();
  factory.start(controller.signal);
  await done;
  ms = performance.now() - t0;
  if (!informer.hasSynced()) throw new Error("not synced at the last add");
  cached = () => informer.getStore().list().length;
  stop = async () => {
    // A reason without a stack: a DOMException's stack would keep this closure, so the factory, alive.
    controller.abort("stopped");
    await factory.shutDown();
  };
} else if (mode === "metadata" || mode === "metadata-stripped") {
  const factory = newMetadataSharedInformerFactory(newMetadataClient(config), 0, {
    namespace: t.namespace,
    transform: mode === "metadata-stripped" ? transformStripManagedFields() : undefined,
  });
  const informer = factory.forResource({ group: "", version: "v1", resource: "configmaps" }).informer();
  let adds = 0;
  let all!: () => void;
  const done = new Promise<void>((r) => all = r);
  informer.addEventHandler({ onAdd: () => void (++adds === t.count && all()) });
  before = heapUsed();
  const t0 = performance.now();
  factory.start(controller.signal);
  await done;
  ms = performance.now() - t0;
  if (!informer.hasSynced()) throw new Error("not synced at the last add");
  cached = () => informer.getStore().list().length;
  stop = async () => {
    // A reason without a stack: a DOMException's stack would keep this closure, so the factory, alive.
    controller.abort("stopped");
    await factory.shutDown();
  };
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
  let all!: () => void;
  const done = new Promise<void>((r) => all = r);
  informer.on("add", () => void (++adds === t.count && all()));
  before = heapUsed();
  const t0 = performance.now();
  await informer.start();
  await done;
  ms = performance.now() - t0;
  cached = () => informer.list(t.namespace).length;
  // Its cache stays referenced after stop() (its watch's timer holds the ListWatch), so dropping
  // it releases nothing: its figure is after - start (its one-time costs included).
  releases = false;
} else {
  throw new Error(`unknown contestant ${mode}`);
}
// Let queues drain, then measure with everything the contestant keeps still referenced.
await new Promise((r) => setTimeout(r, 200));
const after = heapUsed();
const count = cached!();
const rss = Deno.memoryUsage().rss;
// Then stop it and drop every reference to it and its objects.
await stop?.();
cached = stop = undefined;
await new Promise((r) => setTimeout(r, 200));
const released = heapUsed();
console.log(
  JSON.stringify({
    mode,
    ms,
    before: releases ? released : before,
    after,
    start: before,
    cached: count,
    rss,
  }),
);
Deno.exit(0);
