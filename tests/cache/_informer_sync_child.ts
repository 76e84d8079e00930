/**
 * Child process of the informer sync bench: syncs the bench's ConfigMaps once with one contestant
 * ("bound", "kubeweb" or "client-node") and prints, as one JSON line, the heap in use (after full GCs)
 * before and after the sync, with the synced objects still held.
 *
 * Run: `deno run -A --v8-flags=--expose-gc tests/cache/_informer_sync_child.ts <mode> '<SyncTarget JSON>'`
 *
 * @module
 */
import {
  adminFetch,
  boundList,
  clientNodeSync,
  kubewebClientset,
  kubewebSync,
  type SyncTarget,
} from "./_informer_sync_lib.ts";

const [mode, targetJson] = Deno.args;
const t = JSON.parse(targetJson) as SyncTarget;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --v8-flags=--expose-gc");

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc!();
  return Deno.memoryUsage().heapUsed;
}

let keep: unknown;
let ms = 0;
let before = 0;
if (mode === "bound") {
  const get = adminFetch(t);
  before = heapUsed();
  const t0 = performance.now();
  keep = (await boundList(get, t.namespace)).items;
  ms = performance.now() - t0;
} else if (mode === "kubeweb") {
  const cs = await kubewebClientset(t);
  before = heapUsed();
  const synced = await kubewebSync(cs, t);
  ms = synced.ms;
  keep = synced;
} else if (mode === "client-node") {
  // Load client-node's code before the first measurement, as the kubeweb child has loaded kubeweb's.
  await import("@kubernetes/client-node");
  before = heapUsed();
  const synced = await clientNodeSync(t);
  ms = synced.ms;
  keep = synced;
} else {
  throw new Error(`unknown mode ${mode}`);
}
// Let handler queues drain, then measure with everything the contestant keeps still referenced.
await new Promise((r) => setTimeout(r, 200));
const after = heapUsed();
const cached = mode === "bound" ? (keep as unknown[]).length : (keep as { cached(): number }).cached();
console.log(JSON.stringify({ mode, ms, before, after, cached, rss: Deno.memoryUsage().rss }));
Deno.exit(0);
