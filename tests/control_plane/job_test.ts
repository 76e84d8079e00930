// Integration: the Job controller runs a Job's pod on the test kubelet and reads its result from the pod's
// status: exit 0 completes the Job, exit 3 fails it (backoffLimit 0) with the exit code in the pod's status.
import assert from "node:assert/strict";
import {
  controlPlane,
  dropNamespace,
  getJson,
  kubectl,
  newNamespace,
  shellJob,
  waitFor,
} from "./_helpers.ts";

const c = await controlPlane();

// deno-lint-ignore no-explicit-any
function condition(j: any, type: string): any {
  return j.status?.conditions?.find((x: { type: string; status: string }) =>
    x.type === type && x.status === "True"
  );
}

Deno.test("a Job whose container runs sh -c 'exit 0' completes", async () => {
  const ns = await newNamespace(c, "cp-job-ok");
  try {
    await kubectl(c, ["-n", ns, "create", "-f", "-"], JSON.stringify(shellJob("ok", "echo done; exit 0")));
    await kubectl(c, ["-n", ns, "wait", "--for=condition=Complete", "job/ok", "--timeout=90s"]);
    const j = await getJson(c, ["-n", ns, "job", "ok"]);
    assert.equal(j.status.succeeded, 1);
    assert.ok(condition(j, "Complete"));
    assert.equal(condition(j, "Failed"), undefined);
    const pods = await getJson(c, ["-n", ns, "pods", "-l", "job-name=ok"]);
    assert.equal(pods.items.length, 1);
    assert.equal(pods.items[0].status.phase, "Succeeded");
    const t = pods.items[0].status.containerStatuses[0].state.terminated;
    assert.equal(t.exitCode, 0);
    assert.equal(t.reason, "Completed");
    assert.equal(await kubectl(c, ["-n", ns, "logs", "job/ok"]), "done\n");
  } finally {
    await dropNamespace(c, ns);
  }
});

Deno.test("a Job whose container exits 3 fails, and its pod reports exit code 3", async () => {
  const ns = await newNamespace(c, "cp-job-fail");
  try {
    await kubectl(
      c,
      ["-n", ns, "create", "-f", "-"],
      JSON.stringify(shellJob("bad", "echo failing >&2; exit 3")),
    );
    await kubectl(c, ["-n", ns, "wait", "--for=condition=Failed", "job/bad", "--timeout=90s"]);
    const j = await getJson(c, ["-n", ns, "job", "bad"]);
    assert.equal(condition(j, "Failed").reason, "BackoffLimitExceeded");
    assert.equal(j.status.failed, 1);
    assert.equal(j.status.succeeded ?? 0, 0);
    const pods = await getJson(c, ["-n", ns, "pods", "-l", "job-name=bad"]);
    assert.equal(pods.items.length, 1);
    const pod = pods.items[0];
    assert.equal(pod.status.phase, "Failed");
    const t = pod.status.containerStatuses[0].state.terminated;
    assert.equal(t.exitCode, 3);
    assert.equal(t.reason, "Error");
    assert.equal(pod.status.containerStatuses[0].restartCount, 0);
    assert.equal(await kubectl(c, ["-n", ns, "logs", pod.metadata.name]), "failing\n");
  } finally {
    await dropNamespace(c, ns);
  }
});

Deno.test("a Job with completions 3 and parallelism 2 runs three pods to success", async () => {
  const ns = await newNamespace(c, "cp-job-many");
  try {
    const j = shellJob("many", "exit 0");
    Object.assign(j.spec, { completions: 3, parallelism: 2 });
    await kubectl(c, ["-n", ns, "create", "-f", "-"], JSON.stringify(j));
    await kubectl(c, ["-n", ns, "wait", "--for=condition=Complete", "job/many", "--timeout=90s"]);
    const pods = await waitFor("three succeeded pods", async () => {
      const list = await getJson(c, ["-n", ns, "pods", "-l", "job-name=many"]);
      const done = list.items.filter((p: { status: { phase: string } }) => p.status.phase === "Succeeded");
      return done.length === 3 ? done : undefined;
    });
    assert.equal(pods.length, 3);
    assert.equal((await getJson(c, ["-n", ns, "job", "many"])).status.succeeded, 3);
  } finally {
    await dropNamespace(c, ns);
  }
});
