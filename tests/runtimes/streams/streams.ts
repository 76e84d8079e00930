/**
 * Exec, TTY, attach and port-forward from a kubeweb program under Bun (as TypeScript) and Node (bundled),
 * driven by tests/streaming/runtimes_test.ts: the admin context (client certificate and custom CA, so
 * kubeweb's RFC 6455 client over `node:tls`). It reports what it saw; the test compares.
 *
 * Input: `KUBECONFIG`, `KUBEWEB_NS` (pods `v4`, `v5` and `att` running), `KUBEWEB_FAR_PORT` (the far-end
 * TCP server, which expects 10 MB per connection whose first byte names it and answers with 10 MB).
 * Output: one JSON line `{"step":"done",...}` or `{"step":"error"}`.
 *
 * @module
 */
import { loadRestConfig } from "../../../rest/load_rest_config.ts";
import { restClientFor } from "../../../rest/rest_client.ts";
import { attach, collectOutput, exec } from "../../../rest/remote_command.ts";
import { portForward } from "../../../rest/port_forward.ts";
import { detectRuntime } from "../../../rest/runtime/detect.ts";
import type { NetLike } from "./_net.ts";

const proc =
  (globalThis as unknown as { process: { env: Record<string, string | undefined>; exitCode?: number } })
    .process;
const dec = new TextDecoder(), enc = new TextEncoder();
const SIZE = 10 * 1024 * 1024;

async function sha(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function main(): Promise<void> {
  const ns = proc.env.KUBEWEB_NS!;
  const farPort = Number(proc.env.KUBEWEB_FAR_PORT);
  const config = await loadRestConfig();
  const core = restClientFor(config, { apiPath: "/api", groupVersion: "v1" });
  const out: Record<string, unknown> = { runtime: detectRuntime().name };

  const script = 'echo "out:$1"; echo "err:$1" >&2; exit 3';
  const a = await collectOutput(await exec(core, ns, "v5", { command: ["sh", "-c", script, "sh", "hi"] }));
  out.v5 = { stdout: dec.decode(a.stdout), stderr: dec.decode(a.stderr), exitCode: a.exitCode };
  const cat = await exec(core, ns, "v5", { command: ["sh", "-c", "cat; echo done"], stdin: "abc\n" });
  out.v5cat = { protocol: cat.protocol, stdout: dec.decode((await collectOutput(cat)).stdout) };
  const v4 = await exec(core, ns, "v4", {
    command: ["sh", "-c", 'read -r l; echo "got:$l"; exit 7'],
    stdin: true,
  });
  const w4 = v4.stdin!.getWriter();
  await w4.write(enc.encode("xyz\n"));
  const b = await collectOutput(v4);
  out.v4 = { protocol: v4.protocol, stdout: dec.decode(b.stdout), exitCode: b.exitCode };

  const tty = await exec(core, ns, "v5", {
    command: ["sh", "-c", 'stty size; while read -r l; do [ "$l" = end ] && exit 4; stty size; done'],
    tty: true,
    stdin: true,
    terminalSize: { width: 100, height: 30 },
  });
  const reader = tty.stdout.getReader();
  let text = "";
  const until = async (re: RegExp) => {
    while (!re.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += dec.decode(value);
    }
  };
  await until(/30 100/);
  await tty.resize({ width: 120, height: 40 });
  const wt = tty.stdin!.getWriter();
  for (let i = 0; i < 50 && !/40 120/.test(text); i++) {
    await wt.write(enc.encode("size\n"));
    await Promise.race([until(/40 120/), new Promise((r) => setTimeout(r, 200))]);
  }
  await wt.write(enc.encode("end\n"));
  while (!(await reader.read()).done) { /* drain */ }
  out.tty = { text, exitCode: (await tty.result).exitCode };

  const att = await collectOutput(await attach(core, ns, "att", { stdin: "one\n" }));
  out.attach = { stdout: dec.decode(att.stdout), stderr: dec.decode(att.stderr), success: att.success };

  const net = (globalThis as unknown as { process: { getBuiltinModule(id: string): NetLike } }).process
    .getBuiltinModule("node:net");
  const fwd = await portForward(core, ns, "v4", { remotePort: farPort });
  const conns = await Promise.all(
    [0, 1].map((i) =>
      new Promise<{ sent: string; received: string; length: number }>((resolve, reject) => {
        const data = new Uint8Array(SIZE);
        for (let at = 0; at < SIZE; at += 65536) crypto.getRandomValues(data.subarray(at, at + 65536));
        data[0] = i;
        const parts: Uint8Array[] = [];
        const socket = net.connect({ host: "127.0.0.1", port: fwd.port }, () => socket.write(data));
        socket.on("data", (c: Uint8Array) => parts.push(new Uint8Array(c)));
        socket.on("error", reject);
        socket.on("close", async () => {
          const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
          let at = 0;
          for (const p of parts) {
            all.set(p, at);
            at += p.length;
          }
          resolve({ sent: await sha(data), received: await sha(all), length: all.length });
        });
      })
    ),
  );
  out.portForward = { conns, connections: fwd.connections };
  await fwd.close();
  core.close();
  console.log(JSON.stringify({ step: "done", ...out }));
}

main().catch((e) => {
  console.log(JSON.stringify({ step: "error", message: String(e?.stack ?? e) }));
  proc.exitCode = 1;
});
