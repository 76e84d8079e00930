// Integration: streamLogLines through the real API server and the test kubelet, each option
// cross-checked with kubectl logs on the same container (follow, tail, timestamps, since, previous,
// container choice).
import assert from "node:assert/strict";
import { newCoreV1Client } from "../../clientset/core/v1/client.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import { isBadRequest, isNotFound } from "../../rest/errors.ts";
import { splitTimestamp, streamLogLines } from "../../tools/log_lines.ts";
import { controlPlane, dropNamespace, kubectl, newNamespace, waitFor } from "../control_plane/_helpers.ts";

const c = await controlPlane();
const config = await loadRestConfig({ kubeconfig: c.kubeconfigPath, context: "admin" });

async function lines(
  ns: string,
  pod: string,
  options: Parameters<typeof streamLogLines>[2] = {},
): Promise<string[]> {
  const out: string[] = [];
  for await (const line of await streamLogLines(newCoreV1Client(config).pods(ns), pod, options)) {
    out.push(line);
  }
  return out;
}

/** kubectl logs output as lines (without the final newline's empty line). */
async function kubectlLines(ns: string, args: string[]): Promise<string[]> {
  const out = await kubectl(c, ["-n", ns, "logs", ...args]);
  return out === "" ? [] : out.replace(/\n$/, "").split("\n");
}

Deno.test("log lines: tail, timestamps, since and container choice give what kubectl logs gives", async () => {
  const ns = await newNamespace(c, "tools-logs");
  try {
    await kubectl(
      c,
      ["-n", ns, "create", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "two" },
        spec: {
          containers: [
            {
              name: "main",
              image: "busybox",
              command: ["sh", "-c", "for i in 1 2 3 4 5; do echo main $i; done; exec sleep 1000"],
            },
            {
              name: "side",
              image: "busybox",
              command: ["sh", "-c", "echo side one; echo side two; exec sleep 1000"],
            },
          ],
        },
      }),
    );
    await waitFor(
      "five lines",
      async () => (await kubectlLines(ns, ["two", "-c", "main"])).length === 5 || undefined,
    );
    await waitFor(
      "two side lines",
      async () => (await kubectlLines(ns, ["two", "-c", "side"])).length === 2 || undefined,
    );

    const all = await lines(ns, "two", { container: "main" });
    assert.deepEqual(all, ["main 1", "main 2", "main 3", "main 4", "main 5"]);
    assert.deepEqual(all, await kubectlLines(ns, ["two", "-c", "main"]));
    assert.deepEqual(
      await lines(ns, "two", { container: "side" }),
      await kubectlLines(ns, ["two", "-c", "side"]),
    );
    assert.deepEqual(await lines(ns, "two", { container: "main", tailLines: 2 }), ["main 4", "main 5"]);
    assert.deepEqual(
      await lines(ns, "two", { container: "main", tailLines: 2 }),
      await kubectlLines(ns, ["two", "-c", "main", "--tail=2"]),
    );
    const stamped = await lines(ns, "two", { container: "main", timestamps: true });
    assert.deepEqual(stamped, await kubectlLines(ns, ["two", "-c", "main", "--timestamps"]));
    assert.deepEqual(stamped.map((l) => splitTimestamp(l).text), all);
    assert.ok(stamped.every((l) => splitTimestamp(l).time !== undefined));
    // sinceTime: from the third line's own timestamp on (the kubelet compares times; both see the same).
    const third = splitTimestamp(stamped[2]).time!;
    const since = await lines(ns, "two", { container: "main", sinceTime: third.replace(/\.\d+Z$/, "Z") });
    assert.deepEqual(
      since,
      await kubectlLines(ns, ["two", "-c", "main", `--since-time=${third.replace(/\.\d+Z$/, "Z")}`]),
    );
    assert.deepEqual(await lines(ns, "two", { container: "main", sinceSeconds: 3600 }), all);
    // A pod of two containers without a container named: the server's error, at the open.
    await assert.rejects(
      () => lines(ns, "two"),
      (e) => isBadRequest(e) && /container name must be specified/.test(String(e)),
    );
    await assert.rejects(() => lines(ns, "missing"), (e) => isNotFound(e));
  } finally {
    await dropNamespace(c, ns);
  }
});

