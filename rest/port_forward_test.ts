import assert from "node:assert/strict";
import { portForward, PortForwardError, portForwardStream } from "./port_forward.ts";
import { RESTClient } from "./rest_client.ts";
import type { Runtime, Transport } from "./runtime/runtime.ts";
import type { WebSocketConnectOptions } from "./runtime/websocket.ts";
import { type FakeWebSocket, fakeWebSocket, msg } from "./_websocket_fakes_test.ts";

function client(onConnect: (url: string, o: WebSocketConnectOptions) => FakeWebSocket): RESTClient {
  const transport: Transport = {
    runtime: "fake",
    fetch: () => Promise.reject(new Error("no fetch")),
    connectWebSocket: (url, o) => Promise.resolve(onConnect(url, o).conn),
    close() {},
  };
  return new RESTClient({ host: "https://k8s.test:6443", namespace: "default" }, {
    apiPath: "/api",
    groupVersion: "v1",
    transport,
    rateLimiter: null,
  });
}

Deno.test("portForwardStream: URL, protocols, port frames skipped, bytes both ways", async () => {
  let url = "", protocols: string[] = [];
  const f = fakeWebSocket("v4.channel.k8s.io");
  const c = client((u, o) => {
    url = u;
    protocols = o.protocols;
    return f;
  });
  const st = await portForwardStream(c, "ns", "web", 8080);
  assert.equal(url, "https://k8s.test:6443/api/v1/namespaces/ns/pods/web/portforward?ports=8080");
  assert.deepEqual(protocols, ["v4.channel.k8s.io", "v4.base64.channel.k8s.io"]);
  f.push(msg(0, [0x90, 0x1f]));
  f.push(msg(1, [0x90, 0x1f]));
  f.push(msg(0, "answer"));
  const w = st.writable.getWriter();
  await w.write(new TextEncoder().encode("ask"));
  assert.deepEqual([...(f.sent[0] as Uint8Array)], [0, 97, 115, 107]);
  f.end();
  let text = "";
  for await (const chunk of st.readable.pipeThrough(new TextDecoderStream())) text += chunk;
  assert.equal(text, "answer");
});

Deno.test("portForwardStream: the error channel's text fails the readable with PortForwardError", async () => {
  const f = fakeWebSocket("v4.channel.k8s.io");
  const st = await portForwardStream(client(() => f), "ns", "web", 81);
  f.push(msg(0, [81, 0]));
  f.push(msg(1, [81, 0]));
  f.push(msg(1, "connection refused"));
  f.end();
  await assert.rejects(st.readable.getReader().read(), (e: Error) => {
    assert.ok(e instanceof PortForwardError);
    assert.equal(e.port, 81);
    assert.match(e.message, /port 81 failed: connection refused/);
    return true;
  });
});

Deno.test("portForward: bad ports and a runtime without TCP listening fail clearly", async () => {
  const c = client(() => fakeWebSocket("v4.channel.k8s.io"));
  await assert.rejects(portForwardStream(c, "ns", "web", 0), RangeError);
  await assert.rejects(portForward(c, "ns", "web", { remotePort: 70000 }), /remotePort must be an integer/);
  const noListen: Runtime = { name: "web", createTransport: () => c.transport() };
  await assert.rejects(
    portForward(c, "ns", "web", { remotePort: 80, runtime: noListen }),
    /cannot listen on a TCP port: use portForwardStream/,
  );
});
