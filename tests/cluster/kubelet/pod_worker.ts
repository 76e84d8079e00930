/**
 * Runs one pod bound to one of the kubelet's nodes: init containers in order, then every container at once,
 * each restarted per the pod's `restartPolicy` with an exponential back-off; reports the pod's status after
 * every change; on deletion stops the containers (SIGTERM, then SIGKILL after the grace period) and deletes
 * the pod with `gracePeriodSeconds: 0`, as a kubelet does.
 *
 * @module
 */
import { ApiError } from "./api_client.ts";
import type { ApiClient } from "./api_client.ts";
import { ContainerLog } from "./container_log.ts";
import { type ContainerExit, ContainerProcess } from "./container_process.ts";
import { containerArgv, ContainerConfigError, containerEnv } from "./container_env.ts";
import { LatestSender, type SendOutcome } from "./latest_sender.ts";
import { podStatus } from "./pod_status.ts";
import type { Container, ContainerStatus, Pod, PodCondition } from "./types.ts";

/** What every pod worker shares. */
export interface PodWorkerOptions {
  api: ApiClient;
  /** The kubelet's data folder (pods/<uid>/<container>/ hold working folders and logs). */
  dataDir: string;
  /** Where running process groups are recorded for the watchdog. */
  groupsDir: string;
  hostIP: string;
  /** Environment every container starts with. */
  baseEnv: Record<string, string>;
  log: (msg: string) => void;
  /** Restart back-off: first delay and cap, in ms. */
  backoff: { initialMs: number; maxMs: number };
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, "Z");
}

/** One container's runs: its status, its current and earlier logs and its process. */
class ContainerSlot {
  readonly spec: Container;
  readonly status: ContainerStatus;
  readonly logs: ContainerLog[] = [];
  process?: ContainerProcess;
  delayMs = 0;

  constructor(spec: Container) {
    this.spec = spec;
    this.status = {
      name: spec.name,
      state: { waiting: { reason: "ContainerCreating" } },
      lastState: {},
      ready: false,
      started: false,
      restartCount: 0,
      image: spec.image ?? "",
      imageID: `kubeweb-process://${spec.image ?? ""}`,
    };
  }
}

/** The kubelet's worker for one pod (by UID). */
export class PodWorker {
  readonly uid: string;
  pod: Pod;
  #o: PodWorkerOptions;
  #init: ContainerSlot[];
  #main: ContainerSlot[];
  #startTime = now();
  #conditions?: PodCondition[];
  #terminating = false;
  #wakeSleepers = new Set<() => void>();
  #done: Promise<void>;
  #status = new LatestSender(() => this.#sendStatus());
  #gone = false;
  #finished = false;

  constructor(pod: Pod, options: PodWorkerOptions) {
    this.pod = pod;
    this.uid = pod.metadata.uid!;
    this.#o = options;
    this.#init = (pod.spec.initContainers ?? []).map((c) => new ContainerSlot(c));
    this.#main = pod.spec.containers.map((c) => new ContainerSlot(c));
    this.#done = this.#run().catch((e) => this.#o.log(`pod ${this.#key}: worker failed: ${e?.stack ?? e}`));
  }

  get #key(): string {
    return `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
  }

  /** The container's log of its current run (`previous`: of the run before), if it has one. */
  logOf(container: string, previous = false): ContainerLog | undefined {
    const slot = [...this.#main, ...this.#init].find((s) => s.spec.name === container);
    if (!slot) return undefined;
    const logs = slot.logs;
    return previous ? logs[logs.length - 2] : logs[logs.length - 1];
  }

  /** The running process of a container, if it runs (exec and attach). */
  processOf(container: string): ContainerProcess | undefined {
    return [...this.#main, ...this.#init].find((s) => s.spec.name === container)?.process;
  }

  /** The working folder of a container's runs. */
  containerDir(container: string): string {
    return `${this.#o.dataDir}/pods/${this.uid}/${container}`;
  }

