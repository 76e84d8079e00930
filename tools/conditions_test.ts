import assert from "node:assert/strict";
import {
  crdEstablished,
  deleted,
  deploymentRolloutComplete,
  hasCondition,
  jobComplete,
  jobFailed,
  jobFinished,
  podReady,
} from "./conditions.ts";
import { WaitFailedError } from "./wait_failed_error.ts";

const cond = (type: string, status: string, reason?: string, message?: string) => ({
  type,
  status,
  reason,
  message,
});

Deno.test("deleted: true only for an absent object", () => {
  assert.equal(deleted(undefined), true);
  assert.equal(deleted({ metadata: { name: "x" } }), false);
});

Deno.test("hasCondition: the named condition with the given status; named for timeout messages", () => {
  const ready = hasCondition("Ready");
  assert.equal(ready({ status: { conditions: [cond("Ready", "True")] } }), true);
  assert.equal(ready({ status: { conditions: [cond("Ready", "False")] } }), false);
  assert.equal(ready({}), false);
  assert.equal(ready(undefined), false);
  assert.equal(hasCondition("Ready", "False")({ status: { conditions: [cond("Ready", "False")] } }), true);
  assert.equal(ready.name, "hasCondition(Ready=True)");
  assert.equal(
    hasCondition("X")({ status: { conditions: "garbage" } }),
    false,
    "a malformed status is not met",
  );
});

Deno.test("podReady: Ready True; keeps waiting while pending or running unready; fails once terminated", () => {
  assert.equal(podReady(undefined), false);
  assert.equal(podReady({ status: { phase: "Pending" } }), false);
  assert.equal(podReady({ status: { phase: "Running", conditions: [cond("Ready", "False")] } }), false);
  assert.equal(podReady({ status: { phase: "Running", conditions: [cond("Ready", "True")] } }), true);
  assert.throws(
    () => podReady({ metadata: { name: "once" }, status: { phase: "Succeeded" } }),
    (e) => e instanceof WaitFailedError && /Pod "once" has terminated \(phase Succeeded\)/.test(e.message),
  );
  assert.throws(() => podReady({ status: { phase: "Failed" } }), WaitFailedError);
});

Deno.test("deploymentRolloutComplete: kubectl rollout status's rules, step by step", () => {
  const d = (generation: number, replicas: number | undefined, status: Record<string, unknown>) => ({
    metadata: { name: "web", generation },
    spec: replicas === undefined ? {} : { replicas },
    status,
  });
  const full = { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 };
  assert.equal(deploymentRolloutComplete(undefined), false);
  assert.equal(deploymentRolloutComplete(d(3, 3, full)), false, "the new generation is not observed yet");
  assert.equal(deploymentRolloutComplete(d(2, 3, { ...full, updatedReplicas: 2 })), false, "not all updated");
  assert.equal(deploymentRolloutComplete(d(2, 3, { ...full, replicas: 4 })), false, "an old replica is left");
  assert.equal(
    deploymentRolloutComplete(d(2, 3, { ...full, availableReplicas: 2 })),
    false,
    "not all available",
  );
  assert.equal(deploymentRolloutComplete(d(2, 3, full)), true);
  assert.equal(
    deploymentRolloutComplete(d(2, undefined, full)),
    true,
    "no spec.replicas: that check is skipped",
  );
  assert.equal(deploymentRolloutComplete(d(0, 0, {})), true, "scaled to zero and observed");
  assert.throws(
    () =>
      deploymentRolloutComplete(d(2, 3, {
        ...full,
        updatedReplicas: 1,
        conditions: [cond("Progressing", "False", "ProgressDeadlineExceeded")],
      })),
    (e) => e instanceof WaitFailedError && /Deployment "web" exceeded its progress deadline/.test(e.message),
  );
});

Deno.test("jobComplete, jobFailed, jobFinished", () => {
  const job = (...conditions: unknown[]) => ({ metadata: { name: "migrate" }, status: { conditions } });
  const complete = job(cond("Complete", "True"));
  const failed = job(
    cond("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
  );
  const running = job();
  assert.equal(jobComplete(complete), true);
  assert.equal(jobComplete(running), false);
  assert.equal(jobComplete(undefined), false);
  assert.throws(
    () => jobComplete(failed),
    (e) =>
      e instanceof WaitFailedError && (e.object as object) === failed &&
      e.message === 'Job "migrate" failed: BackoffLimitExceeded: Job has reached the specified backoff limit',
  );
  assert.equal(jobFailed(failed), true);
  assert.equal(jobFailed(running), false);
  assert.throws(() => jobFailed(complete), /Job "migrate" completed: it will never fail/);
  assert.deepEqual([complete, failed, running, undefined].map(jobFinished), [true, true, false, false]);
  assert.equal(jobComplete(job(cond("Complete", "False"))), false);
});

Deno.test("crdEstablished: Established True; NamesAccepted False fails with its message", () => {
  assert.equal(crdEstablished({ status: { conditions: [cond("Established", "True")] } }), true);
  assert.equal(crdEstablished({ status: { conditions: [cond("NamesAccepted", "True")] } }), false);
  assert.equal(crdEstablished(undefined), false);
  assert.throws(
    () =>
      crdEstablished({
        metadata: { name: "crontabs.stable.example.com" },
        status: {
          conditions: [cond("NamesAccepted", "False", "MultipleNamesNotAllowed", "ct is already in use")],
        },
      }),
    /names not accepted: MultipleNamesNotAllowed: ct is already in use/,
  );
});
