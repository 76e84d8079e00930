/**
 * The test kubelet: its nodes, the watches of their pods, one {@linkcode PodWorker} per pod and the HTTPS
 * server. Started as its own process by the local cluster (main.ts); see the README in this folder's parent.
 *
 * @module
 */
import { ApiClient } from "./api_client.ts";
import { NodeAgent } from "./node_agent.ts";
import { PodWatcher } from "./pod_watcher.ts";
import { PodWorker, type PodWorkerOptions } from "./pod_worker.ts";
import { serveKubelet } from "./server.ts";
import type { Pod } from "./types.ts";

/** The kubelet's config file (JSON), written by the local cluster. */
export interface KubeletConfig {
  /** `https://127.0.0.1:PORT` of the API server. */
  server: string;
  caFile: string;
  /** Client certificate and key the kubelet uses against the API server. */
  clientCertFile: string;
  clientKeyFile: string;
  /** Serving certificate and key of the kubelet's HTTPS endpoint. */
  servingCertFile: string;
  servingKeyFile: string;
  /** Names of the nodes to register. */
  nodes: string[];
  /** Where pods' working folders and logs go. */
  dataDir: string;
  /** Status and lease update interval (default 10). */
  heartbeatSeconds?: number;
}

/** A running test kubelet. */
export class Kubelet {
  #config: KubeletConfig;
  #api: ApiClient;
  #workers = new Map<string, PodWorker>();
  #byName = new Map<string, string>();
  #agents: NodeAgent[] = [];
  #watchers: PodWatcher[] = [];
  #server?: Deno.HttpServer<Deno.NetAddr>;
  #workerOptions: PodWorkerOptions;
  #log: (msg: string) => void;

  constructor(config: KubeletConfig, log: (msg: string) => void) {
    this.#config = config;
    this.#log = log;
    this.#api = new ApiClient({
      server: config.server,
      caPem: Deno.readTextFileSync(config.caFile),
      certPem: Deno.readTextFileSync(config.clientCertFile),
      keyPem: Deno.readTextFileSync(config.clientKeyFile),
    });
    const api = new URL(config.server);
    this.#workerOptions = {
      api: this.#api,
      dataDir: config.dataDir,
      groupsDir: `${config.dataDir}/process-groups`,
      hostIP: "127.0.0.1",
      baseEnv: {
        PATH: Deno.env.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
        HOME: "/root",
        KUBERNETES_SERVICE_HOST: api.hostname,
        KUBERNETES_SERVICE_PORT: api.port,
      },
      log,
      backoff: { initialMs: 1000, maxMs: 20_000 },
    };
  }

  /** The port of the HTTPS server, once started. */
  get port(): number {
    return this.#server?.addr.port ?? 0;
  }

  /** Starts the server, registers the nodes and starts watching their pods. */
  async start(): Promise<void> {
    await Deno.mkdir(this.#workerOptions.groupsDir, { recursive: true });
    this.#server = serveKubelet(0, {
      certPem: await Deno.readTextFile(this.#config.servingCertFile),
      keyPem: await Deno.readTextFile(this.#config.servingKeyFile),
      findPod: (ns, name) => {
        const uid = this.#byName.get(`${ns}/${name}`);
        return uid ? this.#workers.get(uid) : undefined;
      },
      log: this.#log,
    });
    for (const name of this.#config.nodes) {
      const agent = new NodeAgent({
        api: this.#api,
        name,
        port: this.port,
        capacity: { cpu: "8", memory: "16Gi", pods: "110" },
        log: this.#log,
        heartbeatMs: (this.#config.heartbeatSeconds ?? 10) * 1000,
        leaseDurationSeconds: 40,
      });
      await agent.register();
      this.#agents.push(agent);
      const watcher = new PodWatcher({
        api: this.#api,
        node: name,
        log: this.#log,
        handler: { upsert: (p) => this.#upsert(p), remove: (uid) => this.#remove(uid) },
      });
      await watcher.start();
      this.#watchers.push(watcher);
    }
    this.#log(`serving on 127.0.0.1:${this.port}; nodes ${this.#config.nodes.join(", ")}`);
  }

  #upsert(pod: Pod): void {
    const uid = pod.metadata.uid!;
    const existing = this.#workers.get(uid);
    if (existing) return existing.update(pod);
    if (pod.metadata.deletionTimestamp) {
      // Being deleted and not run by this kubelet (it started after the pod ended): nothing to stop.
      void this.#deleteNow(pod);
      return;
    }
    const terminal = pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
    if (terminal) return; // finished before this kubelet started
    const worker = new PodWorker(pod, this.#workerOptions);
    this.#workers.set(uid, worker);
    this.#byName.set(`${pod.metadata.namespace}/${pod.metadata.name}`, uid);
    this.#log(`pod ${pod.metadata.namespace}/${pod.metadata.name} (${uid}): started`);
    worker.update(pod);
  }

  async #deleteNow(pod: Pod): Promise<void> {
    const path = `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`;
    await this.#api.request("DELETE", path, {
      apiVersion: "v1",
      kind: "DeleteOptions",
      gracePeriodSeconds: 0,
      preconditions: { uid: pod.metadata.uid },
    }).catch((e) =>
      this.#log(`pod ${pod.metadata.namespace}/${pod.metadata.name}: delete failed: ${e.message}`)
    );
  }

  #remove(uid: string): void {
    const worker = this.#workers.get(uid);
    if (!worker) return;
    this.#workers.delete(uid);
    const key = `${worker.pod.metadata.namespace}/${worker.pod.metadata.name}`;
    if (this.#byName.get(key) === uid) this.#byName.delete(key);
    this.#log(`pod ${key} (${uid}): removed`);
    void worker.forget().then(() =>
      Deno.remove(`${this.#config.dataDir}/pods/${uid}`, { recursive: true }).catch(() => {})
    );
  }

  /** Stops watching, kills every container, stops the heartbeats and the server. */
  async stop(): Promise<void> {
    await Promise.all(this.#watchers.map((w) => w.stop()));
    for (const a of this.#agents) a.stop();
    await Promise.all([...this.#workers.values()].map((w) => w.shutdown()));
    // Open log streams end with their containers; do not wait long for slow readers.
    await Promise.race([this.#server?.shutdown(), new Promise((r) => setTimeout(r, 1000))]);
    this.#api.close();
  }
}
