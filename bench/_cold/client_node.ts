// Cold start: @kubernetes/client-node, its kubeconfig loaded, one typed GET, exit.
import * as k8s from "@kubernetes/client-node";

const t = JSON.parse(Deno.args[0]);
const kc = new k8s.KubeConfig();
kc.loadFromFile(t.kubeconfigPath);
const cm = await kc.makeApiClient(k8s.CoreV1Api).readNamespacedConfigMap({
  name: "cm-0",
  namespace: t.namespace,
});
if (cm.metadata?.name !== "cm-0") throw new Error("wrong object");
