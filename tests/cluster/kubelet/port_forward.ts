/**
 * The test kubelet's `/portForward/{namespace}/{pod}?port=P&port=Q` over WebSocket, as a 1.20 kubelet
 * serves it: channels 2i (data) and 2i+1 (error) for the i-th port, each opened with a frame holding the
 * port number (2 bytes, little-endian); the data channel is connected to a real TCP connection to
 * 127.0.0.1:P (the pod's network is the host's); a failed dial is reported on the error channel. The
 * socket closes once every port's remote connection has ended.
 *
 * @module
 */
import type { PodWorker } from "./pod_worker.ts";
import {
  drain,
  opened,
  receiveChannel,
  sendChannel,
  type StreamSocket,
  upgrade,
  V4_PROTOCOLS,
} from "./stream_socket.ts";

function parsePorts(q: URLSearchParams): number[] | string {
  // The API server turns the client's `ports` into the kubelet's repeated `port`.
  const raw = q.getAll("port").flatMap((p) => p.split(",")).map((p) => p.trim()).filter((p) => p);
  if (raw.length === 0) return 'query parameter "port" is required';
  const ports: number[] = [];
  for (const r of raw) {
    const n = Number(r);
    if (!Number.isInteger(n) || n < 1 || n > 65535) return `unable to parse "${r}" as a port: invalid port`;
    ports.push(n);
  }
  return ports;
}

function portBytes(port: number): Uint8Array {
  return new Uint8Array([port & 0xff, port >> 8]);
}

/** Answers `/portForward/...`. */
export function handlePortForward(req: Request, worker: PodWorker): Response {
  const ports = parsePorts(new URL(req.url).searchParams);
  if (typeof ports === "string") return new Response(`${ports}\n`, { status: 400 });
  const up = upgrade(req, V4_PROTOCOLS);
  if (up instanceof Response) return up;
  const s: StreamSocket = up;
  const key = `${worker.pod.metadata.namespace}/${worker.pod.metadata.name}`;
  void (async () => {
    await opened(s.socket);
    const conns: (Deno.TcpConn | undefined)[] = [];
    const writers: (WritableStreamDefaultWriter<Uint8Array> | undefined)[] = [];
    const pending: Uint8Array[][] = ports.map(() => []);
    s.socket.addEventListener("message", (ev) => {
      const m = receiveChannel(ev.data);
      if (!m || m.channel % 2 !== 0) return;
      const i = m.channel / 2;
      if (i >= ports.length) return;
      const w = writers[i];
      if (w) w.write(m.data.slice()).catch(() => {});
      else pending[i].push(m.data.slice());
    });
    s.socket.addEventListener("close", () => {
      for (const c of conns) {
        try {
          c?.close();
        } catch { /* closed */ }
      }
    });
    for (const [i, p] of ports.entries()) {
      sendChannel(s, 2 * i, portBytes(p));
      sendChannel(s, 2 * i + 1, portBytes(p));
    }
    await Promise.all(ports.map(async (port, i) => {
      let conn: Deno.TcpConn;
      try {
        conn = await Deno.connect({ hostname: "127.0.0.1", port });
      } catch (e) {
        const msg =
          `error forwarding port ${port} to pod ${key}, uid : failed to connect to 127.0.0.1:${port}: ${
            e instanceof Error ? e.message : e
          }`;
        sendChannel(s, 2 * i + 1, new TextEncoder().encode(msg));
        return;
      }
      conns[i] = conn;
      const w = conn.writable.getWriter();
      writers[i] = w;
      for (const d of pending[i]) w.write(d).catch(() => {});
      pending[i] = [];
      try {
        for await (const chunk of conn.readable) {
          sendChannel(s, 2 * i, chunk);
          await drain(s);
        }
      } catch { /* reset */ }
    }));
    if (s.socket.readyState === WebSocket.OPEN) s.socket.close(1000);
  })();
  return s.response;
}
