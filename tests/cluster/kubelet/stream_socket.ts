/**
 * The WebSocket side of the test kubelet's streaming endpoints: subprotocol negotiation as a 1.20
 * kubelet does it (the client's first supported protocol wins; none supported: 400), the channel
 * framing (binary: a channel byte; base64: an ASCII digit and base64 text) and v5's close-channel message.
 *
 * A 1.20 kubelet accepts `v4.channel.k8s.io`, `v4.base64.channel.k8s.io`, `channel.k8s.io` and
 * `base64.channel.k8s.io` for exec and attach, and the same for port-forward; in v5 mode (a pod annotated
 * `kubeweb.test/streaming: v5`, standing for a 1.30+ API server in front of the kubelet) `v5.channel.k8s.io`
 * is accepted too.
 *
 * `Deno.upgradeWebSocket` only finds a protocol in a list separated by ", ", while @kubernetes/client-node
 * separates them with "," alone: the request's header list is normalised first (through an own `headers`
 * property, as the request's own headers are immutable).
 *
 * @module
 */

/** The protocols a 1.20 kubelet accepts for exec and attach. */
export const V4_PROTOCOLS = [
  "v4.channel.k8s.io",
  "v4.base64.channel.k8s.io",
  "channel.k8s.io",
  "base64.channel.k8s.io",
];
/** The protocol a 1.30+ API server adds. */
export const V5_PROTOCOL = "v5.channel.k8s.io";

/** The annotation that switches a pod's streams to v5 mode. */
export const STREAMING_ANNOTATION = "kubeweb.test/streaming";

/** The subprotocols a client offered, in order. */
export function offeredProtocols(req: Request): string[] {
  return (req.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim()).filter((p) => p);
}

/** The first offered protocol the server supports; "" when the client offered none; undefined when none fits. */
export function negotiate(offered: string[], supported: string[]): string | undefined {
  if (offered.length === 0) return "";
  return offered.find((p) => supported.includes(p));
}

/** An accepted streaming WebSocket. */
export interface StreamSocket {
  protocol: string;
  socket: WebSocket;
  response: Response;
}

/** Upgrades the request with the negotiated protocol, or returns the 400 answer. */
export function upgrade(req: Request, supported: string[]): StreamSocket | Response {
  if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return new Response("the test kubelet streams over WebSocket only (no SPDY)\n", { status: 400 });
  }
  const offered = offeredProtocols(req);
  const protocol = negotiate(offered, supported);
  if (protocol === undefined) {
    return new Response(
      `requested protocol(s) are not supported: ${offered.join(", ")}; supports ${supported.join(", ")}\n`,
      { status: 400 },
    );
  }
  const headers = new Headers(req.headers);
  headers.set("sec-websocket-protocol", offered.join(", "));
  Object.defineProperty(req, "headers", { value: headers });
  const { socket, response } = Deno.upgradeWebSocket(req, protocol ? { protocol } : {});
  socket.binaryType = "arraybuffer";
  return { protocol, socket, response };
}

function isBase64(protocol: string): boolean {
  return protocol.includes("base64.");
}

/** Sends `data` on `channel`. */
export function sendChannel(s: StreamSocket, channel: number, data: Uint8Array): void {
  if (s.socket.readyState !== WebSocket.OPEN) return;
  if (isBase64(s.protocol)) {
    let text = "";
    for (let i = 0; i < data.length; i += 0x8000) {
      text += String.fromCharCode(...data.subarray(i, i + 0x8000));
    }
    s.socket.send(String.fromCharCode(48 + channel) + btoa(text));
  } else {
    const out = new Uint8Array(data.length + 1);
    out[0] = channel;
    out.set(data, 1);
    s.socket.send(out);
  }
}

/** Waits while the socket's send buffer is large (so a fast process cannot fill memory). */
export async function drain(s: StreamSocket): Promise<void> {
  while (s.socket.readyState === WebSocket.OPEN && s.socket.bufferedAmount > 4 * 1024 * 1024) {
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Decodes a client message into its channel and bytes (undefined when empty). */
export function receiveChannel(data: unknown): { channel: number; data: Uint8Array } | undefined {
  if (typeof data === "string") {
    if (!data) return undefined;
    const bin = atob(data.slice(1));
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return { channel: data.charCodeAt(0) - 48, data: bytes };
  }
  const bytes = new Uint8Array(data as ArrayBuffer);
  if (bytes.length === 0) return undefined;
  return { channel: bytes[0], data: bytes.subarray(1) };
}

/** Resolves when the socket is open. */
export function opened(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.OPEN) return Promise.resolve();
  return new Promise((resolve, reject) => {
    socket.addEventListener("open", () => resolve(), { once: true });
    socket.addEventListener("close", () => reject(new Error("closed before opening")), { once: true });
  });
}
