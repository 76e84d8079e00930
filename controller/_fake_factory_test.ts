// Test doubles shared by the controller unit tests (a *_test.ts file so it is never published).
/**
 * A two-resource informer factory over fake lister-watchers (`parents` and `children`), driven on a
 * fake clock, and helpers to send watch events.
 *
 * @module
 */
import type { Clock } from "../_internal/clock.ts";
import { FakeListerWatcher } from "../cache/_fake_lister_watcher.ts";
import type { GenericInformer } from "../cache/informer_factory.ts";
import { metaNamespaceIndexFunc, NAMESPACE_INDEX } from "../cache/index.ts";
import { newLister } from "../cache/lister.ts";
import { newSharedIndexInformer, type SharedIndexInformer } from "../cache/shared_informer.ts";
import type { KubeObject } from "../rest/types.ts";

/** One fake resource: its lister-watcher, informer and objects. */
export class FakeResource {
  readonly lw: FakeListerWatcher<KubeObject>;
  readonly informer: SharedIndexInformer<KubeObject>;
  readonly generic: GenericInformer<KubeObject>;
  #rv = 100;
  /** Resolves the initial list when set (to hold a cache unsynced). */
  listGate: Promise<void> | undefined;

  constructor(clock: Clock, readonly kind: string, initial: KubeObject[] = []) {
    this.lw = new FakeListerWatcher<KubeObject>(clock);
    const list = this.lw.list.bind(this.lw);
    this.lw.list = async (options, signal) => {
      if (this.listGate) await this.listGate;
      return list(options, signal);
    };
    this.lw.defaultList = () => ({
      metadata: { resourceVersion: "1" },
      items: initial.map((o) => structuredClone(o)),
    });
    this.informer = newSharedIndexInformer<KubeObject>(this.lw, {
      clock,
      indexers: { [NAMESPACE_INDEX]: metaNamespaceIndexFunc },
    });
    this.generic = {
      informer: () => this.informer,
      lister: () => newLister(this.informer.getIndexer(), kind),
    };
  }

  /** Sends an event on the current watch with a fresh resourceVersion. */
  send(type: "ADDED" | "MODIFIED" | "DELETED", obj: KubeObject): KubeObject {
    const o = structuredClone(obj);
    o.metadata = { ...o.metadata, resourceVersion: String(++this.#rv) };
    this.lw.lastWatch.send({ type, object: o });
    return o;
  }
}

/** Makes an object of `kind` in namespace "ns". */
export function obj(kind: string, name: string, extra: Partial<KubeObject["metadata"]> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind,
    metadata: {
      name,
      namespace: "ns",
      uid: `uid-${kind}-${name}`,
      resourceVersion: "1",
      generation: 1,
      ...extra,
    },
  };
}

/** The factory: `parents()` and `children()`, start and shutDown as a real factory. */
export class FakeFactory {
  readonly parents: FakeResource;
  readonly children: FakeResource;
  #stop = new AbortController();
  #running: Promise<void>[] = [];
  started = 0;
  shutDowns = 0;

  constructor(clock: Clock, parents: KubeObject[] = [], children: KubeObject[] = []) {
    this.parents = new FakeResource(clock, "Parent", parents);
    this.children = new FakeResource(clock, "Child", children);
  }

  start(signal: AbortSignal): void {
    this.started++;
    for (const r of [this.parents, this.children]) {
      if (r.informer.hasStarted()) continue;
      const s = AbortSignal.any([signal, this.#stop.signal]);
      this.#running.push(r.informer.run(s));
    }
  }

  async shutDown(): Promise<void> {
    this.shutDowns++;
    this.#stop.abort();
    await Promise.all(this.#running);
  }
}
