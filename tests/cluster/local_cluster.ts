/**
 * A real Kubernetes control plane on loopback for the integration tests: etcd from Debian and
 * kube-apiserver v1.20.2 built from Debian's source package (see build_control_plane.sh), and, as parts
 * chosen per run, kube-controller-manager and kube-scheduler from the same build and the test kubelet
 * (kubelet/), which registers Nodes and runs their pods' containers as local processes.
 *
 * Everything binds 127.0.0.1 on random free ports. A watchdog process (in its own session, so Ctrl-C
 * does not reach it) kills every process of the cluster, containers included, when the owning process dies,
 * however it dies.
 *
 * @module
 */
import { generatePki, type Pki } from "./pki.ts";

const here = new URL(".", import.meta.url).pathname;

/** The connection facts of a running cluster, as written to its state file. */
export interface ClusterInfo {
  /** Folder holding the cluster's files (PKI, kubeconfig, logs, in-cluster simulation). */
  dir: string;
  /** `https://127.0.0.1:PORT` */
  server: string;
  kubeconfigPath: string;
  caFile: string;
  adminCertFile: string;
  adminKeyFile: string;
  adminToken: string;
  nobodyToken: string;
  etcdUrl: string;
  inCluster: {
    dir: string;
    host: string;
    port: string;
    tokenFile: string;
    caFile: string;
    namespaceFile: string;
  };
  /** URL of the control endpoint (stop/start the API server, compact etcd, start parts), when one is served. */
  controlUrl?: string;
  /** The optional parts running besides etcd and the API server. */
  parts: ClusterPart[];
  /** Names of the test kubelet's nodes (when the kubelet part runs). */
  nodes: string[];
}

/** An optional part of the local cluster. */
export type ClusterPart = "controller-manager" | "scheduler" | "kubelet";

/** Every optional part, in start order. */
export const ALL_PARTS: readonly ClusterPart[] = ["kubelet", "controller-manager", "scheduler"];

/** Parses a comma-separated list of parts (`all` and `none` allowed), naming any unknown part. */
export function parseParts(list: string): ClusterPart[] {
  const words = list.split(",").map((w) => w.trim()).filter((w) => w !== "");
  if (words.length === 1 && words[0] === "all") return [...ALL_PARTS];
  if (words.length === 1 && words[0] === "none") return [];
  for (const w of words) {
    if (!(ALL_PARTS as readonly string[]).includes(w)) {
      throw new TypeError(
        `unknown cluster part ${JSON.stringify(w)}; expected all, none or ${ALL_PARTS.join(", ")}`,
      );
    }
  }
  return ALL_PARTS.filter((p) => words.includes(p));
}

/** The cached binaries of the control plane. */
export interface ControlPlaneBinaries {
  apiserver: string;
  controllerManager: string;
  scheduler: string;
}

/** Options of {@linkcode LocalCluster.start}. */
export interface StartOptions {
  /** The binaries; built (or taken from the cache) when absent. */
  binaries?: ControlPlaneBinaries;
  /** Optional parts to start with the cluster (default none; more can be started later with startParts). */
  parts?: ClusterPart[];
  /** Names of the test kubelet's nodes (default one node, `kubeweb-node-0`). */
  nodes?: string[];
  /** Print progress to stderr. */
  verbose?: boolean;
}

