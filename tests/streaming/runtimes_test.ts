// Integration (real API server 1.20, the test kubelet, the pinned Bun, Node 22 and 24, and workerd): exec
// (v5 and the v4 fallback), TTY with resize, attach and port-forward (two connections, 10 MB each way) from
// a kubeweb program under Bun (TypeScript) and Node (bundled) with the admin client certificate and custom
// CA, and under workerd with a bearer token. The results are compared with kubectl's, the far-end server's
// and what the program sent.
import assert from "node:assert/strict";
import { dropNamespace } from "../control_plane/_helpers.ts";
import {
  bundle,
  findBinary,
  JsonLineChild,
  PINNED_BIN,
  PINNED_NODES,
  skipUnless,
} from "../runtimes/_child.ts";
import { writeWorkerdConfig } from "../runtimes/_workerd_config.ts";
import { createIn, setup, streamPod, waitRunning } from "./_setup.ts";
import { farEnd, randomBytes, sha, SIZE } from "./_far_end.ts";

const s = await setup("streams-rt");
await createIn(
  s.c,
  s.ns,
  streamPod("att", 'read -r l; echo "got:$l"; echo "err:$l" >&2', { v5: true, stdin: true }),
);
await waitRunning(s.c, s.ns, "att");
globalThis.addEventListener("unload", () => void dropNamespace(s.c, s.ns));
const program = new URL("../runtimes/streams/streams.ts", import.meta.url);

/** Runs the scenario through `launch` (given the far end's port) and checks the port-forward bytes. */
// deno-lint-ignore no-explicit-any
async function withFarEnd(launch: (farPort: number) => Promise<any>): Promise<any> {
  const replies = [randomBytes(SIZE, 0), randomBytes(SIZE, 1)];
  const far = farEnd(replies);
  try {
    await waitRunning(s.c, s.ns, "att");
    const r = await launch(far.port);
    assert.equal(r.step, "done", String(r.message));
    const pf = r.portForward as { conns: { sent: string; received: string; length: number }[] };
    for (const i of [0, 1]) {
      assert.equal(pf.conns[i].length, SIZE);
      assert.equal(pf.conns[i].received, await sha(replies[i]), `connection ${i}: bytes from the far end`);
      assert.equal(far.received.get(i), pf.conns[i].sent, `connection ${i}: bytes at the far end`);
    }
    return r;
  } finally {
    far.close();
  }
}

// deno-lint-ignore no-explicit-any
async function run(command: string, args: string[]): Promise<any> {
  const r = await withFarEnd(async (farPort) => {
    await using child = new JsonLineChild(command, args, {
      KUBECONFIG: s.c.kubeconfigPath,
      KUBEWEB_NS: s.ns,
      KUBEWEB_FAR_PORT: String(farPort),
    });
    return await child.line((l) => l.step === "done" || l.step === "error", "done", 120_000);
  });
  assert.equal(r.portForward.connections, 2, "the local listener forwarded both connections");
  return r;
}

// deno-lint-ignore no-explicit-any
async function check(r: any, runtime: string): Promise<void> {
  assert.equal(r.runtime, runtime);
  const k = await s.c.kubectl([
    "-n",
    s.ns,
    "exec",
    "v5",
    "--",
    "sh",
    "-c",
    'echo "out:$1"; echo "err:$1" >&2; exit 3',
    "sh",
    "hi",
  ]);
  assert.deepEqual(r.v5, { stdout: k.stdout, stderr: "err:hi\n", exitCode: k.code });
  assert.deepEqual(r.v5cat, { protocol: "v5.channel.k8s.io", stdout: "abc\ndone\n" });
  assert.deepEqual(r.v4, { protocol: "v4.channel.k8s.io", stdout: "got:xyz\n", exitCode: 7 });
  assert.match(r.tty.text, /30 100\r\n/);
  assert.match(r.tty.text, /40 120\r\n/);
  assert.equal(r.tty.exitCode, 4);
  assert.deepEqual(r.attach, { stdout: "got:one\n", stderr: "err:one\n", success: true });
}

const bun = await findBinary(`${PINNED_BIN}bun`);
Deno.test({
  name: "bun: exec v5/v4, TTY resize, attach, port-forward 2 x 10 MB each way (client certificate)",
  ignore: skipUnless(bun, "bun", `${PINNED_BIN}bun`),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    // Bun resolves kubeweb's npm: specifiers through the runtime tests' preload plugin.
    const preload = new URL("../runtimes/bun/npm_specifiers.ts", import.meta.url).pathname;
    await check(await run(bun!.path, ["--preload", preload, program.pathname]), "bun");
  },
});

for (const { major, path } of PINNED_NODES) {
  const node = await findBinary(path);
  Deno.test({
    name:
      `node ${major}: exec v5/v4, TTY resize, attach, port-forward 2 x 10 MB each way (client certificate, bundled)`,
    ignore: skipUnless(node, `node ${major}`, path),
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      assert.match(node!.version, new RegExp(`^v${major}\\.`), `${path} is not Node ${major}`);
      const dir = await Deno.makeTempDir({ prefix: `kubeweb-streams-node${major}-` });
      try {
        await bundle(program, `${dir}/streams.mjs`);
        await check(await run(node!.path, [`${dir}/streams.mjs`]), "node");
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

const workerd = await findBinary(`${PINNED_BIN}workerd`);
Deno.test({
  name:
    "workerd: exec v5/v4, TTY resize, attach, port-forward streams 2 x 10 MB each way (bearer token, fetch upgrade)",
  ignore: skipUnless(workerd, "workerd", `${PINNED_BIN}workerd`),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "kubeweb-streams-workerd-" });
    try {
      await bundle(new URL("../runtimes/workerd/streams_worker.ts", import.meta.url), `${dir}/worker.js`);
      const kubeconfig = (user: string) =>
        [
          `clusters: [{name: test, cluster: {server: "${s.c.server}"}}]`,
          `users: [{name: me, user: {${user}}}]`,
          "contexts: [{name: test, context: {cluster: test, user: me}}]",
          "current-context: test",
          "",
        ].join("\n");
      const configPath = await writeWorkerdConfig({
        dir,
        caPem: s.c.caPem,
        tokenKubeconfig: kubeconfig(`token: "${s.c.adminToken}"`),
        adminKubeconfig: kubeconfig(""),
        clientCertPem: s.c.admin.certPem,
        clientKeyPem: s.c.admin.keyPem,
      });
      await using child = new JsonLineChild(workerd!.path, ["serve", configPath, "--control-fd=1"], {});
      const listen = await child.line(
        (l) => l.event === "listen" && l.socket === "http",
        "listen event",
        10_000,
      );
      const r = await withFarEnd(async (farPort) => {
        const res = await fetch(
          `http://127.0.0.1:${listen.port}/streams?namespace=${s.ns}&farPort=${farPort}`,
          {
            method: "POST",
            signal: AbortSignal.timeout(120_000),
          },
        );
        return await res.json();
      });
      assert.equal(r.transport, "web");
      await check(r, "web");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
