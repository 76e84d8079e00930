/**
 * One Node of the test kubelet: registers it (capacity and allocatable cpu, memory and pods, a Ready
 * condition, address InternalIP 127.0.0.1, the kubelet's HTTPS port), then keeps its status and its Lease in
 * `kube-node-lease` fresh, so the node lifecycle controller keeps it Ready and untainted.
 *
 * @module
 */
import { ApiError } from "./api_client.ts";
import type { ApiClient } from "./api_client.ts";

/** How a node describes itself. */
export interface NodeAgentOptions {
  api: ApiClient;
  name: string;
  /** The kubelet's HTTPS port (daemonEndpoints.kubeletEndpoint.Port). */
  port: number;
  capacity: { cpu: string; memory: string; pods: string };
  log: (msg: string) => void;
  /** Interval of status and lease updates, in ms. */
  heartbeatMs: number;
  leaseDurationSeconds: number;
}

function microTime(d = new Date()): string {
  return d.toISOString().replace(/\.(\d+)Z$/, (_m, ms: string) => `.${ms.padEnd(6, "0")}Z`);
}

function seconds(d = new Date()): string {
  return d.toISOString().replace(/\.\d+Z$/, "Z");
}

/** Registers a node and keeps it alive until stopped. */
export class NodeAgent {
  readonly name: string;
  #o: NodeAgentOptions;
  #timer?: ReturnType<typeof setInterval>;
  #readySince = seconds();
  #beating = false;

  constructor(options: NodeAgentOptions) {
    this.#o = options;
    this.name = options.name;
  }

  #status(): Record<string, unknown> {
    const t = seconds();
    const cond = (type: string, status: string, reason: string, message: string) => ({
      type,
      status,
      reason,
      message,
      lastHeartbeatTime: t,
      lastTransitionTime: this.#readySince,
    });
    return {
      capacity: this.#o.capacity,
      allocatable: this.#o.capacity,
      conditions: [
        cond(
          "MemoryPressure",
          "False",
          "KubeletHasSufficientMemory",
          "kubelet has sufficient memory available",
        ),
        cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
      ],
      addresses: [{ type: "InternalIP", address: "127.0.0.1" }],
      daemonEndpoints: { kubeletEndpoint: { Port: this.#o.port } },
      nodeInfo: {
        machineID: "",
        systemUUID: "",
        bootID: "",
        kernelVersion: Deno.osRelease(),
        osImage: "kubeweb test kubelet",
        containerRuntimeVersion: "kubeweb-process://0.1.0",
        kubeletVersion: "v1.20.2",
        kubeProxyVersion: "v1.20.2",
        operatingSystem: "linux",
        architecture: "amd64",
      },
    };
  }

  /** Creates the node (or takes over an existing one of this name) and starts the heartbeat. */
  async register(): Promise<void> {
    const api = this.#o.api;
    const node = {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: this.name,
        labels: {
          "kubernetes.io/hostname": this.name,
          "kubernetes.io/os": "linux",
          "kubernetes.io/arch": "amd64",
          "beta.kubernetes.io/os": "linux",
          "beta.kubernetes.io/arch": "amd64",
        },
      },
      spec: {},
      status: this.#status(),
    };
    try {
      await api.request("POST", "/api/v1/nodes", node);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 409)) throw e;
    }
    await this.#heartbeat();
    this.#timer = setInterval(() => void this.#heartbeat(), this.#o.heartbeatMs);
  }

  async #heartbeat(): Promise<void> {
    if (this.#beating) return;
    this.#beating = true;
    const api = this.#o.api;
    try {
      await api.mergePatch(`/api/v1/nodes/${this.name}/status`, { status: this.#status() });
      const path = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${this.name}`;
      try {
        await api.mergePatch(path, { spec: { renewTime: microTime() } });
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) throw e;
        const node = await api.request<{ metadata: { uid: string } }>("GET", `/api/v1/nodes/${this.name}`);
        await api.request("POST", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", {
          apiVersion: "coordination.k8s.io/v1",
          kind: "Lease",
          metadata: {
            name: this.name,
            namespace: "kube-node-lease",
            ownerReferences: [{ apiVersion: "v1", kind: "Node", name: this.name, uid: node.metadata.uid }],
          },
          spec: {
            holderIdentity: this.name,
            leaseDurationSeconds: this.#o.leaseDurationSeconds,
            renewTime: microTime(),
          },
        });
      }
    } catch (e) {
      this.#o.log(
        `node ${this.name}: heartbeat failed (next in ${this.#o.heartbeatMs} ms): ${(e as Error).message}`,
      );
    } finally {
      this.#beating = false;
    }
  }

  /** Stops the heartbeat (the Node object stays). */
  stop(): void {
    clearInterval(this.#timer);
  }
}
