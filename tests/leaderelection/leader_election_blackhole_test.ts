// Integration test (needs the real cluster): a leader whose connection to the API server goes
// half-open. Its Lease client reaches the server through tests/cluster/blackhole_proxy.ts, which
// black-holes every connection it carries while new ones pass. The lock call over the dead connection
// must time out (lockCallTimeoutMs), the connection be dropped, and the next try renew the Lease over a
// new connection before the renew deadline: the leader keeps leading. The Lease is checked with a
// direct client and kubectl.
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";
import { BlackholeProxy } from "../cluster/blackhole_proxy.ts";
import { newClientset } from "../../clientset/clientset.ts";
import { LeaderElector, LeaseLock } from "../../leaderelection/mod.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";

const c = await getTestCluster();

const LEASE_MS = 6_000;
const RENEW_MS = 4_000;
const RETRY_MS = 500;
const CALL_MS = 1_000;

Deno.test({
  name: "black hole: a leader notices its dead connection at the lock call timeout and renews over a new one",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const config = { ...await loadRestConfig({ kubeconfig: c.kubeconfigPath }), qps: -1 };
    const direct = newClientset(config);
    await using proxy = await BlackholeProxy.forServer(c.server);
    const proxied = newClientset({ ...config, host: proxy.url }, { responseHeaderTimeoutMs: 2_000 });
    const name = `blackhole-le-${crypto.randomUUID().slice(0, 8)}`;
    const identity = `leader-${crypto.randomUUID().slice(0, 8)}`;
    const errors: { at: number; message: string }[] = [];
    let started = 0;
    let stopped = 0;
    const elector = new LeaderElector({
      lock: new LeaseLock({ client: proxied.coordinationV1(), namespace: "default", name, identity }),
      leaseDurationMs: LEASE_MS,
      renewDeadlineMs: RENEW_MS,
      retryPeriodMs: RETRY_MS,
      lockCallTimeoutMs: CALL_MS,
      logger: {
        info() {},
        error: (m, e) => void errors.push({ at: Date.now(), message: `${m}: ${e}` }),
      },
      callbacks: {
        onStartedLeading: () => void started++,
        onStoppedLeading: () => void stopped++,
      },
    });
    const stop = new AbortController();
    const done = elector.run(stop.signal);
    const renewTime = async () =>
      Date.parse((await direct.coordinationV1().leases("default").get(name)).spec?.renewTime ?? "") || 0;
    const waitFor = async (pred: () => boolean | Promise<boolean>, ms: number, what: string) => {
      const end = Date.now() + ms;
      while (!(await pred())) {
        if (Date.now() > end) throw new Error(`${what} within ${ms} ms; errors: ${JSON.stringify(errors)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await waitFor(() => started === 1, 10_000, "leading");
      const first = await renewTime();
      await waitFor(async () => (await renewTime()) > first, 5_000, "a renewal");
      assert.equal(errors.length, 0, JSON.stringify(errors));
      const acceptedBefore = proxy.accepted;

      const t0 = Date.now();
      const holed = proxy.blackholeAll();
      assert.ok(holed >= 1, "the leader's connection is carried by the proxy");
      await waitFor(() => errors.length > 0, 10_000, "the dead call noticed");
      const detectMs = errors[0].at - t0;
      // A renewal starts at most one retry period after the black hole; its call times out after CALL_MS.
      assert.ok(detectMs <= RETRY_MS + CALL_MS + 1_500, `noticed after ${detectMs} ms`);
      // A renewal begun after the detection reaches the server: the leader renewed over a new connection.
      const detectedAt = errors[0].at;
      await waitFor(
        async () => (await renewTime()) >= detectedAt,
        RENEW_MS,
        "a renewal after the black hole",
      );
      const renewedMs = Date.now() - t0;
      assert.equal(stopped, 0, "still leading: renewed within the renew deadline");
      assert.equal(elector.isLeader(), true);
      assert.ok(proxy.accepted > acceptedBefore, "a new connection was made");

      // kubectl, the independent witness.
      const k = await c.kubectl(["get", "lease", name, "-n", "default", "-o", "json"]);
      assert.equal(k.code, 0, k.stderr);
      const lease = JSON.parse(k.stdout);
      assert.equal(lease.spec.holderIdentity, identity);
      assert.ok(Date.parse(lease.spec.renewTime) >= detectedAt, lease.spec.renewTime);
      console.log(
        `black hole (deno leader elector): ${
          JSON.stringify({
            lockCallTimeoutMs: CALL_MS,
            retryPeriodMs: RETRY_MS,
            renewDeadlineMs: RENEW_MS,
            detectMs,
            renewedMs,
            firstError: errors[0].message.slice(0, 120),
          })
        }`,
      );
    } finally {
      stop.abort();
      await done;
      await direct.coordinationV1().leases("default").delete(name).catch(() => {});
    }
    assert.equal(stopped, 1);
  },
});
