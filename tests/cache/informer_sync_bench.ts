/**
 * Bench (needs the real cluster; run on demand, not part of `deno test`): the initial sync of 20,000
 * ConfigMaps (about 27 MB of JSON) from the API server, in one run:
 *
 * - the bound: a bare `fetch` + `JSON.parse` of the list request the reflector makes
 *   (`resourceVersion=0&limit=500`, which the server answers whole from its watch cache);
 * - kubeweb's informer, from start to `hasSynced()`;
 * - @kubernetes/client-node 2.0.1's informer, from start to the 'add' of the last object;
 * - for reference, the bound without compression, and the list paged by 500 from etcd.
 *
 * Every contestant uses the runtime's default `fetch` headers, so the server gzips the 27 MB answer.
 *
 * First it measures, one process per contestant, the sync time (cold) and the heap held after the sync
 * (after full GCs); then it runs the three contestants interleaved round by round (`BENCH_ROUNDS`,
 * default 7) and prints medians and ratios to the bound, with kubeweb's split between the list call
 * and the rest (queue, store, handler); then the usual `deno bench` table. The ConfigMaps are created
 * once in their own namespace (skipped when present). The cluster comes from the test harness: started
 * in this process, or the one `KUBEWEB_TEST_KUBECONFIG` names.
 *
 * Run: `deno bench -A tests/cache/informer_sync_bench.ts`
 *
 * @module
 */
import { getTestCluster } from "../cluster/harness.ts";
import { isAlreadyExists } from "../../rest/errors.ts";
import {
  adminFetch,
  BENCH_COUNT,
  BENCH_NAMESPACE,
  boundList,
  clientNodeSync,
  kubewebClientset,
  kubewebSync,
  pagedEtcdList,
  type SyncTarget,
} from "./_informer_sync_lib.ts";

const c = await getTestCluster();
const target: SyncTarget = {
  kubeconfigPath: c.kubeconfigPath,
  server: c.server,
  caPem: c.caPem,
  certPem: c.admin.certPem,
  keyPem: c.admin.keyPem,
  namespace: BENCH_NAMESPACE,
  count: BENCH_COUNT,
};
const cs = await kubewebClientset(target);
const get = adminFetch(target);
const getIdentity = adminFetch(target, { "accept-encoding": "identity" });

/** About 1 KB of deterministic text for a ConfigMap's data. */
function payload(i: number): Record<string, string> {
  const line = (n: number) => `setting_${n}: value-${((i * 7919 + n * 104729) % 1_000_003).toString(36)}`;
  return {
    "app.properties": Array.from({ length: 36 }, (_, n) => line(n)).join("\n"),
    "owner": `team-${i % 17}`,
  };
}

async function ensureConfigMaps(): Promise<void> {
  await cs.coreV1().namespaces().create({ metadata: { name: BENCH_NAMESPACE } }).catch((e) => {
    if (!isAlreadyExists(e)) throw e;
  });
  const existing = new Set(
    (await boundList(get, BENCH_NAMESPACE)).items.map((o) =>
      (o as { metadata: { name: string } }).metadata.name
    ),
  );
  const missing: number[] = [];
  for (let i = 0; i < BENCH_COUNT; i++) if (!existing.has(`cm-${i}`)) missing.push(i);
  if (missing.length === 0) return;
  const t0 = performance.now();
  const client = cs.coreV1().configMaps(BENCH_NAMESPACE);
  let next = 0;
  await Promise.all(Array.from({ length: 48 }, async () => {
    while (next < missing.length) {
      const i = missing[next++];
      await client.create({
        metadata: { name: `cm-${i}`, labels: { app: `app-${i % 50}` } },
        data: payload(i),
      })
        .catch((e) => {
          if (!isAlreadyExists(e)) throw e;
        });
    }
  }));
  console.log(`created ${missing.length} ConfigMaps in ${Math.round(performance.now() - t0)} ms`);
}

await ensureConfigMaps();
const sample = await boundList(get, BENCH_NAMESPACE);
if (sample.items.length !== BENCH_COUNT) throw new Error(`expected ${BENCH_COUNT} ConfigMaps`);
console.log(
  `list: ${sample.items.length} ConfigMaps, ${(sample.bytes / 1e6).toFixed(1)} MB ` +
    `(${Math.round(sample.bytes / sample.items.length)} B each)`,
);

