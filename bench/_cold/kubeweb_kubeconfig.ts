// Cold start: import the clientset and the configuration loader, read the kubeconfig, one typed GET, exit.
import { newClientset } from "../../clientset/mod.ts";
import { loadRestConfig } from "../../rest/mod.ts";

const t = JSON.parse(Deno.args[0]);
const cs = newClientset(await loadRestConfig({ kubeconfig: t.kubeconfigPath }));
const cm = await cs.coreV1().configMaps(t.namespace).get("cm-0");
if (cm.metadata?.name !== "cm-0") throw new Error("wrong object");
