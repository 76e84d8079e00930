/**
 * Test fixtures for the runtime transports: a throw-away PKI made with `openssl` (a CA, server
 * certificates, a client certificate), local HTTPS servers on Deno.serve, an mTLS server
 * (`openssl s_server -Verify`, since Deno.serve cannot require client certificates), a raw TCP server
 * that records request bytes, and a small CONNECT proxy. Everything listens on 127.0.0.1 only.
 *
 * @module
 */
import { openssl } from "../cluster/pki.ts";

/** PEM material of the test PKI. */
export interface TestPki {
  dir: string;
  caPem: string;
  /** Server certificate for IP 127.0.0.1, localhost and kubernetes.test. */
  serverCertPem: string;
  serverKeyPem: string;
  /** Server certificate for the name kubernetes.test only (no IP address). */
  namedCertPem: string;
  namedKeyPem: string;
  /** Client certificate CN=alice, O=devs (EC key). */
  clientCertPem: string;
  clientKeyPem: string;
}

let pkiPromise: Promise<TestPki> | undefined;

/** Creates (once per process) a CA and X.509 v3 certificates with openssl in a temporary folder. */
export function testPki(): Promise<TestPki> {
  return pkiPromise ??= makePki();
}

async function makePki(): Promise<TestPki> {
  const dir = await Deno.makeTempDir({ prefix: "kubeweb-pki-" });
  await Deno.writeTextFile(
    `${dir}/ext.cnf`,
    [
      "[srv]",
      "basicConstraints=CA:FALSE",
      "keyUsage=digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.test",
      "[named]",
      "basicConstraints=CA:FALSE",
      "keyUsage=digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=DNS:kubernetes.test",
      "[cli]",
      "basicConstraints=CA:FALSE",
      "keyUsage=digitalSignature,keyEncipherment",
      "extendedKeyUsage=clientAuth",
      "",
    ].join("\n"),
  );
  await openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=kubeweb-test-ca",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ], dir);
  const sign = async (name: string, ext: string, subj: string, keyArgs: string[]) => {
    await openssl([
      "req",
      "-newkey",
      ...keyArgs,
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      subj,
    ], dir);
    await openssl([
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "2",
      "-extfile",
      "ext.cnf",
      "-extensions",
      ext,
    ], dir);
  };
  await sign("srv", "srv", "/CN=server", ["rsa:2048"]);
  await sign("named", "named", "/CN=kubernetes.test", ["rsa:2048"]);
  await sign("cli", "cli", "/CN=alice/O=devs", ["ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]);
  const read = (f: string) => Deno.readTextFile(`${dir}/${f}`);
  return {
    dir,
    caPem: await read("ca.pem"),
    serverCertPem: await read("srv.pem"),
    serverKeyPem: await read("srv.key"),
    namedCertPem: await read("named.pem"),
    namedKeyPem: await read("named.key"),
    clientCertPem: await read("cli.pem"),
    clientKeyPem: await read("cli.key"),
  };
}

/** A running test server. */
export interface TestServer extends AsyncDisposable {
  port: number;
  url: string;
}

/** Starts a Deno.serve HTTPS server on 127.0.0.1 with the given certificate. */
export function httpsServer(
  certPem: string,
  keyPem: string,
  handler: Deno.ServeHandler<Deno.NetAddr>,
): TestServer {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, cert: certPem, key: keyPem, onListen() {} },
    handler,
  );
  return {
    port: server.addr.port,
    url: `https://127.0.0.1:${server.addr.port}`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/**
 * Starts `openssl s_server` requiring a client certificate signed by the CA. It answers each request with
 * an HTML page describing the TLS session, which includes the client certificate's subject.
 */
export async function mtlsServer(pki: TestPki): Promise<TestServer> {
  const child = new Deno.Command("openssl", {
    args: [
      "s_server",
      "-accept",
      "127.0.0.1:0",
      "-cert",
      `${pki.dir}/srv.pem`,
      "-key",
      `${pki.dir}/srv.key`,
      "-CAfile",
      `${pki.dir}/ca.pem`,
      "-Verify",
      "1",
      "-verify_return_error",
      "-www",
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let port = 0;
  while (!port) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`openssl s_server exited before listening: ${seen}`);
    seen += value;
    const m = seen.match(/ACCEPT 127\.0\.0\.1:(\d+)/);
    if (m) port = Number(m[1]);
  }
  const drain = (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })();
  return {
    port,
    url: `https://127.0.0.1:${port}`,
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      await child.status;
      await drain.catch(() => {});
    },
  };
}

/** A plain-HTTP server that records each raw request head and answers with a fixed response. */
export function rawHttpServer(response: string): TestServer & { requests: string[] } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const requests: string[] = [];
  const conns = new Set<Deno.Conn>();
  const serve = async (conn: Deno.Conn) => {
    conns.add(conn);
    const buf = new Uint8Array(65536);
    let head = "";
    try {
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) break;
        head += new TextDecoder().decode(buf.subarray(0, n));
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) continue;
        const lengthMatch = head.match(/\r\ncontent-length: *(\d+)/i);
        const bodyLength = lengthMatch ? Number(lengthMatch[1]) : 0;
        if (head.length < end + 4 + bodyLength) continue;
        requests.push(head.slice(0, end + 4 + bodyLength));
        head = head.slice(end + 4 + bodyLength);
        await conn.write(new TextEncoder().encode(response));
      }
    } catch { /* closed */ }
    conns.delete(conn);
    try {
      conn.close();
    } catch { /* closed */ }
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) serve(conn);
    } catch { /* closed */ }
  })();
  const port = (listener.addr as Deno.NetAddr).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      await accepting;
    },
  };
}

/** An HTTP CONNECT proxy on 127.0.0.1 that tunnels to 127.0.0.1 only and counts tunnels. */
export function connectProxy(): TestServer & { tunnels: string[] } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const tunnels: string[] = [];
  const open = new Set<Deno.Conn>();
  const handle = async (conn: Deno.Conn) => {
    open.add(conn);
    try {
      const buf = new Uint8Array(8192);
      let head = "";
      while (!head.includes("\r\n\r\n")) {
        const n = await conn.read(buf);
        if (n === null) return;
        head += new TextDecoder().decode(buf.subarray(0, n));
      }
      const m = head.match(/^CONNECT ([^ ]+):(\d+) HTTP/);
      if (!m || (m[1] !== "127.0.0.1" && m[1] !== "localhost")) {
        await conn.write(new TextEncoder().encode("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n"));
        return;
      }
      tunnels.push(`${m[1]}:${m[2]}`);
      const upstream = await Deno.connect({ hostname: "127.0.0.1", port: Number(m[2]) });
      open.add(upstream);
      await conn.write(new TextEncoder().encode("HTTP/1.1 200 Connection established\r\n\r\n"));
      await Promise.allSettled([
        conn.readable.pipeTo(upstream.writable),
        upstream.readable.pipeTo(conn.writable),
      ]);
    } catch {
      /* closed */
    } finally {
      for (const c of [conn]) {
        open.delete(c);
        try {
          c.close();
        } catch { /* closed */ }
      }
    }
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) handle(conn);
    } catch { /* closed */ }
  })();
  const port = (listener.addr as Deno.NetAddr).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    tunnels,
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const c of open) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      await accepting;
    },
  };
}
