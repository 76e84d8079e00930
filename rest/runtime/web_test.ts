import assert from "node:assert/strict";
import { webRuntime } from "./web.ts";
import { RuntimeCapabilityError, type TlsOptions } from "./runtime.ts";
import { rawHttpServer } from "../../tests/runtimes/_tls_fixture.ts";

Deno.test("web runtime: every TLS or proxy setting is a RuntimeCapabilityError with a way out", () => {
  const cases: [TlsOptions, RegExp][] = [
    [{ caPem: "x" }, /custom certificate authority/],
    [{ certPem: "x", keyPem: "y" }, /client certificate/],
    [{ keyPem: "y" }, /client certificate/],
    [{ insecureSkipVerify: true }, /insecure-skip-tls-verify/],
    [{ proxyUrl: "http://p:1" }, /proxy-url/],
    [{ serverName: "k" }, /TLS server name/],
  ];
  for (const [tls, what] of cases) {
    assert.throws(() => webRuntime.createTransport(tls), (e: unknown) => {
      assert.ok(e instanceof RuntimeCapabilityError);
      assert.equal(e.runtime, "web");
      assert.match(e.message, /^The web runtime cannot /);
      assert.match(e.message, what);
      assert.match(e.message, /bearer token/);
      assert.match(e.message, /worker's own configuration/);
      return true;
    });
  }
});

Deno.test("web runtime: no files, environment or processes", () => {
  assert.equal(webRuntime.readTextFile, undefined);
  assert.equal(webRuntime.env, undefined);
  assert.equal(webRuntime.homeDir, undefined);
  assert.equal(webRuntime.spawn, undefined);
});

Deno.test({
  name: "web runtime: the transport is the global fetch",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using server = rawHttpServer("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello");
    const t = webRuntime.createTransport({});
    assert.equal(t.runtime, "web");
    const res = await t.fetch(`${server.url}/version`, { headers: [["Authorization", "Bearer abc"]] });
    assert.equal(await res.text(), "hello");
    t.close();
    assert.match(server.requests[0], /^GET \/version HTTP\/1\.1\r\n/);
    assert.match(server.requests[0], /\r\nauthorization: Bearer abc\r\n/i);
  },
});
