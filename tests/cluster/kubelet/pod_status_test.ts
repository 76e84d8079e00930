import assert from "node:assert/strict";
import { podPhase, podStatus } from "./pod_status.ts";
import type { ContainerState, ContainerStatus, PodSpec } from "./types.ts";

function cs(name: string, state: ContainerState, lastState: ContainerState = {}): ContainerStatus {
  return {
    name,
    state,
    lastState,
    ready: !!state.running,
    started: !!state.running,
    restartCount: 0,
    image: "x",
    imageID: "x",
  };
}
const running: ContainerState = { running: { startedAt: "2026-01-01T00:00:00Z" } };
const waiting: ContainerState = { waiting: { reason: "ContainerCreating" } };
const exited = (exitCode: number): ContainerState => ({
  terminated: { exitCode, finishedAt: "2026-01-01T00:00:01Z" },
});
const spec = (restartPolicy: PodSpec["restartPolicy"]): PodSpec => ({ restartPolicy, containers: [] });

Deno.test("podPhase: waiting containers make a pod Pending, running ones Running", () => {
  assert.equal(podPhase(spec("Always"), [], [cs("a", waiting)]), "Pending");
  assert.equal(podPhase(spec("Always"), [], [cs("a", running), cs("b", waiting)]), "Pending");
  assert.equal(podPhase(spec("Always"), [], [cs("a", running), cs("b", exited(0))]), "Running");
});

Deno.test("podPhase: terminated containers by restart policy", () => {
  assert.equal(podPhase(spec("Never"), [], [cs("a", exited(0)), cs("b", exited(0))]), "Succeeded");
  assert.equal(podPhase(spec("Never"), [], [cs("a", exited(0)), cs("b", exited(3))]), "Failed");
  assert.equal(podPhase(spec("OnFailure"), [], [cs("a", exited(0))]), "Succeeded");
  assert.equal(podPhase(spec("OnFailure"), [], [cs("a", waiting, exited(1))]), "Running");
  assert.equal(podPhase(spec("Always"), [], [cs("a", exited(0))]), "Running");
  assert.equal(
    podPhase(spec("Always"), [], [cs("a", { waiting: { reason: "CrashLoopBackOff" } }, exited(1))]),
    "Running",
  );
});

Deno.test("podPhase: init containers keep a pod Pending; a failed one fails a Never pod", () => {
  assert.equal(podPhase(spec("Always"), [cs("i", running)], [cs("a", waiting)]), "Pending");
  assert.equal(podPhase(spec("Always"), [cs("i", exited(0))], [cs("a", running)]), "Running");
  assert.equal(podPhase(spec("Never"), [cs("i", exited(1))], [cs("a", waiting)]), "Failed");
  assert.equal(podPhase(spec("OnFailure"), [cs("i", exited(1))], [cs("a", waiting)]), "Pending");
});

Deno.test("podStatus: conditions, addresses and kept transition times", () => {
  const first = podStatus({
    spec: spec("Always"),
    init: [],
    containers: [cs("a", waiting)],
    startTime: "2026-01-01T00:00:00Z",
    hostIP: "127.0.0.1",
    now: "2026-01-01T00:00:00Z",
  });
  assert.equal(first.phase, "Pending");
  const ready = first.conditions!.find((c) => c.type === "Ready")!;
  assert.equal(ready.status, "False");
  assert.equal(ready.reason, "ContainersNotReady");
  assert.equal(ready.message, "containers with unready status: [a]");
  assert.equal(first.podIP, "127.0.0.1");
  assert.deepEqual(first.podIPs, [{ ip: "127.0.0.1" }]);
  assert.equal(first.initContainerStatuses, undefined);
  const second = podStatus({
    spec: spec("Always"),
    init: [],
    containers: [cs("a", running)],
    startTime: "2026-01-01T00:00:00Z",
    hostIP: "127.0.0.1",
    previous: first.conditions,
    now: "2026-01-01T00:00:05Z",
  });
  const by = (t: string) => second.conditions!.find((c) => c.type === t)!;
  assert.equal(second.phase, "Running");
  assert.equal(by("Ready").status, "True");
  assert.equal(by("Ready").lastTransitionTime, "2026-01-01T00:00:05Z");
  assert.equal(by("Initialized").lastTransitionTime, "2026-01-01T00:00:00Z");
  assert.equal(by("PodScheduled").status, "True");
});

Deno.test("podStatus: a completed pod is not Ready, with reason PodCompleted", () => {
  const s = podStatus({
    spec: spec("Never"),
    init: [],
    containers: [cs("a", exited(0))],
    startTime: "2026-01-01T00:00:00Z",
    hostIP: "127.0.0.1",
    now: "2026-01-01T00:00:00Z",
  });
  assert.equal(s.phase, "Succeeded");
  const ready = s.conditions!.find((c) => c.type === "Ready")!;
  assert.equal(ready.status, "False");
  assert.equal(ready.reason, "PodCompleted");
});
