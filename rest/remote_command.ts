/**
 * Remote commands over WebSocket (client-go's `tools/remotecommand`): `exec` and `attach` of a pod's
 * container. The client offers `v5.channel.k8s.io` first (API servers 1.30+ translate it for any
 * kubelet; it can close stdin), then `v4.channel.k8s.io`, `v4.base64.channel.k8s.io`, `channel.k8s.io`
 * and `base64.channel.k8s.io`. Channels: 0 stdin, 1 stdout, 2 stderr, 3 status, 4 terminal size.
 *
 * @module
 */
import type { RESTClient } from "./rest_client.ts";
import type { WebSocketConnection } from "./runtime/websocket.ts";
import { ChannelDemux, channelWriter, CLOSE_CHANNEL, encodeChannelMessage } from "./_stream_channels.ts";

/** The subprotocols offered for exec and attach, most wanted first. */
export const REMOTE_COMMAND_PROTOCOLS: readonly string[] = [
  "v5.channel.k8s.io",
  "v4.channel.k8s.io",
  "v4.base64.channel.k8s.io",
  "channel.k8s.io",
  "base64.channel.k8s.io",
];

/** A terminal size in character cells. */
export interface TerminalSize {
  /** Columns. */
  width: number;
  /** Rows. */
  height: number;
}

/** What to connect of the remote process. */
export interface StreamOptions {
  /** The container (default: the pod's only container; the server picks the default one). */
  container?: string;
  /**
   * Standard input: `true` for a writable `session.stdin`, or bytes, text or a byte stream that is
   * written and then closed. Default none.
   */
  stdin?: boolean | string | Uint8Array | ReadableStream<Uint8Array>;
  /** Read standard output (default true). */
  stdout?: boolean;
  /** Read standard error (default true; a TTY has none, its output is all on stdout). */
  stderr?: boolean;
  /** Allocate a terminal (default false). */
  tty?: boolean;
  /** The terminal's initial size (with `tty`). */
  terminalSize?: TerminalSize;
  /** Closes the connection when aborted. */
  signal?: AbortSignal;
  /** The subprotocols to offer, most wanted first (default {@linkcode REMOTE_COMMAND_PROTOCOLS}). */
  protocols?: string[];
}

/** Options of {@linkcode exec}: the command and its streams. */
export interface ExecOptions extends StreamOptions {
  /** The program and its arguments. */
  command: string[];
}

/** How a remote command ended, from the status channel. */
export interface RemoteCommandResult {
  /** True when the command exited with 0 (or, for attach, the session ended cleanly). */
  success: boolean;
  /** The command's exit code, when the server reported one (0 on success). */
  exitCode?: number;
  /** The failure reason (`NonZeroExitCode`, `InternalError`, ...), when it failed. */
  reason?: string;
  /** The server's message, when it failed. */
  message?: string;
}

/** An open exec or attach session. Read `stdout` and `stderr` (or turn them off): they apply backpressure. */
export interface RemoteCommandSession {
  /** The negotiated subprotocol. */
  readonly protocol: string;
  /**
   * Standard input, when `stdin: true`. Closing it closes the remote process's input under
   * `v5.channel.k8s.io`; older protocols cannot, and closing only stops sending.
   */
  readonly stdin: WritableStream<Uint8Array> | undefined;
  /** Standard output (empty when not requested). */
  readonly stdout: ReadableStream<Uint8Array>;
  /** Standard error (empty when not requested or with a TTY). */
  readonly stderr: ReadableStream<Uint8Array>;
  /** True when `stdin` can be closed on the remote side (v5). */
  readonly canCloseStdin: boolean;
  /** Sends a new terminal size (with `tty`). */
  resize(size: TerminalSize): Promise<void>;
  /** Resolves with the result when the session ends. Rejects when the connection broke. */
  readonly result: Promise<RemoteCommandResult>;
  /** Closes the connection. */
  close(): void;
}

/** The session's output and result, collected (see {@linkcode collectOutput}). */
export interface RemoteCommandOutput extends RemoteCommandResult {
  /** Everything written to stdout. */
  stdout: Uint8Array;
  /** Everything written to stderr. */
  stderr: Uint8Array;
}

