/**
 * `deno task bench`: kubeweb's benchmark suite. Every figure is measured beside its bound (what the
 * work costs without a client library: a bare `fetch` + `JSON.parse`) and its peers
 * (@kubernetes/client-node, and client-go where a result file of its bench is given) in the same
 * run, as the median of interleaved rounds (`BENCH_ROUNDS`, default 5, at least 5 for a published
 * table) on a fixed data set of 20,000 ConfigMaps; the raw samples are kept.
 *
 * It writes `bench/results.json` (machine, date, every sample), then `bench/render.ts` draws
 * `bench/chart.svg` and the README's benchmark table from it, and prints a summary with each goal.
 *
 * The cluster is the test harness's: started here (and stopped at exit), or the one
 * `KUBEWEB_TEST_KUBECONFIG` names. `--scale` adds the 100,000-ConfigMap rows (a few minutes more);
 * `--only=<row id,...>` runs some rows (their results replace those rows in the file).
 *
 * Run: `deno task bench` (about 10 minutes on 2 idle cores; `--scale` about 2 more)
 *
 * @module
 */
import { getTestCluster } from "../tests/cluster/harness.ts";
import { newClientset } from "../clientset/clientset.ts";
import { measure as bundleSize } from "../scripts/bundle_size.ts";
import { ensureConfigMaps } from "./_seed.ts";
import { getContestants } from "./_get.ts";
import { decodeContestants, informerContestants, recordWatchStream, replayServer } from "./_watch_replay.ts";
import { BENCH_COUNT, BENCH_NAMESPACE, type BenchTarget, median } from "./_target.ts";
import { renderAll } from "./render.ts";
import type { BenchResults, Goal, Row } from "./_results.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const ROUNDS = Math.max(1, Number(Deno.env.get("BENCH_ROUNDS") ?? 5));
/**
 * Rounds of the rows whose samples last about a second or less (small GETs, warm sync, cold start, the
 * watch replay): a GC pause or a busy neighbour moves one such sample by up to a quarter, so they take
 * three times the rounds (at least 15) for a median that holds.
 */
const SHORT_ROUNDS = Math.max(ROUNDS * 3, 15);
/**
 * Rounds of the small-GET rows: twice the short rounds. The gap they measure (a few per cent of a
 * request to the API server) is smaller than what a round moves by (a tenth), so their medians need
 * the most samples to hold from run to run.
 */
const GET_ROUNDS = SHORT_ROUNDS * 2;
const SCALE = Deno.args.includes("--scale");
const ONLY = Deno.args.find((a) => a.startsWith("--only="))?.slice(7).split(",");
const started = performance.now();
const want = (id: string) => ONLY === undefined || ONLY.some((o) => id.startsWith(o));

const log = (msg: string) =>
  console.error(`bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s: ${msg}`);

/** Runs `run` for each contestant in a rotating order, `rounds` times after one warm-up round. */
async function interleaved<R>(
  names: string[],
  rounds: number,
  run: (name: string) => Promise<R>,
): Promise<Record<string, R[]>> {
  const out: Record<string, R[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round <= rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      const r = await run(name);
      if (round > 0) out[name].push(r);
    }
  }
  return out;
}

/**
 * As {@linkcode interleaved} for work that can be cut up (a run of small requests): each round runs
 * every contestant's work in `slices` slices, taking turns slice by slice in a rotating order, and a
 * contestant's sample is the sum of its slices' times. Contestants then share the server's moods
 * (etcd's and the API server's pauses, a busy neighbour) within a round instead of one getting a quiet
 * second and the next a loud one; a one-second sample of small GETs otherwise moves by a tenth.
 */
async function interleavedSlices(
  names: string[],
  rounds: number,
  slices: number,
  runSlice: (name: string) => Promise<void>,
): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round <= rounds; round++) {
    const ms: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
    for (let slice = 0; slice < slices; slice++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(round + slice + k) % names.length];
        const t0 = performance.now();
        await runSlice(name);
        ms[name] += performance.now() - t0;
      }
    }
    if (round > 0) { for (const n of names) out[n].push(ms[n]); }
  }
  return out;
}

function row(
  id: string,
  work: string,
  unit: string,
  better: "lower" | "higher",
  bound: string,
  samples: Record<string, number[]>,
  goals: Goal[] = [],
  note?: string,
): Row {
  const medians = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  const ratios = Object.fromEntries(
    Object.entries(medians).filter(([k]) => k !== bound).map(([k, v]) => [k, v / medians[bound]]),
  );
  return { id, work, unit, better, bound, samples, medians, ratios, goals, note };
}

