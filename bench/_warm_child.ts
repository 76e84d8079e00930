/**
 * Child process of the bench's warm sync row: one contestant, kept warm in its own process. Each line
 * `sync` on stdin runs one sync and prints one JSON line `{ "ms": ... }`; end of input ends it.
 *
 * Each contestant has a process of its own so that what one keeps does not weigh on another:
 * client-node's informer cannot be dropped (see `_heap_child.ts`), so a shared process grew by ~40 MB
 * a round of it, and every later sample in that process (every contestant's) paid for marking it.
 *
 * Run: `deno run -A bench/_warm_child.ts <bound|kubeweb|client-node> '<BenchTarget JSON>'`
 *
 * @module
 */
import * as lib from "../tests/cache/_informer_sync_lib.ts";
import type { BenchTarget } from "./_target.ts";

const [mode, targetJson] = Deno.args;
const t = JSON.parse(targetJson) as BenchTarget;
if (!["bound", "kubeweb", "client-node"].includes(mode)) throw new Error(`unknown contestant ${mode}`);
const get = lib.adminFetch(t);
const cs = mode === "kubeweb" ? await lib.kubewebClientset(t) : undefined;

async function once(): Promise<{ ms: number }> {
  if (mode === "bound") {
    const t0 = performance.now();
    const { items } = await lib.boundList(get, t.namespace);
    const ms = performance.now() - t0;
    if (items.length !== t.count) throw new Error(`bound: ${items.length} of ${t.count} items`);
    return { ms };
  }
  const synced = mode === "kubeweb" ? await lib.kubewebSync(cs!, t) : await lib.clientNodeSync(t);
  if (synced.cached() !== t.count) throw new Error(`${mode}: ${synced.cached()} of ${t.count} cached`);
  await synced.stop();
  return { ms: synced.ms };
}

const encoder = new TextEncoder();
let pending = "";
for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
  pending += chunk;
  let nl;
  while ((nl = pending.indexOf("\n")) >= 0) {
    const line = pending.slice(0, nl).trim();
    pending = pending.slice(nl + 1);
    if (line !== "sync") throw new Error(`unknown command ${JSON.stringify(line)}`);
    await Deno.stdout.write(encoder.encode(JSON.stringify(await once()) + "\n"));
  }
}
Deno.exit(0);
