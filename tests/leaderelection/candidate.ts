// A leader election candidate in its own process, for leader_election_test.ts.
//
//   deno run -A tests/leaderelection/candidate.ts <id> <kubeconfig> [lease-name] [--release-on-cancel]
//
// Prints one JSON line per happening: {"event": "ready" | "started" | "stopped" | "newLeader" |
// "runEnded" | "exited", "id", "t" (ms since epoch), "leader"?}. A line "stop" on stdin (or SIGTERM)
// cancels the election; after a run ends because leadership was lost, a new run starts at once (as a
// restarted controller would).
import { newClientset } from "../../clientset/clientset.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import { LeaderElector, LeaseLock } from "../../leaderelection/mod.ts";

const [id, kubeconfig, leaseName = "kubeweb-le-test", ...flags] = Deno.args;
if (!id || !kubeconfig) {
  console.error("usage: candidate.ts <id> <kubeconfig> [lease-name] [--release-on-cancel]");
  Deno.exit(2);
}
const releaseOnCancel = flags.includes("--release-on-cancel");
const durations = {
  leaseDurationMs: Number(Deno.env.get("LE_LEASE_MS") ?? 4_000),
  renewDeadlineMs: Number(Deno.env.get("LE_RENEW_MS") ?? 3_000),
  retryPeriodMs: Number(Deno.env.get("LE_RETRY_MS") ?? 500),
};

function emit(event: string, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ event, id, t: Date.now(), ...extra }));
}

const config = await loadRestConfig({ kubeconfig });
const clientset = newClientset(config);
const cancel = new AbortController();

const elector = new LeaderElector({
  lock: new LeaseLock({
    client: clientset.coordinationV1(),
    namespace: "default",
    name: leaseName,
    identity: id,
  }),
  ...durations,
  releaseOnCancel,
  name: leaseName,
  logger: {
    info() {},
    error: (m, e) =>
      console.error(`[${id} ${Date.now() % 100000}] ${m}: ${e instanceof Error ? e.message.slice(-60) : e}`),
  },
  callbacks: {
    onStartedLeading: () => emit("started"),
    onStoppedLeading: () => emit("stopped"),
    onNewLeader: (leader) => emit("newLeader", { leader }),
  },
});

Deno.addSignalListener("SIGTERM", () => cancel.abort());
(async () => {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of Deno.stdin.readable) {
    buffer += decoder.decode(chunk, { stream: true });
    if (buffer.split("\n").some((line) => line.trim() === "stop")) cancel.abort();
  }
})();

emit("ready");
while (!cancel.signal.aborted) {
  await elector.run(cancel.signal);
  emit("runEnded");
}
emit("exited");
Deno.exit(0);
