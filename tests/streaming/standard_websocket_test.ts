// Integration (real API server 1.20 and the test kubelet): the standard-WebSocket path. A Deno child
// with a bearer-token kubeconfig that names no CA (the test CA is trusted through DENO_CERT, as a
// system CA would be) opens its WebSockets with Deno's own WebSocket, the token travelling in the
// `base64url.bearer.authorization.k8s.io.<token>` subprotocol, which the API server accepts and strips.
import assert from "node:assert/strict";
import { dropNamespace } from "../control_plane/_helpers.ts";
import { setup } from "./_setup.ts";

const s = await setup("streams-std");
globalThis.addEventListener("unload", () => void dropNamespace(s.c, s.ns));

Deno.test("standard WebSocket with the bearer token subprotocol: exec v5 and v4 through the API server", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kubeweb-std-ws-" });
  try {
    await Deno.writeTextFile(
      `${dir}/kubeconfig`,
      [
        `clusters: [{name: t, cluster: {server: "${s.c.server}"}}]`,
        `users: [{name: u, user: {token: "${s.c.adminToken}"}}]`,
        "contexts: [{name: t, context: {cluster: t, user: u}}]",
        "current-context: t",
      ].join("\n"),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./_standard_ws_child.ts", import.meta.url).pathname],
      env: { KUBECONFIG: `${dir}/kubeconfig`, DENO_CERT: s.c.caFile, KUBEWEB_NS: s.ns },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const r = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.equal(r.offered.length, 2, "both connections used the standard WebSocket");
    for (const o of r.offered) {
      assert.deepEqual(o.slice(0, 2), ["v5.channel.k8s.io", "v4.channel.k8s.io"]);
      assert.equal(o.at(-1), "base64url.bearer.authorization.k8s.io.<token>");
    }
    const want = { stdout: "out\n", stderr: "err\n", exitCode: 5 };
    assert.deepEqual(r.v5, { protocol: "v5.channel.k8s.io", ...want });
    assert.deepEqual(r.v4, { protocol: "v4.channel.k8s.io", ...want });
    const k = await s.c.kubectl([
      "-n",
      s.ns,
      "exec",
      "v5",
      "--",
      "sh",
      "-c",
      "echo out; echo err >&2; exit 5",
    ]);
    assert.equal(k.code, 5);
    assert.equal(k.stdout, "out\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
