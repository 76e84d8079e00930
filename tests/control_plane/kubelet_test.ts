// Integration: the test kubelet as the API server and kubectl see it: its Node and Lease, pod status through
// a pod's life, restarts per restartPolicy, graceful deletion (SIGTERM, then SIGKILL after the grace period)
// and container logs proxied by the API server (tail, timestamps, follow, previous, limitBytes).
import assert from "node:assert/strict";
import {
  controlPlane,
  dropNamespace,
  getJson,
  isGone,
  kubectl,
  newNamespace,
  shellPod,
  waitFor,
  waitPod as waitPodIn,
} from "./_helpers.ts";

const c = await controlPlane();

// These tests look at the test kubelet itself (its node's facts, its processes on this machine): against an
// existing cluster (KUBEWEB_TEST_KUBECONFIG) they are skipped.
const ours = c.canInjectFaults;

/** A test with a namespace of its own, deleted afterwards (the kubelet then ends its pods). */
function test(name: string, fn: (ns: string) => Promise<void>): void {
  Deno.test({ name, ignore: !ours }, async () => {
    const ns = await newNamespace(c, "cp-kubelet");
    try {
      await fn(ns);
    } finally {
      await dropNamespace(c, ns);
    }
  });
}

// deno-lint-ignore no-explicit-any
type Json = any;

async function pod(ns: string, name: string): Promise<Json> {
  return await getJson(c, ["-n", ns, "pod", name]);
}

function waitPod(ns: string, name: string, what: string, ok: (p: Json) => boolean): Promise<Json> {
  return waitPodIn(c, ns, name, what, ok);
}

function processExists(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name: "the kubelet's Node is Ready with allocatable resources, its address and kubelet port",
  ignore: !ours,
}, async () => {
  const nodes = await getJson(c, ["nodes"]);
  assert.ok(nodes.items.length >= 1);
  for (const n of nodes.items) {
    const ready = n.status.conditions.find((x: Json) => x.type === "Ready");
    assert.equal(ready.status, "True");
    assert.equal(n.status.allocatable.pods, "110");
    assert.ok(n.status.allocatable.cpu && n.status.allocatable.memory);
    assert.deepEqual(n.status.addresses, [{ type: "InternalIP", address: "127.0.0.1" }]);
    assert.ok(n.status.daemonEndpoints.kubeletEndpoint.Port > 0);
    assert.equal(n.spec.taints, undefined, "no not-ready taints");
    const lease = await getJson(c, ["-n", "kube-node-lease", "lease", n.metadata.name]);
    assert.equal(lease.spec.holderIdentity, n.metadata.name);
    assert.ok(
      Date.now() - Date.parse(lease.spec.renewTime) < 60_000,
      `lease renewed at ${lease.spec.renewTime}`,
    );
    // The kubelet's HTTPS endpoint answers through the API server's node proxy.
    const health = await kubectl(c, ["get", "--raw", `/api/v1/nodes/${n.metadata.name}/proxy/healthz`]);
    assert.equal(health, "ok");
  }
});

