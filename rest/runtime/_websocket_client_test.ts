import assert from "node:assert/strict";
import { acceptKey, encodeFrame, openWebSocket } from "./_websocket_client.ts";
import { WebSocketHandshakeError } from "./websocket.ts";
import type { ByteSocket } from "./runtime.ts";

const enc = new TextEncoder(), dec = new TextDecoder();

/** An in-memory socket pair: the client's ByteSocket and the server's reader/writer. */
function socketPair() {
  const toServer = new TransformStream<Uint8Array, Uint8Array>({}, { highWaterMark: 1000 }, {
    highWaterMark: 1000,
  });
  const toClient = new TransformStream<Uint8Array, Uint8Array>({}, { highWaterMark: 1000 }, {
    highWaterMark: 1000,
  });
  let closed = false;
  const client: ByteSocket = {
    readable: toClient.readable,
    writable: toServer.writable,
    close: () => {
      closed = true;
    },
  };
  return {
    client,
    server: { reader: toServer.readable.getReader(), writer: toClient.writable.getWriter() },
    isClosed: () => closed,
  };
}

/** Reads from the server side until `n` bytes are buffered. */
class ServerReader {
  buf = new Uint8Array(0);
  constructor(private reader: ReadableStreamDefaultReader<Uint8Array>) {}
  async fill(n: number): Promise<void> {
    while (this.buf.length < n) {
      const { value, done } = await this.reader.read();
      if (done) throw new Error("client closed");
      const b = new Uint8Array(this.buf.length + value.length);
      b.set(this.buf);
      b.set(value, this.buf.length);
      this.buf = b;
    }
  }
  async head(): Promise<string> {
    for (;;) {
      const text = dec.decode(this.buf);
      const i = text.indexOf("\r\n\r\n");
      if (i >= 0) {
        this.buf = this.buf.subarray(i + 4);
        return text.slice(0, i);
      }
      await this.fill(this.buf.length + 1);
    }
  }
  /** One client frame, unmasked (client frames must be masked). */
  async frame(): Promise<{ opcode: number; fin: boolean; payload: Uint8Array }> {
    await this.fill(2);
    const masked = (this.buf[1] & 0x80) !== 0;
    assert.ok(masked, "client frames are masked");
    let len = this.buf[1] & 0x7f;
    let at = 2;
    if (len === 126) {
      await this.fill(4);
      len = (this.buf[2] << 8) | this.buf[3];
      at = 4;
    } else if (len === 127) {
      await this.fill(10);
      len = Number(new DataView(this.buf.buffer, this.buf.byteOffset).getBigUint64(2));
      at = 10;
    }
    await this.fill(at + 4 + len);
    const mask = this.buf.slice(at, at + 4);
    const payload = this.buf.slice(at + 4, at + 4 + len).map((b, i) => b ^ mask[i & 3]);
    const f = { opcode: this.buf[0] & 0x0f, fin: (this.buf[0] & 0x80) !== 0, payload };
    this.buf = this.buf.subarray(at + 4 + len);
    return f;
  }
}

/** An unmasked server frame. */
function serverFrame(opcode: number, payload: Uint8Array, fin = true): Uint8Array {
  const len = payload.length;
  const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const out = new Uint8Array(2 + ext + len);
  out[0] = (fin ? 0x80 : 0) | opcode;
  const v = new DataView(out.buffer);
  if (ext === 0) out[1] = len;
  else if (ext === 2) {
    out[1] = 126;
    v.setUint16(2, len);
  } else {
    out[1] = 127;
    v.setBigUint64(2, BigInt(len));
  }
  out.set(payload, 2 + ext);
  return out;
}