// Heap held after the sync, one process per contestant.
interface ChildReport {
  mode: string;
  ms: number;
  before: number;
  after: number;
  cached: number;
  rss: number;
}
async function child(mode: string): Promise<ChildReport> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      new URL("./_informer_sync_child.ts", import.meta.url).pathname,
      mode,
      JSON.stringify(target),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
  if (!out.success) throw new Error(`${mode} child failed: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(text);
}
const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
console.log(
  "each contestant once in its own process: sync time (cold), heap used after the sync (after GC),",
);
console.log("of which added by the sync, rss");
for (const mode of ["bound", "kubeweb", "client-node"]) {
  const r = await child(mode);
  if (r.cached !== BENCH_COUNT) throw new Error(`${mode} child cached ${r.cached}`);
  console.log(
    `  ${mode.padEnd(12)} ${`${Math.round(r.ms)} ms`.padStart(8)} ${mb(r.after).padStart(9)} ` +
      `${mb(r.after - r.before).padStart(9)} ${mb(r.rss).padStart(9)}`,
  );
}

// The same three, interleaved round by round in this process (the server's time varies more than the
// clients' do, so each round runs every contestant once, in a rotating order); the first round warms up.
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 7);
const runs: Record<string, { ms: number; listMs: number }[]> = { bound: [], kubeweb: [], "client-node": [] };
const contestants: [string, () => Promise<{ ms: number; listMs: number }>][] = [
  ["bound", async () => {
    const t0 = performance.now();
    const { items } = await boundList(get, BENCH_NAMESPACE);
    if (items.length !== BENCH_COUNT) throw new Error("short list");
    const ms = performance.now() - t0;
    return { ms, listMs: ms };
  }],
  ["kubeweb", async () => {
    const synced = await kubewebSync(cs, target);
    await synced.stop();
    return { ms: synced.ms, listMs: synced.listMs ?? 0 };
  }],
  ["client-node", async () => {
    const synced = await clientNodeSync(target);
    await synced.stop();
    return { ms: synced.ms, listMs: synced.listMs ?? 0 };
  }],
];
for (let round = 0; round <= ROUNDS; round++) {
  for (let k = 0; k < contestants.length; k++) {
    const [name, run] = contestants[(round + k) % contestants.length];
    const r = await run();
    if (round > 0) runs[name].push(r);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const boundMs = median(runs.bound.map((r) => r.ms));
console.log(
  `interleaved, ${ROUNDS} rounds (median; ratio to the bound; list call; queue + store + handler):`,
);
for (const [name, rs] of Object.entries(runs)) {
  const ms = median(rs.map((r) => r.ms));
  const list = median(rs.map((r) => r.listMs));
  const rest = median(rs.map((r) => r.ms - r.listMs));
  console.log(
    `  ${name.padEnd(12)} ${`${Math.round(ms)} ms`.padStart(8)}  ${(ms / boundMs).toFixed(2)}x` +
      (name === "bound" ? "" : `  list ${Math.round(list)} ms, then ${Math.round(rest)} ms`),
  );
}

const group = "initial sync of 20,000 ConfigMaps";
const opts = { group, n: 4, warmup: 1 };

Deno.bench({
  ...opts,
  name: "bound: fetch + JSON.parse (resourceVersion=0, one response from the watch cache)",
  baseline: true,
  async fn() {
    const { items } = await boundList(get, BENCH_NAMESPACE);
    if (items.length !== BENCH_COUNT) throw new Error("short list");
  },
});

Deno.bench({
  ...opts,
  name: "reference: the bound without compression (Accept-Encoding: identity)",
  async fn() {
    const { items } = await boundList(getIdentity, BENCH_NAMESPACE);
    if (items.length !== BENCH_COUNT) throw new Error("short list");
  },
});

Deno.bench({
  ...opts,
  name: "reference: fetch + JSON.parse paged by 500 from etcd",
  async fn() {
    const { items } = await pagedEtcdList(get, BENCH_NAMESPACE);
    if (items.length !== BENCH_COUNT) throw new Error("short list");
  },
});

Deno.bench({
  ...opts,
  name: "kubeweb informer to hasSynced()",
  async fn() {
    await (await kubewebSync(cs, target)).stop();
  },
});

Deno.bench({
  ...opts,
  name: "@kubernetes/client-node 2.0.1 informer to its last add",
  async fn() {
    await (await clientNodeSync(target)).stop();
  },
});
