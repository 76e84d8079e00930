/**
 * The controller the integration tests run, in the test process or in replica processes: each
 * ConfigMap labelled `test.kubeweb.dev/source=true` gets a child `<name>-child` (same data, controller
 * reference to the source) written by server-side apply; a finalizer deletes the child when the source
 * is deleted (the test cluster has no garbage collector). Every reconcile is recorded, by the
 * reconcile function itself, through `record` (start and end, key, replica).
 *
 * @module
 */
import type { Clientset } from "../../clientset/clientset.ts";
import type { SharedInformerFactory } from "../../cache/informer_factory.ts";
import { isNotFound } from "../../rest/errors.ts";
import { finalizer, newController, Result, setControllerReference } from "../../controller/mod.ts";

export const SOURCE_LABEL = "test.kubeweb.dev/source";
export const FINALIZER = "test.kubeweb.dev/cleanup";
export const FIELD_MANAGER = "kubeweb-controller-test";

/** One record line: a reconcile started or ended. */
export interface ReconcileRecord {
  ev: "start" | "end";
  key: string;
  replica: string;
  id: string;
  t: number;
  /** On end: "ok", "injected" (a failure the test injected), "error", or "aborted". */
  outcome?: string;
  /** On end: what the reconcile did ("applied", "cleaned", "none"). */
  did?: string;
}

export interface MirrorOptions {
  clientset: Clientset;
  namespace: string;
  replica: string;
  record: (r: ReconcileRecord) => void;
  /** Probability that a reconcile throws before doing anything (default 0). */
  failRate?: number;
  random?: () => number;
  concurrency?: number;
  /** Extra delay inside each reconcile, ms (default 0), to widen overlap windows. */
  workMs?: number;
}

export function mirrorController(o: MirrorOptions) {
  const random = o.random ?? Math.random;
  return newController({
    name: "mirror",
    for: (f: SharedInformerFactory) => f.core().v1().configMaps(),
    concurrency: o.concurrency ?? 4,
    predicates: [{
      create: (cm) => cm.metadata?.labels?.[SOURCE_LABEL] === "true",
      update: (_, cm) => cm.metadata?.labels?.[SOURCE_LABEL] === "true",
      delete: (cm) => cm.metadata?.labels?.[SOURCE_LABEL] === "true",
    }],
    reconcile: async (req, ctx) => {
      const key = `${req.namespace}/${req.name}`;
      const id = ctx.reconcileID;
      o.record({ ev: "start", key, replica: o.replica, id, t: Date.now() });
      let outcome = "ok";
      let did = "none";
      try {
        if (o.workMs) await new Promise((r) => setTimeout(r, o.workMs));
        if (random() < (o.failRate ?? 0)) {
          outcome = "injected";
          throw new Error("injected failure");
        }
        const source = ctx.object;
        if (!source) return Result.DONE;
        const client = o.clientset.coreV1().configMaps(req.namespace);
        return await finalizer({ client, name: FINALIZER, object: source, context: ctx }, async (event) => {
          const childName = `${req.name}-child`;
          if (event.type === "cleanup") {
            try {
              await client.delete(childName, { signal: ctx.signal });
            } catch (e) {
              if (!isNotFound(e)) throw e;
            }
            did = "cleaned";
            return Result.DONE;
          }
          const existing = ctx.lister.namespace(req.namespace).list().find((cm) =>
            cm.metadata?.name === childName
          );
          const canon = (d: Record<string, string | undefined> = {}) =>
            JSON.stringify(Object.entries(d).sort());
          if (
            existing && canon(existing.data) === canon(event.object.data) &&
            existing.metadata?.ownerReferences?.some((r) =>
              r.controller && r.uid === event.object.metadata?.uid
            )
          ) {
            return Result.DONE;
          }
          const child = setControllerReference(event.object, {
            apiVersion: "v1" as const,
            kind: "ConfigMap" as const,
            metadata: {
              name: childName,
              namespace: req.namespace,
              annotations: { "test.kubeweb.dev/replica": o.replica },
            },
            data: { ...event.object.data },
          });
          await client.apply(child, { fieldManager: FIELD_MANAGER, force: true, signal: ctx.signal });
          did = "applied";
          return Result.DONE;
        });
      } catch (e) {
        if (outcome === "ok") outcome = ctx.signal.aborted ? "aborted" : "error";
        throw e;
      } finally {
        o.record({ ev: "end", key, replica: o.replica, id, t: Date.now(), outcome, did });
      }
    },
  }).owns((f) => f.core().v1().configMaps());
}

/** Pairs of reconciles of one key that overlapped in time, from a record (any replicas). */
export function overlappingReconciles(records: ReconcileRecord[], sameKeyOnly = true): string[] {
  const spans = new Map<string, { key: string; replica: string; start: number; end: number }>();
  for (const r of records) {
    const s = spans.get(r.id) ?? { key: r.key, replica: r.replica, start: NaN, end: Infinity };
    if (r.ev === "start") s.start = r.t;
    else s.end = r.t;
    spans.set(r.id, s);
  }
  const list = [...spans.values()].sort((a, b) => a.start - b.start);
  const bad: string[] = [];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length && list[j].start < list[i].end; j++) {
      if (sameKeyOnly && list[j].key !== list[i].key) continue;
      if (!sameKeyOnly && list[j].replica === list[i].replica) continue;
      bad.push(`${list[i].replica}:${list[i].key} and ${list[j].replica}:${list[j].key}`);
    }
  }
  return bad;
}
