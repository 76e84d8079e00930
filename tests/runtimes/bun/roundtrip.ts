/**
 * A small kubeweb program that runs unchanged under Bun (as TypeScript) and Node (bundled by
 * `deno bundle`), driven by bun_test.ts and node_test.ts:
 *
 * 1. `loadRestConfig()` finds the kubeconfig through `KUBECONFIG` (admin context: client certificate
 *    files and a custom CA, the combination that breaks @kubernetes/client-node on Bun);
 * 2. lists namespaces with `restClientFor(...).get().resource("namespaces").do()`;
 * 3. checks that the `nobody` context is authenticated but forbidden (`isForbidden`), and that
 *    impersonating a user in two groups sends two `Impersonate-Group` headers (only the second group,
 *    system:masters, may list namespaces: joined into one value the request would be forbidden);
 * 4. creates a ConfigMap, then watches it from the creation's resourceVersion and prints
 *    `{"step":"watching"}`; the test changes and deletes it with kubectl;
 * 5. prints `{"step":"done"}` with every event up to DELETED, closes its connections and exits by
 *    itself (a leaked connection or timer would keep the process alive and fail the test).
 *
 * Input: `KUBECONFIG`, `KUBEWEB_RT_NAMESPACE`, `KUBEWEB_RT_NAME`. Output: one JSON object per line.
 * Any failure prints `{"step":"error"}` and exits with code 1.
 *
 * @module
 */
import { loadRestConfig } from "../../../rest/load_rest_config.ts";
import { restClientFor } from "../../../rest/rest_client.ts";
import { isForbidden } from "../../../rest/errors.ts";
import { detectRuntime } from "../../../rest/runtime/detect.ts";
import type { KubeList, KubeObject } from "../../../rest/types.ts";

interface NodeLikeProcess {
  env: Record<string, string | undefined>;
  exitCode?: number;
}

const proc = (globalThis as unknown as { process: NodeLikeProcess }).process;

function emit(step: string, data: Record<string, unknown>): void {
  console.log(JSON.stringify({ step, ...data }));
}

function required(name: string): string {
  const v = proc.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

async function main(): Promise<void> {
  const namespace = required("KUBEWEB_RT_NAMESPACE");
  const name = required("KUBEWEB_RT_NAME");
  const deadline = new AbortController();
  const deadlineTimer = setTimeout(
    () => deadline.abort(new Error("the program's 15 s deadline passed")),
    15_000,
  );
  const t0 = performance.now();
  const ms = (from: number) => Math.round(performance.now() - from);

  const config = await loadRestConfig();
  const loadMs = ms(t0);
  const core = restClientFor(config, { apiPath: "/api", groupVersion: "v1", warningHandler: () => {} });
  try {
    let t = performance.now();
    const namespaces = (await core.get().resource("namespaces").signal(deadline.signal).do())
      .into<KubeList>();
    const listMs = ms(t);

    const nobody = restClientFor(await loadRestConfig({ context: "nobody" }), {
      apiPath: "/api",
      groupVersion: "v1",
    });
    let nobodyForbidden: boolean | string;
    try {
      await nobody.get().resource("namespaces").signal(deadline.signal).do();
      nobodyForbidden = "the request succeeded";
    } catch (e) {
      nobodyForbidden = isForbidden(e) || String(e);
    } finally {
      nobody.close();
    }

    const asJane = restClientFor({
      ...config,
      impersonate: { userName: "jane", groups: ["devs", "system:masters"] },
    }, {
      apiPath: "/api",
      groupVersion: "v1",
    });
    let impersonatedStatus: number | string;
    try {
      impersonatedStatus =
        (await asJane.get().resource("namespaces").signal(deadline.signal).do()).statusCode;
    } catch (e) {
      impersonatedStatus = String(e);
    } finally {
      asJane.close();
    }

    t = performance.now();
    const created = (await core.post().namespace(namespace).resource("configmaps").signal(deadline.signal)
      .body({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name, labels: { "kubeweb-runtime-test": name } },
        data: { runtime: detectRuntime().name },
      })
      .do()).into<KubeObject>();
    const createMs = ms(t);

    const watcher = await core.get().namespace(namespace).resource("configmaps")
      .param("fieldSelector", `metadata.name=${name}`)
      .param("resourceVersion", created.metadata?.resourceVersion)
      .param("timeoutSeconds", 30)
      .signal(deadline.signal)
      .watch();
    emit("watching", {
      runtime: detectRuntime().name,
      transport: core.transport().runtime,
      host: config.host,
      contextNamespace: config.namespace,
      clientCertificate: config.certPem !== undefined && config.certFile !== undefined,
      customCa: config.caPem !== undefined,
      namespaces: (namespaces.items ?? []).map((n) => n.metadata?.name).sort(),
      nobodyForbidden,
      impersonatedStatus,
      created: { uid: created.metadata?.uid, resourceVersion: created.metadata?.resourceVersion },
      loadMs,
      listMs,
      createMs,
    });

    const events: { type: string; name?: string; labels?: Record<string, string> }[] = [];
    for await (const e of watcher) {
      const meta = (e.object as KubeObject).metadata;
      events.push({ type: e.type, name: meta?.name, labels: meta?.labels });
      if (e.type === "DELETED") watcher.stop();
    }
    emit("done", { events });
  } finally {
    clearTimeout(deadlineTimer);
    core.close();
  }
}

try {
  await main();
} catch (e) {
  emit("error", { error: String((e as Error)?.stack ?? e), cause: String((e as Error)?.cause ?? "") });
  proc.exitCode = 1;
}
