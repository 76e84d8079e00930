/**
 * `deno task cluster`: starts the local test cluster for manual use (with every optional part unless
 * `KUBEWEB_CLUSTER_PARTS` names fewer), prints its kubeconfig path and waits; Ctrl-C stops it and removes
 * its files.
 *
 * @module
 */
import { LocalCluster, parseParts } from "./local_cluster.ts";

const parts = parseParts(Deno.env.get("KUBEWEB_CLUSTER_PARTS") ?? "all");
const cluster = await LocalCluster.start({ verbose: true, parts });
console.log(cluster.info.kubeconfigPath);
console.error(`cluster: try  kubectl --kubeconfig ${cluster.info.kubeconfigPath} get namespaces`);
console.error("cluster: press Ctrl-C to stop");
await new Promise<void>((resolve) => {
  for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(sig, () => resolve());
});
await cluster.stop();
console.error("cluster: stopped");
