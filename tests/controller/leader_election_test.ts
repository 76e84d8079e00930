// Integration tests (need the real cluster): three replica processes of the test controller
// (_replica.ts) under leader election with lease 3 s, renew deadline 2 s, retry period 1 s. Every
// reconcile is recorded by the replicas' reconcile function (start, end, key, replica) on stdout.
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";
import { readJsonLines } from "../cluster/_json_lines.ts";
import { newClientset } from "../../clientset/clientset.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import { pollUntil } from "../../retry/poll_until.ts";
import { overlappingReconciles, type ReconcileRecord, SOURCE_LABEL } from "./_mirror_controller.ts";

const c = await getTestCluster();
const clientset = newClientset({
  ...await loadRestConfig({ kubeconfig: c.kubeconfigPath }),
  qps: 200,
  burst: 400,
});

const LEASE_MS = 3_000;
const RENEW_MS = 2_000;
const RETRY_MS = 1_000;
/** What the issue allows for a handover: the lease duration plus 2.5 (jittered) retry periods. */
const HANDOVER_BOUND_MS = LEASE_MS + 2.5 * RETRY_MS;

interface Line extends Partial<Omit<ReconcileRecord, "ev">> {
  ev: string;
  replica: string;
  t: number;
  lost?: boolean;
}

class Replica {
  readonly lines: Line[] = [];
  readonly child: Deno.ChildProcess;
  readonly done: Promise<void>;
  killedAt: number | undefined;
  status: Promise<Deno.CommandStatus>;

  constructor(readonly id: string, ns: string, lease: string, workMs = 0) {
    this.child = new Deno.Command("node_modules/deno/deno", {
      args: ["run", "-A", "tests/controller/_replica.ts", id, c.kubeconfigPath, ns, lease],
      stdout: "piped",
      stderr: Deno.env.get("CTRL_DEBUG") ? "inherit" : "null",
      env: {
        CTRL_LEASE_MS: String(LEASE_MS),
        CTRL_RENEW_MS: String(RENEW_MS),
        CTRL_RETRY_MS: String(RETRY_MS),
        CTRL_WORK_MS: String(workMs),
      },
    }).spawn();
    this.status = this.child.status;
    this.done = readJsonLines(this.child.stdout, (line) => this.lines.push(line));
  }

  kill(signal: Deno.Signal): void {
    if (signal === "SIGKILL") this.killedAt = Date.now();
    this.child.kill(signal);
  }

  records(): ReconcileRecord[] {
    const recs = this.lines.filter((l) => l.ev === "start" || l.ev === "end") as ReconcileRecord[];
    if (this.killedAt === undefined) return recs;
    // A killed process reconciles nothing after its death: close its open reconciles there.
    const ended = new Set(recs.filter((r) => r.ev === "end").map((r) => r.id));
    const open = recs.filter((r) => r.ev === "start" && !ended.has(r.id));
    return [
      ...recs,
      ...open.map((r) => ({ ...r, ev: "end" as const, t: this.killedAt!, outcome: "killed" })),
    ];
  }
}

async function setupNamespace(prefix: string, sources: number): Promise<{ ns: string; lease: string }> {
  const ns = `${prefix}-${crypto.randomUUID().slice(0, 6)}`;
  await clientset.coreV1().namespaces().create({ metadata: { name: ns } });
  const cms = clientset.coreV1().configMaps(ns);
  for (let i = 0; i < sources; i++) {
    await cms.create({
      metadata: { name: `s${i}`, labels: { [SOURCE_LABEL]: "true" } },
      data: { i: String(i) },
    });
  }
  return { ns, lease: "ctrl-test" };
}

function firstStartAfter(replicas: Replica[], t: number, except?: Replica): Line | undefined {
  let best: Line | undefined;
  for (const r of replicas) {
    if (r === except) continue;
    for (const l of r.lines) if (l.ev === "start" && l.t > t && (!best || l.t < best.t)) best = l;
  }
  return best;
}

async function stopAll(replicas: Replica[]): Promise<void> {
  for (const r of replicas) {
    try {
      r.child.kill("SIGKILL");
    } catch { /* already gone */ }
  }
  await Promise.all(replicas.map((r) => r.status));
  await Promise.all(replicas.map((r) => r.done));
}