/** A failure on the status channel that is not a plain Status object. */
export class RemoteCommandError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RemoteCommandError";
  }
}

interface Status {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/** Parses the status channel's content for the negotiated protocol. */
export function parseRemoteStatus(protocol: string, text: string): RemoteCommandResult {
  const v4 = protocol.startsWith("v4.") || protocol.startsWith("v5.");
  if (!v4) {
    // channel.k8s.io: the error text of the server, empty on success.
    if (text === "") return { success: true, exitCode: 0 };
    const m = /exit code (\d+)/.exec(text);
    return m
      ? { success: false, exitCode: Number(m[1]), reason: "NonZeroExitCode", message: text }
      : { success: false, reason: "Error", message: text };
  }
  let s: Status;
  try {
    s = JSON.parse(text);
  } catch (e) {
    throw new RemoteCommandError(`The status channel holds no Status object: ${text.slice(0, 200)}`, {
      cause: e,
    });
  }
  if (s.status === "Success") return { success: true, exitCode: 0 };
  const code = s.details?.causes?.find((c) => c.reason === "ExitCode")?.message;
  const result: RemoteCommandResult = {
    success: false,
    reason: s.reason ?? "Failure",
    message: s.message ?? "",
  };
  if (code !== undefined && /^\d+$/.test(code)) result.exitCode = Number(code);
  return result;
}

/** Reads the status channel (at most 1 MiB is kept: a Status object is small). */
async function readAllText(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    if (text.length < 1024 * 1024) text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const chunk of stream) {
    parts.push(chunk);
    n += chunk.length;
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (c) => c.close() });
}

/** Wraps an open connection as a session (exported for tests with an in-memory connection). */
export function remoteCommandSession(
  conn: WebSocketConnection,
  options: StreamOptions,
): RemoteCommandSession {
  const protocol = conn.protocol;
  const v5 = protocol === "v5.channel.k8s.io";
  const tty = options.tty ?? false;
  const wantOut = options.stdout ?? true;
  const wantErr = (options.stderr ?? true) && !tty;
  const demux = new ChannelDemux(conn, [1, 2, 3]);
  const statusText = readAllText(demux.stream(3));
  const stdout = demux.stream(1);
  const stderr = demux.stream(2);
  if (!wantOut) stdout.cancel().catch(() => {});
  if (!wantErr) stderr.cancel().catch(() => {});
  let stdinWritable: WritableStream<Uint8Array> | undefined;
  if (options.stdin !== undefined && options.stdin !== false) {
    stdinWritable = channelWriter(conn, 0, async () => {
      if (v5) await conn.send(new Uint8Array([CLOSE_CHANNEL, 0]));
    });
  }
  const result = (async () => {
    await demux.done;
    const text = await statusText;
    if (text === "" && protocol !== "" && (protocol.startsWith("v4.") || v5)) {
      throw new RemoteCommandError("The connection closed without a status");
    }
    return parseRemoteStatus(protocol, text);
  })().finally(() => conn.close());
  result.catch(() => {});
  const session: RemoteCommandSession = {
    protocol,
    stdin: typeof options.stdin === "boolean" ? stdinWritable : undefined,
    stdout: wantOut ? stdout : emptyStream(),
    stderr: wantErr ? stderr : emptyStream(),
    canCloseStdin: v5,
    async resize(size: TerminalSize): Promise<void> {
      if (
        !Number.isInteger(size.width) || !Number.isInteger(size.height) || size.width < 0 || size.height < 0
      ) {
        throw new RangeError(`A terminal size must be non-negative integers, got ${JSON.stringify(size)}`);
      }
      const json = JSON.stringify({ Width: size.width, Height: size.height });
      await conn.send(encodeChannelMessage(protocol, 4, new TextEncoder().encode(json)));
    },
    result,
    close: () => conn.close(),
  };
  if (tty && options.terminalSize) session.resize(options.terminalSize).catch(() => {});
  const input = options.stdin;
  if (stdinWritable && typeof input !== "boolean" && input !== undefined) {
    const source = typeof input === "string"
      ? new Blob([input]).stream()
      : input instanceof Uint8Array
      ? new Blob([input as Uint8Array<ArrayBuffer>]).stream()
      : input;
    source.pipeTo(stdinWritable).catch(() => {});
  }
  return session;
}

