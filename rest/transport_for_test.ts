import assert from "node:assert/strict";
import { transportFor } from "./transport_for.ts";
import type { Runtime, TlsOptions, Transport } from "./runtime/runtime.ts";
import type { RestConfig } from "./rest_config.ts";
import type { ExecAuthProvider, ExecCredential } from "./exec_credential.ts";

function recordingRuntime(): Runtime & { built: TlsOptions[]; closed: number[] } {
  const rt = {
    name: "rec",
    built: [] as TlsOptions[],
    closed: [] as number[],
    createTransport(tls: TlsOptions): Transport {
      const id = rt.built.push(tls) - 1;
      return {
        runtime: "rec",
        fetch: () => Promise.resolve(new Response(String(id))),
        close: () => void rt.closed.push(id),
      };
    },
  };
  return rt;
}

Deno.test("transportFor: TLS settings from the config; one transport per config object", async () => {
  const rt = recordingRuntime();
  const config: RestConfig = {
    host: "https://h:6443",
    namespace: "default",
    caPem: "CA",
    certPem: "CERT",
    keyPem: "KEY",
    tlsServerName: "kubernetes",
    proxyUrl: "http://proxy:3128",
  };
  const a = transportFor(config, { runtime: rt });
  assert.equal(transportFor(config, { runtime: rt }), a);
  assert.deepEqual(rt.built, [{
    caPem: "CA",
    certPem: "CERT",
    keyPem: "KEY",
    serverName: "kubernetes",
    proxyUrl: "http://proxy:3128",
  }]);
  assert.notEqual(transportFor({ ...config }, { runtime: rt }), a);
  assert.equal(await (await a.fetch("https://h:6443/")).text(), "0");
  // Closing drops it from the cache: the next call builds a fresh one.
  a.close();
  a.close();
  assert.deepEqual(rt.closed, [0]);
  const b = transportFor(config, { runtime: rt });
  assert.notEqual(b, a);
  assert.equal(await (await b.fetch("https://h:6443/")).text(), "2");
  assert.deepEqual(
    transportFor({ host: "https://h", namespace: "d", insecureSkipTlsVerify: true }, { runtime: rt }) &&
      rt.built.at(-1),
    { insecureSkipVerify: true },
  );
});

Deno.test("transportFor: a client certificate from an exec plugin rebuilds the transport when it changes", async () => {
  const rt = recordingRuntime();
  let credential: ExecCredential = { certPem: "C1", keyPem: "K1" };
  const exec = { getCredential: () => Promise.resolve(credential) } as unknown as ExecAuthProvider;
  const config: RestConfig = { host: "https://h", namespace: "d", caPem: "CA", tlsFromExec: exec };
  const t = transportFor(config, { runtime: rt });
  assert.equal(rt.built.length, 0);
  assert.equal(await (await t.fetch("https://h/")).text(), "0");
  assert.equal(await (await t.fetch("https://h/")).text(), "0");
  credential = { certPem: "C2", keyPem: "K2" };
  assert.equal(await (await t.fetch("https://h/")).text(), "1");
  credential = { token: "tok" };
  assert.equal(await (await t.fetch("https://h/")).text(), "2");
  assert.deepEqual(rt.built, [
    { caPem: "CA", certPem: "C1", keyPem: "K1" },
    { caPem: "CA", certPem: "C2", keyPem: "K2" },
    { caPem: "CA" },
  ]);
  t.close();
  assert.deepEqual(rt.closed.sort(), [0, 1, 2]);
});

Deno.test("transportFor: await using closes the transport; the next call builds a new one", async () => {
  const rt = recordingRuntime();
  const config: RestConfig = { host: "https://h:6443", namespace: "default" };
  const first = transportFor(config, { runtime: rt });
  {
    await using t = transportFor(config, { runtime: rt });
    assert.equal(t, first);
  }
  assert.deepEqual(rt.closed, [0]);
  assert.notEqual(transportFor(config, { runtime: rt }), first);
});