  /** True when the pod has a container (or init container) of this name. */
  hasContainer(container: string): boolean {
    return [...this.#main, ...this.#init].some((s) => s.spec.name === container);
  }

  /** A new version of the pod from the watch; a deletion timestamp starts graceful termination. */
  update(pod: Pod): void {
    this.pod = pod;
    if (pod.metadata.deletionTimestamp && !this.#terminating) {
      const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
      void this.#terminate(grace, true);
    }
  }

  /** The pod is gone from the API (force-deleted): kill its containers at once. */
  async forget(): Promise<void> {
    this.#gone = true;
    await this.#terminate(0, false);
  }

  /** Stops every container (the kubelet is shutting down); the pod object is left as it is. */
  async shutdown(): Promise<void> {
    this.#gone = true;
    await this.#terminate(0, false);
  }

  async #run(): Promise<void> {
    this.#report();
    const policy = this.pod.spec.restartPolicy ?? "Always";
    for (const slot of this.#init) {
      while (!this.#terminating) {
        const exit = await this.#runOnce(slot, false);
        if (this.#terminating || !exit) break;
        if (exit.exitCode === 0) break;
        if (policy === "Never") {
          this.#report();
          return;
        }
        await this.#backOff(slot);
      }
      if (this.#terminating) return;
    }
    await Promise.all(this.#main.map(async (slot) => {
      while (!this.#terminating) {
        const exit = await this.#runOnce(slot, true);
        if (this.#terminating) return;
        if (exit && (policy === "Never" || (policy === "OnFailure" && exit.exitCode === 0))) return;
        await this.#backOff(slot);
      }
    }));
    this.#report();
  }

  /** One run of a container; undefined when it could not be configured (it then waits and retries). */
  async #runOnce(slot: ContainerSlot, isMain: boolean): Promise<ContainerExit | undefined> {
    const pod = this.pod;
    const dir = `${this.#o.dataDir}/pods/${this.uid}/${slot.spec.name}`;
    await Deno.mkdir(dir, { recursive: true });
    let env: Record<string, string>;
    try {
      env = await containerEnv(this.#o.api, pod, slot.spec, this.#o.baseEnv, this.#o.hostIP);
    } catch (e) {
      if (!(e instanceof ContainerConfigError)) throw e;
      slot.status.state = { waiting: { reason: "CreateContainerConfigError", message: e.message } };
      this.#report();
      await this.#sleep(1000);
      return undefined;
    }
    if (this.#terminating) return undefined;
    if (slot.logs.length > 0) slot.status.restartCount++;
    const run = slot.logs.length;
    const log = new ContainerLog(`${dir}/${run}.log`);
    slot.logs.push(log);
    // Only the current and the previous run's logs are kept (as `kubectl logs --previous` can ask for).
    for (const old of slot.logs.splice(0, Math.max(0, slot.logs.length - 2))) {
      await Deno.remove(old.path).catch(() => {});
    }
    const containerID = `kubeweb-process://${this.uid}-${slot.spec.name}-${run}`;
    let cwd = dir;
    if (slot.spec.workingDir) {
      try {
        if (Deno.statSync(slot.spec.workingDir).isDirectory) cwd = slot.spec.workingDir;
      } catch { /* missing: the container's own folder */ }
    }
    const startedAt = now();
    slot.process = new ContainerProcess({
      argv: containerArgv(slot.spec, env),
      env,
      cwd,
      log,
      groupsDir: this.#o.groupsDir,
      stdin: slot.spec.stdin,
    });
    this.#o.log(`pod ${this.#key}: container ${slot.spec.name} run ${run} started`);
    slot.status.containerID = containerID;
    slot.status.state = { running: { startedAt } };
    slot.status.started = true;
    slot.status.ready = isMain; // no probes: a running container is ready
    this.#report();
    const exit = await slot.process.exited;
    slot.process = undefined;
    this.#o.log(`pod ${this.#key}: container ${slot.spec.name} run ${run} exited with ${exit.exitCode}`);
    let message: string | undefined = exit.startError;
    if (!message && exit.exitCode !== 0 && slot.spec.terminationMessagePolicy === "FallbackToLogsOnError") {
      message = await log.lastText(80, 2048);
    }
    slot.status.state = {
      terminated: {
        exitCode: exit.exitCode,
        ...(exit.signal ? { signal: exit.signal } : {}),
        reason: exit.startError ? "StartError" : exit.exitCode === 0 ? "Completed" : "Error",
        ...(message ? { message } : {}),
        startedAt,
        finishedAt: now(),
        containerID,
      },
    };
    slot.status.started = false;
    slot.status.ready = false;
    this.#report();
    return exit;
  }

  async #backOff(slot: ContainerSlot): Promise<void> {
    const { initialMs, maxMs } = this.#o.backoff;
    slot.delayMs = slot.delayMs === 0 ? initialMs : Math.min(slot.delayMs * 2, maxMs);
    if (slot.status.state.terminated) {
      slot.status.lastState = { terminated: slot.status.state.terminated };
      slot.status.state = {
        waiting: {
          reason: "CrashLoopBackOff",
          message:
            `back-off ${Math.round(slot.delayMs / 1000)}s restarting failed container=${slot.spec.name} ` +
            `pod=${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})`,
        },
      };
      this.#report();
    }
    await this.#sleep(slot.delayMs);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#wakeSleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wakeSleepers.add(wake);
    });
  }

  async #terminate(graceSeconds: number, deleteAfter: boolean): Promise<void> {
    if (this.#terminating) {
      if (graceSeconds === 0) {
        for (const s of [...this.#init, ...this.#main]) s.process?.signal("SIGKILL");
      }
      await this.#done;
      return;
    }
    this.#terminating = true;
    for (const wake of [...this.#wakeSleepers]) wake();
    const slots = [...this.#init, ...this.#main];
    for (const s of slots) s.process?.signal(graceSeconds === 0 ? "SIGKILL" : "SIGTERM");
    const killer = setTimeout(() => {
      for (const s of slots) s.process?.signal("SIGKILL");
    }, graceSeconds * 1000);
    await this.#done;
    clearTimeout(killer);
    for (const s of slots) {
      if (!s.status.state.terminated) {
        const reason = s.status.state.running ? "Error" : "ContainerStatusUnknown";
        s.status.state = { terminated: { exitCode: 137, reason, finishedAt: now() } };
        s.status.ready = false;
      }
    }
    if (deleteAfter && !this.#gone) {
      this.#report();
      await this.#status.idle();
      await this.#deletePod();
    }
    this.#finished = true;
  }

  async #deletePod(): Promise<void> {
    const path = `/api/v1/namespaces/${this.pod.metadata.namespace}/pods/${this.pod.metadata.name}`;
    for (let attempt = 0; !this.#gone; attempt++) {
      try {
        await this.#o.api.request("DELETE", path, {
          apiVersion: "v1",
          kind: "DeleteOptions",
          gracePeriodSeconds: 0,
          preconditions: { uid: this.uid },
        });
        return;
      } catch (e) {
        if (e instanceof ApiError && (e.status === 404 || e.status === 409)) return; // gone or replaced
        this.#o.log(`pod ${this.#key}: delete failed (retrying): ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** attempt, 5000)));
      }
    }
  }

  /** True when every container has stopped and, after a deletion, the pod is deleted. */
  get finished(): boolean {
    return this.#finished;
  }

  #report(): void {
    if (this.#gone) return;
    this.#status.report();
  }

  /** One status PATCH of the pod as it is now. */
  async #sendStatus(): Promise<SendOutcome> {
    if (this.#gone) return "stop";
    const status = podStatus({
      spec: this.pod.spec,
      init: this.#init.map((s) => structuredClone(s.status)),
      containers: this.#main.map((s) => structuredClone(s.status)),
      startTime: this.#startTime,
      hostIP: this.#o.hostIP,
      previous: this.#conditions,
      now: now(),
    });
    try {
      await this.#o.api.mergePatch(
        `/api/v1/namespaces/${this.pod.metadata.namespace}/pods/${this.pod.metadata.name}/status`,
        { metadata: { uid: this.uid }, status },
      );
      this.#conditions = status.conditions;
      return "sent";
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        this.#gone = true;
        return "stop";
      }
      if (e instanceof ApiError && (e.status === 422 || e.status === 409)) {
        // Rejected as it is (invalid, or the pod was replaced): the next change sends again.
        this.#o.log(`pod ${this.#key}: status rejected: ${e.message}`);
        return "sent";
      }
      this.#o.log(`pod ${this.#key}: status update failed (retrying): ${(e as Error).message}`);
      return "retry";
    }
  }
}
