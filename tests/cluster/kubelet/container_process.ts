/**
 * One run of a container: a local process in its own session and process group (`setsid`), so that
 * signals reach everything it started, as they would in a container's PID namespace. Its stdout and stderr
 * go to a {@linkcode ContainerLog}. When the main process exits, the rest of its group is killed.
 *
 * The group id is recorded as a file in `groupsDir` while the process lives, so the cluster's watchdog can
 * kill it even when the kubelet itself died.
 *
 * @module
 */
import type { ContainerLog } from "./container_log.ts";

/** How a container process ended. */
export interface ContainerExit {
  exitCode: number;
  /** The signal number that ended it, when a signal did. */
  signal?: number;
  /** Set when the process could not be started at all. */
  startError?: string;
}

/** What to run. */
export interface ContainerProcessOptions {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  log: ContainerLog;
  groupsDir: string;
  /** Keep standard input open for `attach` (the container's `stdin: true`). */
  stdin?: boolean;
}

/** A listener of a container's live output (for `attach`). */
export type OutputListener = (stream: "stdout" | "stderr", bytes: Uint8Array) => void;

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };

/** A running container process. */
export class ContainerProcess {
  /** Resolves when the process (and its output) has ended. */
  readonly exited: Promise<ContainerExit>;
  #child?: Deno.ChildProcess;
  #done = false;
  #listeners = new Set<OutputListener>();
  #stdin?: WritableStreamDefaultWriter<Uint8Array>;

  constructor(options: ContainerProcessOptions) {
    this.exited = this.#run(options);
  }

  async #run(o: ContainerProcessOptions): Promise<ContainerExit> {
    let child: Deno.ChildProcess;
    try {
      child = this.#child = new Deno.Command("setsid", {
        args: o.argv,
        env: o.env,
        clearEnv: true,
        cwd: o.cwd,
        stdin: o.stdin ? "piped" : "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (e) {
      this.#done = true;
      const msg = `starting ${JSON.stringify(o.argv)}: ${e instanceof Error ? e.message : e}`;
      o.log.append("stderr", `${msg}\n`);
      o.log.close();
      return { exitCode: 128, startError: msg };
    }
    if (o.stdin) this.#stdin = child.stdin.getWriter();
    const marker = `${o.groupsDir}/${child.pid}`;
    await Deno.writeTextFile(marker, "").catch(() => {});
    const pump = async (stream: ReadableStream<Uint8Array>, name: "stdout" | "stderr") => {
      const decoder = new TextDecoder();
      try {
        for await (const bytes of stream) {
          for (const l of this.#listeners) l(name, bytes);
          o.log.append(name, decoder.decode(bytes, { stream: true }));
        }
      } catch { /* the pipe broke: the process is gone */ }
    };
    const pumps = Promise.all([pump(child.stdout, "stdout"), pump(child.stderr, "stderr")]);
    const status = await child.status;
    this.#done = true;
    // The main process is gone: end the rest of its group, as a container runtime ends the container.
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch { /* no one left */ }
    await Promise.race([pumps, new Promise((r) => setTimeout(r, 2000))]);
    o.log.close();
    await Deno.remove(marker).catch(() => {});
    if (status.signal) {
      return { exitCode: 128 + (SIGNALS[status.signal] ?? 0), signal: SIGNALS[status.signal] };
    }
    // `setsid` itself reports a program it could not run with 126/127 and a message on stderr.
    return { exitCode: status.code };
  }

  /** Subscribes to the live output (attach); returns the unsubscribe function. */
  onOutput(listener: OutputListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The writer of the process's standard input, when started with `stdin`. */
  get stdin(): WritableStreamDefaultWriter<Uint8Array> | undefined {
    return this.#done ? undefined : this.#stdin;
  }

  /** Sends `signal` to the container's whole process group. */
  signal(signal: "SIGTERM" | "SIGKILL"): void {
    if (this.#done || !this.#child) return;
    try {
      Deno.kill(-this.#child.pid, signal);
    } catch { /* already gone */ }
  }
}
