/**
 * An example controller built from kubeweb's client-go machinery: it keeps a mirror of every ConfigMap
 * labelled `kubeweb.dev/mirror=true` (a ConfigMap `<name>-mirror` with the same data, owned by the source).
 *
 * It shows the usual shape of a controller: leader election over a Lease, a shared informer factory with
 * listers, a rate-limited workqueue fed by event handlers, reconciliation by server-side apply, and events
 * recorded on the objects it touches.
 *
 * @module
 */
import type { Clientset } from "../clientset/clientset.ts";
import type { ConfigMap } from "../clientset/core/v1/types.ts";
import type { Stored } from "../meta/stored.ts";
import { DeletedFinalStateUnknown } from "../cache/deleted_final_state_unknown.ts";
import { newSharedInformerFactory } from "../cache/informer_factory.ts";
import { defaultControllerRateLimiter, newRateLimitingQueue } from "../workqueue/mod.ts";
import { LeaseLock, runLeaderElection } from "../leaderelection/mod.ts";
import { newEventBroadcaster } from "../record/mod.ts";
import { isNotFound } from "../rest/errors.ts";

/** The label that marks a ConfigMap to be mirrored. */
export const SOURCE_LABEL = "kubeweb.dev/mirror";
/** The label a mirror carries, naming its source. */
export const MIRROR_OF_LABEL = "kubeweb.dev/mirror-of";
const FIELD_MANAGER = "kubeweb-configmap-mirror";

/** Options of {@linkcode runConfigMapMirror}. */
export interface ConfigMapMirrorOptions {
  clientset: Clientset;
  /** The namespace the controller watches and writes in. */
  namespace: string;
  /** This replica's identity in the leader election. */
  identity: string;
  /** Stops the controller (it releases its lease). */
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
  const recorder = broadcaster.newRecorder({ component: "configmap-mirror", host: identity });

  await runLeaderElection({
    lock: new LeaseLock({
      client: clientset.coordinationV1(),
      namespace,
      name: "configmap-mirror",
      identity,
    }),
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    releaseOnCancel: true,
    callbacks: {
      onNewLeader: (leader) =>
        log(`leader election: ${leader === identity ? "I am" : `${leader} is`} the leader`),
      onStoppedLeading: () => log("leader election: stopped leading"),
      onStartedLeading: async (leading) => {
        const factory = newSharedInformerFactory(clientset, 0, {
          namespace,
          // Informers keep what the controller reads: drop the server-side apply bookkeeping.
          transform: (obj) => {
            if (obj.metadata) obj.metadata.managedFields = undefined;
            return obj;
          },
        });
        const configMaps = factory.core().v1().configMaps();
        const lister = configMaps.lister();
        const queue = newRateLimitingQueue<string>(defaultControllerRateLimiter(), {
          name: "configmap-mirror",
        });

        const enqueue = (cm: ConfigMap) => {
          const labels = cm.metadata?.labels ?? {};
          const source = labels[SOURCE_LABEL] === "true" ? cm.metadata?.name : labels[MIRROR_OF_LABEL];
          if (source) queue.add(`${cm.metadata?.namespace}/${source}`);
        };
        configMaps.informer().addEventHandler({
          onAdd: (cm) => enqueue(cm),
          onUpdate: (old, cm) => {
            enqueue(old);
            enqueue(cm);
          },
          onDelete: (cm) => {
            const last = cm instanceof DeletedFinalStateUnknown ? cm.obj : cm;
            if (last !== undefined) enqueue(last);
          },
        });

        const reconcile = async (key: string) => {
          const [ns, name] = key.split("/");
          const mirrorName = `${name}-mirror`;
          const client = clientset.coreV1().configMaps(ns);
          let source: Stored<ConfigMap, true> | undefined;
          try {
            source = lister.namespace(ns).get(name);
          } catch (e) {
            if (!isNotFound(e)) throw e;
          }
          if (!source || source.metadata?.labels?.[SOURCE_LABEL] !== "true") {
            try {
              await client.delete(mirrorName, { signal: leading });
              log(`reconcile ${key}: source gone, deleted ${mirrorName}`);
            } catch (e) {
              if (!isNotFound(e)) throw e;
            }
            return;
          }
          const existing = (() => {
            try {
              return lister.namespace(ns).get(mirrorName);
            } catch {
              return undefined;
            }
          })();
          if (existing && JSON.stringify(existing.data ?? {}) === JSON.stringify(source.data ?? {})) return;
          await client.apply({
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: {
              name: mirrorName,
              namespace: ns,
              labels: { [MIRROR_OF_LABEL]: name },
              ownerReferences: [{
                apiVersion: "v1",
                kind: "ConfigMap",
                name,
                uid: source.metadata.uid,
              }],
            },
            data: source.data ?? {},
          }, { fieldManager: FIELD_MANAGER, force: true, signal: leading });
          log(`reconcile ${key}: ${existing ? "updated" : "created"} ${mirrorName}`);
          recorder.eventf(
            { apiVersion: "v1", kind: "ConfigMap", metadata: source.metadata },
            "Normal",
            "Mirrored",
            "Mirrored %d keys to %s",
            Object.keys(source.data ?? {}).length,
            mirrorName,
          );
        };

        const worker = async () => {
          for (;;) {
            const { item, shutdown } = await queue.get();
            if (shutdown) return;
            try {
              await reconcile(item);
              queue.forget(item);
            } catch (e) {
              if (leading.aborted) return;
              log(
                `reconcile ${item} failed (retry ${queue.numRequeues(item) + 1}): ${
                  e instanceof Error ? e.message : e
                }`,
              );
              queue.addRateLimited(item);
            } finally {
              queue.done(item);
            }
          }
        };

        factory.start(leading);
        try {
          await factory.waitForCacheSync(leading);
        } catch (e) {
          // Leadership ended before the caches synced (a CacheSyncError names the informers).
          await factory.shutDown();
          if (leading.aborted) return;
          throw e;
        }
        log(`informers synced: ${lister.list().length} ConfigMaps in ${namespace}`);
        const workers = Array.from({ length: options.workers ?? 2 }, () => worker());
        await new Promise<void>((resolve) =>
          leading.addEventListener("abort", () => resolve(), { once: true })
        );
        queue.shutDown();
        await Promise.all(workers);
        await factory.shutDown();
      },
    },
  }, options.signal);
  await broadcaster.shutDown();
}