// ---- the cluster and the data set ----

const cluster = await getTestCluster();
const target: BenchTarget = {
  kubeconfigPath: cluster.kubeconfigPath,
  server: cluster.server,
  caPem: cluster.caPem,
  certPem: cluster.admin.certPem,
  keyPem: cluster.admin.keyPem,
  namespace: BENCH_NAMESPACE,
  count: BENCH_COUNT,
};
const clientset = newClientset({
  host: target.server,
  namespace: "default",
  caPem: target.caPem,
  certPem: target.certPem,
  keyPem: target.keyPem,
  qps: -1,
});
log(`cluster ${target.server}; ${ROUNDS} rounds`);
const made = await ensureConfigMaps(clientset, BENCH_NAMESPACE, BENCH_COUNT);
log(`data set: ${BENCH_COUNT} ConfigMaps in ${BENCH_NAMESPACE} (${made} created now)`);
const rows: Row[] = [];

// client-go v0.20 (vendored by Debian's kubernetes 1.20 sources), when it builds here.
let clientGo: string | undefined;
if (!Deno.args.includes("--no-client-go")) {
  log("client-go bench: building (cached after the first time)");
  const out = await new Deno.Command("bash", {
    args: [`${ROOT}/bench/client_go/build.sh`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.success) clientGo = new TextDecoder().decode(out.stdout).trim();
  else log(`client-go bench unavailable: ${new TextDecoder().decode(out.stderr).trim().split("\n").pop()}`);
}
const withClientGo = (modes: string[]) => clientGo === undefined ? modes : [...modes, "client-go"];

// ---- heap held and sync time in a fresh process, one process per run ----

interface ChildReport {
  mode: string;
  ms: number;
  /** The heap once the contestant is stopped and dropped (client-node: before its sync). */
  before: number;
  after: number;
  /** The heap before the sync (kubeweb's children only; client-go reports none). */
  start?: number;
  cached: number;
  rss: number;
}

async function child(mode: string, t: BenchTarget): Promise<ChildReport> {
  const out = mode === "client-go"
    ? await new Deno.Command(clientGo!, {
      args: ["sync", t.kubeconfigPath, t.namespace, String(t.count)],
      stdout: "piped",
      stderr: "piped",
    }).output()
    : await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--v8-flags=--expose-gc", `${ROOT}/bench/_heap_child.ts`, mode, JSON.stringify(t)],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
  const text = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
  if (!out.success) throw new Error(`${mode} child failed: ${new TextDecoder().decode(out.stderr)}`);
  const r = JSON.parse(text) as ChildReport;
  if (r.cached !== t.count) throw new Error(`${mode} child cached ${r.cached} of ${t.count}`);
  return r;
}

const MB = 1048576;

/** A warm child (`bench/_warm_child.ts`) of one contestant: `sync()` runs one sync there. */
function warmChild(mode: string, t: BenchTarget): { sync(): Promise<number>; close(): Promise<void> } {
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}/bench/_warm_child.ts`, mode, JSON.stringify(t)],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = proc.stdin.getWriter();
  const lines = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  const readLine = async (): Promise<string> => {
    for (;;) {
      const nl = pending.indexOf("\n");
      if (nl >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        return line;
      }
      const r = await lines.read();
      if (r.done) throw new Error(`${mode} warm child ended: ${(await proc.status).code}`);
      pending += r.value;
    }
  };
  return {
    async sync() {
      await writer.write(new TextEncoder().encode("sync\n"));
      return (JSON.parse(await readLine()) as { ms: number }).ms;
    },
    async close() {
      await writer.close().catch(() => {});
      await lines.cancel().catch(() => {});
      await proc.status;
    },
  };
}

async function heapRows(t: BenchTarget, suffix: string, label: string, modes: string[]): Promise<void> {
  const runs = await interleaved(modes, ROUNDS, (m) => child(m, t));
  const heap = (m: string) => runs[m].map((r) => (r.after - r.before) / MB);
  const heapSamples = Object.fromEntries(modes.map((m) => [m, heap(m)]));
  const byMode = Object.fromEntries(modes.map((m) => [m, runs[m]]));
  const full = median(heapSamples.kubeweb);
  const perObject = Object.fromEntries(
    modes.map((m) => [m, Math.round(median(heap(m)) * MB / t.count)]),
  );
  rows.push(row(
    `heap${suffix}`,
    `heap held by an informer of ${label} ConfigMaps`,
    "MB",
    "lower",
    "bound",
    Object.fromEntries(modes.filter((m) => !m.startsWith("metadata")).map((m) => [m, heapSamples[m]])),
    [{ contestant: "kubeweb", op: "<=", ratio: 1.1 }],
    `bytes per cached object: ${Object.entries(perObject).map(([k, v]) => `${k} ${v}`).join(", ")}; ` +
      `kubeweb holds ${Math.round((median(heap("kubeweb")) - median(heap("bound"))) * MB / t.count)} B ` +
      `per object more than the bound. Held: the heap (without V8's spaces of compiled code) freed when the contestant is stopped and dropped; ` +
      `client-node's informer cannot be dropped, so its figure is the growth over its sync and includes ` +
      `the process's one-time costs of a first sync (the bound's: ${
        (median(runs.bound.map((r) => r.before - (r.start ?? r.before))) / MB).toFixed(1)
      } MB)`,
  ));
  if (modes.includes("metadata")) {
    rows.push(row(
      `metadata-heap${suffix}`,
      `heap of a metadata informer of ${label} ConfigMaps, as a share of the full informer's`,
      "MB",
      "lower",
      "kubeweb",
      {
        kubeweb: heapSamples.kubeweb,
        metadata: heapSamples.metadata,
        "metadata-stripped": heapSamples["metadata-stripped"],
      },
      [{ contestant: "metadata-stripped", op: "<=", ratio: 0.15 }],
      `full informer ${full.toFixed(1)} MB; managedFields kept: ${
        (median(heapSamples.metadata) / full * 100).toFixed(0)
      } %, ` +
        `stripped: ${(median(heapSamples["metadata-stripped"]) / full * 100).toFixed(0)} %`,
    ));
  }
  const timeModes = modes.filter((m) => !m.startsWith("metadata"));
  rows.push(row(
    `sync-fresh${suffix}`,
    `informer sync of ${label} ConfigMaps in a fresh process`,
    "ms",
    "lower",
    "bound",
    Object.fromEntries(timeModes.map((m) => [m, byMode[m].map((r) => r.ms)])),
    suffix === "" ? [{ contestant: "kubeweb", op: "<=", ratio: 1.15 }] : [],
  ));
}

