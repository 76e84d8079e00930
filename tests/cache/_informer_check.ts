/**
 * Helpers of the informer integration tests: a seeded random source, test namespaces, a random
 * writer of ConfigMaps, a handler that checks the order of the events it gets, and convergence of an
 * informer to a fresh list.
 *
 * @module
 */
import assert from "node:assert/strict";
import { getTestCluster, type TestCluster } from "../cluster/harness.ts";
import { type FakeCluster, newFakeCluster } from "../../testing/mod.ts";
import { type Clientset, newClientset } from "../../clientset/clientset.ts";
import type { ConfigMap } from "../../clientset/core/v1/types.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import type { RestConfig } from "../../rest/rest_config.ts";
import type { KubeObject } from "../../rest/types.ts";
import { DeletedFinalStateUnknown } from "../../cache/deleted_final_state_unknown.ts";
import type { ResourceEventHandler } from "../../cache/shared_informer.ts";
import type { Store } from "../../cache/store.ts";
import { seededRandom } from "../../_internal/seeded_random.ts";

/** The admin configuration of the test cluster, without client-side rate limiting. */
export async function adminConfig(c: TestCluster): Promise<RestConfig> {
  return { ...await loadRestConfig({ kubeconfig: c.kubeconfigPath }), qps: -1 };
}

/** A clientset for the test cluster as admin, without client-side rate limiting. */
export async function adminClientset(c: TestCluster): Promise<Clientset> {
  const fake = (c as { fake?: FakeCluster }).fake;
  if (fake) return newClientset(fake.config, fake.clientOptions);
  return newClientset(await adminConfig(c));
}

/**
 * The cluster of the informer tests: the real test cluster, or with `KUBEWEB_TEST_TARGET=fake` the
 * fake cluster (`@kubeweb/client/testing`), so the same tests prove the fake through the informers.
 */
export async function informerTestCluster(): Promise<TestCluster> {
  if (Deno.env.get("KUBEWEB_TEST_TARGET") !== "fake") return await getTestCluster();
  const fake = await newFakeCluster();
  return { fake } as unknown as TestCluster;
}

/** Creates a namespace named `<prefix>-<random>` and returns its name. */
export async function newNamespace(cs: Clientset, prefix: string): Promise<string> {
  const name = `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
  await cs.coreV1().namespaces().create({ metadata: { name } });
  return name;
}

/**
 * Removes a test namespace's ConfigMaps and the namespace (without a controller-manager, a deleted
 * namespace stays Terminating; its objects are gone already).
 */
export async function removeNamespace(cs: Clientset, name: string): Promise<void> {
  await cs.coreV1().configMaps(name).deleteCollection().catch(() => {});
  await cs.coreV1().namespaces().delete(name).catch(() => {});
}

/** Counts of what {@linkcode randomConfigMapWrites} did. */
export interface WriteCounts {
  creates: number;
  updates: number;
  deletes: number;
}

/**
 * Makes `ops` random creates, updates and deletes of ConfigMaps in `namespace` from `workers`
 * concurrent writers. Each writer owns its names (`w<i>-<n>`), so updates never conflict; the
 * sequence of each writer depends only on `seed`.
 */
export async function randomConfigMapWrites(
  cs: Clientset,
  namespace: string,
  options: { seed: number; ops: number; workers?: number; namesPerWorker?: number; stopOnError?: boolean },
): Promise<WriteCounts & { errors: unknown[] }> {
  const client = cs.coreV1().configMaps(namespace);
  const workers = options.workers ?? 8;
  const namesPerWorker = options.namesPerWorker ?? 20;
  const counts = { creates: 0, updates: 0, deletes: 0, errors: [] as unknown[] };
  // Current state per name, read back once so a writer can resume where an earlier round ended.
  const live = new Map<string, ConfigMap>();
  for (const cm of (await client.list()).items) live.set(cm.metadata?.name ?? "", cm);
  const perWorker = Math.ceil(options.ops / workers);
  let remaining = options.ops;
  await Promise.all(Array.from({ length: workers }, async (_, w) => {
    const rand = seededRandom(options.seed * 1000 + w);
    for (let i = 0; i < perWorker && remaining > 0; i++) {
      remaining--;
      const name = `w${w}-${Math.floor(rand() * namesPerWorker)}`;
      const value = rand().toString(36).slice(2);
      const current = live.get(name);
      try {
        if (current === undefined) {
          live.set(
            name,
            await client.create({ metadata: { name, labels: { worker: String(w) } }, data: { value } }),
          );
          counts.creates++;
        } else if (rand() < 0.6) {
          live.set(name, await client.update({ ...current, data: { value } }));
          counts.updates++;
        } else {
          await client.delete(name);
          live.delete(name);
          counts.deletes++;
        }
      } catch (e) {
        counts.errors.push(e);
        if (options.stopOnError) return;
        throw e;
      }
    }
  }));
  return counts;
}

function keyOf(obj: KubeObject): string {
  const m = obj.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name}` : m.name ?? "";
}

