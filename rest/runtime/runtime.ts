/**
 * The one interface behind which everything runtime-specific lives: client TLS, files, environment
 * and spawning exec credential plugins. The core of kubeweb speaks only web standards and calls these.
 *
 * Implementations: Deno, Bun, Node and plain web `fetch` (edge runtimes such as workerd), chosen by
 * `detectRuntime()`. A capability a runtime lacks is `undefined`, and callers that need it fail with a
 * {@linkcode RuntimeCapabilityError} naming the runtime and the way out.
 *
 * @module
 */
import type { WebSocketConnector } from "./websocket.ts";

/** TLS and connection settings a transport is built from (PEM text, never file paths). */
export interface TlsOptions {
  /** PEM bundle of certificate authorities to trust instead of the system's. */
  caPem?: string;
  /** PEM client certificate (chain). */
  certPem?: string;
  /** PEM private key of the client certificate. */
  keyPem?: string;
  /** Name to verify the server certificate against (SNI), when it differs from the URL's host. */
  serverName?: string;
  /** Skip server certificate verification (only when the kubeconfig says insecure-skip-tls-verify). */
  insecureSkipVerify?: boolean;
  /** HTTP(S) proxy URL. */
  proxyUrl?: string;
}

/**
 * A fetch bound to one TLS configuration, with keep-alive connection reuse. `close()` releases its
 * connections.
 */
export interface Transport {
  /** The runtime the transport runs on, for error messages ("deno", "bun", "node", "web"). */
  readonly runtime: string;
  /** Sends a request; same contract as the global `fetch`. */
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
  /**
   * Opens a WebSocket (exec, attach, port-forward) with the same TLS settings; undefined when the
   * transport cannot.
   */
  connectWebSocket?: WebSocketConnector;
  /** Releases pooled connections. */
  close(): void;
}

/** Result of running a process. */
export interface SpawnResult {
  /** Exit code of the program. */
  code: number;
  /** Everything the program wrote to standard output, as UTF-8 text. */
  stdout: string;
  /** Everything the program wrote to standard error, as UTF-8 text. */
  stderr: string;
}

/** Options of {@linkcode Runtime.spawn}. */
export interface SpawnOptions {
  /** Arguments after the program name. */
  args?: string[];
  /** Variables added to the inherited environment. */
  env?: Record<string, string>;
  /** Text written to standard input (then closed). */
  stdin?: string;
  /** Kills the program when aborted. */
  signal?: AbortSignal;
}

/** Options of {@linkcode Runtime.writeTextFile}. */
export interface WriteFileOptions {
  /** Permission bits of a file that is created (default 0o600: readable by its owner only). */
  mode?: number;
  /** Fail with code "EEXIST" when the file exists instead of replacing it. */
  createNew?: boolean;
}

/** A connected TCP (or TLS) socket as a byte stream pair. */
export interface ByteSocket {
  /** Bytes from the peer; ends when the peer closes its side. */
  readable: ReadableStream<Uint8Array>;
  /** Bytes to the peer; closing it ends our side. */
  writable: WritableStream<Uint8Array>;
  /** Closes the socket at once. */
  close(): void;
}

/** Options of {@linkcode Runtime.listenTcp}. */
export interface ListenTcpOptions {
  /** Address to listen on (default "127.0.0.1"). */
  hostname?: string;
  /** Port (0, the default, picks a free one). */
  port?: number;
}

/** A listening TCP socket. */
export interface TcpListener {
  /** The port it listens on. */
  readonly port: number;
  /** The accepted connections, until `close()`. */
  readonly connections: AsyncIterable<ByteSocket>;
  /** Stops listening (accepted connections stay open). */
  close(): void;
}

/** One entry of a folder, as {@linkcode Runtime.readDir} lists it. */
export interface DirEntry {
  /** The entry's name (no path). */
  name: string;
  /** True for a folder. */
  isDirectory: boolean;
  /** True for a regular file (a symbolic link is followed when the runtime says what it points to). */
  isFile: boolean;
}

/** What a runtime can do for kubeweb. Missing capabilities are undefined. */
export interface Runtime {
  /** "deno", "bun", "node" or "web". */
  readonly name: string;
  /** Builds a transport for the given TLS settings; throws RuntimeCapabilityError if it cannot. */
  createTransport(tls: TlsOptions): Transport;
  /** Reads a UTF-8 file. Rejects with an error whose message names the path. */
  readTextFile?: (path: string) => Promise<string>;
  /** Writes a UTF-8 file. Rejects with an error whose message names the path and a system `code`. */
  writeTextFile?: (path: string, text: string, options?: WriteFileOptions) => Promise<void>;
  /** Renames a file, atomically replacing `to` when it exists (same file system). */
  rename?: (from: string, to: string) => Promise<void>;
  /** Removes a file. */
  removeFile?: (path: string) => Promise<void>;
  /** Creates a folder and its missing parents (mode 0o755). */
  makeDir?: (path: string) => Promise<void>;
  /** The working directory, against which relative paths resolve. */
  cwd?: () => string | undefined;
  /** Lists a folder's entries (any order). Rejects with an error whose message names the path. */
  readDir?: (path: string) => Promise<DirEntry[]>;
  /** Reads an environment variable. */
  env?: (name: string) => string | undefined;
  /** The user's home directory. */
  homeDir?: () => string | undefined;
  /** Runs a program to completion. Rejects with an error with `code: "ENOENT"` when it is not found. */
  spawn?: (command: string, options: SpawnOptions) => Promise<SpawnResult>;
  /** Listens for TCP connections (port-forward's local listener). */
  listenTcp?: (options: ListenTcpOptions) => Promise<TcpListener>;
}

/** Thrown when the configuration needs something the current runtime cannot do. */
export class RuntimeCapabilityError extends Error {
  /** The runtime that lacks the capability. */
  readonly runtime: string;
  /** Creates the error: `what` is the missing capability, `wayOut` what the user can do instead. */
  constructor(runtime: string, what: string, wayOut: string, options?: ErrorOptions) {
    super(`The ${runtime} runtime cannot ${what}: ${wayOut}`, options);
    this.name = "RuntimeCapabilityError";
    this.runtime = runtime;
  }
}
