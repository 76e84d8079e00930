/**
 * The scenario bun_test.ts and node_test.ts share: run tests/runtimes/bun/roundtrip.ts under another
 * runtime against the test cluster, confirm with kubectl what it created, change and delete the
 * ConfigMap with kubectl while the program watches, and check that the program saw both and exited
 * on its own.
 *
 * @module
 */
import assert from "node:assert/strict";
import { deadline } from "../../_internal/async.ts";
import type { TestCluster } from "../cluster/harness.ts";
import { JsonLineChild } from "./_child.ts";

/** Timings of one run, in ms. */
export interface RoundtripFigures {
  /** Spawn to the "watching" line (start-up, config load, list, forbidden check, create, watch). */
  startToWatching: number;
  /** Start of `kubectl delete` to the program's "done" line (includes kubectl's own run time). */
  kubectlDeleteToDone: number;
  /** "done" line to process exit (closing connections and timers). */
  doneToExit: number;
  /** As measured inside the program. */
  loadMs: number;
  listMs: number;
  createMs: number;
}

/** Runs the scenario with `command args` standing for the runtime `runtime`; returns its timings. */
export async function runRoundtrip(
  c: TestCluster,
  runtime: string,
  command: string,
  args: string[],
): Promise<RoundtripFigures> {
  const namespace = "default";
  const name = `kubeweb-rt-${runtime}-${crypto.randomUUID().slice(0, 8)}`;
  const kubectl = async (...a: string[]) => {
    const r = await c.kubectl(a);
    assert.equal(r.code, 0, `kubectl ${a.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  const t0 = performance.now();
  await using child = new JsonLineChild(command, args, {
    KUBECONFIG: c.kubeconfigPath,
    KUBEWEB_RT_NAMESPACE: namespace,
    KUBEWEB_RT_NAME: name,
  });
  try {
    const w = await child.step("watching", 12_000);
    const startToWatching = performance.now() - t0;
    assert.equal(w.runtime, runtime, "detectRuntime() picked the wrong runtime");
    assert.equal(w.transport, runtime, "the transport is not the runtime's own");
    assert.equal(w.host, c.server);
    assert.equal(w.contextNamespace, "default");
    assert.equal(w.clientCertificate, true, "the admin context must use the client certificate files");
    assert.equal(w.customCa, true, "the admin context must use the kubeconfig's CA");
    for (const ns of ["default", "kube-public", "kube-system"]) {
      assert.ok((w.namespaces as string[]).includes(ns), `namespace ${ns} missing: ${w.namespaces}`);
    }
    assert.equal(w.nobodyForbidden, true, "the nobody context must get a Forbidden ApiError");
    assert.equal(w.impersonatedStatus, 200, "Impersonate-Group values must be sent as separate headers");

    // kubectl sees what the program created, with the program's identity as field manager.
    const cm = JSON.parse(
      await kubectl("get", "configmap", name, "-n", namespace, "-o", "json", "--show-managed-fields"),
    );
    const created = w.created as { uid: string; resourceVersion: string };
    assert.equal(cm.metadata.uid, created.uid);
    assert.deepEqual(cm.data, { runtime });
    assert.equal(cm.metadata.managedFields?.[0]?.manager, "kubeweb", "User-Agent kubeweb/... expected");

    await kubectl("label", "configmap", name, "-n", namespace, "step=changed");
    const tDelete = performance.now();
    await kubectl("delete", "configmap", name, "-n", namespace, "--wait=false");
    const done = await child.step("done", 8_000);
    const kubectlDeleteToDone = performance.now() - tDelete;
    const events = done.events as { type: string; name: string; labels?: Record<string, string> }[];
    assert.deepEqual(events.map((e) => `${e.type} ${e.name} ${e.labels?.step}`), [
      `MODIFIED ${name} changed`,
      `DELETED ${name} changed`,
    ]);

    const tDone = performance.now();
    const status = await deadline(child.status, 5_000).catch(async () => {
      throw new Error(`the program did not exit by itself after "done"\n${await child.transcript()}`);
    });
    const doneToExit = performance.now() - tDone;
    assert.equal(status.code, 0, await child.transcript());

    const gone = await c.kubectl([
      "get",
      "configmap",
      name,
      "-n",
      namespace,
      "--ignore-not-found",
      "-o",
      "name",
    ]);
    assert.equal(gone.stdout.trim(), "", "kubectl still sees the ConfigMap");
    const round = (n: number) => Math.round(n);
    return {
      startToWatching: round(startToWatching),
      kubectlDeleteToDone: round(kubectlDeleteToDone),
      doneToExit: round(doneToExit),
      loadMs: w.loadMs as number,
      listMs: w.listMs as number,
      createMs: w.createMs as number,
    };
  } finally {
    await c.kubectl(["delete", "configmap", name, "-n", namespace, "--ignore-not-found", "--wait=false"]);
  }
}
