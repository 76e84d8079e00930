/**
 * An example controller on kubeweb's controller runtime: it keeps a mirror of every ConfigMap labelled
 * `kubeweb.dev/mirror=true` (a ConfigMap `<name>-mirror` with the same data, controlled by the source).
 *
 * The controller logic is the `reconcile` function: with the finalizer helper it creates or updates
 * the mirror by server-side apply while the source lives, and deletes the mirror once the source is
 * being deleted. `owns` brings a mirror changed or deleted by hand back to its source's reconcile.
 * The runtime does the rest: leader election, informers, workqueue, retries, ordered shutdown.
 *
 * @module
 */
import type { Clientset } from "../clientset/clientset.ts";
import { newSharedInformerFactory, type SharedInformerFactory } from "../cache/informer_factory.ts";
import { LeaseLock } from "../leaderelection/mod.ts";
import { newEventBroadcaster } from "../record/mod.ts";
import { isNotFound } from "../rest/errors.ts";
import { finalizer, Manager, newController, Result, setControllerReference } from "../controller/mod.ts";

/** The label that marks a ConfigMap to be mirrored. */
export const SOURCE_LABEL = "kubeweb.dev/mirror";
/** The label a mirror carries, naming its source. */
export const MIRROR_OF_LABEL = "kubeweb.dev/mirror-of";
/** The finalizer the controller puts on sources, so it can delete their mirrors. */
export const FINALIZER = "kubeweb.dev/mirror-cleanup";
const FIELD_MANAGER = "kubeweb-configmap-mirror";

/** Options of {@linkcode runConfigMapMirror}. */
export interface ConfigMapMirrorOptions {
  clientset: Clientset;
  /** The namespace the controller watches and writes in. */
  namespace: string;
  /** This replica's identity in the leader election. */
  identity: string;
  /** Stops the controller (it finishes running reconciles, stops its informers, releases its lease). */
  signal: AbortSignal;
  /** Receives one line per thing the controller does. */
  log?: (line: string) => void;
  /** Number of workers (default 2). */
  workers?: number;
}

/** Runs the controller until `signal` aborts; resolves when it has stopped and released its lease. */
export async function runConfigMapMirror(options: ConfigMapMirrorOptions): Promise<void> {
  const { clientset, namespace, identity } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const broadcaster = newEventBroadcaster();
  broadcaster.startRecordingToSink(clientset.coreV1());
  const manager = new Manager<SharedInformerFactory>({
    informerFactory: newSharedInformerFactory(clientset, {
      namespace,
      // Informers keep what the controller reads: drop the server-side apply bookkeeping.
      transform: (obj) => {
        if (obj.metadata) obj.metadata.managedFields = undefined;
        return obj;
      },
    }),
    leaderElection: {
      lock: new LeaseLock({
        client: clientset.coordinationV1(),
        namespace,
        name: "configmap-mirror",
        identity,
      }),
    },
    recorder: broadcaster.newRecorder({ component: "configmap-mirror", host: identity }),
    logSink: (r) => {
      const where = r.key ? `reconcile ${r.key}: ` : "";
      const extra = r.leader ? ` (${r.leader === identity ? "me" : r.leader})` : "";
      if (r.level !== "debug") log(`${where}${r.msg}${extra}${r.error ? `: ${r.error}` : ""}`);
    },
  });
  // The controller logic: one source ConfigMap in, its mirror out.
  const controller = newController({
    name: "configmap-mirror",
    for: (f: SharedInformerFactory) => f.core().v1().configMaps(),
    concurrency: options.workers ?? 2,
    reconcile: async ({ namespace, name }, ctx) => {
      const source = ctx.object;
      if (source?.metadata?.labels?.[SOURCE_LABEL] !== "true") return Result.DONE; // a mirror, or gone
      const client = clientset.coreV1().configMaps(namespace);
      const mirrorName = `${name}-mirror`;
      return await finalizer({ client, name: FINALIZER, object: source, context: ctx }, async (event) => {
        if (event.type === "cleanup") {
          const deleted = await client.delete(mirrorName, { signal: ctx.signal }).then(() => true, (e) => {
            if (!isNotFound(e)) throw e;
            return false;
          });
          if (deleted) ctx.log.info(`source deleted: deleted ${mirrorName}`);
          return Result.DONE;
        }
        const existing = ctx.lister.namespace(namespace).list().find((cm) =>
          cm.metadata?.name === mirrorName
        );
        if (existing && JSON.stringify(existing.data ?? {}) === JSON.stringify(source.data ?? {})) {
          return Result.DONE;
        }
        const mirror = setControllerReference(event.object, {
          apiVersion: "v1" as const,
          kind: "ConfigMap" as const,
          metadata: { name: mirrorName, namespace, labels: { [MIRROR_OF_LABEL]: name } },
          data: source.data ?? {},
        });
        await client.apply(mirror, { fieldManager: FIELD_MANAGER, force: true, signal: ctx.signal });
        ctx.log.info(`${existing ? "updated" : "created"} ${mirrorName}`);
        const keys = Object.keys(source.data ?? {}).length;
        ctx.recorder.eventf(source, "Normal", "Mirrored", "Mirrored %d keys to %s", keys, mirrorName);
        return Result.DONE;
      });
    },
  }).owns((f) => f.core().v1().configMaps());
  manager.add(controller);
  try {
    await manager.run(options.signal);
  } finally {
    await broadcaster.shutDown();
  }
}