if (want("heap") || want("metadata-heap") || want("sync-fresh")) {
  log("heap and fresh-process sync (one process per run)");
  await heapRows(
    target,
    "",
    "20,000",
    withClientGo(["bound", "kubeweb", "metadata", "metadata-stripped", "client-node"]),
  );
}

// ---- informer sync, warm, interleaved in this process ----

if (want("sync-warm")) {
  log("informer sync, warm (each contestant in a process of its own, kept warm)");
  const names = ["bound", "kubeweb", "client-node"];
  const children = Object.fromEntries(names.map((name) => [name, warmChild(name, target)]));
  try {
    const runs = await interleaved(names, SHORT_ROUNDS, (name) => children[name].sync());
    rows.push(row("sync-warm", "informer sync of 20,000 ConfigMaps, warm", "ms", "lower", "bound", runs, [
      { contestant: "kubeweb", op: "<=", ratio: 1.05 },
    ], "each contestant warm in a process of its own, rounds interleaved"));
  } finally {
    for (const c of Object.values(children)) await c.close();
  }
}

// ---- small GETs ----

if (want("get")) {
  log("small GETs");
  const contestants = await getContestants(target);
  // Each sample: n GETs in 20 slices, taking turns with the other contestants slice by slice.
  const SLICES = 20;
  for (const [concurrency, n] of [[1, 600], [32, 1920]]) {
    const times = await interleavedSlices(Object.keys(contestants), GET_ROUNDS, SLICES, async (name) => {
      await contestants[name](n / SLICES, concurrency);
    });
    const runs = Object.fromEntries(
      Object.entries(times).map(([k, v]) => [k, v.map((ms) => n / (ms / 1000))]),
    );
    const id = concurrency === 1 ? "get-sequential" : "get-concurrent";
    const how = concurrency === 1 ? "one at a time" : "32 at a time";
    rows.push(row(id, `small GETs of one ConfigMap, ${how}`, "req/s", "higher", "bound", runs, [
      { contestant: "kubeweb", op: ">=", ratio: 0.95 },
    ], `each sample: ${n} GETs in ${SLICES} slices, the contestants taking turns slice by slice`));
  }
}

// ---- cold start ----

