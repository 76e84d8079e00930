// Integration (real API server 1.20 and the test kubelet): exec over WebSocket with the Deno transport and
// the admin client certificate (so kubeweb's own RFC 6455 client over Deno.connectTls), in v5 mode (stdin
// closed) and in 1.20 mode (v4, stdin left open), cross-checked with kubectl 1.32 against the same kubelet.
import assert from "node:assert/strict";
import { dropNamespace } from "../control_plane/_helpers.ts";
import { collectOutput, exec } from "../../rest/remote_command.ts";
import { setup } from "./_setup.ts";

const s = await setup("streams-exec");
const dec = new TextDecoder();
globalThis.addEventListener("unload", () => void dropNamespace(s.c, s.ns));

const SCRIPT = 'echo "out:$1"; echo "err:$1" >&2; exit 3';

Deno.test("exec (v5): stdout, stderr and the exit code, the same as kubectl's", async () => {
  const session = await exec(s.core, s.ns, "v5", { command: ["sh", "-c", SCRIPT, "sh", "hello"] });
  assert.equal(session.protocol, "v5.channel.k8s.io");
  const out = await collectOutput(session);
  assert.equal(dec.decode(out.stdout), "out:hello\n");
  assert.equal(dec.decode(out.stderr), "err:hello\n");
  assert.equal(out.exitCode, 3);
  assert.equal(out.success, false);
  assert.equal(out.reason, "NonZeroExitCode");
  const k = await s.c.kubectl(["-n", s.ns, "exec", "v5", "--", "sh", "-c", SCRIPT, "sh", "hello"]);
  assert.equal(k.code, 3);
  assert.equal(k.stdout, dec.decode(out.stdout));
  assert.ok(k.stderr.startsWith(dec.decode(out.stderr)), k.stderr);
});

Deno.test("exec (v5): stdin is closed, so cat ends; the same bytes through kubectl", async () => {
  const input = "line one\nline two\n" + "x".repeat(100_000) + "\n";
  const session = await exec(s.core, s.ns, "v5", { command: ["sh", "-c", "cat; echo done"], stdin: input });
  const out = await collectOutput(session);
  assert.equal(out.exitCode, 0);
  assert.equal(out.success, true);
  assert.equal(dec.decode(out.stdout), input + "done\n");
  const k = await s.c.kubectl(["-n", s.ns, "exec", "-i", "v5", "--", "sh", "-c", "cat; echo done"], {
    stdin: input,
  });
  assert.equal(k.code, 0, k.stderr);
  assert.equal(k.stdout, dec.decode(out.stdout));
});

Deno.test("exec (1.20 kubelet): falls back to v4.channel.k8s.io; stdin without closing; exit code", async () => {
  const session = await exec(s.core, s.ns, "v4", {
    command: ["sh", "-c", 'read -r l; echo "got:$l"; echo "e:$l" >&2; exit 7'],
    stdin: true,
  });
  assert.equal(session.protocol, "v4.channel.k8s.io");
  assert.equal(session.canCloseStdin, false);
  const w = session.stdin!.getWriter();
  await w.write(new TextEncoder().encode("abc\n"));
  const out = await collectOutput(session);
  assert.equal(dec.decode(out.stdout), "got:abc\n");
  assert.equal(dec.decode(out.stderr), "e:abc\n");
  assert.equal(out.exitCode, 7);
  const k = await s.c.kubectl([
    "-n",
    s.ns,
    "exec",
    "-i",
    "v5",
    "--",
    "sh",
    "-c",
    'read -r l; echo "got:$l"; exit 7',
  ], {
    stdin: "abc\n",
  });
  assert.equal(k.code, 7);
  assert.equal(k.stdout, "got:abc\n");
});

Deno.test("exec (1.20 kubelet): base64 and pre-v4 protocols when offered alone", async () => {
  for (const protocol of ["v4.base64.channel.k8s.io", "channel.k8s.io", "base64.channel.k8s.io"]) {
    const out = await collectOutput(
      await exec(s.core, s.ns, "v4", {
        command: ["sh", "-c", "printf 'a\\0b'; exit 2"],
        protocols: [protocol],
      }),
    );
    assert.deepEqual([...out.stdout], [97, 0, 98], protocol);
    assert.equal(out.exitCode, 2, protocol);
  }
});

Deno.test("exec: a missing program and a missing pod fail clearly", async () => {
  const out = await collectOutput(await exec(s.core, s.ns, "v5", { command: ["no-such-program-kubeweb"] }));
  assert.equal(out.success, false);
  assert.equal(out.exitCode, 127);
  await assert.rejects(exec(s.core, s.ns, "missing", { command: ["true"] }), (e: Error) => {
    assert.equal(e.name, "ApiError");
    assert.match(e.message, /not found/);
    return true;
  });
});

Deno.test("clientset: pods(ns).exec and pods(ns).portForwardStream", async () => {
  const { newClientset } = await import("../../clientset/clientset.ts");
  const { loadRestConfig } = await import("../../rest/load_rest_config.ts");
  const cs = newClientset(await loadRestConfig({ kubeconfig: s.c.kubeconfigPath }));
  const out = await collectOutput(await cs.coreV1().pods(s.ns).exec("v5", { command: ["echo", "hi"] }));
  assert.equal(dec.decode(out.stdout), "hi\n");
  assert.equal(out.exitCode, 0);
});
