/**
 * The test kubelet's `/exec/{namespace}/{pod}/{container}` and `/attach/...`: exec runs the command as
 * a real local process in the container's working folder (a TTY through util-linux `script`, resized
 * with `stty` on the pseudo-terminal so the program sees the real size and SIGWINCH); attach connects to
 * the container's running main process (its live output; its input when the container has `stdin: true`).
 * The result goes on the status channel as a 1.20 kubelet writes it: a `metav1.Status` under the v4/v5
 * protocols, the bare error text under `channel.k8s.io`.
 *
 * @module
 */
import type { PodWorker } from "./pod_worker.ts";
import {
  drain,
  opened,
  receiveChannel,
  sendChannel,
  STREAMING_ANNOTATION,
  type StreamSocket,
  upgrade,
  V4_PROTOCOLS,
  V5_PROTOCOL,
} from "./stream_socket.ts";

const STDIN = 0, STDOUT = 1, STDERR = 2, STATUS = 3, RESIZE = 4, CLOSE = 255;

/** The protocols a pod's streams accept (v5 mode by annotation). */
export function protocolsFor(worker: PodWorker): string[] {
  return worker.pod.metadata.annotations?.[STREAMING_ANNOTATION] === "v5"
    ? [V5_PROTOCOL, ...V4_PROTOCOLS]
    : V4_PROTOCOLS;
}

function bool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === "1" || v === "true";
}

/** Quotes a word for `sh`. */
function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function statusOf(protocol: string, command: string[], code: number | undefined, error?: string): string {
  const v4 = protocol.startsWith("v4.") || protocol.startsWith("v5.");
  if (code === 0) return v4 ? JSON.stringify({ metadata: {}, status: "Success" }) : "";
  if (error !== undefined) {
    return v4
      ? JSON.stringify({
        metadata: {},
        status: "Failure",
        message: error,
        reason: "InternalError",
        code: 500,
      })
      : error;
  }
  const message = `command terminated with non-zero exit code: error executing command [${
    command.join(" ")
  }], exit code ${code}`;
  return v4
    ? JSON.stringify({
      metadata: {},
      status: "Failure",
      message,
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: String(code) }] },
    })
    : message;
}

function finish(s: StreamSocket, status: string): void {
  sendChannel(s, STATUS, new TextEncoder().encode(status));
  if (s.socket.readyState === WebSocket.OPEN) s.socket.close(1000);
}

interface Size {
  Width: number;
  Height: number;
}

/** Handles the client's messages: stdin bytes, stdin close (v5), resize. */
function onMessages(
  s: StreamSocket,
  handlers: { stdin(data: Uint8Array): void; closeStdin(): void; resize(size: Size): void },
): void {
  s.socket.addEventListener("message", (ev) => {
    const m = receiveChannel(ev.data);
    if (!m) return;
    if (m.channel === STDIN) handlers.stdin(m.data);
    else if (m.channel === RESIZE) {
      try {
        handlers.resize(JSON.parse(new TextDecoder().decode(m.data)));
      } catch { /* a bad size is ignored, as the kubelet logs and ignores it */ }
    } else if (m.channel === CLOSE && s.protocol === V5_PROTOCOL && m.data[0] === STDIN) {
      handlers.closeStdin();
    }
  });
}

async function pump(
  s: StreamSocket,
  channel: number,
  stream: ReadableStream<Uint8Array> | null,
): Promise<void> {
  if (!stream) return;
  try {
    for await (const chunk of stream) {
      sendChannel(s, channel, chunk);
      await drain(s);
    }
  } catch { /* the process went away */ }
}

