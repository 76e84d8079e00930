/**
 * The behaviour every TLS-capable transport must show, as a reusable set of Deno tests run against
 * local servers: trust of a custom CA, rejection of an unknown one, TLS server name, insecure skip,
 * client certificates, connection reuse, request bodies, separate repeated headers, abort and cancel.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { TlsOptions, Transport } from "../../rest/runtime/runtime.ts";
import { deadline } from "../../_internal/async.ts";
import { httpsServer, mtlsServer, rawHttpServer, testPki } from "./_tls_fixture.ts";

/** Guards an event-driven wait so a broken transport fails the test instead of hanging it. */
function within<T>(p: Promise<T>): Promise<T> {
  return deadline(p, 10_000);
}

async function withTransport<T>(
  make: (tls: TlsOptions) => Transport,
  tls: TlsOptions,
  fn: (t: Transport) => Promise<T>,
): Promise<T> {
  const t = make(tls);
  try {
    return await fn(t);
  } finally {
    t.close();
  }
}

/** Registers the transport tests under `prefix` for the transport factory `make`. */
export function transportSuite(prefix: string, make: (tls: TlsOptions) => Transport): void {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test({ name: `${prefix}: ${name}`, fn, sanitizeResources: false, sanitizeOps: false });

  test("trusts the given CA and reuses the connection", async () => {
    const pki = await testPki();
    const ports: number[] = [];
    await using server = httpsServer(pki.serverCertPem, pki.serverKeyPem, (req, info) => {
      ports.push(info.remoteAddr.port);
      return new Response(`hello ${new URL(req.url).pathname}`);
    });
    await withTransport(make, { caPem: pki.caPem }, async (t) => {
      const a = await t.fetch(`${server.url}/one`);
      assert.equal(a.status, 200);
      assert.equal(await a.text(), "hello /one");
      const b = await t.fetch(new Request(`${server.url}/two`));
      assert.equal(await b.text(), "hello /two");
    });
    assert.equal(ports.length, 2);
    assert.equal(ports[0], ports[1], "the second request must reuse the first connection");
  });

  test("rejects a server whose CA is not trusted", async () => {
    const pki = await testPki();
    await using server = httpsServer(pki.serverCertPem, pki.serverKeyPem, () => new Response("no"));
    await withTransport(make, {}, async (t) => {
      await assert.rejects(t.fetch(server.url), TypeError);
    });
  });

  test("verifies against tls-server-name instead of the URL host", async () => {
    const pki = await testPki();
    await using server = httpsServer(pki.namedCertPem, pki.namedKeyPem, () => new Response("named"));
    await withTransport(make, { caPem: pki.caPem }, async (t) => {
      await assert.rejects(t.fetch(server.url), TypeError);
    });
    await withTransport(make, { caPem: pki.caPem, serverName: "kubernetes.test" }, async (t) => {
      assert.equal(await (await t.fetch(server.url)).text(), "named");
    });
    await withTransport(make, { caPem: pki.caPem, serverName: "other.test" }, async (t) => {
      await assert.rejects(t.fetch(server.url), TypeError);
    });
  });

  test("insecure-skip-tls-verify accepts an untrusted server", async () => {
    const pki = await testPki();
    await using server = httpsServer(pki.serverCertPem, pki.serverKeyPem, () => new Response("ok"));
    await withTransport(make, { insecureSkipVerify: true }, async (t) => {
      assert.equal(await (await t.fetch(server.url)).text(), "ok");
    });
  });

  test("presents the client certificate to a server that requires one", async () => {
    const pki = await testPki();
    await using server = await mtlsServer(pki);
    await withTransport(
      make,
      { caPem: pki.caPem, certPem: pki.clientCertPem, keyPem: pki.clientKeyPem },
      async (t) => {
        const res = await t.fetch(`${server.url}/`);
        assert.equal(res.status, 200);
        const page = await res.text();
        assert.match(page, /CN ?= ?alice/);
      },
    );
    await withTransport(make, { caPem: pki.caPem }, async (t) => {
      await assert.rejects(async () => {
        const res = await t.fetch(`${server.url}/`);
        await res.text();
      });
    });
  });

  test("a client certificate without its key is refused", () => {
    assert.throws(() => make({ certPem: "-----BEGIN CERTIFICATE-----" }), TypeError);
    return Promise.resolve();
  });

  test("sends method, body and repeated headers as separate lines", async () => {
    await using server = rawHttpServer(
      'HTTP/1.1 201 Created\r\ncontent-length: 2\r\nwarning: 299 - "x"\r\n\r\nok',
    );
    await withTransport(make, {}, async (t) => {
      const res = await t.fetch(`${server.url}/apis/x?a=1&a=2`, {
        method: "POST",
        headers: [["Impersonate-Group", "a"], ["Impersonate-Group", "b"], [
          "Content-Type",
          "application/json",
        ]],
        body: '{"k":"v"}',
      });
      assert.equal(res.status, 201);
      assert.equal(res.headers.get("warning"), '299 - "x"');
      assert.equal(await res.text(), "ok");
    });
    const raw = server.requests[0];
    assert.match(raw, /^POST \/apis\/x\?a=1&a=2 HTTP\/1\.1\r\n/);
    const groups = raw.split("\r\n").filter((l) => /^impersonate-group:/i.test(l)).map((l) =>
      l.split(": ")[1]
    );
    assert.deepEqual(groups, ["a", "b"]);
    assert.match(raw, /\r\n\r\n\{"k":"v"\}$/);
  });

  test("an abort before the response rejects with the signal's reason", async () => {
    const pki = await testPki();
    let arrived!: () => void;
    const requestArrived = new Promise<void>((r) => arrived = r);
    let release!: () => void;
    const gate = new Promise<void>((r) => release = r);
    await using server = httpsServer(pki.serverCertPem, pki.serverKeyPem, async () => {
      arrived();
      await gate;
      return new Response("too late");
    });
    await withTransport(make, { caPem: pki.caPem }, async (t) => {
      const ac = new AbortController();
      const p = t.fetch(server.url, { signal: ac.signal });
      await within(requestArrived);
      ac.abort();
      await assert.rejects(p, (e: unknown) => e instanceof DOMException && e.name === "AbortError");
    });
    release();
  });

  test("an abort or cancel while streaming the body closes the server's stream", async () => {
    const pki = await testPki();
    const cancelled: Promise<void>[] = [];
    await using server = httpsServer(pki.serverCertPem, pki.serverKeyPem, () => {
      let onCancel!: () => void;
      cancelled.push(new Promise<void>((r) => onCancel = r));
      let n = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(c) {
          c.enqueue(new TextEncoder().encode(`{"n":${n++}}\n`));
          return new Promise((r) => setTimeout(r, 5));
        },
        cancel: () => onCancel(),
      });
      return new Response(body);
    });
    await withTransport(make, { caPem: pki.caPem }, async (t) => {
      const ac = new AbortController();
      const res = await t.fetch(server.url, { signal: ac.signal });
      const reader = res.body!.getReader();
      assert.equal((await reader.read()).done, false);
      ac.abort();
      await assert.rejects(async () => {
        for (;;) if ((await reader.read()).done) break;
      });
      await within(cancelled[0]);

      const res2 = await t.fetch(server.url);
      const reader2 = res2.body!.getReader();
      assert.equal((await reader2.read()).done, false);
      await reader2.cancel();
      await within(cancelled[1]);
    });
  });

  test("a connection closed in the middle of the body errors the body stream", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    const served = (async () => {
      const conn = await listener.accept();
      const buf = new Uint8Array(4096);
      await conn.read(buf);
      await conn.write(new TextEncoder().encode("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial"));
      conn.close();
    })();
    await withTransport(make, {}, async (t) => {
      const res = await t.fetch(`http://127.0.0.1:${port}/`);
      await assert.rejects(res.text());
    });
    await served;
    listener.close();
  });

  test("a refused connection rejects with a TypeError", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    await withTransport(make, {}, async (t) => {
      await assert.rejects(t.fetch(`http://127.0.0.1:${port}/`), TypeError);
    });
  });
}
