// Integration tests (need the real cluster, with fault injection): an informer recovers from a
// kube-apiserver restart mid-watch, and from a 410 Gone on re-watch after etcd compaction, relisting and
// converging to a fresh list with consistent handler events.
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";
import { seededRandom } from "../../_internal/seeded_random.ts";
import { type ListerWatcher, listWatchFromClient } from "../../cache/listwatch.ts";
import { newSharedIndexInformer, type SharedIndexInformer } from "../../cache/shared_informer.ts";
import { waitForCacheSync } from "../../cache/wait_for_cache_sync.ts";
import type { Clientset } from "../../clientset/clientset.ts";
import { apiErrorFromStatus, isResourceExpired } from "../../rest/errors.ts";
import type { KubeObject, Status } from "../../rest/types.ts";
import {
  adminClientset,
  assertConverges,
  CheckingHandler,
  newNamespace,
  randomConfigMapWrites,
  removeNamespace,
} from "./_informer_check.ts";

const c = await getTestCluster();

interface Observed {
  informer: SharedIndexInformer<KubeObject>;
  handler: CheckingHandler;
  /** resourceVersion of every LIST the informer made. */
  lists: string[];
  /** The outcome of every WATCH request the informer made: "ok" or the error. */
  watches: ("ok" | unknown)[];
  /** The ERROR events the informer's watches delivered, as errors. */
  errorEvents: unknown[];
  watchErrors: unknown[];
  controller: AbortController;
  done: Promise<void>;
}

/** Starts a ConfigMap informer on `namespace` that counts its LISTs and keeps its watch errors. */
async function startObserved(cs: Clientset, namespace: string, seed: number): Promise<Observed> {
  const inner = listWatchFromClient<KubeObject>(cs.coreV1().configMaps(namespace));
  const lists: string[] = [];
  const watches: ("ok" | unknown)[] = [];
  const errorEvents: unknown[] = [];
  const lw: ListerWatcher<KubeObject> = {
    list: (options, signal) => {
      lists.push(options.resourceVersion ?? "");
      return inner.list(options, signal);
    },
    watch: async (options, signal) => {
      try {
        const w = await inner.watch(options, signal);
        watches.push("ok");
        return {
          stop: () => w.stop(),
          async *[Symbol.asyncIterator]() {
            for await (const event of w) {
              if (event.type === "ERROR") errorEvents.push(apiErrorFromStatus(event.object as Status));
              yield event;
            }
          },
        };
      } catch (e) {
        watches.push(e);
        throw e;
      }
    },
  };
  const informer = newSharedIndexInformer<KubeObject>(lw, { random: seededRandom(seed) });
  const handler = new CheckingHandler();
  informer.addEventHandler(handler);
  const watchErrors: unknown[] = [];
  informer.setWatchErrorHandler((_r, e) => void watchErrors.push(e));
  const controller = new AbortController();
  const done = informer.run(controller.signal);
  assert.ok(await waitForCacheSync(AbortSignal.timeout(30_000), informer.hasSynced));
  return { informer, handler, lists, watches, errorEvents, watchErrors, controller, done };
}

