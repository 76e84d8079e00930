/**
 * Exec, TTY, attach and port-forward from a kubeweb program under Bun (as TypeScript) and Node (bundled),
 * driven by tests/streaming/runtimes_test.ts: the admin context (client certificate and custom CA, so
 * kubeweb's RFC 6455 client over `node:tls`); port-forward through a local TCP listener (`node:net`
 * clients). The scenario is _scenario.ts; the test compares what it reports.
 *
 * Input: `KUBECONFIG`, `KUBEWEB_NS` (pods `v4`, `v5` and `att` running), `KUBEWEB_FAR_PORT` (the far-end
 * TCP server). Output: one JSON line `{"step":"done",...}` or `{"step":"error"}`.
 *
 * @module
 */
import { loadRestConfig } from "../../../rest/load_rest_config.ts";
import { restClientFor } from "../../../rest/rest_client.ts";
import { portForward } from "../../../rest/port_forward.ts";
import { detectRuntime } from "../../../rest/runtime/detect.ts";
import { runStreams } from "./_scenario.ts";
import type { NetLike } from "./_net.ts";

const proc = (globalThis as unknown as {
  process: {
    env: Record<string, string | undefined>;
    exitCode?: number;
    getBuiltinModule(id: string): unknown;
  };
}).process;

async function main(): Promise<void> {
  const ns = proc.env.KUBEWEB_NS!;
  const farPort = Number(proc.env.KUBEWEB_FAR_PORT);
  const config = await loadRestConfig();
  const core = restClientFor(config, { apiPath: "/api", groupVersion: "v1" });
  const net = proc.getBuiltinModule("node:net") as NetLike;
  const fwd = await portForward(core, ns, "v4", { remotePort: farPort });
  const out = await runStreams(core, ns, farPort, (data) =>
    new Promise<Uint8Array>((resolve, reject) => {
      const parts: Uint8Array[] = [];
      const socket = net.connect({ host: "127.0.0.1", port: fwd.port }, () => socket.write(data));
      socket.on("data", (c: Uint8Array) => parts.push(new Uint8Array(c)));
      socket.on("error", reject);
      socket.on("close", () => {
        const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const p of parts) {
          all.set(p, at);
          at += p.length;
        }
        resolve(all);
      });
    }));
  (out.portForward as Record<string, unknown>).connections = fwd.connections;
  await fwd.close();
  core.close();
  console.log(JSON.stringify({ step: "done", runtime: detectRuntime().name, ...out }));
}

main().catch((e) => {
  console.log(JSON.stringify({ step: "error", message: String(e?.stack ?? e) }));
  proc.exitCode = 1;
});