function log(msg: string): void {
  console.error(`cluster: ${msg}`);
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function randomToken(): string {
  const b = crypto.getRandomValues(new Uint8Array(24));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** Builds (first time) or finds the cached control plane binaries, showing build progress. */
export async function ensureBinaries(): Promise<ControlPlaneBinaries> {
  const out = await new Deno.Command("bash", {
    args: [`${here}build_control_plane.sh`],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("building the control plane failed (see the messages above)");
  const paths = new TextDecoder().decode(out.stdout).trim().split("\n").slice(-3);
  const [apiserver, controllerManager, scheduler] = paths;
  return { apiserver, controllerManager, scheduler };
}

/** A running etcd + kube-apiserver pair, with the optional parts started. */
export class LocalCluster {
  readonly info: ClusterInfo;
  #pki: Pki;
  #binaries: ControlPlaneBinaries;
  #etcd?: Deno.ChildProcess;
  #apiserver?: Deno.ChildProcess;
  #parts = new Map<ClusterPart, Deno.ChildProcess>();
  #starting?: Promise<void>;
  #apiserverArgs: string[];
  #watchdog?: Deno.ChildProcess;
  #client: Deno.HttpClient;
  #stopped = false;

  private constructor(info: ClusterInfo, pki: Pki, binaries: ControlPlaneBinaries, apiserverArgs: string[]) {
    this.info = info;
    this.#pki = pki;
    this.#binaries = binaries;
    this.#apiserverArgs = apiserverArgs;
    this.#client = Deno.createHttpClient({
      caCerts: [Deno.readTextFileSync(pki.caFile)],
      cert: Deno.readTextFileSync(pki.adminCertFile),
      key: Deno.readTextFileSync(pki.adminKeyFile),
    });
  }

  /** Starts etcd and the API server, waits until the API is ready, and writes the kubeconfig. */
  static async start(options: StartOptions = {}): Promise<LocalCluster> {
    const t0 = performance.now();
    const binaries = options.binaries ?? await ensureBinaries();
    // etcd's data lives in memory when /dev/shm exists: no fsync cost on the tests' thousands of writes.
    let base = "/tmp";
    try {
      if (Deno.statSync("/dev/shm").isDirectory) base = "/dev/shm";
    } catch { /* no /dev/shm */ }
    const dir = await Deno.makeTempDir({ dir: base, prefix: "kubeweb-cluster-" });
    const pki = await generatePki(`${dir}/pki`);
    const [etcdClient, etcdPeer, securePort] = [freePort(), freePort(), freePort()];
    const adminToken = randomToken();
    const nobodyToken = randomToken();
    await Deno.writeTextFile(
      `${dir}/tokens.csv`,
      `${adminToken},kubeweb-token-admin,uid-admin,"system:masters"\n${nobodyToken},kubeweb-nobody,uid-nobody\n`,
    );
    const server = `https://127.0.0.1:${securePort}`;
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const issuer = "https://kubernetes.default.svc.cluster.local";
    const apiserverArgs = [
      `--etcd-servers=${etcdUrl}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${securePort}`,
      "--insecure-port=0",
      `--cert-dir=${dir}/apiserver-certs`,
      `--tls-cert-file=${pki.serverCertFile}`,
      `--tls-private-key-file=${pki.serverKeyFile}`,
      `--client-ca-file=${pki.caFile}`,
      `--token-auth-file=${dir}/tokens.csv`,
      "--authorization-mode=RBAC",
      `--service-account-key-file=${pki.saPubFile}`,
      `--service-account-signing-key-file=${pki.saKeyFile}`,
      `--service-account-issuer=${issuer}`,
      `--api-audiences=${issuer}`,
      "--service-cluster-ip-range=10.96.0.0/24",
      "--disable-admission-plugins=ServiceAccount",
      "--allow-privileged=true",
      "--endpoint-reconciler-type=none",
      "--enable-priority-and-fairness=false",
      // Calls to the test kubelet (logs) verify its serving certificate and present a client certificate.
      `--kubelet-certificate-authority=${pki.caFile}`,
      `--kubelet-client-certificate=${pki.kubeletClientCertFile}`,
      `--kubelet-client-key=${pki.kubeletClientKeyFile}`,
      "--kubelet-preferred-address-types=InternalIP",
      "--profiling=false",
      "--v=1",
    ];
    const info: ClusterInfo = {
      dir,
      server,
      kubeconfigPath: `${dir}/kubeconfig`,
      caFile: pki.caFile,
      adminCertFile: pki.adminCertFile,
      adminKeyFile: pki.adminKeyFile,
      adminToken,
      nobodyToken,
      etcdUrl,
      inCluster: {
        dir: `${dir}/in-cluster`,
        host: "127.0.0.1",
        port: String(securePort),
        tokenFile: `${dir}/in-cluster/token`,
        caFile: `${dir}/in-cluster/ca.crt`,
        namespaceFile: `${dir}/in-cluster/namespace`,
      },
      parts: [],
      nodes: options.nodes ?? ["kubeweb-node-0"],
    };
    const cluster = new LocalCluster(info, pki, binaries, apiserverArgs);
    try {
      cluster.#startWatchdog();
      cluster.#etcd = cluster.#spawn("etcd", [
        "--name=kubeweb",
        `--data-dir=${dir}/etcd`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=kubeweb=http://127.0.0.1:${etcdPeer}`,
        "--log-level=warn",
        "--logger=zap",
      ], `${dir}/etcd.log`);
      await cluster.#waitFor(`${etcdUrl}/health`, "etcd", false, 30_000);
      await cluster.startApiserver();
      await cluster.#writeKubeconfig();
      await cluster.#setUpInCluster();
      await cluster.startParts(options.parts ?? []);
      if (options.verbose) log(`ready at ${server} in ${Math.round(performance.now() - t0)} ms (${dir})`);
      return cluster;
    } catch (e) {
      await cluster.stop({ keepLogs: true });
      throw new Error(`the local cluster did not start; logs kept in ${dir}`, { cause: e });
    }
  }

  #spawn(cmd: string, args: string[], logFile: string): Deno.ChildProcess {
    // The shell redirects both streams to the log file and then becomes the program (exec): nothing in
    // this process has to drain a pipe, so a busy test can never block the server on a full pipe.
    return new Deno.Command("bash", {
      args: ["-c", 'exec "$0" "$@" >>"$KUBEWEB_LOG" 2>&1', cmd, ...args],
      env: { KUBEWEB_LOG: logFile },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  }

  #startWatchdog(): void {
    // Runs in its own session (setsid), so a Ctrl-C to the test run's process group does not stop it;
    // when the owning process is gone it kills everything started with this cluster's folder in its arguments.
    // The folder comes in through the environment so that the watchdog's own command line does not match.
    const script = `trap '' INT TERM HUP
while kill -0 "$KW_OWNER" 2>/dev/null; do sleep 0.5; done
pkill -TERM -f -- "$KW_DIR/"; sleep 2; pkill -KILL -f -- "$KW_DIR/"
for g in "$KW_DIR"/kubelet/process-groups/*; do [ -e "$g" ] && kill -KILL -- "-\${g##*/}" 2>/dev/null; done
[ -f "$KW_DIR/keep" ] || rm -rf "$KW_DIR"`;
    this.#watchdog = new Deno.Command("setsid", {
      args: ["bash", "-c", script],
      env: { KW_OWNER: String(Deno.pid), KW_DIR: this.info.dir },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    this.#watchdog.unref();
  }

  async #waitFor(url: string, what: string, tls: boolean, timeoutMs: number, proc?: Deno.ChildProcess) {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    let exited: Deno.CommandStatus | undefined;
    proc?.status.then((s) => exited = s);
    while (Date.now() < deadline) {
      if (exited) throw new Error(`${what} exited with code ${exited.code} while starting`);
      try {
        const res = await fetch(url, tls ? { client: this.#client } : {});
        const text = await res.text();
        if (res.ok) return;
        last = `${res.status} ${text.slice(0, 200)}`;
      } catch (e) {
        last = String(e);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${what} not ready after ${timeoutMs} ms: ${last}`);
  }

  /** Sends a request to the API server as the admin (client certificate). */
  async api(method: string, path: string, body?: unknown): Promise<Response> {
    return await fetch(`${this.info.server}${path}`, {
      method,
      client: this.#client,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** Starts (or restarts) the API server and waits until it serves and the `default` namespace exists. */
  async startApiserver(): Promise<void> {
    if (this.#apiserver) return;
    const start = performance.now();
    this.#apiserver = this.#spawn(
      this.#binaries.apiserver,
      this.#apiserverArgs,
      `${this.info.dir}/apiserver.log`,
    );
    await this.#waitFor(`${this.info.server}/readyz`, "kube-apiserver", true, 60_000, this.#apiserver);
    await this.#waitFor(
      `${this.info.server}/api/v1/namespaces/default`,
      "the default namespace",
      true,
      30_000,
      this.#apiserver,
    );
    if (Deno.env.get("KUBEWEB_CLUSTER_VERBOSE")) {
      log(`apiserver ready in ${Math.round(performance.now() - start)} ms`);
    }
  }

  /** Stops the API server (SIGTERM, then SIGKILL after 10 s); etcd keeps running. */
  async stopApiserver(): Promise<void> {
    const p = this.#apiserver;
    if (!p) return;
    this.#apiserver = undefined;
    await stopProcess(p, 10_000);
  }

  /** Compacts etcd at its current revision, so watches from older resource versions get 410 Gone. */
  async compactEtcd(): Promise<number> {
    const range = await fetch(`${this.info.etcdUrl}/v3/kv/range`, {
      method: "POST",
      body: JSON.stringify({ key: btoa("/registry/") }),
    });
    const rev = Number((await range.json()).header.revision);
    const res = await fetch(`${this.info.etcdUrl}/v3/kv/compaction`, {
      method: "POST",
      body: JSON.stringify({ revision: String(rev), physical: true }),
    });
    if (!res.ok) throw new Error(`etcd compaction failed: ${res.status} ${await res.text()}`);
    await res.body?.cancel();
    return rev;
  }

  async #writeKubeconfig(): Promise<void> {
    const i = this.info;
    const ca = btoa(await Deno.readTextFile(i.caFile));
    const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: kubeweb-test
  cluster:
    server: ${i.server}
    certificate-authority-data: ${ca}
users:
- name: admin
  user:
    client-certificate: ${i.adminCertFile}
    client-key: ${i.adminKeyFile}
- name: token
  user:
    token: ${i.adminToken}
- name: nobody
  user:
    token: ${i.nobodyToken}
contexts:
- name: admin
  context: {cluster: kubeweb-test, user: admin, namespace: default}
- name: token
  context: {cluster: kubeweb-test, user: token, namespace: default}
- name: nobody
  context: {cluster: kubeweb-test, user: nobody, namespace: default}
current-context: admin
`;
    await Deno.writeTextFile(i.kubeconfigPath, kubeconfig, { mode: 0o600 });
  }

  async #setUpInCluster(): Promise<void> {
    const ic = this.info.inCluster;
    await Deno.mkdir(ic.dir, { recursive: true });
    const must = async (res: Promise<Response>, what: string) => {
      const r = await res;
      const text = await r.text();
      if (!r.ok && r.status !== 409) throw new Error(`${what}: ${r.status} ${text.slice(0, 300)}`);
      return text;
    };
    await must(
      this.api("POST", "/api/v1/namespaces/default/serviceaccounts", {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: "kubeweb-incluster" },
      }),
      "creating the in-cluster service account",
    );
    await must(
      this.api("POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "kubeweb-incluster" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
        subjects: [{ kind: "ServiceAccount", name: "kubeweb-incluster", namespace: "default" }],
      }),
      "binding the in-cluster service account",
    );
    const tr = JSON.parse(
      await must(
        this.api("POST", "/api/v1/namespaces/default/serviceaccounts/kubeweb-incluster/token", {
          apiVersion: "authentication.k8s.io/v1",
          kind: "TokenRequest",
          spec: { expirationSeconds: 86400 },
        }),
        "requesting the in-cluster service account token",
      ),
    );
    await Deno.writeTextFile(ic.tokenFile, tr.status.token, { mode: 0o600 });
    await Deno.copyFile(this.info.caFile, ic.caFile);
    await Deno.writeTextFile(ic.namespaceFile, "default");
  }

  /**
   * Starts the given optional parts that are not running yet and waits until each is ready: the kubelet's
   * nodes are Ready, the controller-manager has created the `default` ServiceAccount, the scheduler has
   * started its informers.
   */
  async startParts(parts: ClusterPart[]): Promise<void> {
    // One start at a time: concurrent callers (tests in parallel) wait for the one in progress.
    while (this.#starting) await this.#starting.catch(() => {});
    const p = this.#startParts(parts);
    this.#starting = p;
    try {
      await p;
    } finally {
      this.#starting = undefined;
    }
  }

  async #startParts(parts: ClusterPart[]): Promise<void> {
    for (const part of ALL_PARTS) {
      if (!parts.includes(part) || this.#parts.has(part)) continue;
      const start = performance.now();
      if (part === "kubelet") await this.#startKubelet();
      else if (part === "controller-manager") await this.#startControllerManager();
      else await this.#startScheduler();
      this.info.parts = ALL_PARTS.filter((p) => this.#parts.has(p));
      if (Deno.env.get("KUBEWEB_CLUSTER_VERBOSE")) {
        log(`${part} ready in ${Math.round(performance.now() - start)} ms`);
      }
    }
  }

  async #startKubelet(): Promise<void> {
    const dataDir = `${this.info.dir}/kubelet`;
    await Deno.mkdir(dataDir, { recursive: true });
    const config = {
      server: this.info.server,
      caFile: this.#pki.caFile,
      clientCertFile: this.#pki.adminCertFile,
      clientKeyFile: this.#pki.adminKeyFile,
      servingCertFile: this.#pki.kubeletCertFile,
      servingKeyFile: this.#pki.kubeletKeyFile,
      nodes: this.info.nodes,
      dataDir,
    };
    await Deno.writeTextFile(`${dataDir}/config.json`, JSON.stringify(config, null, 2));
    const proc = this.#spawn(Deno.execPath(), [
      "run",
      "--allow-all",
      "--no-prompt",
      `${here}kubelet/main.ts`,
      `${dataDir}/config.json`,
    ], `${this.info.dir}/kubelet.log`);
    this.#parts.set("kubelet", proc);
    await this.#waitUntil("the test kubelet's nodes to be Ready", 60_000, proc, async () => {
      for (const name of this.info.nodes) {
        const res = await this.api("GET", `/api/v1/nodes/${name}`);
        if (!res.ok) return `${res.status} ${(await res.text()).slice(0, 200)}`;
        const node = await res.json();
        // deno-lint-ignore no-explicit-any
        const ready = node.status?.conditions?.find((c: any) => c.type === "Ready")?.status;
        if (ready !== "True") return `node ${name} Ready=${ready}`;
      }
      return true;
    });
  }

  async #startControllerManager(): Promise<void> {
    const pki = this.#pki;
    const proc = this.#spawn(this.#binaries.controllerManager, [
      `--kubeconfig=${this.info.kubeconfigPath}`,
      "--leader-elect=false",
      "--port=0",
      "--secure-port=0",
      `--service-account-private-key-file=${pki.saKeyFile}`,
      `--root-ca-file=${pki.caFile}`,
      `--cluster-signing-cert-file=${pki.caFile}`,
      `--cluster-signing-key-file=${pki.caKeyFile}`,
      "--use-service-account-credentials=false",
      // Every controller but root-ca-cert-publisher: its kube-root-ca.crt ConfigMap in every namespace serves
      // projected service-account token volumes, which v1.20 does not use by default (and the test kubelet
      // mounts no volumes); tests that count a namespace's ConfigMaps would see it.
      "--controllers=*,-root-ca-cert-publisher",
      "--v=1",
    ], `${this.info.dir}/controller-manager.log`);
    this.#parts.set("controller-manager", proc);
    await this.#waitUntil(
      "kube-controller-manager to create the default ServiceAccount",
      60_000,
      proc,
      async () => {
        const res = await this.api("GET", "/api/v1/namespaces/default/serviceaccounts/default");
        const text = await res.text();
        return res.ok ? true : `${res.status} ${text.slice(0, 200)}`;
      },
    );
  }

  async #startScheduler(): Promise<void> {
    const logFile = `${this.info.dir}/scheduler.log`;
    const proc = this.#spawn(this.#binaries.scheduler, [
      `--kubeconfig=${this.info.kubeconfigPath}`,
      "--leader-elect=false",
      "--port=0",
      "--secure-port=0",
      "--v=1",
    ], logFile);
    this.#parts.set("scheduler", proc);
    await this.#waitUntil("kube-scheduler to start", 60_000, proc, async () => {
      const text = await Deno.readTextFile(logFile).catch(() => "");
      return /Caches populated|Starting Kubernetes Scheduler/.test(text)
        ? true
        : "no start message in its log yet";
    });
  }

  async #waitUntil(
    what: string,
    timeoutMs: number,
    proc: Deno.ChildProcess,
    check: () => Promise<true | string>,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited: Deno.CommandStatus | undefined;
    proc.status.then((s) => exited = s);
    let last = "";
    while (Date.now() < deadline) {
      if (exited) throw new Error(`waiting for ${what}: the process exited with code ${exited.code}`);
      try {
        const r = await check();
        if (r === true) return;
        last = r;
      } catch (e) {
        last = String(e);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`waiting for ${what}: not ready after ${timeoutMs} ms: ${last}`);
  }

  /** Stops the optional parts (the kubelet first, so its containers end while the API server still runs). */
  async #stopParts(): Promise<void> {
    for (const part of ALL_PARTS) {
      const p = this.#parts.get(part);
      this.#parts.delete(part);
      if (p) await stopProcess(p, 10_000);
    }
    this.info.parts = [];
    this.#killProcessGroups();
  }

  /** Kills the test kubelet's container process groups (left over when the kubelet itself died). */
  #killProcessGroups(): void {
    try {
      for (const e of Deno.readDirSync(`${this.info.dir}/kubelet/process-groups`)) {
        try {
          Deno.kill(-Number(e.name), "SIGKILL");
        } catch { /* gone */ }
      }
    } catch { /* no kubelet ran */ }
  }

  /** Stops every process and removes the cluster's folder (kept, with its logs, when `keepLogs`). */
  async stop(options: { keepLogs?: boolean } = {}): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (options.keepLogs) await Deno.writeTextFile(`${this.info.dir}/keep`, "");
    await this.#stopParts();
    const ps: Promise<void>[] = [];
    if (this.#apiserver) ps.push(stopProcess(this.#apiserver, 10_000));
    this.#apiserver = undefined;
    await Promise.all(ps);
    if (this.#etcd) await stopProcess(this.#etcd, 5_000);
    this.#etcd = undefined;
    this.#client.close();
    if (!options.keepLogs) await Deno.remove(this.info.dir, { recursive: true }).catch(() => {});
    if (this.#watchdog) {
      try {
        this.#watchdog.kill("SIGKILL");
      } catch { /* already gone */ }
    }
  }

  /** Kills every process at once, synchronously (for unload handlers). */
  killSync(): void {
    for (const p of [...this.#parts.values(), this.#apiserver, this.#etcd, this.#watchdog]) {
      try {
        p?.kill("SIGKILL");
      } catch { /* gone */ }
    }
    this.#killProcessGroups();
    try {
      Deno.removeSync(this.info.dir, { recursive: true });
    } catch { /* gone */ }
  }
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL; resolves when the process has exited. */
export async function stopProcess(p: Deno.ChildProcess, graceMs: number): Promise<void> {
  try {
    p.kill("SIGTERM");
  } catch {
    return;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      try {
        p.kill("SIGKILL");
      } catch { /* exited */ }
      resolve();
    }, graceMs);
  });
  await Promise.race([p.status, killed]);
  clearTimeout(timer);
  await p.status;
}
