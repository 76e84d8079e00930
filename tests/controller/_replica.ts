// A replica of the test controller in its own process, for leader_election_test.ts.
//
//   deno run -A tests/controller/_replica.ts <replica> <kubeconfig> <namespace> <lease-name>
//
// Runs the mirror controller (_mirror_controller.ts) under leader election with the durations in
// CTRL_LEASE_MS, CTRL_RENEW_MS, CTRL_RETRY_MS and CTRL_WORK_MS. Prints one JSON line per reconcile
// start and end (the record), {"ev":"leading"} when it starts leading and {"ev":"exit"} when run()
// ends; exits 1 when the lease was lost (as a controller should: it is restarted clean).
import { newSharedInformerFactory } from "../../cache/informer_factory.ts";
import { newClientset } from "../../clientset/clientset.ts";
import { LeaseLock } from "../../leaderelection/lease_lock.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import { LeaseLostError, Manager, onShutdownSignal } from "../../controller/mod.ts";
import { mirrorController, type ReconcileRecord } from "./_mirror_controller.ts";

const [replica, kubeconfig, namespace, leaseName] = Deno.args;
if (!replica || !kubeconfig || !namespace || !leaseName) {
  console.error("usage: _replica.ts <replica> <kubeconfig> <namespace> <lease-name>");
  Deno.exit(2);
}
const env = (name: string, dflt: number) => Number(Deno.env.get(name) ?? dflt);
const out = (line: Record<string, unknown>) => console.log(JSON.stringify(line));

const config = { ...await loadRestConfig({ kubeconfig }), qps: 200, burst: 400 };
const clientset = newClientset(config);
const manager = new Manager({
  informerFactory: () => newSharedInformerFactory(clientset, { namespace }),
  logSink: (r) => {
    if (r.msg === "Started leading") out({ ev: "leading", replica, t: Date.now() });
    if (r.level === "error" && Deno.env.get("CTRL_DEBUG")) console.error(JSON.stringify(r));
  },
  leaderElection: {
    lock: new LeaseLock({
      client: clientset.coordinationV1(),
      namespace,
      name: leaseName,
      identity: replica,
    }),
    leaseDurationMs: env("CTRL_LEASE_MS", 3_000),
    renewDeadlineMs: env("CTRL_RENEW_MS", 2_000),
    retryPeriodMs: env("CTRL_RETRY_MS", 1_000),
  },
  shutdownTimeoutMs: 5_000,
});
manager.add(mirrorController({
  clientset,
  namespace,
  replica,
  record: (r: ReconcileRecord) => out({ ...r }),
  workMs: env("CTRL_WORK_MS", 0),
  concurrency: 2,
}));
out({ ev: "ready", replica, t: Date.now() });
try {
  await manager.run(onShutdownSignal());
  out({ ev: "exit", replica, t: Date.now(), lost: false });
  Deno.exit(0);
} catch (e) {
  out({ ev: "exit", replica, t: Date.now(), lost: e instanceof LeaseLostError, error: String(e) });
  Deno.exit(1);
}
