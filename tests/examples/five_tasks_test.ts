// Integration test (needs the real cluster): runs examples/five_tasks.ts, the five common tasks as a
// user writes them, and checks what they did with kubectl.
import assert from "node:assert/strict";
import { dropNamespace, kubectlJson, newNamespace, setup } from "../clientset/_helpers.ts";
import { fiveTasks } from "../../examples/five_tasks.ts";

Deno.test({
  name: "five tasks: list, informer, apply, workqueue worker and leader election, as a user writes them",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const { c, config } = await setup();
    const ns = await newNamespace(config, "five-tasks");
    try {
      const report = await fiveTasks(config, ns, AbortSignal.timeout(60_000));
      assert.deepEqual(report.listed, [`${ns}/web-1 Pending`]);
      assert.equal(report.events[0], "add web-1");
      assert.ok(report.events.includes("update web-1"), report.events.join(", "));
      assert.equal(report.events.at(-1), "delete web-1");

      const cm = await kubectlJson(c, ["get", "configmap", "settings", "-n", ns, "--show-managed-fields"]);
      assert.equal(cm.metadata.uid, report.applied.uid);
      assert.equal(cm.metadata.resourceVersion, report.applied.resourceVersion);
      assert.deepEqual(cm.data, { mode: "fast", level: "2", checked: "yes" });
      assert.deepEqual(report.applied.data, cm.data);
      const managers = (cm.metadata.managedFields as { manager: string }[]).map((f) => f.manager);
      assert.ok(managers.includes("five-tasks"), managers.join(", "));

      assert.deepEqual(report.reconciled, [`${ns}/web-1 gone`]);
      const pods = await kubectlJson(c, ["get", "pods", "-n", ns]);
      assert.equal(pods.items.length, 0);

      assert.equal(report.leader, "five-tasks-1");
      const lease = await kubectlJson(c, ["get", "lease", "five-tasks", "-n", ns]);
      // releaseOnCancel: the elector released the lease when `await using` disposed it.
      assert.equal(lease.spec.holderIdentity ?? "", "");
    } finally {
      await dropNamespace(config, ns);
    }
  },
});
