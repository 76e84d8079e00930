/**
 * The informer's hot path without a server: the initial sync of 20,000 ConfigMaps (about 27 MB of
 * JSON) through JSON.parse, the reflector, the queue, the indexer and one handler, beside JSON.parse
 * alone (the bound). Run: `deno bench -A cache/shared_informer_bench.ts`.
 *
 * @module
 */
import { FakeClock } from "../_internal/clock.ts";
import type { KubeList, KubeObject, WatchEvent } from "../rest/types.ts";
import { metaNamespaceIndexFunc, NAMESPACE_INDEX } from "./index.ts";
import type { ListerWatcher } from "./listwatch.ts";
import { newSharedIndexInformer } from "./shared_informer.ts";

const N = 20_000;

function makeListJson(): string {
  const items = [];
  const value = "x".repeat(1000);
  for (let i = 0; i < N; i++) {
    items.push({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: `cm-${i}`,
        namespace: `ns-${i % 20}`,
        uid: crypto.randomUUID(),
        resourceVersion: String(1000 + i),
        creationTimestamp: "2026-01-01T00:00:00Z",
        labels: { app: `app-${i % 100}`, tier: "bench" },
        managedFields: [{
          manager: "bench",
          operation: "Update",
          apiVersion: "v1",
          time: "2026-01-01T00:00:00Z",
          fieldsType: "FieldsV1",
          fieldsV1: { "f:data": { ".": {}, "f:value": {} } },
        }],
      },
      data: { value },
    });
  }
  return JSON.stringify({
    apiVersion: "v1",
    kind: "ConfigMapList",
    metadata: { resourceVersion: "99999" },
    items,
  });
}

const TEXT = makeListJson();
console.log(`list JSON: ${(TEXT.length / 1e6).toFixed(1)} MB, ${N} items`);

function lw(parsed?: KubeList<KubeObject>): ListerWatcher<KubeObject> {
  return {
    list: () => Promise.resolve(parsed ?? JSON.parse(TEXT) as KubeList<KubeObject>),
    watch: (_o, signal) =>
      Promise.resolve({
        stop() {},
        [Symbol.asyncIterator](): AsyncIterator<WatchEvent<KubeObject>> {
          // A quiet watch: no events until the informer stops.
          return {
            next: () =>
              new Promise((resolve) =>
                signal.addEventListener("abort", () => resolve({ done: true, value: undefined }), {
                  once: true,
                })
              ),
          };
        },
      }),
  };
}

async function syncOnce(
  useRealFIFO: boolean,
  parsed?: KubeList<KubeObject>,
  b?: Deno.BenchContext,
): Promise<void> {
  const informer = newSharedIndexInformer(lw(parsed), {
    clock: new FakeClock(),
    useRealFIFO,
    indexers: { [NAMESPACE_INDEX]: metaNamespaceIndexFunc },
  });
  let n = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  informer.addEventHandler({
    onAdd: () => {
      if (++n === N) done();
    },
  });
  const controller = new AbortController();
  b?.start();
  const running = informer.run(controller.signal);
  await all;
  b?.end();
  if (!informer.hasSynced()) throw new Error("not synced");
  controller.abort();
  await running;
}

Deno.bench("JSON.parse of the list (the bound)", { group: "sync", baseline: true }, () => {
  JSON.parse(TEXT);
});

Deno.bench("informer initial sync, RealFIFO (JSON.parse included)", { group: "sync" }, async () => {
  await syncOnce(true);
});

Deno.bench("informer initial sync, DeltaFIFO (JSON.parse included)", { group: "sync" }, async () => {
  await syncOnce(false);
});

Deno.bench(
  "informer initial sync of an already parsed list (the overhead alone)",
  { group: "overhead" },
  async (b) => {
    await syncOnce(true, JSON.parse(TEXT) as KubeList<KubeObject>, b);
  },
);