/** Answers `/exec/...`. */
export function handleExec(req: Request, worker: PodWorker, container: string, cwd: string): Response {
  const q = new URL(req.url).searchParams;
  const command = q.getAll("command");
  if (command.length === 0) return new Response("you must specify at least 1 command\n", { status: 400 });
  if (!worker.processOf(container)) {
    return new Response(`container ${container} is not running: cannot exec in a stopped container\n`, {
      status: 400,
    });
  }
  const up = upgrade(req, protocolsFor(worker));
  if (up instanceof Response) return up;
  const s = up;
  const tty = bool(q, "tty"), input = bool(q, "input"), output = bool(q, "output"), error = bool(q, "error");
  void (async () => {
    await opened(s.socket);
    // A TTY: wait a moment for the client's first size, as a runtime creates the terminal with it.
    let size: Size | undefined;
    let pty: string | undefined;
    let child: Deno.ChildProcess | undefined;
    let stdinWriter: WritableStreamDefaultWriter<Uint8Array> | undefined;
    const pendingStdin: Uint8Array[] = [];
    let stdinClosed = false;
    const applySize = async () => {
      if (!pty || !size) return;
      await new Deno.Command("stty", {
        args: ["-F", pty, "rows", String(size.Height), "cols", String(size.Width)],
        stdout: "null",
        stderr: "null",
      }).output().catch(() => {});
    };
    let gotSize!: () => void;
    const firstSize = new Promise<void>((r) => gotSize = r);
    onMessages(s, {
      stdin(data) {
        if (stdinWriter) stdinWriter.write(data).catch(() => {});
        else pendingStdin.push(data.slice());
      },
      closeStdin() {
        stdinClosed = true;
        stdinWriter?.close().catch(() => {});
      },
      resize(next) {
        size = next;
        gotSize();
        void applySize();
      },
    });
    s.socket.addEventListener("close", () => {
      try {
        if (child) Deno.kill(-child.pid, "SIGKILL");
      } catch { /* gone */ }
    });
    if (tty) await Promise.race([firstSize, new Promise((r) => setTimeout(r, 1000))]);
    const ptyFile = tty ? await Deno.makeTempFile({ prefix: "kubelet-pty-" }) : "";
    let argv = command;
    if (tty) {
      const init = size ? `stty rows ${size.Height} cols ${size.Width}; ` : "";
      const inner = `${init}tty > ${shQuote(ptyFile)}; exec ${command.map(shQuote).join(" ")}`;
      argv = ["script", "--quiet", "--return", "--command", `sh -c ${shQuote(inner)}`, "/dev/null"];
    }
    try {
      child = new Deno.Command("setsid", {
        args: argv,
        cwd,
        env: { TERM: tty ? "xterm" : "dumb" },
        // `script` needs an open input to give the program its terminal as stdin; without the client's
        // input it stays open and silent.
        stdin: input || tty ? "piped" : "null",
        stdout: output ? "piped" : "null",
        stderr: error && !tty ? "piped" : "null",
      }).spawn();
    } catch (e) {
      finish(s, statusOf(s.protocol, command, undefined, `failed to start ${JSON.stringify(command)}: ${e}`));
      return;
    }
    if (tty && !input) child.stdin.getWriter(); // held open, never written
    if (input) {
      stdinWriter = child.stdin.getWriter();
      for (const d of pendingStdin) stdinWriter.write(d).catch(() => {});
      if (stdinClosed) stdinWriter.close().catch(() => {});
    }
    if (tty) {
      // The pseudo-terminal's name, once the wrapper wrote it.
      for (let i = 0; i < 200 && !pty; i++) {
        const name = (await Deno.readTextFile(ptyFile).catch(() => "")).trim();
        if (name.startsWith("/dev/")) pty = name;
        else await new Promise((r) => setTimeout(r, 10));
      }
      await applySize();
    }
    const pumps = Promise.all([
      pump(s, STDOUT, output ? child.stdout : null),
      pump(s, STDERR, error && !tty ? child.stderr : null),
    ]);
    const status = await child.status;
    await pumps;
    if (ptyFile) await Deno.remove(ptyFile).catch(() => {});
    // `setsid` reports a program it cannot run with 127 (not found) or 126.
    finish(s, statusOf(s.protocol, command, status.code));
  })().catch((e) => {
    try {
      finish(s, statusOf(s.protocol, command, undefined, String(e)));
    } catch { /* closed */ }
  });
  return s.response;
}

/** Answers `/attach/...`: the container's live output, and its input when it keeps one. */
export function handleAttach(req: Request, worker: PodWorker, container: string): Response {
  const q = new URL(req.url).searchParams;
  const process = worker.processOf(container);
  if (!process) return new Response(`container ${container} is not running\n`, { status: 400 });
  const input = bool(q, "input"), output = bool(q, "output"), error = bool(q, "error");
  const up = upgrade(req, protocolsFor(worker));
  if (up instanceof Response) return up;
  const s = up;
  void (async () => {
    await opened(s.socket);
    const unsubscribe = process.onOutput((stream, bytes) => {
      if (stream === "stdout" && output) sendChannel(s, STDOUT, bytes);
      if (stream === "stderr" && error) sendChannel(s, STDERR, bytes);
    });
    onMessages(s, {
      stdin(data) {
        if (input) process.stdin?.write(data).catch(() => {});
      },
      closeStdin() {/* the container keeps its input (stdinOnce is not modelled) */},
      resize() {/* attach TTYs are not modelled */},
    });
    const closed = new Promise<void>((r) => s.socket.addEventListener("close", () => r(), { once: true }));
    await Promise.race([process.exited, closed]);
    unsubscribe();
    finish(s, statusOf(s.protocol, [], 0));
  })();
  return s.response;
}
