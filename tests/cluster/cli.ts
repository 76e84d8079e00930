/**
 * `deno task cluster`: starts the local test cluster for manual use, prints its kubeconfig path and
 * waits; Ctrl-C stops it and removes its files.
 *
 * @module
 */
import { LocalCluster } from "./local_cluster.ts";

const cluster = await LocalCluster.start({ verbose: true });
console.log(cluster.info.kubeconfigPath);
console.error(`cluster: try  kubectl --kubeconfig ${cluster.info.kubeconfigPath} get namespaces`);
console.error("cluster: press Ctrl-C to stop");
await new Promise<void>((resolve) => {
  for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(sig, () => resolve());
});
await cluster.stop();
console.error("cluster: stopped");
