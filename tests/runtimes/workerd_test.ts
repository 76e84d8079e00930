// Integration test (needs the real cluster and the pinned `workerd`): kubeweb's plain web transport in
// a Cloudflare worker. tests/runtimes/workerd/worker.ts is bundled with `deno bundle`, served by the
// real workerd on a random loopback port, and trusts the test CA only through workerd's own config.
import assert from "node:assert/strict";
import { getTestCluster, type TestCluster } from "../cluster/harness.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import { transportFor } from "../../rest/transport_for.ts";
import { denoRuntime } from "../../rest/runtime/deno.ts";
import { webRuntime } from "../../rest/runtime/web.ts";
import { RuntimeCapabilityError } from "../../rest/runtime/runtime.ts";
import { bundle, findBinary, JsonLineChild, PINNED_BIN, skipUnless } from "./_child.ts";
import { writeWorkerdConfig } from "./_workerd_config.ts";

const workerd = await findBinary(`${PINNED_BIN}workerd`);

/** The message parts a RuntimeCapabilityError of the web runtime must carry. */
function assertWebCapabilityMessage(message: string, wants: string[]): void {
  assert.match(message, /^The web runtime cannot /);
  for (const w of wants) assert.ok(message.includes(w), `"${w}" missing from: ${message}`);
  assert.match(message, /use a bearer token/, "the way out is missing");
  assert.match(message, /worker's own configuration/, "the way out is missing");
}

function kubeconfig(server: string, cluster: string, user: string): string {
  return [
    `clusters: [{name: test, cluster: {server: "${server}"${cluster}}}]`,
    `users: [{name: me, user: {${user}}}]`,
    "contexts: [{name: test, context: {cluster: test, user: me}}]",
    "current-context: test",
    "",
  ].join("\n");
}

async function startWorker(c: TestCluster, dir: string): Promise<{ child: JsonLineChild; url: string }> {
  const b64 = (s: string) => btoa(s);
  const configPath = await writeWorkerdConfig({
    dir,
    caPem: c.caPem,
    tokenKubeconfig: kubeconfig(c.server, "", `token: "${c.adminToken}"`),
    adminKubeconfig: kubeconfig(
      c.server,
      `, certificate-authority-data: "${b64(c.caPem)}"`,
      `client-certificate-data: "${b64(c.admin.certPem)}", client-key-data: "${b64(c.admin.keyPem)}"`,
    ),
    clientCertPem: c.admin.certPem,
    clientKeyPem: c.admin.keyPem,
  });
  // --control-fd=1: workerd reports {"event":"listen","socket":"http","port":N} on standard output.
  const child = new JsonLineChild(workerd!.path, ["serve", configPath, "--control-fd=1"], {});
  try {
    const listen = await child.line(
      (l) => l.event === "listen" && l.socket === "http",
      "listen event",
      10_000,
    );
    return { child, url: `http://127.0.0.1:${listen.port}` };
  } catch (e) {
    await child[Symbol.asyncDispose]();
    throw e;
  }
}

async function getJson(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.json() };
}

