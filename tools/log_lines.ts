/**
 * Container logs as text lines (what `kubectl logs` prints, as an async iterable): follow, since,
 * tail lines, timestamps, previous and the container, over `pods(ns).streamLogs()`.
 *
 * @module
 */
import type { LogSubresource } from "../clientset/resource_client.ts";
import type { PodLogOptions } from "../meta/options.ts";

/** Options of {@linkcode streamLogLines}: the log options, and the longest line kept whole. */
export interface LogLinesOptions extends PodLogOptions {
  /**
   * A line longer than this many characters (default 1 MiB) is yielded in pieces of this length, so a
   * container that never writes a newline cannot make the reader's buffer grow without bound.
   */
  maxLineLength?: number;
}

/**
 * The lines of a container's log. Iterate it once (`for await`); leaving the loop, `cancel()` or
 * `await using` closes the connection. The same lines are readable as the web stream `readable`.
 */
export interface LogLineStream extends AsyncIterable<string>, AsyncDisposable {
  /** The lines as a web stream (read it or iterate this object, not both). */
  readonly readable: ReadableStream<string>;
  /** Closes the log stream; the iteration ends. Idempotent. */
  cancel(): Promise<void>;
  /** Closes the log stream, as {@linkcode LogLineStream.cancel}. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A transform from text chunks to lines: each line without its `\n` (or `\r\n`); a last line without
 * a newline is yielded at the end. Lines longer than `maxLineLength` characters are split.
 *
 * @example
 * ```ts
 * import { LineSplitStream } from "@kubeweb/client/tools";
 *
 * const lines = ReadableStream.from(["one\ntw", "o\nthree"]).pipeThrough(new LineSplitStream());
 * const seen: string[] = [];
 * for await (const line of lines) seen.push(line);
 * console.log(seen); // ["one", "two", "three"]
 * ```
 */
export class LineSplitStream extends TransformStream<string, string> {
  /** Creates the transform; lines beyond `maxLineLength` characters (default 1 MiB) are split. */
  constructor(maxLineLength: number = 1 << 20) {
    if (!(maxLineLength >= 1)) throw new RangeError(`maxLineLength must be at least 1, got ${maxLineLength}`);
    let partial = "";
    const emit = (line: string, c: TransformStreamDefaultController<string>) =>
      c.enqueue(line.endsWith("\r") ? line.slice(0, -1) : line);
    super({
      transform(chunk, controller) {
        let text = partial + chunk;
        let nl: number;
        while ((nl = text.indexOf("\n")) !== -1) {
          let line = text.slice(0, nl);
          text = text.slice(nl + 1);
          while (line.length > maxLineLength) {
            controller.enqueue(line.slice(0, maxLineLength));
            line = line.slice(maxLineLength);
          }
          emit(line, controller);
        }
        while (text.length > maxLineLength) {
          controller.enqueue(text.slice(0, maxLineLength));
          text = text.slice(maxLineLength);
        }
        partial = text;
      },
      flush(controller) {
        if (partial !== "") emit(partial, controller);
        partial = "";
      },
    });
  }
}

class Lines implements LogLineStream {
  readonly readable: ReadableStream<string>;
  #iterated = false;

  constructor(readable: ReadableStream<string>) {
    this.readable = readable;
  }

  async cancel(): Promise<void> {
    await this.readable.cancel().catch(() => {});
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.cancel();
  }

  [Symbol.asyncIterator](): AsyncIterator<string> {
    if (this.#iterated) throw new TypeError("A log line stream can be iterated only once");
    this.#iterated = true;
    const reader = this.readable.getReader();
    return {
      async next(): Promise<IteratorResult<string>> {
        const { done, value } = await reader.read();
        if (done) {
          reader.releaseLock();
          return { done: true, value: undefined };
        }
        return { done: false, value };
      },
      async return(): Promise<IteratorResult<string>> {
        await reader.cancel().catch(() => {});
        return { done: true, value: undefined };
      },
    };
  }
}

/**
 * Opens a container's log and returns its lines (client-go's `GetLogs(...).Stream()`, split into
 * lines as `kubectl logs` prints them). The promise settles once the server answers: it rejects with
 * the server's error (no such pod or container, no previous instance), so a bad request fails here,
 * not in the loop. With `follow: true` the iteration runs until the container exits, the signal
 * aborts (it then rejects with the signal's reason) or the loop is left.
 *
 * @example Follow the last 10 lines of a container, with timestamps, for a minute
 * ```ts
 * import { newClientset } from "@kubeweb/client/clientset";
 * import { splitTimestamp, streamLogLines } from "@kubeweb/client/tools";
 * import type { RestConfig } from "@kubeweb/client/rest";
 *
 * declare const config: RestConfig;
 * const pods = newClientset(config).coreV1().pods("default");
 * const lines = await streamLogLines(pods, "web-0", {
 *   container: "app", follow: true, tailLines: 10, timestamps: true, signal: AbortSignal.timeout(60_000),
 * });
 * for await (const line of lines) {
 *   const { time, text } = splitTimestamp(line);
 *   console.log(time, text);
 * }
 * ```
 */
export async function streamLogLines(
  pods: Pick<LogSubresource, "streamLogs">,
  name: string,
  options: LogLinesOptions = {},
): Promise<LogLineStream> {
  const { maxLineLength, ...logOptions } = options;
  const split = new LineSplitStream(maxLineLength);
  const text = await pods.streamLogs(name, logOptions);
  return new Lines(text.pipeThrough(split));
}

/**
 * Splits a line read with `timestamps: true` into its RFC 3339 time and its text. A line without a
 * leading timestamp comes back whole, with `time` undefined.
 *
 * @example
 * ```ts
 * import { splitTimestamp } from "@kubeweb/client/tools";
 *
 * console.log(splitTimestamp("2026-12-01T20:00:00.123456789Z hello world"));
 * // { time: "2026-12-01T20:00:00.123456789Z", text: "hello world" }
 * ```
 */
export function splitTimestamp(line: string): { time: string | undefined; text: string } {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /.exec(line);
  if (m === null) return { time: undefined, text: line };
  return { time: m[1], text: line.slice(m[0].length) };
}