async function accept(s: ReturnType<typeof socketPair>, protocol: string, extra = "") {
  const r = new ServerReader(s.server.reader);
  const head = await r.head();
  const key = /sec-websocket-key: (.*)/i.exec(head)![1];
  await s.server.writer.write(enc.encode(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Accept: ${extra === "bad-key" ? "x" : await acceptKey(key)}\r\n` +
      (protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : "") + "\r\n",
  ));
  return { r, head };
}

const URL_ = new URL("https://example.test:6443/api/v1/namespaces/a/pods/b/exec?command=ls");

Deno.test("openWebSocket: handshake with headers and protocols; text, binary and fragmented messages; ping", async () => {
  const s = socketPair();
  const opening = openWebSocket(s.client, {
    url: URL_,
    protocols: ["v5.channel.k8s.io", "v4.channel.k8s.io"],
    headers: [["Authorization", "Bearer t"]],
  });
  const { r, head } = await accept(s, "v4.channel.k8s.io");
  assert.match(head, /^GET \/api\/v1\/namespaces\/a\/pods\/b\/exec\?command=ls HTTP\/1.1\r\n/);
  assert.match(head, /Host: example.test:6443/);
  assert.match(head, /Sec-WebSocket-Protocol: v5.channel.k8s.io, v4.channel.k8s.io/);
  assert.match(head, /Authorization: Bearer t/);
  const conn = await opening;
  assert.equal(conn.protocol, "v4.channel.k8s.io");
  const w = s.server.writer;
  await w.write(serverFrame(1, enc.encode("hello")));
  await w.write(serverFrame(9, enc.encode("p")));
  await w.write(serverFrame(2, new Uint8Array([1, 2]), false));
  await w.write(serverFrame(0, new Uint8Array(70_000).fill(7)));
  const reader = conn.readable.getReader();
  assert.equal((await reader.read()).value, "hello");
  const big = (await reader.read()).value as Uint8Array;
  assert.equal(big.length, 70_002);
  assert.deepEqual([...big.subarray(0, 3)], [1, 2, 7]);
  const pong = await r.frame();
  assert.equal(pong.opcode, 10);
  assert.equal(dec.decode(pong.payload), "p");
  await conn.send(new Uint8Array(300).fill(9));
  const f = await r.frame();
  assert.equal(f.opcode, 2);
  assert.equal(f.payload.length, 300);
  // The server closes: the client answers and the stream ends.
  await w.write(serverFrame(8, new Uint8Array([0x03, 0xe8])));
  assert.equal((await reader.read()).done, true);
  assert.deepEqual(await conn.closed, { code: 1000, reason: "" });
  assert.equal((await r.frame()).opcode, 8);
});

Deno.test("openWebSocket: a refused upgrade carries the status and body", async () => {
  const s = socketPair();
  const opening = openWebSocket(s.client, { url: URL_, protocols: ["v4.channel.k8s.io"], headers: [] });
  const r = new ServerReader(s.server.reader);
  await r.head();
  const body = '{"kind":"Status","code":403,"message":"forbidden"}';
  await s.server.writer.write(
    enc.encode(`HTTP/1.1 403 Forbidden\r\nContent-Length: ${body.length}\r\n\r\n${body}`),
  );
  await assert.rejects(opening, (e: Error) => {
    assert.ok(e instanceof WebSocketHandshakeError);
    assert.equal(e.status, 403);
    assert.equal(e.body, body);
    return true;
  });
  assert.ok(s.isClosed());
});

Deno.test("openWebSocket: a wrong accept key or an unoffered protocol is refused", async () => {
  for (
    const [protocol, extra, want] of [
      ["v4.channel.k8s.io", "bad-key", /Accept does not match/],
      ["other", "", /"other", which was not offered/],
      ["", "", /accepted none of the subprotocols/],
    ] as const
  ) {
    const s = socketPair();
    const opening = openWebSocket(s.client, { url: URL_, protocols: ["v4.channel.k8s.io"], headers: [] });
    await accept(s, protocol, extra);
    await assert.rejects(opening, want);
  }
});

Deno.test("openWebSocket: a header with a line break is refused before sending", async () => {
  const s = socketPair();
  await assert.rejects(
    openWebSocket(s.client, { url: URL_, protocols: [], headers: [["X", "a\r\nB: c"]] }),
    /line break/,
  );
});

Deno.test("openWebSocket: a message over the limit fails the stream and closes with 1009", async () => {
  const s = socketPair();
  const opening = openWebSocket(s.client, { url: URL_, protocols: [], headers: [], maxMessageBytes: 10 });
  const { r } = await accept(s, "");
  const conn = await opening;
  await s.server.writer.write(serverFrame(2, new Uint8Array(11)));
  await assert.rejects(conn.readable.getReader().read(), /exceeds the limit of 10 bytes/);
  const close = await r.frame();
  assert.equal(close.opcode, 8);
  assert.equal((close.payload[0] << 8) | close.payload[1], 1009);
});

Deno.test("encodeFrame: masked, with 16- and 64-bit lengths", () => {
  assert.equal(encodeFrame(2, new Uint8Array(125)).length, 2 + 4 + 125);
  assert.equal(encodeFrame(2, new Uint8Array(126)).length, 4 + 4 + 126);
  assert.equal(encodeFrame(2, new Uint8Array(65536)).length, 10 + 4 + 65536);
  assert.equal(encodeFrame(1, new Uint8Array(1))[1] & 0x80, 0x80);
});

Deno.test("acceptKey: the RFC 6455 example", async () => {
  assert.equal(await acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
});
