/**
 * The test kubelet's HTTPS server, the endpoints the API server proxies to: `/healthz` and
 * `/containerLogs/{namespace}/{pod}/{container}` with `follow`, `previous`, `tailLines`, `timestamps`,
 * `sinceSeconds`, `sinceTime` and `limitBytes`; `/exec`, `/attach` (remote_command.ts) and `/portForward`
 * (port_forward.ts) over WebSocket.
 *
 * @module
 */
import type { ContainerLog, LogReadOptions } from "./container_log.ts";
import type { PodWorker } from "./pod_worker.ts";
import { handleAttach, handleExec } from "./remote_command.ts";
import { handlePortForward } from "./port_forward.ts";

/** What the server needs from the kubelet. */
export interface ServerOptions {
  certPem: string;
  keyPem: string;
  /** The worker of the pod `namespace/name` (the newest one, by name). */
  findPod(namespace: string, name: string): PodWorker | undefined;
  log: (msg: string) => void;
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

function bool(v: string | null): boolean {
  return v === "true" || v === "1";
}

/** Parses the log query; returns an error message for a bad value. */
export function logOptions(q: URLSearchParams, nowMs: number): LogReadOptions | string {
  const o: LogReadOptions = { follow: bool(q.get("follow")), timestamps: bool(q.get("timestamps")) };
  const int = (name: string): number | undefined | string => {
    const v = q.get(name);
    if (v === null || v === "") return undefined;
    const n = Number(v);
    return Number.isInteger(n) && n >= 0
      ? n
      : `${name} must be a non-negative integer, got ${JSON.stringify(v)}`;
  };
  const tail = int("tailLines"), limit = int("limitBytes"), since = int("sinceSeconds");
  for (const v of [tail, limit, since]) if (typeof v === "string") return v;
  if (tail !== undefined) o.tailLines = tail as number;
  if (limit !== undefined) o.limitBytes = limit as number;
  if (since !== undefined) o.sinceTime = new Date(nowMs - (since as number) * 1000);
  const sinceTime = q.get("sinceTime");
  if (sinceTime) {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) return `sinceTime must be an RFC 3339 time, got ${JSON.stringify(sinceTime)}`;
    o.sinceTime = new Date(t);
  }
  return o;
}

function containerLogs(req: Request, parts: string[], o: ServerOptions): Response {
  if (parts.length !== 3) return text(400, "expected /containerLogs/{namespace}/{pod}/{container}");
  const [ns, name, container] = parts.map(decodeURIComponent);
  const worker = o.findPod(ns, name);
  if (!worker) return text(404, `pod ${ns}/${name} not found on this kubelet`);
  if (!worker.hasContainer(container)) {
    return text(404, `container "${container}" not found in pod ${ns}/${name}`);
  }
  const q = new URL(req.url).searchParams;
  const options = logOptions(q, Date.now());
  if (typeof options === "string") return text(400, options);
  const previous = bool(q.get("previous"));
  const log: ContainerLog | undefined = worker.logOf(container, previous);
  if (!log) {
    return text(
      400,
      previous
        ? `previous terminated container "${container}" in pod "${name}" not found`
        : `container "${container}" in pod "${name}" is waiting to start`,
    );
  }
  return new Response(log.read(options), { headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** Routes `/exec/{ns}/{pod}/{container}`, `/attach/...` and `/portForward/{ns}/{pod}`. */
function streaming(req: Request, kind: string, parts: string[], o: ServerOptions): Response {
  const want = kind === "portForward" ? 2 : 3;
  if (parts.length !== want) {
    return text(400, `expected /${kind}/{namespace}/{pod}${want === 3 ? "/{container}" : ""}`);
  }
  const [ns, name, container] = parts.map(decodeURIComponent);
  const worker = o.findPod(ns, name);
  if (!worker) return text(404, `pod ${ns}/${name} not found on this kubelet`);
  if (kind === "portForward") return handlePortForward(req, worker);
  if (!worker.hasContainer(container)) {
    return text(404, `container "${container}" not found in pod ${ns}/${name}`);
  }
  if (kind === "attach") return handleAttach(req, worker, container);
  return handleExec(req, worker, container, worker.containerDir(container));
}

/** Serves the kubelet API on 127.0.0.1 (port 0 picks a free port). */
export function serveKubelet(port: number, o: ServerOptions): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({
    hostname: "127.0.0.1",
    port,
    cert: o.certPem,
    key: o.keyPem,
    onListen() {},
    onError(e) {
      o.log(`server: ${e instanceof Error ? e.stack : e}`);
      return text(500, "internal error");
    },
  }, (req) => {
    const url = new URL(req.url);
    const [first, ...rest] = url.pathname.split("/").filter((p) => p !== "");
    if (req.method !== "GET" && first === "containerLogs") return text(405, "use GET");
    switch (first) {
      case "healthz":
        return text(200, "ok");
      case "containerLogs":
        return containerLogs(req, rest, o);
      case "exec":
      case "attach":
      case "portForward":
        return streaming(req, first, rest, o);
      case "run":
        return text(501, `/${first} is not implemented by the test kubelet yet`);
      default:
        return text(404, `no such kubelet endpoint: ${url.pathname}`);
    }
  });
}