Deno.test({
  name: "workerd runtime: web transport with a bearer token, CA trusted through workerd's config",
  ignore: skipUnless(workerd, "workerd", `${PINNED_BIN}workerd`),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const c = await getTestCluster();
    const dir = await Deno.makeTempDir({ prefix: "kubeweb-workerd-" });
    const figures: Record<string, number> = {};
    try {
      figures.bundleMs = await bundle(new URL("./workerd/worker.ts", import.meta.url), `${dir}/worker.js`);
      let t0 = performance.now();
      const { child, url } = await startWorker(c, dir);
      await using _child = child;
      figures.startMs = Math.round(performance.now() - t0);

      await t.step("lists namespaces with the token kubeconfig", async () => {
        t0 = performance.now();
        const { status, body } = await getJson(`${url}/namespaces`);
        figures.namespacesMs = Math.round(performance.now() - t0);
        assert.equal(status, 200, JSON.stringify(body));
        assert.equal(body.runtime, "web", "detectRuntime() must choose the web runtime on workerd");
        assert.equal(body.transport, "web");
        assert.equal(body.statusCode, 200);
        const kubectl = await c.kubectl(["get", "namespaces", "-o", "jsonpath={.items[*].metadata.name}"]);
        assert.equal(kubectl.code, 0, kubectl.stderr);
        assert.deepEqual(body.namespaces, kubectl.stdout.trim().split(/\s+/).sort(), "kubectl disagrees");
      });

      await t.step("the CA is trusted only because workerd's config says so", async () => {
        const { status, body } = await getJson(`${url}/untrusted`);
        assert.equal(status, 500, JSON.stringify(body));
        const error = body.error as { name: string; message: string };
        assert.equal(error.name, "TransportError", JSON.stringify(body));
        assert.match(error.message, /^Cannot connect to 127\.0\.0\.1:\d+/);
        // workerd hides the reason from the worker ("internal error; reference = ...") and logs it.
        const logged = () =>
          /TLS handshake failed: invalid peer certificate: UnknownIssuer/.test(child.stderr());
        for (let i = 0; i < 40 && !logged(); i++) await new Promise((r) => setTimeout(r, 50));
        assert.ok(logged(), `workerd did not log an unknown issuer:\n${child.stderr()}`);
      });

      await t.step("creates, patches and deletes a ConfigMap while watching it", async () => {
        const name = `kubeweb-rt-workerd-${crypto.randomUUID().slice(0, 8)}`;
        try {
          t0 = performance.now();
          const { status, body } = await getJson(`${url}/roundtrip?namespace=default&name=${name}`, {
            method: "POST",
          });
          figures.roundtripMs = Math.round(performance.now() - t0);
          assert.equal(status, 200, JSON.stringify(body));
          const events = body.events as { type: string; name: string; data: Record<string, string> }[];
          assert.deepEqual(events.map((e) => `${e.type} ${e.name} ${e.data.step}`), [
            `MODIFIED ${name} patched`,
            `DELETED ${name} patched`,
          ]);
          const gone = await c.kubectl(["get", "configmap", name, "--ignore-not-found", "-o", "name"]);
          assert.equal(gone.stdout.trim(), "", "kubectl still sees the ConfigMap");
        } finally {
          await c.kubectl(["delete", "configmap", name, "--ignore-not-found", "--wait=false"]);
        }
      });

      await t.step(
        "the admin kubeconfig (client certificate, CA) fails naming the runtime and the way out",
        async () => {
          const { status, body } = await getJson(`${url}/capability`);
          assert.equal(status, 200, JSON.stringify(body));
          assert.deepEqual(body.config, { caPem: true, certPem: true });
          type Described = { name: string; message: string; runtime?: string; cause?: Described };
          const both = body.transportFor as Described;
          assert.equal(both.name, "RuntimeCapabilityError", JSON.stringify(body));
          assert.equal(both.runtime, "web");
          assertWebCapabilityMessage(both.message, [
            "a custom certificate authority",
            "a client certificate",
          ]);
          const caOnly = body.caOnly as Described;
          assert.equal(caOnly.name, "RuntimeCapabilityError", JSON.stringify(body));
          assertWebCapabilityMessage(caOnly.message, ["a custom certificate authority"]);
          // Making a client with that configuration fails at construction with the same error, never by
          // trying to connect without the settings.
          const request = body.request as Described;
          assert.equal(request.name, "RuntimeCapabilityError", JSON.stringify(request));
          assertWebCapabilityMessage(request.message, ["a client certificate"]);
        },
      );

      await t.step("a client certificate configured in workerd's own config authenticates", async () => {
        const { status, body } = await getJson(`${url}/mtls`);
        assert.equal(status, 200, JSON.stringify(body));
        assert.ok((body.namespaces as string[]).includes("kube-system"));
        // Control: the same request with no credential at all is refused by the API server.
        const client = Deno.createHttpClient({ caCerts: [c.caPem] });
        try {
          const res = await fetch(`${c.server}/api/v1/namespaces`, { client });
          await res.body?.cancel();
          assert.ok(res.status === 401 || res.status === 403, `anonymous got ${res.status}`);
        } finally {
          client.close();
        }
      });
      console.log(`workerd ${workerd!.version}: ${JSON.stringify(figures)}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("web runtime: a kubeconfig with a client certificate or a CA is refused when the transport is built", async () => {
  const c = await getTestCluster();
  // Files are read with Deno; the transport is built for the web runtime.
  const admin = await loadRestConfig({
    kubeconfig: c.kubeconfigPath,
    context: "admin",
    runtime: denoRuntime,
  });
  assert.ok(admin.certPem && admin.caPem);
  assert.throws(() => transportFor(admin, { runtime: webRuntime }), (e: unknown) => {
    assert.ok(e instanceof RuntimeCapabilityError);
    assert.equal(e.runtime, "web");
    assertWebCapabilityMessage(e.message, ["a custom certificate authority", "a client certificate"]);
    return true;
  });
  const tokenWithCa = await loadRestConfig({
    kubeconfig: c.kubeconfigPath,
    context: "token",
    runtime: denoRuntime,
  });
  assert.throws(() => transportFor(tokenWithCa, { runtime: webRuntime }), (e: unknown) => {
    assert.ok(e instanceof RuntimeCapabilityError);
    assertWebCapabilityMessage(e.message, ["a custom certificate authority"]);
    assert.ok(!e.message.includes(c.adminToken), "the message must not contain the token");
    return true;
  });
});
