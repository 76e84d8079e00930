// Integration test (needs the real cluster): leader election across three separate processes over a
// coordination.k8s.io/v1 Lease, with lease 4 s, renew deadline 3 s, retry period 0.5 s.
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";
import { readJsonLines } from "../cluster/_json_lines.ts";
import { fakeMode, serveFakeCluster } from "../fake_mode/served_fake_cluster.ts";

// With KUBEWEB_TEST_TARGET=fake the same tests run against the fake cluster served on loopback
// (tests/leaderelection/leader_election_fake_test.ts).
const c = fakeMode() ? await serveFakeCluster() : await getTestCluster();

const LEASE_MS = 4_000;
const RENEW_MS = 3_000;
const RETRY_MS = 500;
const JITTERED_RETRY_MS = RETRY_MS * (1 + 1.2);
/** Process start-up, request latency and scheduling on a busy 2-core machine. */
const SLACK_MS = 1_000;

interface Line {
  event: string;
  id: string;
  t: number;
  leader?: string;
}

class Candidate {
  readonly lines: Line[] = [];
  readonly child: Deno.ChildProcess;
  readonly done: Promise<void>;
  #waiters: (() => void)[] = [];

  constructor(readonly id: string, lease: string, releaseOnCancel = false) {
    const args = ["run", "-A", "tests/leaderelection/candidate.ts", id, c.kubeconfigPath, lease];
    if (releaseOnCancel) args.push("--release-on-cancel");
    this.child = new Deno.Command("node_modules/.bin/deno", {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: Deno.env.get("LE_DEBUG") ? "inherit" : "null",
      env: { LE_LEASE_MS: String(LEASE_MS), LE_RENEW_MS: String(RENEW_MS), LE_RETRY_MS: String(RETRY_MS) },
    }).spawn();
    this.done = this.#read();
  }

  async #read(): Promise<void> {
    await readJsonLines(this.child.stdout, (line) => {
      this.lines.push(line);
      for (const w of this.#waiters.splice(0)) w();
    });
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Resolves with the first line matching `pred` (already seen or future), or rejects after `ms`. */
  async waitFor(pred: (l: Line) => boolean, ms: number, what: string): Promise<Line> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.lines.find(pred);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.id}: timed out after ${ms} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  leading(): boolean {
    let on = false;
    for (const l of this.lines) {
      if (l.event === "started") on = true;
      if (l.event === "stopped") on = false;
    }
    return on;
  }

  async stop(): Promise<void> {
    const writer = this.child.stdin.getWriter();
    await writer.write(new TextEncoder().encode("stop\n"));
    await writer.close().catch(() => {});
  }

  async kill(): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch { /* already gone */ }
    await this.child.status;
    await this.done;
  }
}

/** Leadership intervals [start, end) of all candidates; a killed one ends at its kill time. */
function intervals(cands: Candidate[], killedAt = new Map<Candidate, number>()): [string, number, number][] {
  const out: [string, number, number][] = [];
  for (const cand of cands) {
    let start: number | undefined;
    for (const l of cand.lines) {
      if (l.event === "started") start = l.t;
      if (l.event === "stopped" && start !== undefined) {
        out.push([cand.id, start, l.t]);
        start = undefined;
      }
    }
    if (start !== undefined) out.push([cand.id, start, killedAt.get(cand) ?? Infinity]);
  }
  return out.sort((a, b) => a[1] - b[1]);
}

function assertNoOverlap(iv: [string, number, number][]): void {
  for (let i = 1; i < iv.length; i++) {
    assert.ok(
      iv[i][1] >= iv[i - 1][2],
      `two leaders at once: ${JSON.stringify(iv[i - 1])} and ${JSON.stringify(iv[i])}`,
    );
  }
}

async function holder(lease: string): Promise<string> {
  const out = await c.kubectl([
    "get",
    "lease",
    lease,
    "-n",
    "default",
    "-o",
    "jsonpath={.spec.holderIdentity}",
  ]);
  assert.equal(out.code, 0, out.stderr);
  return out.stdout;
}

function leaseName(): string {
  return `kubeweb-le-${crypto.randomUUID().slice(0, 8)}`;
}