function streamQuery(
  client: RESTClient,
  namespace: string,
  name: string,
  subresource: string,
  o: StreamOptions,
) {
  const tty = o.tty ?? false;
  const req = client.get().namespace(namespace).resource("pods").name(name).subResource(subresource)
    .signal(o.signal);
  if (o.container) req.param("container", o.container);
  if (o.stdin !== undefined && o.stdin !== false) req.param("stdin", "true");
  if (o.stdout ?? true) req.param("stdout", "true");
  if ((o.stderr ?? true) && !tty) req.param("stderr", "true");
  if (tty) req.param("tty", "true");
  return req;
}

function checkStreams(o: StreamOptions): void {
  const tty = o.tty ?? false;
  const any = (o.stdin !== undefined && o.stdin !== false) || (o.stdout ?? true) ||
    ((o.stderr ?? true) && !tty);
  if (!any) throw new TypeError("At least one of stdin, stdout and stderr must be requested");
}

/**
 * Runs a command in a container (`pods/exec`). The session's streams and result follow the command.
 *
 * @param client A REST client of the core group (`apiPath: "/api"`, `groupVersion: "v1"`).
 * @param namespace The pod's namespace.
 * @param name The pod's name.
 * @param options The command, streams, TTY and signal.
 * @returns The open session.
 *
 * @example
 * ```ts
 * import { collectOutput, exec, loadRestConfig, restClientFor } from "@kubeweb/client/rest";
 * const core = restClientFor(await loadRestConfig(), { apiPath: "/api", groupVersion: "v1" });
 * const out = await collectOutput(await exec(core, "default", "web", { command: ["date"] }));
 * console.log(out.exitCode, new TextDecoder().decode(out.stdout));
 * ```
 */
export async function exec(
  client: RESTClient,
  namespace: string,
  name: string,
  options: ExecOptions,
): Promise<RemoteCommandSession> {
  if (!Array.isArray(options.command) || options.command.length === 0) {
    throw new TypeError("exec needs a command: a non-empty array of strings");
  }
  checkStreams(options);
  const req = streamQuery(client, namespace, name, "exec", options);
  for (const c of options.command) req.param("command", c);
  const conn = await req.webSocket(options.protocols ?? [...REMOTE_COMMAND_PROTOCOLS]);
  return remoteCommandSession(conn, options);
}

/**
 * Attaches to a container's running main process (`pods/attach`).
 *
 * @param client A REST client of the core group.
 * @param namespace The pod's namespace.
 * @param name The pod's name.
 * @param options The streams, TTY and signal.
 * @returns The open session.
 *
 * @example
 * ```ts
 * import { attach, loadRestConfig, restClientFor } from "@kubeweb/client/rest";
 * const core = restClientFor(await loadRestConfig(), { apiPath: "/api", groupVersion: "v1" });
 * const session = await attach(core, "default", "web", { stdin: "hello\n" });
 * ```
 */
export async function attach(
  client: RESTClient,
  namespace: string,
  name: string,
  options: StreamOptions = {},
): Promise<RemoteCommandSession> {
  checkStreams(options);
  const req = streamQuery(client, namespace, name, "attach", options);
  const conn = await req.webSocket(options.protocols ?? [...REMOTE_COMMAND_PROTOCOLS]);
  return remoteCommandSession(conn, options);
}

/**
 * Reads a session's stdout and stderr to the end and waits for its result.
 *
 * @param session An open session.
 * @returns Both outputs and the result.
 *
 * @example
 * ```ts
 * import { collectOutput, exec, loadRestConfig, restClientFor } from "@kubeweb/client/rest";
 * const core = restClientFor(await loadRestConfig(), { apiPath: "/api", groupVersion: "v1" });
 * const session = await exec(core, "default", "web", { command: ["ls"] });
 * const { exitCode, stdout } = await collectOutput(session);
 * console.log(exitCode, stdout.length);
 * ```
 */
export async function collectOutput(session: RemoteCommandSession): Promise<RemoteCommandOutput> {
  const [stdout, stderr] = await Promise.all([readAll(session.stdout), readAll(session.stderr)]);
  return { ...await session.result, stdout, stderr };
}
