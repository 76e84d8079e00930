// Integration test (needs the real cluster): an informer whose connection to the API server goes
// half-open. Its client reaches the server through a TCP proxy (tests/cluster/blackhole_proxy.ts) that
// black-holes every connection it carries mid-watch (open, forwarding nothing) while new connections
// pass. With small client-side deadlines the watch must be noticed dead within its idle deadline, the
// informer must reconnect through a new connection and converge, with no object lost and none
// phantom, checked against a fresh list and kubectl.
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";
import { BlackholeProxy } from "../cluster/blackhole_proxy.ts";
import { seededRandom } from "../../_internal/seeded_random.ts";
import { listWatchFromClient } from "../../cache/listwatch.ts";
import { newSharedIndexInformer } from "../../cache/shared_informer.ts";
import { waitForCacheSync } from "../../cache/wait_for_cache_sync.ts";
import { newClientset } from "../../clientset/clientset.ts";
import { DeadlineExceededError } from "../../rest/deadline.ts";
import type { KubeObject } from "../../rest/types.ts";
import {
  adminClientset,
  adminConfig,
  assertConverges,
  CheckingHandler,
  newNamespace,
  randomConfigMapWrites,
  removeNamespace,
  versions,
} from "./_informer_check.ts";

const c = await getTestCluster();

/** The client-side deadlines of the proxied client: short, so the test takes seconds. */
const DEADLINES = { watchIdleTimeoutMs: 3000, responseHeaderTimeoutMs: 2000, watchDeadlineGraceMs: 1000 };

Deno.test({
  name:
    "black hole: an informer notices its half-open watch within the idle deadline, reconnects and converges",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const cs = await adminClientset(c);
    const ns = await newNamespace(cs, "blackhole-informer");
    await using proxy = await BlackholeProxy.forServer(c.server);
    const proxied = newClientset({ ...await adminConfig(c), host: proxy.url }, DEADLINES);
    const fresh = async () => (await cs.coreV1().configMaps(ns).list()).items as KubeObject[];
    const ticking = new AbortController();
    let ticker: Promise<void> = Promise.resolve();
    try {
      await randomConfigMapWrites(cs, ns, { seed: 41, ops: 60 });
      // List and watch-start errors go to the watch-error handler, the endings of a running watch
      // (the dead one among them) to the logger: both are collected.
      const errors: { at: number; error: unknown }[] = [];
      const informer = newSharedIndexInformer<KubeObject>(
        listWatchFromClient<KubeObject>(proxied.coreV1().configMaps(ns)),
        {
          random: seededRandom(42),
          logger: { warn: (_m, error) => void errors.push({ at: performance.now(), error }) },
        },
      );
      const handler = new CheckingHandler();
      informer.addEventHandler(handler);
      informer.setWatchErrorHandler((_r, error) => void errors.push({ at: performance.now(), error }));
      const stop = new AbortController();
      const done = informer.run(stop.signal);
      try {
        assert.ok(await waitForCacheSync(AbortSignal.timeout(30_000), informer.hasSynced));
        // A healthy watch is never idle for long here: a ConfigMap changes every 300 ms (directly).
        ticker = (async () => {
          const tick = cs.coreV1().configMaps(ns);
          await tick.create({ metadata: { name: "tick" }, data: { n: "0" } });
          for (let n = 1; !ticking.signal.aborted; n++) {
            await tick.patch("tick", "merge", { data: { n: String(n) } }).catch(() => {});
            await new Promise((r) => setTimeout(r, 300));
          }
        })();
        await assertConverges(informer.getStore(), handler, fresh);
        assert.deepEqual(errors.map((e) => String(e.error)), [], "no deadline passes on a healthy watch");
        const acceptedBefore = proxy.accepted;

        const t0 = performance.now();
        const holed = proxy.blackholeAll();
        assert.ok(holed >= 1, "the informer's connection is carried by the proxy");
        // The world moves on while the informer's connection is dead.
        const writes = await randomConfigMapWrites(cs, ns, { seed: 43, ops: 80 });
        assert.equal(writes.errors.length, 0);

        const deadlineWait = Date.now() + 20_000;
        while (!errors.some((e) => e.error instanceof DeadlineExceededError) && Date.now() < deadlineWait) {
          await new Promise((r) => setTimeout(r, 50));
        }
        const noticed = errors.find((e) => e.error instanceof DeadlineExceededError);
        assert.ok(noticed, `the dead watch was logged: ${errors.map((e) => String(e.error))}`);
        const detectMs = noticed.at - t0;
        assert.equal((noticed.error as DeadlineExceededError).kind, "watch-idle");
        assert.ok(
          detectMs >= DEADLINES.watchIdleTimeoutMs - 500 && detectMs < DEADLINES.watchIdleTimeoutMs + 3000,
          `noticed after ${Math.round(detectMs)} ms, idle deadline ${DEADLINES.watchIdleTimeoutMs} ms`,
        );

        ticking.abort();
        await ticker;
        const converged = await assertConverges(informer.getStore(), handler, fresh, 30_000);
        const convergeMs = performance.now() - t0;
        assert.deepEqual(handler.violations, [], "no phantom or out-of-order event");
        assert.ok(proxy.accepted > acceptedBefore, "the informer reconnected through a new connection");

        // kubectl, the independent witness, sees exactly what the informer holds.
        const k = await c.kubectl(["get", "configmaps", "-n", ns, "-o", "json"]);
        assert.equal(k.code, 0, k.stderr);
        const witnessed = (JSON.parse(k.stdout).items as KubeObject[]).filter((o) =>
          o.metadata?.name !== "kube-root-ca.crt"
        );
        const cached = informer.getStore().list().filter((o) => o.metadata?.name !== "kube-root-ca.crt");
        assert.deepEqual(versions(cached), versions(witnessed));
        assert.equal(converged.length, informer.getStore().list().length);
        console.log(
          `black hole (deno informer): ${
            JSON.stringify({
              ...DEADLINES,
              blackholed: holed,
              detectMs: Math.round(detectMs),
              convergeMs: Math.round(convergeMs),
              objects: converged.length,
              writesWhileDead: writes.creates + writes.updates + writes.deletes,
            })
          }`,
        );
      } finally {
        stop.abort();
        await done;
      }
    } finally {
      ticking.abort();
      await ticker.catch(() => {});
      await removeNamespace(cs, ns);
    }
  },
});
