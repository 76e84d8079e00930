import assert from "node:assert/strict";
import { ChannelDemux, decodeChannelMessage, encodeChannelMessage } from "./_stream_channels.ts";
import { fakeWebSocket, msg } from "./_websocket_fakes_test.ts";

Deno.test("channel messages: binary and base64 framing both ways", () => {
  const data = new Uint8Array([0, 255, 10]);
  assert.deepEqual([...(encodeChannelMessage("v4.channel.k8s.io", 2, data) as Uint8Array)], [2, 0, 255, 10]);
  const text = encodeChannelMessage("v4.base64.channel.k8s.io", 2, data);
  assert.equal(text, "2" + btoa("\x00\xff\n"));
  assert.deepEqual(decodeChannelMessage("v4.base64.channel.k8s.io", text), { channel: 2, data });
  assert.equal(decodeChannelMessage("v4.channel.k8s.io", new Uint8Array(0)), undefined);
});

Deno.test("ChannelDemux: routes by channel, drops unknown channels, skips first frames on request", async () => {
  const f = fakeWebSocket("v4.channel.k8s.io");
  const demux = new ChannelDemux(f.conn, [0, 1], (_c, d) => d.length === 2);
  f.push(msg(0, [80, 0])); // the port frame
  f.push(msg(1, [80, 0]));
  f.push(msg(0, "data"));
  f.push(msg(7, "ignored"));
  f.push(msg(1, "oops"));
  f.end();
  const text = async (s: ReadableStream<Uint8Array>) => {
    let t = "";
    for await (const c of s.pipeThrough(new TextDecoderStream())) t += c;
    return t;
  };
  assert.deepEqual(await Promise.all([text(demux.stream(0)), text(demux.stream(1))]), ["data", "oops"]);
  await demux.done;
});
