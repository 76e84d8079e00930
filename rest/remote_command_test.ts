import assert from "node:assert/strict";
import { collectOutput, parseRemoteStatus, remoteCommandSession } from "./remote_command.ts";
import { fakeWebSocket, msg } from "./_websocket_fakes_test.ts";

const dec = new TextDecoder();
const SUCCESS = JSON.stringify({ metadata: {}, status: "Success" });
const EXIT3 = JSON.stringify({
  metadata: {},
  status: "Failure",
  message: "command terminated with non-zero exit code: exit code 3",
  reason: "NonZeroExitCode",
  details: { causes: [{ reason: "ExitCode", message: "3" }] },
});

Deno.test("parseRemoteStatus: v4/v5 Status objects and channel.k8s.io error text", () => {
  assert.deepEqual(parseRemoteStatus("v4.channel.k8s.io", SUCCESS), { success: true, exitCode: 0 });
  assert.deepEqual(parseRemoteStatus("v5.channel.k8s.io", EXIT3), {
    success: false,
    exitCode: 3,
    reason: "NonZeroExitCode",
    message: "command terminated with non-zero exit code: exit code 3",
  });
  const internal = parseRemoteStatus(
    "v4.base64.channel.k8s.io",
    JSON.stringify({ status: "Failure", reason: "InternalError", message: "no such file" }),
  );
  assert.deepEqual(internal, { success: false, reason: "InternalError", message: "no such file" });
  assert.deepEqual(parseRemoteStatus("channel.k8s.io", ""), { success: true, exitCode: 0 });
  assert.equal(
    parseRemoteStatus("base64.channel.k8s.io", "error executing command, exit code 5").exitCode,
    5,
  );
  assert.throws(() => parseRemoteStatus("v4.channel.k8s.io", "not json"), /holds no Status object/);
});

Deno.test("session: demultiplexes stdout and stderr, parses the status, closes stdin in v5", async () => {
  const f = fakeWebSocket("v5.channel.k8s.io");
  const session = remoteCommandSession(f.conn, { stdin: true });
  assert.equal(session.canCloseStdin, true);
  const w = session.stdin!.getWriter();
  await w.write(new TextEncoder().encode("in"));
  await w.close();
  assert.deepEqual([...(f.sent[0] as Uint8Array)], [0, 105, 110]);
  assert.deepEqual([...(f.sent[1] as Uint8Array)], [255, 0]);
  f.push(msg(1, "out"));
  f.push(new Uint8Array([2])); // an empty frame is ignored
  f.push(msg(2, "err"));
  f.push(msg(3, EXIT3));
  f.end();
  const out = await collectOutput(session);
  assert.equal(dec.decode(out.stdout), "out");
  assert.equal(dec.decode(out.stderr), "err");
  assert.equal(out.exitCode, 3);
});

Deno.test("session: v4 cannot close stdin (nothing is sent); resize sends the terminal size", async () => {
  const f = fakeWebSocket("v4.channel.k8s.io");
  const session = remoteCommandSession(f.conn, { stdin: true, tty: true });
  await session.stdin!.getWriter().close();
  assert.equal(f.sent.length, 0);
  await session.resize({ width: 80, height: 24 });
  assert.equal(dec.decode((f.sent[0] as Uint8Array).subarray(1)), '{"Width":80,"Height":24}');
  assert.equal((f.sent[0] as Uint8Array)[0], 4);
  await assert.rejects(session.resize({ width: -1, height: 2 }), RangeError);
  f.push(msg(3, SUCCESS));
  f.end();
  assert.deepEqual((await collectOutput(session)).exitCode, 0);
});

Deno.test("session: base64 protocol messages are decoded and encoded as text", async () => {
  const f = fakeWebSocket("v4.base64.channel.k8s.io");
  const session = remoteCommandSession(f.conn, { stdin: "hi" });
  // The input is piped in the background: let it reach the connection first.
  for (let i = 0; i < 100 && f.sent.length === 0; i++) await new Promise((r) => setTimeout(r, 0));
  f.push("1" + btoa("a\0b"));
  f.push("3" + btoa(SUCCESS));
  f.end();
  const out = await collectOutput(session);
  assert.deepEqual([...out.stdout], [97, 0, 98]);
  assert.equal(f.sent[0], "0" + btoa("hi"));
});

Deno.test("session: a v4 connection that closes without a status rejects", async () => {
  const f = fakeWebSocket("v4.channel.k8s.io");
  const session = remoteCommandSession(f.conn, {});
  f.end();
  await assert.rejects(collectOutput(session), /closed without a status/);
});

Deno.test("exec: a refused upgrade becomes the API error; a bad command or no stream fails first", async () => {
  const { RESTClient } = await import("./rest_client.ts");
  const { WebSocketHandshakeError } = await import("./runtime/websocket.ts");
  const { exec } = await import("./remote_command.ts");
  const body = JSON.stringify({
    kind: "Status",
    status: "Failure",
    code: 403,
    reason: "Forbidden",
    message: "no",
  });
  const core = new RESTClient({ host: "https://k8s.test", namespace: "default" }, {
    apiPath: "/api",
    groupVersion: "v1",
    rateLimiter: null,
    transport: {
      runtime: "fake",
      fetch: () => Promise.reject(new Error("no fetch")),
      connectWebSocket: () =>
        Promise.reject(
          new WebSocketHandshakeError(
            "refused",
            403,
            new Headers({ "content-type": "application/json" }),
            body,
          ),
        ),
      close() {},
    },
  });
  await assert.rejects(exec(core, "ns", "p", { command: ["ls"] }), (e: Error) => {
    assert.equal(e.name, "ApiError");
    assert.equal((e as unknown as { code: number }).code, 403);
    assert.equal((e as unknown as { reason: string }).reason, "Forbidden");
    return true;
  });
  await assert.rejects(exec(core, "ns", "p", { command: [] }), /non-empty array/);
  await assert.rejects(
    exec(core, "ns", "p", { command: ["ls"], stdout: false, stderr: false }),
    /At least one of/,
  );
});
