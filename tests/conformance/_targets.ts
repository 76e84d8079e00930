/**
 * The two targets of the conformance suite: the real test cluster (admin credentials) and a fresh
 * fake cluster per scenario.
 *
 * @module
 */
import { LocalCluster } from "../cluster/local_cluster.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import { transportFor } from "../../rest/transport_for.ts";
import { newFakeCluster } from "../../testing/mod.ts";
import { Ctx, type Scenario, type Target } from "./_harness.ts";
import { to120, withoutStatusOwnership } from "./_exemptions.ts";

let real: Target | undefined;
let bare: LocalCluster | undefined;

/**
 * The real API server's target: a bare kube-apiserver with etcd (the local cluster without its
 * optional parts), started for this test file. The fake is an API server, not a control plane: the
 * shared test cluster runs a controller-manager, scheduler and kubelet whose writes race with the
 * scenarios' own.
 */
export async function realTarget(): Promise<Target> {
  if (real) return real;
  bare = await LocalCluster.start({ parts: [] });
  const c = bare;
  const config = await loadRestConfig({ kubeconfig: c.info.kubeconfigPath, context: "admin" });
  real = {
    name: "real",
    host: config.host.replace(/\/$/, ""),
    transport: transportFor(config),
    compact: async () => void await c.compactEtcd(),
  };
  return real;
}

/** Stops the bare API server (the last test of each conformance file). */
export async function stopRealTarget(): Promise<void> {
  real?.transport.close();
  await bare?.stop();
  real = undefined;
  bare = undefined;
}

/** A fresh fake cluster's target. */
export async function fakeTarget(): Promise<{ target: Target; close: () => void }> {
  const cluster = await newFakeCluster();
  return {
    target: {
      name: "fake",
      host: cluster.config.host,
      transport: cluster.transport,
      compact: () => Promise.resolve(cluster.compact()),
    },
    close: () => cluster.close(),
  };
}

/** Runs a scenario on a target in namespace `ns`; returns the normalised observations. */
export async function runOn(target: Target, scenario: Scenario, ns: string, run: string): Promise<unknown[]> {
  const t = new Ctx(target, ns, run);
  await t.req("POST", "/api/v1/namespaces", { metadata: { name: ns } }, { quiet: true });
  await scenario.run(t);
  return t.observations.map((o) => ({
    label: o.label,
    value: withoutStatusOwnership(target.name === "fake" ? to120(o.value) : o.value),
  }));
}

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(
      Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/**
 * The first difference between two observation lists, or undefined. Object members are compared in
 * sorted order (JSON objects are unordered; the order of arrays counts).
 */
export function firstDifference(a: unknown[], b: unknown[]): string | undefined {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = JSON.stringify(sorted(a[i]), null, 1);
    const y = JSON.stringify(sorted(b[i]), null, 1);
    if (x !== y) return `observation ${i}:\n--- real\n${x}\n--- fake\n${y}`;
  }
  return undefined;
}