Deno.test("three replicas: the leader SIGKILLed ten times, a new leader reconciles within lease + 2.5 retry periods each time, never two at once", async () => {
  const { ns, lease } = await setupNamespace("ctrl-le", 10);
  let n = 0;
  const all: Replica[] = [];
  const spawn = () => {
    const r = new Replica(`r${n++}`, ns, lease);
    all.push(r);
    return r;
  };
  let alive = [spawn(), spawn(), spawn()];
  const handovers: number[] = [];
  try {
    let since = 0;
    for (let round = 0; round <= 10; round++) {
      // Wait until some replica reconciles after the last kill: that is the leader.
      let start: Line | undefined;
      await pollUntil(50, () => (start = firstStartAfter(alive, since)) !== undefined, {
        immediate: true,
        timeoutMs: 60_000,
      });
      if (round > 0) handovers.push(start!.t - since);
      if (round === 10) break;
      const leader = alive.find((r) => r.id === start!.replica)!;
      // Let it work (and renew) for a moment, then kill it and start a replacement.
      await new Promise((r) => setTimeout(r, 1_500));
      leader.kill("SIGKILL");
      since = leader.killedAt!;
      alive = [...alive.filter((r) => r !== leader), spawn()];
    }
  } finally {
    await stopAll(all);
  }
  const sorted = [...handovers].sort((a, b) => a - b);
  console.log(
    `handover after SIGKILL (ms): ${handovers.join(", ")}; median ${sorted[5]}, max ${sorted.at(-1)}; ` +
      `bound ${HANDOVER_BOUND_MS}`,
  );
  assert.equal(handovers.length, 10);
  for (const h of handovers) assert.ok(h <= HANDOVER_BOUND_MS, `a handover took ${h} ms`);
  const records = all.flatMap((r) => r.records());
  assert.deepEqual(overlappingReconciles(records, false), [], "two replicas reconciled at once");
});

Deno.test("a leader frozen by SIGSTOP past its lease starts no reconcile and makes no write after SIGCONT", async () => {
  const { ns, lease } = await setupNamespace("ctrl-freeze", 20);
  const replicas = [0, 1, 2].map((i) => new Replica(`f${i}`, ns, lease, 300));
  const cms = clientset.coreV1().configMaps(ns);
  // Keep the controller busy: change a source every 50 ms.
  const churn = new AbortController();
  const churning = (async () => {
    for (let i = 0; !churn.signal.aborted; i++) {
      await cms.patch(`s${i % 20}`, "merge", { data: { v: String(i) } }).catch(() => {});
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    let start: Line | undefined;
    await pollUntil(50, () => (start = firstStartAfter(replicas, 0)) !== undefined, {
      immediate: true,
      timeoutMs: 60_000,
    });
    const leader = replicas.find((r) => r.id === start!.replica)!;
    await new Promise((r) => setTimeout(r, 1_500));
    const inFlight = () => {
      const ended = new Set(leader.lines.filter((l) => l.ev === "end").map((l) => l.id));
      return leader.lines.filter((l) => l.ev === "start" && !ended.has(l.id)).length;
    };
    // Freeze it while a reconcile is in flight (each waits 300 ms before writing).
    await pollUntil(5, () => inFlight() > 0, { immediate: true, timeoutMs: 10_000 });
    leader.kill("SIGSTOP");
    const stoppedAt = Date.now();
    const frozenInFlight = inFlight();
    // Another replica takes over and reconciles.
    await pollUntil(50, () => firstStartAfter(replicas, stoppedAt, leader) !== undefined, {
      immediate: true,
      timeoutMs: 30_000,
    });
    await new Promise((r) => setTimeout(r, 1_000));
    const rv = (await cms.list()).metadata?.resourceVersion;
    const resumedAt = Date.now();
    leader.kill("SIGCONT");
    await new Promise((r) => setTimeout(r, LEASE_MS + 2_000));
    churn.abort();
    await churning;

    const after = leader.lines.filter((l) => l.t >= resumedAt);
    const starts = after.filter((l) => l.ev === "start");
    assert.deepEqual(starts, [], "the resumed replica started a reconcile");
    const writes = after.filter((l) => l.ev === "end" && l.did !== "none");
    assert.deepEqual(writes, [], "the resumed replica reports a write");
    // Independent check: every change to the namespace's ConfigMaps since just before SIGCONT.
    const watcher = await cms.watch({ resourceVersion: rv, timeoutSeconds: 2 });
    const written: string[] = [];
    for await (const ev of watcher) {
      const by = (ev.object as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations
        ?.["test.kubeweb.dev/replica"];
      if ((ev.type === "ADDED" || ev.type === "MODIFIED") && by === leader.id) {
        written.push((ev.object as { metadata?: { name?: string } }).metadata?.name ?? "");
      }
    }
    const ownWritesBefore = (await cms.list()).items.length;
    assert.deepEqual(written, [], "the resumed replica wrote after SIGCONT");
    const exit = leader.lines.find((l) => l.ev === "exit");
    console.log(
      `frozen with ${frozenInFlight} reconcile(s) in flight; after SIGCONT: ${after.length} lines ` +
        `(${after.filter((l) => l.ev === "end").map((l) => l.outcome).join(",")}), exit ${
          JSON.stringify(exit)
        }; ` +
        `${ownWritesBefore} ConfigMaps`,
    );
    assert.equal(exit?.lost, true, "the resumed replica did not stop with a lost lease");
  } finally {
    churn.abort();
    await churning;
    await stopAll(replicas);
  }
});
