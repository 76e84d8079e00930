/**
 * A kubeweb informer for the black-hole test (tests/runtimes/blackhole_test.ts), run unchanged under
 * Bun (as TypeScript) and Node (bundled by `deno bundle`). It watches the ConfigMaps of one namespace
 * through the server URL it is given (the test's black-hole proxy) with small client-side deadlines,
 * and reports on stdout, one JSON object per line:
 *
 * - `{"step":"synced"}` once the cache has synced;
 * - `{"step":"watchError","kind":...,"at":<epoch ms>}` for every list or watch error and every watch
 *   ending the informer logs (the dead watch is a `DeadlineExceededError` of kind "watch-idle");
 * - `{"step":"state","store":[[key,rv],...],"view":[...],"violations":[...]}` whenever the cache or
 *   the handler's own view (built from the events it received) changed, checked every 200 ms.
 *
 * Input: `KUBECONFIG`, `KUBEWEB_BH_SERVER`, `KUBEWEB_BH_NAMESPACE`, `KUBEWEB_BH_IDLE_MS`,
 * `KUBEWEB_BH_HEADERS_MS`. It runs until killed; any failure prints `{"step":"error"}` and exits 1.
 *
 * @module
 */
import { loadRestConfig } from "../../../rest/load_rest_config.ts";
import { newClientset } from "../../../clientset/clientset.ts";
import { listWatchFromClient } from "../../../cache/listwatch.ts";
import { newSharedIndexInformer } from "../../../cache/shared_informer.ts";
import { DeletedFinalStateUnknown } from "../../../cache/deleted_final_state_unknown.ts";
import { DeadlineExceededError } from "../../../rest/deadline.ts";
import { detectRuntime } from "../../../rest/runtime/detect.ts";
import type { KubeObject } from "../../../rest/types.ts";

interface NodeLikeProcess {
  env: Record<string, string | undefined>;
  exitCode?: number;
  exit(code: number): never;
}

const proc = (globalThis as unknown as { process: NodeLikeProcess }).process;

function emit(step: string, data: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ step, ...data }));
}

function required(name: string): string {
  const v = proc.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

const keyOf = (o: KubeObject) => `${o.metadata?.namespace}/${o.metadata?.name}`;
const versions = (objs: Iterable<KubeObject>) =>
  [...objs].map((o) => [keyOf(o), o.metadata?.resourceVersion ?? ""]).sort((a, b) => a[0] < b[0] ? -1 : 1);

async function main(): Promise<void> {
  const config = { ...await loadRestConfig(), host: required("KUBEWEB_BH_SERVER"), qps: -1 };
  const namespace = required("KUBEWEB_BH_NAMESPACE");
  const cs = newClientset(config, {
    watchIdleTimeoutMs: Number(required("KUBEWEB_BH_IDLE_MS")),
    responseHeaderTimeoutMs: Number(required("KUBEWEB_BH_HEADERS_MS")),
    watchDeadlineGraceMs: 1000,
    warningHandler: () => {},
  });
  const report = (e: unknown) =>
    emit("watchError", {
      kind: e instanceof DeadlineExceededError ? e.kind : undefined,
      name: (e as Error)?.name,
      message: String((e as Error)?.message ?? e),
      at: Date.now(),
    });
  // List and watch-start errors go to the watch-error handler, the endings of a running watch (the
  // dead one among them) to the logger: both are reported.
  const informer = newSharedIndexInformer<KubeObject>(
    listWatchFromClient(cs.coreV1().configMaps(namespace)),
    { logger: { warn: (_m, e) => report(e) } },
  );
  const view = new Map<string, KubeObject>();
  const violations: string[] = [];
  informer.addEventHandler({
    onAdd: (o) => {
      if (view.has(keyOf(o))) violations.push(`add of ${keyOf(o)} it has`);
      view.set(keyOf(o), o);
    },
    onUpdate: (_old, o) => {
      if (!view.has(keyOf(o))) violations.push(`update of ${keyOf(o)} it lacks`);
      view.set(keyOf(o), o);
    },
    onDelete: (o) => {
      const key = o instanceof DeletedFinalStateUnknown ? o.key : keyOf(o);
      if (!view.delete(key)) violations.push(`delete of ${key} it lacks`);
    },
  });
  informer.setWatchErrorHandler((_r, e) => report(e));
  const stop = new AbortController();
  void informer.run(stop.signal);
  while (!informer.hasSynced()) await new Promise((r) => setTimeout(r, 20));
  emit("synced", { runtime: detectRuntime().name });
  let last = "";
  for (;;) {
    const state = {
      store: versions(informer.getStore().list()),
      view: versions(view.values()),
      violations,
    };
    const text = JSON.stringify(state);
    if (text !== last) {
      last = text;
      emit("state", { ...state, at: Date.now() });
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

try {
  await main();
} catch (e) {
  emit("error", { error: String((e as Error)?.stack ?? e), cause: String((e as Error)?.cause ?? "") });
  proc.exitCode = 1;
  proc.exit(1);
}
