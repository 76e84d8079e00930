import assert from "node:assert/strict";
import { bearerProtocol, bearerTokenOf, wrapStandardWebSocket } from "./_websocket_standard.ts";

Deno.test("bearerProtocol: base64url without padding, as the API server decodes it", () => {
  assert.equal(bearerProtocol("abc?>"), "base64url.bearer.authorization.k8s.io.YWJjPz4");
  assert.equal(bearerTokenOf([["authorization", "Bearer  tok "]], "deno"), "tok");
  assert.equal(bearerTokenOf([["X", "y"]], "deno"), undefined);
  assert.throws(
    () => bearerTokenOf([["Authorization", "Basic eA=="]], "web"),
    /cannot send this Authorization scheme/,
  );
});

/** A minimal standard-WebSocket stand-in. */
class FakeSocket extends EventTarget {
  binaryType = "blob";
  protocol = "";
  readyState = 0;
  bufferedAmount = 0;
  sent: unknown[] = [];
  send(d: unknown) {
    this.sent.push(d);
  }
  close(code = 1000, reason = "") {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event("close"), { code, reason }));
  }
  open(protocol: string) {
    this.protocol = protocol;
    this.readyState = 1;
    this.dispatchEvent(new Event("open"));
  }
  message(data: unknown) {
    this.dispatchEvent(Object.assign(new Event("message"), { data }));
  }
}

Deno.test("wrapStandardWebSocket: open, messages as bytes or text, close; an unoffered protocol fails", async () => {
  const ws = new FakeSocket();
  const opening = wrapStandardWebSocket(ws, ["v4.channel.k8s.io"]);
  ws.open("v4.channel.k8s.io");
  const conn = await opening;
  assert.equal(ws.binaryType, "arraybuffer");
  ws.message(new Uint8Array([1, 2]).buffer);
  ws.message("t");
  const r = conn.readable.getReader();
  assert.deepEqual([...((await r.read()).value as Uint8Array)], [1, 2]);
  assert.equal((await r.read()).value, "t");
  await conn.send("x");
  assert.deepEqual(ws.sent, ["x"]);
  ws.close(1000, "bye");
  assert.equal((await r.read()).done, true);
  assert.deepEqual(await conn.closed, { code: 1000, reason: "bye" });

  const other = new FakeSocket();
  const refused = wrapStandardWebSocket(other, ["v4.channel.k8s.io"]);
  other.open("");
  await assert.rejects(refused, /accepted none of the offered subprotocols/);
});

Deno.test("wrapStandardWebSocket: more queued than the bound closes with 1009 instead of growing", async () => {
  const ws = new FakeSocket();
  const opening = wrapStandardWebSocket(ws, [], { maxQueuedBytes: 4 });
  ws.open("");
  const conn = await opening;
  ws.message(new Uint8Array(4).buffer);
  ws.message(new Uint8Array(4).buffer);
  await assert.rejects(conn.readable.getReader().read(), /More than 4 bytes/);
  assert.equal(ws.readyState, 3, "the socket was closed");
});

Deno.test("standardCanCarry: only a bearer token and the user agent", async () => {
  const { standardCanCarry } = await import("./_websocket_standard.ts");
  assert.equal(standardCanCarry([["User-Agent", "x"], ["Authorization", "Bearer t"]]), true);
  assert.equal(standardCanCarry([["Authorization", "Basic eA=="]]), false);
  assert.equal(standardCanCarry([["Authorization", "Bearer t"], ["Impersonate-User", "u"]]), false);
});
