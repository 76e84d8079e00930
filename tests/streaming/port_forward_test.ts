// Integration (real API server 1.20 and the test kubelet): port-forward over WebSocket to a real TCP
// server at the far end (on the host: the test kubelet's pods share its network). Two concurrent
// connections move 10 MB each way; the far-end server and the client compare every byte (SHA-256).
import assert from "node:assert/strict";
import { dropNamespace } from "../control_plane/_helpers.ts";
import { portForward, PortForwardError, portForwardStream } from "../../rest/port_forward.ts";
import { setup } from "./_setup.ts";
import { farEnd, randomBytes, sha, SIZE } from "./_far_end.ts";

const s = await setup("streams-pf");
globalThis.addEventListener("unload", () => void dropNamespace(s.c, s.ns));

async function readAll(r: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of r) {
    parts.push(c);
    n += c.length;
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

Deno.test("port-forward stream pair: two concurrent connections, 10 MB each way, bytes compared", async () => {
  const replies = [randomBytes(SIZE, 0), randomBytes(SIZE, 1)];
  const sends = [randomBytes(SIZE, 0), randomBytes(SIZE, 1)];
  const far = farEnd(replies);
  try {
    const got = await Promise.all([0, 1].map(async (i) => {
      const st = await portForwardStream(s.core, s.ns, "v4", far.port);
      assert.equal(st.protocol, "v4.channel.k8s.io");
      const writing = (async () => {
        const w = st.writable.getWriter();
        await w.write(sends[i]);
        await w.close();
      })();
      const bytes = await readAll(st.readable);
      await writing;
      return bytes;
    }));
    for (const i of [0, 1]) {
      assert.equal(got[i].length, SIZE);
      assert.equal(await sha(got[i]), await sha(replies[i]), `connection ${i}: bytes from the far end`);
      assert.equal(far.received.get(i), await sha(sends[i]), `connection ${i}: bytes at the far end`);
    }
  } finally {
    far.close();
  }
});

Deno.test("port-forward local listener (Deno): two TCP connections at once, 10 MB each way", async () => {
  const replies = [randomBytes(SIZE, 0), randomBytes(SIZE, 1)];
  const sends = [randomBytes(SIZE, 0), randomBytes(SIZE, 1)];
  const far = farEnd(replies);
  await using fwd = await portForward(s.core, s.ns, "v5", { remotePort: far.port });
  try {
    assert.ok(fwd.port > 0);
    const got = await Promise.all([0, 1].map(async (i) => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: fwd.port });
      const writing = (async () => {
        const w = conn.writable.getWriter();
        await w.write(sends[i]);
        w.releaseLock();
      })();
      const bytes = await readAll(conn.readable);
      await writing;
      return bytes;
    }));
    for (const i of [0, 1]) {
      assert.equal(await sha(got[i]), await sha(replies[i]), `connection ${i}: bytes from the far end`);
      assert.equal(far.received.get(i), await sha(sends[i]), `connection ${i}: bytes at the far end`);
    }
    assert.equal(fwd.connections, 2);
  } finally {
    far.close();
  }
});

Deno.test("port-forward to a closed port fails with the kubelet's error", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  const st = await portForwardStream(s.core, s.ns, "v4", port);
  await assert.rejects(readAll(st.readable), (e: Error) => {
    assert.ok(e instanceof PortForwardError);
    assert.match(e.message, new RegExp(`port ${port}`));
    return true;
  });
});

Deno.test("witness: @kubernetes/client-node's WebSocket port-forward through the same kubelet moves the same bytes", async () => {
  const k8s = await import("@kubernetes/client-node");
  const { PassThrough, Writable } = await import("node:stream");
  const replies = [randomBytes(SIZE, 0)];
  const far = farEnd(replies);
  try {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(s.c.kubeconfigPath);
    const input = new PassThrough();
    const parts: Uint8Array[] = [];
    let got = 0;
    let done!: () => void;
    const complete = new Promise<void>((r) => done = r);
    const output = new Writable({
      write(chunk: Uint8Array, _enc: string, cb: () => void) {
        parts.push(new Uint8Array(chunk));
        got += chunk.length;
        if (got >= SIZE) done();
        cb();
      },
    });
    const sent = randomBytes(SIZE, 0);
    // client-node offers its protocols comma-separated without spaces; the kubelet must accept that too.
    const ws = await new k8s.PortForward(kc).portForward(s.ns, "v4", [far.port], output, null, input);
    input.write(sent);
    await complete;
    const all = new Uint8Array(got);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    assert.equal(await sha(all), await sha(replies[0]), "client-node got the far end's bytes");
    for (let i = 0; i < 100 && !far.received.has(0); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(far.received.get(0), await sha(sent), "the far end got client-node's bytes");
    input.end();
    (ws as { close?: () => void }).close?.();
  } finally {
    far.close();
  }
});
