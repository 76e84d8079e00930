import assert from "node:assert/strict";
import { denoRuntime } from "./deno.ts";
import { RuntimeCapabilityError } from "./runtime.ts";
import { transportSuite } from "../../tests/runtimes/_transport_suite.ts";
import { connectProxy, httpsServer, testPki } from "../../tests/runtimes/_tls_fixture.ts";

transportSuite("deno transport", (tls) => denoRuntime.createTransport(tls));

Deno.test({
  name: "deno transport: tunnels through an http proxy-url",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const pki = await testPki();
    await using server = httpsServer(pki.serverCertPem, pki.serverKeyPem, () => new Response("via proxy"));
    await using proxy = connectProxy();
    const t = denoRuntime.createTransport({ caPem: pki.caPem, proxyUrl: proxy.url });
    try {
      assert.equal(await (await t.fetch(`${server.url}/`)).text(), "via proxy");
    } finally {
      t.close();
    }
    assert.deepEqual(proxy.tunnels, [`127.0.0.1:${server.port}`]);
  },
});

Deno.test("deno transport: a proxy scheme it cannot use is a RuntimeCapabilityError", () => {
  assert.throws(() => denoRuntime.createTransport({ proxyUrl: "ftp://proxy:21" }), RuntimeCapabilityError);
  assert.throws(
    () => denoRuntime.createTransport({ proxyUrl: "http://proxy:3128", insecureSkipVerify: true }),
    (e: unknown) =>
      e instanceof RuntimeCapabilityError && e.runtime === "deno" && /proxy-url/.test(e.message),
  );
});

Deno.test("deno runtime: readTextFile names the path and keeps the code", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/a.txt`, "héllo");
  assert.equal(await denoRuntime.readTextFile!(`${dir}/a.txt`), "héllo");
  await assert.rejects(
    denoRuntime.readTextFile!(`${dir}/missing.txt`),
    (e: Error & { code?: string }) => e.message.includes(`${dir}/missing.txt`) && e.code === "ENOENT",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno runtime: readDir lists files and folders; a missing folder names its path", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/a.yaml`, "");
  await Deno.mkdir(`${dir}/sub`);
  const entries = await denoRuntime.readDir!(dir);
  assert.deepEqual(entries.sort((x, y) => x.name.localeCompare(y.name)), [
    { name: "a.yaml", isDirectory: false, isFile: true },
    { name: "sub", isDirectory: true, isFile: false },
  ]);
  await assert.rejects(
    denoRuntime.readDir!(`${dir}/missing`),
    (e: Error & { code?: string }) =>
      e.message === `Cannot list folder ${dir}/missing: no such file or directory` && e.code === "ENOENT",
  );
  await assert.rejects(denoRuntime.readDir!(`${dir}/a.yaml`), /it is not a folder/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno runtime: env and homeDir", () => {
  assert.equal(denoRuntime.env!("PATH"), Deno.env.get("PATH"));
  assert.equal(denoRuntime.env!("KUBEWEB_SURELY_UNSET_VARIABLE"), undefined);
  assert.equal(denoRuntime.homeDir!(), Deno.env.get("HOME"));
});

Deno.test("deno runtime: spawn passes args, env and stdin and reports the exit code", async () => {
  const r = await denoRuntime.spawn!("sh", {
    args: ["-c", 'read line; echo "$line $KW_X $0"; echo err >&2; exit 3', "arg0"],
    env: { KW_X: "x" },
    stdin: "in\n",
  });
  assert.deepEqual(r, { code: 3, stdout: "in x arg0\n", stderr: "err\n" });
});

Deno.test("deno runtime: spawn of a missing program rejects with code ENOENT", async () => {
  await assert.rejects(
    denoRuntime.spawn!("kubeweb-no-such-program", {}),
    (e: Error & { code?: string }) => e.code === "ENOENT" && e.message.includes("kubeweb-no-such-program"),
  );
});