async function whoLeads(cands: Candidate[], ms: number): Promise<Candidate> {
  const deadline = Date.now() + ms;
  for (;;) {
    const leaders = cands.filter((x) => x.leading());
    if (leaders.length === 1) return leaders[0];
    assert.ok(leaders.length === 0, `several leaders: ${leaders.map((x) => x.id)}`);
    if (Date.now() > deadline) throw new Error(`nobody leads after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("three processes elect exactly one leader; kill -9 of the leader hands over in time", async () => {
  const lease = leaseName();
  const cands = ["a", "b", "c"].map((id) => new Candidate(id, lease));
  const killedAt = new Map<Candidate, number>();
  try {
    await Promise.all(cands.map((x) => x.waitFor((l) => l.event === "ready", 30_000, "ready")));
    const leader = await whoLeads(cands, 10_000);
    // Watch for a while: one leader, the lease names it, every candidate knows it.
    await new Promise((r) => setTimeout(r, 3 * LEASE_MS));
    assert.equal(cands.filter((x) => x.leading()).length, 1);
    assert.ok(leader.leading());
    assert.equal(await holder(lease), leader.id);
    for (const x of cands) {
      await x.waitFor((l) => l.event === "newLeader" && l.leader === leader.id, 5_000, "newLeader");
    }

    const killTime = Date.now();
    killedAt.set(leader, killTime);
    await leader.kill();
    const rest = cands.filter((x) => x !== leader);
    const next = await Promise.any(
      rest.map((x) =>
        x.waitFor((l) => l.event === "started", LEASE_MS + 2 * JITTERED_RETRY_MS + SLACK_MS, "started")
      ),
    );
    const handover = next.t - killTime;
    console.log(`kill -9 handover: ${handover} ms (lease ${LEASE_MS} ms, retry ${RETRY_MS} ms)`);
    // Expiry counts from when a candidate saw the last renewal (up to one jittered retry after it),
    // then the next attempt comes up to one jittered retry later.
    assert.ok(handover <= LEASE_MS + 2 * JITTERED_RETRY_MS + SLACK_MS, `handover took ${handover} ms`);
    assert.ok(
      handover >= LEASE_MS - RETRY_MS - 200,
      `handover after ${handover} ms: the lease was not honoured`,
    );
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal(await holder(lease), next.id);
    assertNoOverlap(intervals(cands, killedAt));
  } finally {
    await Promise.all(cands.map((x) => x.kill()));
  }
});

Deno.test("releaseOnCancel hands over within one retry period", async () => {
  const lease = leaseName();
  const cands = ["r1", "r2", "r3"].map((id) => new Candidate(id, lease, true));
  try {
    await Promise.all(cands.map((x) => x.waitFor((l) => l.event === "ready", 30_000, "ready")));
    const leader = await whoLeads(cands, 10_000);
    await new Promise((r) => setTimeout(r, 2_000));
    const stopAt = Date.now();
    await leader.stop();
    const stopped = await leader.waitFor((l) => l.event === "stopped", 5_000, "stopped");
    await leader.waitFor((l) => l.event === "exited", 5_000, "exited");
    const rest = cands.filter((x) => x !== leader);
    const next = await Promise.any(
      rest.map((x) =>
        x.waitFor((l) => l.event === "started", JITTERED_RETRY_MS + SLACK_MS + 2_000, "started")
      ),
    );
    const handover = next.t - stopped.t;
    console.log(`releaseOnCancel handover: ${handover} ms after release (${next.t - stopAt} ms after stop)`);
    assert.ok(handover <= JITTERED_RETRY_MS + SLACK_MS, `handover took ${handover} ms`);
    assertNoOverlap(intervals(cands));
    assert.equal(await holder(lease), next.id);
  } finally {
    await Promise.all(cands.map((x) => x.kill()));
  }
});

Deno.test({
  name: "with the apiserver down past renewDeadline the leader steps down and nobody leads until it returns",
  ignore: !c.canInjectFaults,
  fn: async () => {
    const lease = leaseName();
    const cands = ["s1", "s2", "s3"].map((id) => new Candidate(id, lease));
    try {
      await Promise.all(cands.map((x) => x.waitFor((l) => l.event === "ready", 30_000, "ready")));
      const leader = await whoLeads(cands, 10_000);
      await new Promise((r) => setTimeout(r, 1_000));
      const downAt = Date.now();
      await c.stopApiserver();
      const stoppedAt = Date.now();
      let restarted = false;
      try {
        const stepDown = await leader.waitFor(
          (l) => l.event === "stopped" && l.t >= downAt,
          RENEW_MS + RETRY_MS + SLACK_MS + (stoppedAt - downAt),
          "stepping down",
        );
        console.log(`stepped down ${stepDown.t - downAt} ms after the apiserver was stopped`);
        // Stay down a while longer: nobody may lead without the API server.
        await new Promise((r) => setTimeout(r, RENEW_MS));
        assert.deepEqual(cands.filter((x) => x.leading()).map((x) => x.id), []);
        const upAt = Date.now();
        await c.startApiserver();
        const readyAt = Date.now();
        console.log(
          `apiserver down ${upAt - downAt} ms, then ready ${readyAt - upAt} ms after being started`,
        );
        restarted = true;
        for (const x of cands) {
          assert.ok(
            !x.lines.some((l) => l.event === "started" && l.t > stepDown.t && l.t < upAt),
            `${x.id} led while down`,
          );
        }
        const again = await whoLeads(cands, 30_000);
        console.log(`${again.id} leads again ${Date.now() - readyAt} ms after the apiserver was ready`);
        assertNoOverlap(intervals(cands));
      } finally {
        if (!restarted) await c.startApiserver();
      }
    } finally {
      await Promise.all(cands.map((x) => x.kill()));
    }
  },
});
