/**
 * A pod's status computed from its containers' statuses, by the kubelet's rules (pkg/kubelet/kubelet_pods.go
 * getPhase and the status manager's conditions). Pure functions: the pod worker owns the container states.
 *
 * @module
 */
import type { ContainerStatus, PodCondition, PodSpec, PodStatus } from "./types.ts";

/** The pod phase from its containers' states (kubelet getPhase, v1.20). */
export function podPhase(
  spec: PodSpec,
  init: ContainerStatus[],
  containers: ContainerStatus[],
): NonNullable<PodStatus["phase"]> {
  const policy = spec.restartPolicy ?? "Always";
  let pendingInit = 0;
  let failedInit = 0;
  for (const s of init) {
    const t = s.state.terminated;
    if (t && t.exitCode === 0) continue;
    if (t) failedInit++;
    else if (s.state.waiting && s.lastState.terminated && s.lastState.terminated.exitCode !== 0) failedInit++;
    pendingInit++;
  }
  if (failedInit > 0 && policy === "Never") return "Failed";
  let waiting = 0, running = 0, stopped = 0, succeeded = 0;
  for (const s of containers) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState.terminated) stopped++;
    else waiting++;
  }
  if (pendingInit > 0 || waiting > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped > 0) {
    if (policy === "Always") return "Running";
    if (stopped === succeeded) return "Succeeded";
    if (policy === "Never") return "Failed";
    return "Running";
  }
  return "Pending";
}

/** The facts about a pod the status needs besides its containers. */
export interface PodStatusInput {
  spec: PodSpec;
  init: ContainerStatus[];
  containers: ContainerStatus[];
  startTime: string;
  hostIP: string;
  /** The pod's conditions as last reported, to keep their transition times. */
  previous?: PodCondition[];
  now: string;
}

function condition(
  type: string,
  ok: boolean,
  previous: PodCondition[] | undefined,
  now: string,
  reason?: string,
  message?: string,
): PodCondition {
  const status = ok ? "True" : "False";
  const old = previous?.find((c) => c.type === type);
  const c: PodCondition = {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: old && old.status === status ? old.lastTransitionTime : now,
  };
  if (!ok && reason) {
    c.reason = reason;
    if (message) c.message = message;
  }
  return c;
}

/** The whole pod status a kubelet reports. */
export function podStatus(input: PodStatusInput): PodStatus {
  const { spec, init, containers, previous, now } = input;
  const phase = podPhase(spec, init, containers);
  const initialized = init.every((s) => s.state.terminated?.exitCode === 0);
  const notReady = containers.filter((s) => !s.ready).map((s) => s.name);
  const terminal = phase === "Succeeded" || phase === "Failed";
  const unreadyMessage = `containers with unready status: [${notReady.join(" ")}]`;
  const pendingInit = init.filter((s) => s.state.terminated?.exitCode !== 0).map((s) => s.name);
  const ready = notReady.length === 0 && !terminal;
  return {
    phase,
    conditions: [
      condition(
        "Initialized",
        initialized,
        previous,
        now,
        "ContainersNotInitialized",
        `containers with incomplete status: [${pendingInit.join(" ")}]`,
      ),
      condition(
        "Ready",
        ready,
        previous,
        now,
        terminal ? "PodCompleted" : "ContainersNotReady",
        unreadyMessage,
      ),
      condition(
        "ContainersReady",
        ready,
        previous,
        now,
        terminal ? "PodCompleted" : "ContainersNotReady",
        unreadyMessage,
      ),
      condition("PodScheduled", true, previous, now),
    ],
    hostIP: input.hostIP,
    podIP: input.hostIP,
    podIPs: [{ ip: input.hostIP }],
    startTime: input.startTime,
    initContainerStatuses: init.length > 0 ? init : undefined,
    containerStatuses: containers,
  };
}
