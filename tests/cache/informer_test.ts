// Integration tests (need the real cluster): a SharedIndexInformer on ConfigMaps stays equal to a fresh
// list while another client makes 2,000 random writes, its handler events are consistent, and a handler
// added after sync gets the whole cache.
import assert from "node:assert/strict";
import { seededRandom } from "../../_internal/seeded_random.ts";
import { listWatchFromClient } from "../../cache/listwatch.ts";
import { metaNamespaceIndexFunc, NAMESPACE_INDEX } from "../../cache/index.ts";
import { newSharedIndexInformer, type SharedIndexInformer } from "../../cache/shared_informer.ts";
import { waitForCacheSync } from "../../cache/wait_for_cache_sync.ts";
import type { Clientset } from "../../clientset/clientset.ts";
import type { KubeObject } from "../../rest/types.ts";
import {
  adminClientset,
  assertConverges,
  CheckingHandler,
  informerTestCluster,
  newNamespace,
  randomConfigMapWrites,
  removeNamespace,
} from "./_informer_check.ts";

// With KUBEWEB_TEST_TARGET=fake the same tests run against the fake cluster (tests/cache/informer_fake_test.ts).
const c = await informerTestCluster();

function configMapInformer(cs: Clientset, namespace: string, seed: number): SharedIndexInformer<KubeObject> {
  return newSharedIndexInformer<KubeObject>(listWatchFromClient(cs.coreV1().configMaps(namespace)), {
    random: seededRandom(seed),
    indexers: { [NAMESPACE_INDEX]: metaNamespaceIndexFunc },
    objectDescription: "configmaps",
  });
}

Deno.test("(a) a ConfigMap informer equals a fresh list through 2,000 random writes; handler events are consistent", async () => {
  const cs = await adminClientset(c);
  const ns = await newNamespace(cs, "informer-a");
  const fresh = async () => (await cs.coreV1().configMaps(ns).list()).items as KubeObject[];
  try {
    // Some objects exist before the informer starts: they arrive in the initial list.
    const before = await randomConfigMapWrites(cs, ns, { seed: 1, ops: 100 });
    const informer = configMapInformer(cs, ns, 7);
    const handler = new CheckingHandler();
    informer.addEventHandler(handler);
    const watchErrors: unknown[] = [];
    informer.setWatchErrorHandler((_r, e) => void watchErrors.push(e));
    const controller = new AbortController();
    const done = informer.run(controller.signal);
    try {
      assert.ok(await waitForCacheSync(AbortSignal.timeout(30_000), informer.hasSynced));
      const initial = await assertConverges(informer.getStore(), handler, fresh);
      assert.equal(handler.counts.initialAdds, initial.length);
      assert.equal(initial.length, before.creates - before.deletes);

      // 2,000 writes in 4 rounds; after each, the cache equals a fresh list.
      const totals = { creates: 0, updates: 0, deletes: 0 };
      for (let round = 0; round < 4; round++) {
        const r = await randomConfigMapWrites(cs, ns, { seed: 100 + round, ops: 500 });
        totals.creates += r.creates;
        totals.updates += r.updates;
        totals.deletes += r.deletes;
        await assertConverges(informer.getStore(), handler, fresh);
      }
      assert.equal(totals.creates + totals.updates + totals.deletes, 2000);
      assert.ok(totals.creates > 300 && totals.updates > 300 && totals.deletes > 300, JSON.stringify(totals));
      assert.deepEqual(handler.violations, []);
      // Every write reached the handler as exactly one event (a watch that never broke).
      assert.equal(handler.counts.adds - handler.counts.initialAdds, totals.creates);
      assert.equal(handler.counts.updates, totals.updates);
      assert.equal(handler.counts.deletes, totals.deletes);
      assert.deepEqual(watchErrors, []);
      // The namespace index and the store agree.
      assert.equal(
        informer.getIndexer().byIndex(NAMESPACE_INDEX, ns).length,
        informer.getStore().list().length,
      );
    } finally {
      controller.abort();
      await done;
    }
  } finally {
    await removeNamespace(cs, ns);
  }
});

Deno.test("(d) a handler added after sync receives the whole cache as initial adds, then live events", async () => {
  const cs = await adminClientset(c);
  const ns = await newNamespace(cs, "informer-d");
  const client = cs.coreV1().configMaps(ns);
  try {
    await Promise.all(
      Array.from(
        { length: 40 },
        (_, i) => client.create({ metadata: { name: `cm-${i}` }, data: { i: String(i) } }),
      ),
    );
    const informer = configMapInformer(cs, ns, 11);
    const first = new CheckingHandler();
    informer.addEventHandler(first);
    const controller = new AbortController();
    const done = informer.run(controller.signal);
    try {
      assert.ok(await waitForCacheSync(AbortSignal.timeout(30_000), informer.hasSynced));
      await assertConverges(informer.getStore(), first, async () => (await client.list()).items);

      const late = new CheckingHandler();
      const registration = informer.addEventHandler(late);
      assert.ok(await waitForCacheSync(AbortSignal.timeout(10_000), registration.hasSynced));
      assert.equal(late.counts.initialAdds, 40);
      assert.equal(late.counts.adds, 40);
      assert.deepEqual(
        [...late.view.keys()].sort(),
        informer.getStore().listKeys().sort(),
      );

      await client.create({ metadata: { name: "after" }, data: { i: "late" } });
      await client.delete("cm-0");
      await assertConverges(informer.getStore(), late, async () => (await client.list()).items);
      assert.equal(late.counts.adds, 41);
      assert.equal(late.counts.initialAdds, 40, "a live add is not part of the initial list");
      assert.equal(late.counts.deletes, 1);
      assert.deepEqual(late.violations, []);
      assert.deepEqual(first.violations, []);
    } finally {
      controller.abort();
      await done;
    }
  } finally {
    await removeNamespace(cs, ns);
  }
});
