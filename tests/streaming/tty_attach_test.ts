// Integration (real API server 1.20 and the test kubelet): exec with a TTY (a real pseudo-terminal made by
// util-linux `script`; resize reaches it through the resize channel, and `stty size` inside sees it) and
// attach to a container's main process, cross-checked with kubectl attach against the same kubelet.
import assert from "node:assert/strict";
import { dropNamespace, waitFor } from "../control_plane/_helpers.ts";
import { attach, collectOutput, exec } from "../../rest/remote_command.ts";
import { createIn, setup, streamPod, waitRunning } from "./_setup.ts";

const s = await setup("streams-tty");
const enc = new TextEncoder(), dec = new TextDecoder();
globalThis.addEventListener("unload", () => void dropNamespace(s.c, s.ns));

/** Reads `stream` until `want` matches the text so far (or the stream ends); returns the text. */
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  state: { text: string },
  want: RegExp,
) {
  while (!want.test(state.text)) {
    const { value, done } = await reader.read();
    if (done) break;
    state.text += dec.decode(value);
  }
  return state.text;
}

for (const pod of ["v5", "v4"]) {
  Deno.test(`exec with a TTY (${pod}): the initial size, a resize the program sees, the exit code`, async () => {
    const session = await exec(s.core, s.ns, pod, {
      command: ["sh", "-c", 'stty size; while read -r l; do [ "$l" = end ] && exit 4; stty size; done'],
      tty: true,
      stdin: true,
      terminalSize: { width: 100, height: 30 },
    });
    const reader = session.stdout.getReader();
    const state = { text: "" };
    assert.match(await readUntil(reader, state, /30 100/), /30 100\r\n/);
    await session.resize({ width: 120, height: 40 });
    const w = session.stdin!.getWriter();
    // The kubelet applies the size with stty on the terminal: ask until the program reports it.
    for (let i = 0; i < 50 && !/40 120/.test(state.text); i++) {
      await w.write(enc.encode("size\n"));
      await Promise.race([readUntil(reader, state, /40 120/), new Promise((r) => setTimeout(r, 200))]);
    }
    assert.match(state.text, /40 120\r\n/);
    await w.write(enc.encode("end\n"));
    while (!(await reader.read()).done) { /* drain */ }
    const result = await session.result;
    assert.equal(result.exitCode, 4);
    assert.equal(result.reason, "NonZeroExitCode");
  });
}

Deno.test("attach: the main process's input and live output; kubectl attach sees the same", async () => {
  const script = 'read -r l; echo "got:$l"; echo "err:$l" >&2';
  await createIn(s.c, s.ns, streamPod("att", script, { v5: true, stdin: true }));
  await waitRunning(s.c, s.ns, "att");
  const session = await attach(s.core, s.ns, "att", { stdin: "one\n" });
  assert.equal(session.protocol, "v5.channel.k8s.io");
  const out = await collectOutput(session);
  assert.equal(dec.decode(out.stdout), "got:one\n");
  assert.equal(dec.decode(out.stderr), "err:one\n");
  assert.equal(out.success, true);
  // The container restarts (restartPolicy Always): attach kubectl to the next run.
  const k = await waitFor("kubectl attach", async () => {
    const r = await s.c.kubectl(["-n", s.ns, "attach", "-i", "att"], { stdin: "one\n" });
    return r.code === 0 && r.stdout !== "" ? r : undefined;
  });
  assert.equal(k.stdout, "got:one\n");
  assert.match(k.stderr, /err:one\n/);
  // And the 1.20 protocol for attach, too.
  const v4 = await waitFor("attach v4", async () => {
    const p = await collectOutput(
      await attach(s.core, s.ns, "att", { stdin: "two\n", protocols: ["v4.channel.k8s.io"] }),
    );
    return p.stdout.length > 0 ? p : undefined;
  });
  assert.equal(dec.decode(v4.stdout), "got:two\n");
});

Deno.test("witness: kubectl exec -it in a real terminal of 30x100 prints the same as kubeweb's TTY", async () => {
  const command = ["sh", "-c", "stty size; echo tty:$(tty | cut -c1-8)"];
  const ours = await collectOutput(
    await exec(s.core, s.ns, "v5", { command, tty: true, terminalSize: { width: 100, height: 30 } }),
  );
  const kubectl =
    `stty rows 30 cols 100; kubectl --kubeconfig=${s.c.kubeconfigPath} -n ${s.ns} exec -it v5 -- ` +
    command.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  // kubectl's terminal input stays open and silent (an ended input would be typed into the terminal).
  const child = new Deno.Command("script", {
    args: ["--quiet", "--return", "--command", kubectl, "/dev/null"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = await child.output();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  assert.equal(dec.decode(ours.stdout), "30 100\r\ntty:/dev/pts\r\n");
  assert.equal(dec.decode(out.stdout), dec.decode(ours.stdout));
});
