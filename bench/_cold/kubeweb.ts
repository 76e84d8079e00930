// Cold start: import the clientset, one typed GET (the configuration as data), then exit.
import { newClientset } from "../../clientset/mod.ts";

const t = JSON.parse(Deno.args[0]);
const cs = newClientset({
  host: t.server,
  namespace: "default",
  caPem: t.caPem,
  certPem: t.certPem,
  keyPem: t.keyPem,
});
const cm = await cs.coreV1().configMaps(t.namespace).get("cm-0");
if (cm.metadata?.name !== "cm-0") throw new Error("wrong object");