if (want("cold-start")) {
  log("cold start");
  const programs: Record<string, string> = {
    bound: "bare.ts",
    kubeweb: "kubeweb.ts",
    "kubeweb+kubeconfig": "kubeweb_kubeconfig.ts",
    "client-node": "client_node.ts",
  };
  const runs = await interleaved(Object.keys(programs), SHORT_ROUNDS, async (name) => {
    const t0 = performance.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}/bench/_cold/${programs[name]}`, JSON.stringify(target)],
      cwd: ROOT,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(`${name}: ${new TextDecoder().decode(out.stderr)}`);
    return performance.now() - t0;
  });
  rows.push(
    row(
      "cold-start",
      "one process: import the clientset, one GET, exit",
      "ms",
      "lower",
      "bound",
      runs,
      [
        { contestant: "kubeweb", op: "<=", ratio: 1.3 },
      ],
      "kubeweb: the configuration as data, as the bound; kubeweb+kubeconfig: loadRestConfig reads the kubeconfig (the YAML parser loads)",
    ),
  );
}

// ---- a recorded watch stream replayed from a local server ----

if (want("watch-http") || want("handler-rate")) {
  log("recording a watch stream");
  const recording = await recordWatchStream(target);
  const server = replayServer(recording.bytes);
  log(`replaying ${recording.events} events (${(recording.bytes.length / 1e6).toFixed(1)} MB)`);
  try {
    if (want("watch-http")) {
      const decoders = await decodeContestants(server.url, recording.events);
      const runs = await interleaved(Object.keys(decoders), SHORT_ROUNDS, async (name) => {
        const t0 = performance.now();
        await decoders[name]();
        return recording.events / ((performance.now() - t0) / 1000);
      });
      rows.push(row(
        "watch-http",
        "watch decoding over loopback HTTP",
        "events/s",
        "higher",
        "bound",
        runs,
        [
          { contestant: "kubeweb", op: ">=", ratio: 1.1 },
        ],
        "bound: a naive fetch + split on newlines + JSON.parse; ceiling: the least work any reader can do (BYOB reads, one decode per chunk, JSON.parse per line, no checks), the most a client can reach",
      ));
    }
    if (want("handler-rate")) {
      const informers = await informerContestants(server.url, recording.events);
      const runs = await interleaved(Object.keys(informers), SHORT_ROUNDS, async (name) => {
        const t0 = performance.now();
        await informers[name]();
        return recording.events / ((performance.now() - t0) / 1000);
      });
      rows.push(row(
        "handler-rate",
        "events an informer's handler receives per second, from a replayed watch",
        "events/s",
        "higher",
        "kubeweb",
        runs,
        [],
        "no bound: the informer itself is measured; client-node beside it",
      ));
    }
  } finally {
    await server.close();
  }
}

// ---- in-memory benches (deno bench), run interleaved ----

interface DenoBench {
  group: string;
  name: string;
  baseline: boolean;
  results: { ok?: { avg: number } }[];
}

async function denoBench(file: string): Promise<DenoBench[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["bench", "-A", "--json", `${ROOT}/${file}`],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`deno bench ${file}: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(new TextDecoder().decode(out.stdout)).benches;
}

if (want("decode-memory") || want("workqueue")) {
  log("in-memory benches (deno bench)");
  const files: Record<string, string> = {};
  if (want("decode-memory")) files["decode-memory"] = "rest/watch_decoder_bench.ts";
  if (want("workqueue")) files.workqueue = "workqueue/queue_bench.ts";
  const runs = await interleaved(Object.keys(files), ROUNDS, (id) => denoBench(files[id]));
  // client-go's workqueue, run as many times, its cycles beside kubeweb's in the same groups.
  const goQueue: { batchMs: number; oneByOneMs: number }[] = [];
  if (clientGo !== undefined && files.workqueue !== undefined) {
    for (let i = 0; i < ROUNDS; i++) {
      const out = await new Deno.Command(clientGo, { args: ["workqueue"], stdout: "piped" }).output();
      if (out.success) goQueue.push(JSON.parse(new TextDecoder().decode(out.stdout)));
    }
  }
  for (const [id, results] of Object.entries(runs)) {
    const groups = [...new Set(results[0].map((b) => b.group))];
    for (const group of groups) {
      const samples: Record<string, number[]> = {};
      let bound = "";
      for (const r of results) {
        for (const b of r.filter((x) => x.group === group)) {
          const name = b.name;
          (samples[name] ??= []).push((b.results[0].ok?.avg ?? NaN) / 1e6);
          if (b.baseline) bound = name;
        }
      }
      if (id === "workqueue" && goQueue.length > 0 && (group === "batch" || group === "one-by-one")) {
        samples["client-go v0.20 workqueue"] = goQueue.map((q) =>
          group === "batch" ? q.batchMs : q.oneByOneMs
        );
      }
      rows.push(row(
        `${id}-${group}`,
        id === "workqueue" ? `workqueue cycles (${group})` : "watch decoding in memory",
        "ms",
        "lower",
        bound,
        samples,
        [],
        "each sample: the mean time of one `deno bench` run",
      ));
    }
  }
}

// ---- bundle sizes ----

if (want("bundle")) {
  log("bundle sizes");
  const programs: Record<string, string> = {
    "typed GET, literal config": `import { newCoreV1Client } from "${ROOT}/clientset/core/v1/mod.ts";
const core = newCoreV1Client({ host: "https://127.0.0.1:6443", namespace: "default", bearerToken: "t" });
console.log((await core.configMaps("default").get("settings")).data);
`,
    "typed GET, kubeconfig parsed": `import { newCoreV1Client } from "${ROOT}/clientset/core/v1/mod.ts";
import { loadKubeConfig, restConfigFromKubeConfig } from "${ROOT}/rest/mod.ts";
declare const KUBECONFIG: string;
const core = newCoreV1Client(await restConfigFromKubeConfig(await loadKubeConfig({ text: KUBECONFIG })));
console.log((await core.configMaps("default").get("settings")).data);
`,
    "informer program": `import { newSharedInformerFactory } from "${ROOT}/cache/mod.ts";
import { newClientset } from "${ROOT}/clientset/mod.ts";
const factory = newSharedInformerFactory(newClientset({ host: "https://127.0.0.1:6443", namespace: "default", bearerToken: "t" }));
const pods = factory.core().v1().pods();
pods.informer().addEventHandler({ onAdd: (p) => console.log(p.metadata?.name) });
factory.start(new AbortController().signal);
await factory.waitForCacheSync();
`,
  };
  const samples: Record<string, number[]> = {};
  for (const [name, source] of Object.entries(programs)) {
    const { bytes, gzip } = await bundleSize(source);
    samples[`${name}: minified`] = [bytes / 1024];
    samples[`${name}: gzipped`] = [gzip / 1024];
  }
  rows.push(
    row(
      "bundle",
      "bundle sizes (deno bundle --minify, platform browser)",
      "KB",
      "lower",
      "typed GET, literal config: minified",
      samples,
      [],
      "one build each: sizes do not vary",
    ),
  );
}

// ---- 100,000 ConfigMaps ----

if (SCALE && (ONLY === undefined || want("heap-100k"))) {
  const t100: BenchTarget = { ...target, namespace: "kubeweb-bench-scale", count: 100_000 };
  const madeScale = await ensureConfigMaps(clientset, t100.namespace, t100.count);
  log(`scale data set: 100,000 ConfigMaps (${madeScale} created now)`);
  await heapRows(t100, "-100k", "100,000", withClientGo(["bound", "kubeweb", "client-node"]));
}

// ---- results ----

const resultsPath = `${ROOT}/bench/results.json`;
let previous: BenchResults | undefined;
if (ONLY !== undefined) {
  try {
    previous = JSON.parse(await Deno.readTextFile(resultsPath));
  } catch { /* none yet */ }
}
const cpu = (await Deno.readTextFile("/proc/cpuinfo").catch(() => "")).match(/model name\s*:\s*(.*)/)?.[1];
const results: BenchResults = {
  date: new Date().toISOString(),
  machine: {
    cpu: cpu ?? "unknown",
    cores: navigator.hardwareConcurrency,
    memoryGB: Math.round(Deno.systemMemoryInfo().total / 1e9),
    os: `${Deno.build.os} ${Deno.osRelease()}`,
    runtime: `Deno ${Deno.version.deno} (V8 ${Deno.version.v8})`,
    loadAverageAtEnd: Deno.loadavg(),
  },
  rounds: ROUNDS,
  shortRounds: SHORT_ROUNDS,
  getRounds: GET_ROUNDS,
  dataSet: `${BENCH_COUNT} ConfigMaps of about 1.3 KB (${BENCH_NAMESPACE}), server kube-apiserver v1.20.2`,
  durationS: Math.round((performance.now() - started) / 1000),
  rows: [...(previous?.rows.filter((r) => !rows.some((n) => n.id === r.id)) ?? []), ...rows],
};
await Deno.writeTextFile(resultsPath, JSON.stringify(results, null, 2) + "\n");
const summary = await renderAll(results, ROOT);
console.log(summary);
log(`done: bench/results.json, bench/chart.svg, README.md`);
Deno.exit(0);