test("a pod runs its command with its environment and reports Running and Ready", async (ns) => {
  await kubectl(c, ["-n", ns, "create", "configmap", "settings", "--from-literal=greeting=hello"]);
  const p = shellPod("env", 'echo "$POD_NAME $GREETING $(pwd)"; exec sleep 1000');
  const container = (p.spec as Json).containers[0];
  container.env = [
    { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    { name: "GREETING", valueFrom: { configMapKeyRef: { name: "settings", key: "greeting" } } },
  ];
  await kubectl(c, ["-n", ns, "create", "-f", "-"], JSON.stringify(p));
  const running = await waitPod(ns, "env", "Running", (x) => x.status.phase === "Running");
  assert.equal(running.status.hostIP, "127.0.0.1");
  assert.equal(running.status.podIP, "127.0.0.1");
  assert.ok(running.status.startTime);
  const s = running.status.containerStatuses[0];
  assert.equal(s.name, "main");
  assert.equal(s.ready, true);
  assert.equal(s.started, true);
  assert.equal(s.restartCount, 0);
  assert.ok(s.state.running.startedAt);
  assert.equal(s.image, "busybox");
  for (const t of ["Initialized", "Ready", "ContainersReady", "PodScheduled"]) {
    assert.equal(running.status.conditions.find((x: Json) => x.type === t)?.status, "True", t);
  }
  const log = await waitFor("the log line", async () => {
    const out = await kubectl(c, ["-n", ns, "logs", "env"]);
    return out ? out : undefined;
  });
  assert.match(log, new RegExp(`^env hello /.*/${running.metadata.uid}/main\\n$`));
});

test("restartPolicy Always restarts an exiting container and keeps the previous run's state and log", async (ns) => {
  await kubectl(c, ["-n", ns, "create", "-f", "-"], JSON.stringify(shellPod("flaky", "echo run; exit 2")));
  const p = await waitPod(
    ns,
    "flaky",
    "two restarts",
    (x) => x.status.containerStatuses?.[0]?.restartCount >= 2,
  );
  const s = p.status.containerStatuses[0];
  assert.equal(p.status.phase, "Running");
  assert.equal(s.lastState.terminated.exitCode, 2);
  assert.equal(s.lastState.terminated.reason, "Error");
  assert.equal(await kubectl(c, ["-n", ns, "logs", "flaky", "--previous"]), "run\n");
});

test("restartPolicy OnFailure restarts a failing container until it succeeds, then the pod Succeeds", async (ns) => {
  // Fails on its first run only: a marker file in the container's working folder survives restarts.
  const script = "if [ -e ran ]; then echo second; exit 0; fi; touch ran; echo first; exit 1";
  await kubectl(
    c,
    ["-n", ns, "create", "-f", "-"],
    JSON.stringify(shellPod("onfailure", script, { restartPolicy: "OnFailure" })),
  );
  const p = await waitPod(ns, "onfailure", "Succeeded", (x) => x.status.phase === "Succeeded");
  const s = p.status.containerStatuses[0];
  assert.equal(s.restartCount, 1);
  assert.equal(s.state.terminated.exitCode, 0);
  assert.equal(s.lastState.terminated.exitCode, 1);
  assert.equal(await kubectl(c, ["-n", ns, "logs", "onfailure"]), "second\n");
  assert.equal(await kubectl(c, ["-n", ns, "logs", "onfailure", "--previous"]), "first\n");
});

test("restartPolicy Never leaves a failed container terminated and the pod Failed", async (ns) => {
  await kubectl(
    c,
    ["-n", ns, "create", "-f", "-"],
    JSON.stringify(shellPod("never", "exit 7", { restartPolicy: "Never" })),
  );
  const p = await waitPod(ns, "never", "Failed", (x) => x.status.phase === "Failed");
  const s = p.status.containerStatuses[0];
  assert.equal(s.state.terminated.exitCode, 7);
  assert.equal(s.restartCount, 0);
  assert.equal(p.status.conditions.find((x: Json) => x.type === "Ready").reason, "PodCompleted");
});

test("init containers run to completion, in order, before the containers", async (ns) => {
  // Each container has its own working folder under the pod's: they share a file in the pod's folder.
  const p = shellPod("init", "cat ../order; exec sleep 1000");
  (p.spec as Json).initContainers = [
    { name: "one", image: "busybox", command: ["sh", "-c", "echo one >> ../order"] },
    { name: "two", image: "busybox", command: ["sh", "-c", "echo two >> ../order"] },
  ];
  await kubectl(c, ["-n", ns, "create", "-f", "-"], JSON.stringify(p));
  const running = await waitPod(ns, "init", "Running", (x) => x.status.phase === "Running");
  assert.deepEqual(
    running.status.initContainerStatuses.map((s: Json) => [s.name, s.state.terminated.exitCode]),
    [["one", 0], ["two", 0]],
  );
  const log = await waitFor(
    "the log",
    async () => (await kubectl(c, ["-n", ns, "logs", "init"])) || undefined,
  );
  assert.equal(log, "one\ntwo\n");
});

test("deletion sends SIGTERM, SIGKILL after the grace period, then removes the pod", async (ns) => {
  // `$$$$` reaches the shell as `$$`: Kubernetes expands `$$` in a command to `$`, and so does the kubelet.
  const script = "trap 'echo got TERM' TERM; echo pid $$$$; while true; do sleep 0.2; done";
  await kubectl(
    c,
    ["-n", ns, "create", "-f", "-"],
    JSON.stringify(shellPod("graceful", script, { terminationGracePeriodSeconds: 2 })),
  );
  await waitPod(ns, "graceful", "Ready", (x) => x.status.containerStatuses?.[0]?.ready === true);
  const first = await waitFor(
    "the pid line",
    async () => (await kubectl(c, ["-n", ns, "logs", "graceful"])) || undefined,
  );
  const pid = Number(first.match(/^pid (\d+)/)![1]);
  assert.ok(processExists(pid), `container process ${pid} runs on this machine`);
  await kubectl(c, ["-n", ns, "delete", "pod", "graceful", "--wait=false"]);
  const terminating = await pod(ns, "graceful");
  assert.ok(terminating.metadata.deletionTimestamp);
  assert.equal(terminating.metadata.deletionGracePeriodSeconds, 2);
  // The shell traps SIGTERM and keeps running: the pod stays until the kubelet kills it.
  const log = await waitFor("the TERM to be logged", async () => {
    const out = await c.kubectl(["-n", ns, "logs", "graceful"]);
    return out.stdout.includes("got TERM") ? out.stdout : undefined;
  });
  assert.match(log, /got TERM/);
  await waitFor(
    "the pod to be deleted",
    async () => await isGone(c, ["-n", ns, "pod", "graceful"]) || undefined,
  );
  assert.equal(processExists(pid), false, `container process ${pid} is gone`);
});

test("container logs through the API server: tailLines, timestamps, limitBytes and follow", async (ns) => {
  const script =
    "i=0; while [ $i -lt 5 ]; do i=$((i+1)); echo line $i; done; sleep 1.5; echo late; exec sleep 1000";
  await kubectl(c, ["-n", ns, "create", "-f", "-"], JSON.stringify(shellPod("logs", script)));
  await waitFor("five lines", async () => {
    const out = await kubectl(c, ["-n", ns, "logs", "logs"]);
    return out.startsWith("line 1\nline 2\nline 3\nline 4\nline 5\n") ? out : undefined;
  });
  assert.equal(
    await kubectl(c, ["-n", ns, "logs", "logs", "--tail=2"]).then((s) => s.split("\n")[0]),
    "line 4",
  );
  const stamped = await kubectl(c, ["-n", ns, "logs", "logs", "--tail=1", "--timestamps"]);
  assert.match(
    stamped,
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line 5\n$|^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z late\n$/,
  );
  assert.equal(await kubectl(c, ["-n", ns, "logs", "logs", "--limit-bytes=9"]), "line 1\nli");
  // Follow: the stream stays open and delivers the line written later.
  const follow = new Deno.Command("kubectl", {
    args: [`--kubeconfig=${c.kubeconfigPath}`, "--context=admin", "-n", ns, "logs", "-f", "logs"],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = follow.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  try {
    while (!seen.includes("late\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
  } finally {
    follow.kill("SIGTERM");
    await reader.cancel().catch(() => {});
    await follow.status;
  }
  assert.match(seen, /^line 1\n(.|\n)*late\n$/);
  const missing = await c.kubectl(["-n", ns, "logs", "logs", "--previous"]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /previous terminated container "main" in pod "logs" not found/);
});
