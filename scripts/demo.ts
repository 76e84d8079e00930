/**
 * `npm run demo`: starts the local cluster (or uses `KUBEWEB_DEMO_KUBECONFIG`), runs the example
 * ConfigMap mirror controller (examples/configmap_mirror.ts) and drives it, printing what happens and
 * showing the result through kubectl as an independent witness.
 *
 * @module
 */
import { LocalCluster } from "../tests/cluster/local_cluster.ts";
import { loadRestConfig } from "../rest/load_rest_config.ts";
import { isNotFound } from "../rest/errors.ts";
import { newClientset } from "../clientset/clientset.ts";
import { pollUntil } from "../retry/poll_until.ts";
import { FINALIZER, runConfigMapMirror, SOURCE_LABEL } from "../examples/configmap_mirror.ts";

const t0 = performance.now();
const say = (line: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(2)}s] ${line}`);

let cluster: LocalCluster | undefined;
let kubeconfig = Deno.env.get("KUBEWEB_DEMO_KUBECONFIG");
if (!kubeconfig) {
  say("starting a local Kubernetes API server (etcd + kube-apiserver v1.20.2)...");
  cluster = await LocalCluster.start();
  kubeconfig = cluster.info.kubeconfigPath;
  say(`cluster ready at ${cluster.info.server}`);
}
const stop = new AbortController();
Deno.addSignalListener("SIGINT", () => stop.abort());

async function kubectl(...args: string[]): Promise<string> {
  const out = await new Deno.Command("kubectl", { args: [`--kubeconfig=${kubeconfig}`, ...args] }).output();
  return new TextDecoder().decode(out.success ? out.stdout : out.stderr).trimEnd();
}

try {
  // client-go's default client-side limit (5 requests/s, burst 10) would pace this quick demo; raise it.
  const config = { ...await loadRestConfig({ kubeconfig }), qps: 50, burst: 100 };
  const clientset = newClientset(config);
  const namespace = "kubeweb-demo";
  try {
    await clientset.coreV1().namespaces().create({ metadata: { name: namespace } });
  } catch (e) {
    if (!(e instanceof Error && /already exists/.test(e.message))) throw e;
  }
  const cms = clientset.coreV1().configMaps(namespace);
  const mirrorData = async (name: string) => {
    try {
      return (await cms.get(`${name}-mirror`)).data;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };
  const waitFor = (what: string, cond: () => Promise<boolean>) =>
    pollUntil(50, cond, { immediate: true, timeoutMs: 20_000 }).then(() => say(`  ✓ ${what}`));

  const controller = runConfigMapMirror({
    clientset,
    namespace,
    identity: `demo-${crypto.randomUUID().slice(0, 6)}`,
    signal: stop.signal,
    log: (line) => say(`controller: ${line}`),
  });

  say("creating three labelled ConfigMaps and one unlabelled one");
  for (const name of ["alpha", "beta", "gamma"]) {
    await cms.create({ metadata: { name, labels: { [SOURCE_LABEL]: "true" } }, data: { colour: name } });
  }
  await cms.create({ metadata: { name: "plain" }, data: { ignored: "yes" } });
  for (const name of ["alpha", "beta", "gamma"]) {
    await waitFor(`${name}-mirror exists`, async () => (await mirrorData(name))?.colour === name);
  }

  say("changing alpha's data");
  await cms.patch("alpha", "merge", { data: { colour: "ultraviolet", size: "L" } });
  await waitFor("alpha-mirror follows", async () => (await mirrorData("alpha"))?.colour === "ultraviolet");

  say("deleting beta-mirror by hand: the controller puts it back");
  await cms.delete("beta-mirror");
  await waitFor("beta-mirror is back", async () => (await mirrorData("beta"))?.colour === "beta");

  const finalizers = await kubectl(
    "get",
    "configmap",
    "gamma",
    "-n",
    namespace,
    "-o",
    "jsonpath={.metadata.finalizers}",
  );
  say(
    `  ✓ the sources carry the controller's finalizer: ${
      finalizers.includes(FINALIZER) ? finalizers : "MISSING"
    }`,
  );
  say("deleting the source gamma: the finalizer deletes its mirror, then lets gamma go");
  await cms.delete("gamma");
  await waitFor("gamma-mirror is gone", async () => (await mirrorData("gamma")) === undefined);
  await waitFor("gamma is gone (finalizer removed)", async () => {
    try {
      await cms.get("gamma");
      return false;
    } catch (e) {
      if (isNotFound(e)) return true;
      throw e;
    }
  });

  say("what kubectl sees:");
  console.log(await kubectl("get", "configmaps,leases", "-n", namespace, "-L", SOURCE_LABEL));
  // The recorder writes events asynchronously; give it a moment before showing them.
  await waitFor(
    "events recorded",
    async () => (await kubectl("get", "events", "-n", namespace)).includes("Mirrored"),
  );
  console.log(await kubectl("get", "events", "-n", namespace, "--sort-by=.lastTimestamp"));

  say("stopping the controller (it releases its lease)");
  stop.abort();
  await controller;
  const holder = await kubectl(
    "get",
    "lease",
    "configmap-mirror",
    "-n",
    namespace,
    "-o",
    "jsonpath={.spec.holderIdentity}",
  );
  say(`  ✓ lease holder after release: "${holder}"`);
  say("demo finished");
} finally {
  stop.abort();
  await cluster?.stop();
}
