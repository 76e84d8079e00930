/**
 * The streaming scenario shared by the Bun/Node program (streams.ts) and the workerd worker
 * (tests/runtimes/workerd/streams_worker.ts): exec in v5 mode (stdout, stderr, exit code, stdin closed),
 * exec in 1.20 mode (v4 fallback, stdin left open), a TTY with a resize, attach, and two port-forward
 * connections of 10 MB each way to the far-end server. Returns what it saw; the Deno test compares.
 *
 * @module
 */
import type { RESTClient } from "../../../rest/rest_client.ts";
import { attach, collectOutput, exec } from "../../../rest/remote_command.ts";
import { portForwardStream } from "../../../rest/port_forward.ts";

const dec = new TextDecoder(), enc = new TextEncoder();
/** Bytes per port-forward connection and direction. */
export const SIZE: number = 10 * 1024 * 1024;

/** SHA-256 as hex. */
export async function sha(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** SIZE random bytes whose first byte is `first` (the connection's name at the far end). */
export function payload(first: number): Uint8Array {
  const data = new Uint8Array(SIZE);
  for (let at = 0; at < SIZE; at += 65536) crypto.getRandomValues(data.subarray(at, at + 65536));
  data[0] = first;
  return data;
}

/** One forwarded connection's hashes. */
export interface ConnectionResult {
  sent: string;
  received: string;
  length: number;
}

/** Sends `data` through one forwarded connection and reads the answer to its end. */
export type Forward = (data: Uint8Array) => Promise<Uint8Array>;

function concat(parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

/** The stream-pair forwarder (every runtime). */
export function streamForward(core: RESTClient, ns: string, farPort: number): Forward {
  return async (data) => {
    const st = await portForwardStream(core, ns, "v4", farPort);
    const writing = (async () => {
      const w = st.writable.getWriter();
      await w.write(data);
      await w.close();
    })();
    const parts: Uint8Array[] = [];
    for await (const c of st.readable) parts.push(c);
    await writing;
    return concat(parts);
  };
}

/** Runs the scenario; `forward` moves one port-forward connection (default: stream pairs). */
export async function runStreams(
  core: RESTClient,
  ns: string,
  farPort: number,
  forward: Forward = streamForward(core, ns, farPort),
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
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

  out.portForward = {
    conns: await Promise.all([0, 1].map(async (i): Promise<ConnectionResult> => {
      const data = payload(i);
      const got = await forward(data);
      return { sent: await sha(data), received: await sha(got), length: got.length };
    })),
  };
  return out;
}