/**
 * A handler that keeps its own view of the objects from the events it gets and records every event
 * that breaks the rules: an add of an object it has, an update of one it does not have or whose old
 * state is not the one it has, a resourceVersion going backwards, a delete of an unknown object, and
 * any event about an object (by uid) after its delete.
 */
export class CheckingHandler implements ResourceEventHandler<KubeObject> {
  /** The handler's view: key -> object. */
  readonly view: Map<string, KubeObject> = new Map();
  /** Rule violations, as text. */
  readonly violations: string[] = [];
  /** Events received. */
  readonly counts = { adds: 0, initialAdds: 0, updates: 0, deletes: 0, tombstones: 0 };
  #deletedUids = new Set<string>();

  #checkNotDeleted(obj: KubeObject, what: string): void {
    const uid = obj.metadata?.uid;
    if (uid !== undefined && this.#deletedUids.has(uid)) {
      this.violations.push(`${what} of ${keyOf(obj)} (uid ${uid}) after its delete`);
    }
  }

  onAdd(obj: KubeObject, isInInitialList: boolean): void {
    this.counts.adds++;
    if (isInInitialList) this.counts.initialAdds++;
    const key = keyOf(obj);
    this.#checkNotDeleted(obj, "add");
    if (this.view.has(key)) this.violations.push(`add of ${key}, which the handler has already`);
    this.view.set(key, obj);
  }

  onUpdate(oldObj: KubeObject, newObj: KubeObject): void {
    this.counts.updates++;
    const key = keyOf(newObj);
    this.#checkNotDeleted(newObj, "update");
    const had = this.view.get(key);
    if (had === undefined) {
      this.violations.push(`update of ${key} before its add`);
    } else if (had.metadata?.resourceVersion !== oldObj.metadata?.resourceVersion) {
      this.violations.push(
        `update of ${key}: old resourceVersion ${oldObj.metadata?.resourceVersion}, handler has ${had.metadata?.resourceVersion}`,
      );
    }
    if (Number(newObj.metadata?.resourceVersion) < Number(oldObj.metadata?.resourceVersion)) {
      this.violations.push(
        `update of ${key} goes back from ${oldObj.metadata?.resourceVersion} to ${newObj.metadata?.resourceVersion}`,
      );
    }
    this.view.set(key, newObj);
  }

  onDelete(obj: KubeObject | DeletedFinalStateUnknown<KubeObject>): void {
    this.counts.deletes++;
    let key: string;
    let last: KubeObject;
    if (obj instanceof DeletedFinalStateUnknown) {
      this.counts.tombstones++;
      key = obj.key;
      last = obj.obj as KubeObject;
    } else {
      key = keyOf(obj);
      last = obj;
    }
    this.#checkNotDeleted(last, "delete");
    if (!this.view.has(key)) this.violations.push(`delete of ${key}, which the handler does not have`);
    this.view.delete(key);
    const uid = last.metadata?.uid;
    if (uid !== undefined) this.#deletedUids.add(uid);
  }
}

/**
 * The object without apiVersion and kind: the items of a typed list lack them while watch events
 * carry them, so objects are compared without.
 */
export function withoutTypeMeta(obj: KubeObject): KubeObject {
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

/** key -> resourceVersion of some objects, sorted by key. */
export function versions(objs: Iterable<KubeObject>): [string, string][] {
  return [...objs].map((o): [string, string] => [keyOf(o), o.metadata?.resourceVersion ?? ""])
    .sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

/**
 * Waits (up to `timeoutMs`) until the store and the handler's view both hold exactly what a fresh list
 * returns (same keys and resourceVersions), then checks the objects are equal field by field.
 */
export async function assertConverges(
  store: Store<KubeObject>,
  handler: CheckingHandler,
  freshList: () => Promise<KubeObject[]>,
  timeoutMs = 30_000,
): Promise<KubeObject[]> {
  const deadline = Date.now() + timeoutMs;
  let fresh = await freshList();
  for (;;) {
    const want = JSON.stringify(versions(fresh));
    const inStore = JSON.stringify(versions(store.list()));
    const inView = JSON.stringify(versions(handler.view.values()));
    if (inStore === want && inView === want) break;
    if (Date.now() > deadline) {
      assert.equal(inStore, want, "the informer's store did not converge to a fresh list");
      assert.equal(inView, want, "the handler's view did not converge to a fresh list");
    }
    await new Promise((r) => setTimeout(r, 100));
    fresh = await freshList();
  }
  const byKey = new Map(fresh.map((o) => [keyOf(o), withoutTypeMeta(o)]));
  for (const o of store.list()) assert.deepEqual(withoutTypeMeta(o), byKey.get(keyOf(o)));
  for (const o of handler.view.values()) assert.deepEqual(withoutTypeMeta(o), byKey.get(keyOf(o)));
  return fresh;
}
