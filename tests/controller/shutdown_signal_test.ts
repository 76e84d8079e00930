// Runtime test (no cluster; needs the pinned bun and node on PATH): onShutdownSignal() turns SIGTERM
// and SIGINT into an aborted signal on Deno, Bun and Node (bundled by `deno bundle`).
import assert from "node:assert/strict";
import { bundle, findBinary, PINNED_BIN } from "../runtimes/_child.ts";

const child = new URL("./_signal_child.ts", import.meta.url);

async function runAndSignal(command: string, args: string[], signal: Deno.Signal): Promise<string> {
  const proc = new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).spawn();
  const reader = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("ready\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  proc.kill(signal);
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  const status = await proc.status;
  await proc.stderr.cancel();
  assert.equal(status.code, 0, `${command} exited with ${status.code} (signal ${status.signal}): ${out}`);
  return out;
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.test(`onShutdownSignal on Deno: ${signal} aborts the signal`, async () => {
    const out = await runAndSignal(Deno.execPath(), ["run", "-A", child.pathname], signal);
    assert.match(out, new RegExp(`stopping: ControllerError: Received ${signal}`));
  });

  Deno.test(`onShutdownSignal on Bun: ${signal} aborts the signal`, async () => {
    const bun = await findBinary(`${PINNED_BIN}bun`);
    assert.ok(bun, "the pinned bun is missing");
    const out = await runAndSignal(bun.path, [child.pathname], signal);
    assert.match(out, new RegExp(`stopping: ControllerError: Received ${signal}`));
  });

  Deno.test(`onShutdownSignal on Node: ${signal} aborts the signal`, async () => {
    const node = await findBinary("node");
    assert.ok(node, "node is missing");
    const dir = await Deno.makeTempDir({ prefix: "kubeweb-signal-" });
    try {
      const out = `${dir}/signal.mjs`;
      await bundle(child, out);
      const text = await runAndSignal(node.path, [out], signal);
      assert.match(text, new RegExp(`stopping: ControllerError: Received ${signal}`));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
