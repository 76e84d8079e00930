/**
 * The one way integration tests get the cluster: `const c = await getTestCluster();`
 *
 * - Under `deno task test` the runner (run_tests.ts) has started the cluster once for the whole suite and
 *   passes its state file in `KUBEWEB_TEST_CLUSTER`; fault injection goes through the runner's control
 *   endpoint.
 * - With `KUBEWEB_TEST_KUBECONFIG` the suite uses an existing cluster: what the kubeconfig gives is used
 *   (its current context as admin, contexts named `token` and `nobody` when present); fault injection is
 *   unavailable (`c.canInjectFaults` is false) and tests that need it are skipped.
 * - Otherwise (a single test file run by hand) a cluster is started in this process and killed when it exits.
 *
 * Tests that need the optional parts (controller-manager, scheduler, test kubelet) say so with
 * `await c.ensureParts(["controller-manager", "scheduler", "kubelet"])`: parts not running yet are started
 * (the runner starts all of them by default; `KUBEWEB_CLUSTER_PARTS` chooses). Against an existing cluster
 * the call assumes the cluster runs its own controllers and nodes.
 *
 * @module
 */
import { type ClusterInfo, type ClusterPart, LocalCluster } from "./local_cluster.ts";
import { parseYaml } from "../../_internal/deps.ts";

/** A running cluster as the integration tests see it. */
export interface TestCluster {
  kubeconfigPath: string;
  server: string;
  caPem: string;
  caFile: string;
  admin: { certPem: string; keyPem: string; certFile: string; keyFile: string };
  adminToken: string;
  nobodyToken: string;
  inCluster: ClusterInfo["inCluster"];
  /** Path of the API server's log file (undefined against an external cluster). */
  apiserverLog?: string;
  /** Folder of every process's log file (`kubelet.log`, `controller-manager.log`, ...); undefined when external. */
  logDir?: string;
  /** Starts the optional parts not running yet and waits until they are ready. */
  ensureParts(parts: ClusterPart[]): Promise<void>;
  /** False against an external cluster: stopApiserver/startApiserver/compactEtcd then throw. */
  canInjectFaults: boolean;
  /** Runs the machine's kubectl against the cluster (admin context unless `context` is given). */
  kubectl(
    args: string[],
    options?: { stdin?: string; context?: string },
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Stops the API server (etcd keeps running). */
  stopApiserver(): Promise<void>;
  /** Starts the API server again and waits until it is ready. */
  startApiserver(): Promise<void>;
  /** Compacts etcd at its current revision. */
  compactEtcd(): Promise<void>;
}

let cached: Promise<TestCluster> | undefined;

/** Returns the suite's cluster, starting one in this process only when no runner provides it. */
export function getTestCluster(): Promise<TestCluster> {
  cached ??= connect();
  return cached;
}

async function connect(): Promise<TestCluster> {
  const statePath = Deno.env.get("KUBEWEB_TEST_CLUSTER");
  if (statePath) {
    const info: ClusterInfo = JSON.parse(await Deno.readTextFile(statePath));
    const control = async (op: string) => {
      const res = await fetch(`${info.controlUrl}/${op}`, { method: "POST" });
      const text = await res.text();
      if (!res.ok) throw new Error(`cluster control ${op} failed: ${text}`);
    };
    return await fromInfo(info, {
      stopApiserver: () => control("apiserver/stop"),
      startApiserver: () => control("apiserver/start"),
      compactEtcd: () => control("etcd/compact"),
      ensureParts: (parts) => control(`parts/start?names=${parts.join(",")}`),
    });
  }
  const external = Deno.env.get("KUBEWEB_TEST_KUBECONFIG");
  if (external) return await fromKubeconfig(external);
  const cluster = await LocalCluster.start({ verbose: true });
  globalThis.addEventListener("unload", () => cluster.killSync());
  return await fromInfo(cluster.info, {
    stopApiserver: () => cluster.stopApiserver(),
    startApiserver: () => cluster.startApiserver(),
    compactEtcd: async () => void await cluster.compactEtcd(),
    ensureParts: (parts) => cluster.startParts(parts),
  });
}

type Faults = Pick<TestCluster, "stopApiserver" | "startApiserver" | "compactEtcd" | "ensureParts">;

async function fromInfo(info: ClusterInfo, faults: Faults): Promise<TestCluster> {
  return {
    kubeconfigPath: info.kubeconfigPath,
    server: info.server,
    caPem: await Deno.readTextFile(info.caFile),
    caFile: info.caFile,
    admin: {
      certPem: await Deno.readTextFile(info.adminCertFile),
      keyPem: await Deno.readTextFile(info.adminKeyFile),
      certFile: info.adminCertFile,
      keyFile: info.adminKeyFile,
    },
    adminToken: info.adminToken,
    nobodyToken: info.nobodyToken,
    inCluster: info.inCluster,
    apiserverLog: `${info.dir}/apiserver.log`,
    logDir: info.dir,
    canInjectFaults: true,
    kubectl: (args, options) => kubectl(info.kubeconfigPath, args, options),
    ...faults,
  };
}

// deno-lint-ignore no-explicit-any
type Yaml = any;

async function fromKubeconfig(path: string): Promise<TestCluster> {
  const kc: Yaml = parseYaml(await Deno.readTextFile(path));
  const dir = path.replace(/\/[^/]*$/, "");
  const abs = (p: string) => p.startsWith("/") ? p : `${dir}/${p}`;
  const named = (list: Yaml[] | undefined, name: string) => list?.find((x: Yaml) => x.name === name);
  const ctx = named(kc.contexts, kc["current-context"])?.context;
  if (!ctx) throw new Error(`KUBEWEB_TEST_KUBECONFIG ${path}: no current context`);
  const cluster = named(kc.clusters, ctx.cluster)?.cluster ?? {};
  const user = named(kc.users, ctx.user)?.user ?? {};
  const pem = async (data?: string, file?: string) =>
    data ? atob(data) : file ? await Deno.readTextFile(abs(file)) : "";
  const tokenOf = (ctxName: string) => {
    const c = named(kc.contexts, ctxName)?.context;
    return c ? named(kc.users, c.user)?.user?.token ?? "" : "";
  };
  const unsupported = () => Promise.reject(new Error("fault injection needs the suite's own local cluster"));
  return {
    kubeconfigPath: path,
    server: cluster.server,
    caPem: await pem(cluster["certificate-authority-data"], cluster["certificate-authority"]),
    caFile: cluster["certificate-authority"] ? abs(cluster["certificate-authority"]) : "",
    admin: {
      certPem: await pem(user["client-certificate-data"], user["client-certificate"]),
      keyPem: await pem(user["client-key-data"], user["client-key"]),
      certFile: user["client-certificate"] ? abs(user["client-certificate"]) : "",
      keyFile: user["client-key"] ? abs(user["client-key"]) : "",
    },
    adminToken: tokenOf("token"),
    nobodyToken: tokenOf("nobody"),
    inCluster: { dir: "", host: "", port: "", tokenFile: "", caFile: "", namespaceFile: "" },
    canInjectFaults: false,
    kubectl: (args, options) => kubectl(path, args, { context: kc["current-context"], ...options }),
    stopApiserver: unsupported,
    startApiserver: unsupported,
    compactEtcd: unsupported,
    ensureParts: () => Promise.resolve(),
  };
}

async function kubectl(
  kubeconfig: string,
  args: string[],
  options: { stdin?: string; context?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command("kubectl", {
    args: [`--kubeconfig=${kubeconfig}`, `--context=${options.context ?? "admin"}`, ...args],
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