Deno.test("log lines: previous gives the last run's log, as kubectl logs --previous", async () => {
  const ns = await newNamespace(c, "tools-logs");
  try {
    await kubectl(
      c,
      ["-n", ns, "create", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "flaky" },
        spec: {
          restartPolicy: "Always",
          containers: [{
            name: "main",
            image: "busybox",
            command: ["sh", "-c", 'echo "run $(date +%s%N)"; sleep 0.3; exit 1'],
          }],
        },
      }),
    );
    const previous = await waitFor("a previous run", async () => {
      const out = await c.kubectl(["-n", ns, "logs", "flaky", "--previous"]);
      return out.code === 0 && out.stdout.startsWith("run ") ? out.stdout.trim() : undefined;
    });
    const ours = await lines(ns, "flaky", { previous: true });
    // The container may have restarted again in between: then both must have moved on alike.
    const again = (await c.kubectl(["-n", ns, "logs", "flaky", "--previous"])).stdout.trim();
    assert.ok(
      ours.length === 1 && (ours[0] === previous || ours[0] === again),
      `${ours} vs ${previous}/${again}`,
    );
  } finally {
    await dropNamespace(c, ns);
  }
});

Deno.test("log lines: follow delivers lines as they are written, the same as kubectl logs -f", async () => {
  const ns = await newNamespace(c, "tools-logs");
  try {
    const script =
      "echo early 1; echo early 2; sleep 1.5; echo late 1; sleep 0.5; echo late 2; exec sleep 1000";
    await kubectl(
      c,
      ["-n", ns, "create", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "talker" },
        spec: { containers: [{ name: "main", image: "busybox", command: ["sh", "-c", script] }] },
      }),
    );
    await waitFor("the first line", async () => (await kubectlLines(ns, ["talker"])).length > 0 || undefined);
    const follow = new Deno.Command("kubectl", {
      args: [`--kubeconfig=${c.kubeconfigPath}`, "--context=admin", "-n", ns, "logs", "-f", "talker"],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const ac = new AbortController();
    const seen: string[] = [];
    let sawEarlyBeforeLate = false;
    const stream = await streamLogLines(newCoreV1Client(config).pods(ns), "talker", {
      follow: true,
      signal: ac.signal,
    });
    for await (const line of stream) {
      seen.push(line);
      if (line === "early 2") sawEarlyBeforeLate = !seen.includes("late 1");
      if (line === "late 2") break; // leaving the loop closes the stream
    }
    let witness = "";
    const reader = follow.stdout.pipeThrough(new TextDecoderStream()).getReader();
    try {
      while (!witness.includes("late 2\n")) {
        const { value, done } = await reader.read();
        if (done) break;
        witness += value;
      }
    } finally {
      follow.kill("SIGTERM");
      await reader.cancel().catch(() => {});
      await follow.status;
    }
    assert.deepEqual(seen, ["early 1", "early 2", "late 1", "late 2"]);
    assert.deepEqual(seen, witness.replace(/\n$/, "").split("\n"));
    assert.ok(sawEarlyBeforeLate);
    // Aborting a follow that waits for more ends the iteration with the signal's reason.
    const waiting = await streamLogLines(newCoreV1Client(config).pods(ns), "talker", {
      follow: true,
      tailLines: 1,
      signal: ac.signal,
    });
    const it = waiting[Symbol.asyncIterator]();
    assert.deepEqual(await it.next(), { done: false, value: "late 2" });
    const pending = it.next();
    ac.abort(new Error("enough"));
    await assert.rejects(pending, /enough/);
  } finally {
    await dropNamespace(c, ns);
  }
});
