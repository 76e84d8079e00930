/**
 * Shared setup of the streaming tests: the cluster with the test kubelet, a namespace with a long-running
 * pod in 1.20 mode (the kubelet accepts v4 and older protocols) and one in v5 mode (annotated
 * `kubeweb.test/streaming: v5`, as behind a 1.30+ API server), and a REST client of the core group with
 * the admin client certificate.
 *
 * @module
 */
import { controlPlane, kubectl, newNamespace, waitPod } from "../control_plane/_helpers.ts";
import type { TestCluster } from "../cluster/harness.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import { type RESTClient, restClientFor } from "../../rest/rest_client.ts";

/** The cluster, a namespace and its pods. */
export interface StreamingSetup {
  c: TestCluster;
  ns: string;
  core: RESTClient;
}

/** A long-running pod; `v5` puts the kubelet's streams in v5 mode; `stdin` keeps the container's input. */
export function streamPod(
  name: string,
  script: string,
  options: { v5?: boolean; stdin?: boolean } = {},
): unknown {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, annotations: options.v5 ? { "kubeweb.test/streaming": "v5" } : {} },
    spec: {
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 1,
      containers: [{
        name: "main",
        image: "busybox",
        command: ["sh", "-c", script],
        stdin: options.stdin ?? false,
      }],
    },
  };
}

/** Creates objects in a namespace with kubectl. */
export async function createIn(c: TestCluster, ns: string, ...objects: unknown[]): Promise<void> {
  await kubectl(
    c,
    ["-n", ns, "create", "-f", "-"],
    JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }),
  );
}

/** Waits until the pod is Running. */
export async function waitRunning(c: TestCluster, ns: string, name: string): Promise<void> {
  await waitPod(
    c,
    ns,
    name,
    "running",
    (p) => p.status?.phase === "Running" && p.status.containerStatuses?.[0]?.state?.running !== undefined,
  );
}

/** Creates the namespace and the pods `v4` and `v5` (both `sleep 3600`). */
export async function setup(prefix: string): Promise<StreamingSetup> {
  const c = await controlPlane();
  const ns = await newNamespace(c, prefix);
  await createIn(c, ns, streamPod("v4", "sleep 3600"), streamPod("v5", "sleep 3600", { v5: true }));
  await Promise.all([waitRunning(c, ns, "v4"), waitRunning(c, ns, "v5")]);
  const config = await loadRestConfig({ kubeconfig: c.kubeconfigPath });
  const core = restClientFor(config, { apiPath: "/api", groupVersion: "v1" });
  return { c, ns, core };
}