Deno.test({
  name: "(b) the API server is stopped mid-watch and restarted: the informer recovers and loses nothing",
  ignore: !c.canInjectFaults,
  async fn() {
    const cs = await adminClientset(c);
    const ns = await newNamespace(cs, "informer-b");
    const fresh = async () => (await cs.coreV1().configMaps(ns).list()).items as KubeObject[];
    try {
      await randomConfigMapWrites(cs, ns, { seed: 3, ops: 100 });
      const o = await startObserved(cs, ns, 21);
      try {
        await assertConverges(o.informer.getStore(), o.handler, fresh);
        // Writes in flight while the server goes down: some succeed, the rest fail.
        const writing = randomConfigMapWrites(cs, ns, { seed: 4, ops: 400, stopOnError: true });
        await new Promise((r) => setTimeout(r, 150));
        let interrupted;
        await c.stopApiserver();
        try {
          interrupted = await writing;
          const cached = o.informer.getStore().list().length;
          // While the server is down, the reflector keeps trying to watch (connection refused, after
          // the REST client's own connection retries; client-go backs off on these without reporting
          // them), and the cache stays readable.
          const failedWatches = () => o.watches.filter((w) => w !== "ok").length;
          const deadline = Date.now() + 20_000;
          while (failedWatches() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
          assert.ok(
            failedWatches() >= 2,
            `re-watches failed while the server was down: ${o.watches.map(String)}`,
          );
          assert.equal(o.informer.getStore().list().length, cached);
        } finally {
          await c.startApiserver();
        }

        const after = await randomConfigMapWrites(cs, ns, { seed: 5, ops: 300 });
        assert.equal(after.errors.length, 0);
        await assertConverges(o.informer.getStore(), o.handler, fresh, 60_000);
        assert.deepEqual(o.handler.violations, []);
        assert.ok(
          interrupted.creates + interrupted.updates + interrupted.deletes > 0,
          "writes before the stop",
        );
        assert.equal(o.informer.hasSynced(), true);
      } finally {
        o.controller.abort();
        await o.done;
      }
    } finally {
      await removeNamespace(cs, ns);
    }
  },
});

Deno.test({
  name: "(c) a re-watch from a compacted resourceVersion gets 410 Gone: the informer relists and converges",
  ignore: !c.canInjectFaults,
  async fn() {
    const cs = await adminClientset(c);
    const ns = await newNamespace(cs, "informer-c");
    const other = await newNamespace(cs, "informer-c-other");
    const fresh = async () => (await cs.coreV1().configMaps(ns).list()).items as KubeObject[];
    try {
      await randomConfigMapWrites(cs, ns, { seed: 6, ops: 60 });
      const o = await startObserved(cs, ns, 31);
      try {
        await assertConverges(o.informer.getStore(), o.handler, fresh);
        const synced = Number(o.informer.lastSyncResourceVersion());
        assert.deepEqual(o.lists, ["0"]);
        // The revision moves on without an event for this informer (writes in another namespace), and
        // etcd forgets every revision before now.
        await randomConfigMapWrites(cs, other, { seed: 7, ops: 20 });
        await c.compactEtcd();
        // The restarted server's watch cache starts at the current revision: a watch from the
        // informer's older resourceVersion is answered 410 Gone (Expired), and etcd cannot serve it either.
        await c.stopApiserver();
        try {
          // A moment down, so the informer's watch is surely broken and re-watches against the new server.
          await new Promise((r) => setTimeout(r, 500));
        } finally {
          await c.startApiserver();
        }
        const now = Number((await cs.coreV1().configMaps(ns).list({ limit: 1 })).metadata?.resourceVersion);
        assert.ok(now > synced + 1, `the revision moved on: ${synced} -> ${now}`);

        await randomConfigMapWrites(cs, ns, { seed: 8, ops: 60 });
        await assertConverges(o.informer.getStore(), o.handler, fresh, 60_000);
        // The 410 comes as an ERROR event of a running watch (routine for client-go: logged at debug
        // level, not given to the watch-error handler) or as a refused watch start (which is).
        const startErrors = o.watches.filter((w) => w !== "ok");
        assert.ok(
          [...o.errorEvents, ...startErrors].some(isResourceExpired),
          `a 410 Expired ended a watch: ${[...o.errorEvents, ...startErrors].map(String).join("; ")}`,
        );
        assert.equal(
          o.watchErrors.some(isResourceExpired),
          startErrors.some(isResourceExpired),
          `only a refused watch start reaches the watch-error handler: ${
            o.watchErrors.map(String).join("; ")
          }`,
        );
        assert.equal(o.lists.length, 2, `one relist after the 410: ${JSON.stringify(o.lists)}`);
        assert.equal(o.lists[1], String(synced), "the relist is at the last synced resourceVersion");
        assert.deepEqual(o.handler.violations, []);
      } finally {
        o.controller.abort();
        await o.done;
      }
    } finally {
      await removeNamespace(cs, ns);
      await removeNamespace(cs, other);
    }
  },
});
