/**
 * One container instance's log, stored the way a CRI runtime stores it: one line per output line,
 * `<RFC3339Nano timestamp> <stdout|stderr> F <text>`. Read back as the kubelet serves
 * `/containerLogs/...`: `tailLines`, `sinceTime`, `timestamps`, `limitBytes` and `follow` (which streams new
 * lines until the container instance has exited).
 *
 * @module
 */

/** Output beyond this many bytes is dropped (one marker line says so), so a chatty container cannot fill the disk. */
export const MAX_LOG_BYTES = 32 * 1024 * 1024;

/** How to read a log (the query parameters of the kubelet's `/containerLogs` endpoint). */
export interface LogReadOptions {
  follow?: boolean;
  tailLines?: number;
  timestamps?: boolean;
  /** Only lines written at or after this time. */
  sinceTime?: Date;
  limitBytes?: number;
  signal?: AbortSignal;
}

/** Go's RFC3339Nano with a fixed nine-digit fraction, as the kubelet prints timestamps. */
export function formatTimestamp(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const iso = new Date(whole - (whole % 1000)).toISOString().slice(0, 19);
  const nanos = Math.round((epochMs - (whole - (whole % 1000))) * 1e6);
  return `${iso}.${String(Math.min(nanos, 999_999_999)).padStart(9, "0")}Z`;
}

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

interface Entry {
  time: string;
  stream: string;
  text: string;
}

function parseLine(line: string): Entry | undefined {
  const a = line.indexOf(" ");
  const b = line.indexOf(" ", a + 1);
  const c = line.indexOf(" ", b + 1);
  if (a < 0 || b < 0 || c < 0) return undefined;
  return { time: line.slice(0, a), stream: line.slice(a + 1, b), text: line.slice(c + 1) };
}

/** The log file of one container instance; written by the kubelet, read by the log server. */
export class ContainerLog {
  readonly path: string;
  #file: Deno.FsFile;
  #partial: Record<string, string> = {};
  #bytes = 0;
  #closed = false;
  #wake: () => void = () => {};
  #changed: Promise<void>;
  #now: () => number;
  #enc = new TextEncoder();

  /** Creates (or truncates) the log file at `path`; `now` (epoch ms) is injectable for tests. */
  constructor(path: string, options: { now?: () => number } = {}) {
    this.path = path;
    this.#now = options.now ?? nowMs;
    this.#file = Deno.openSync(path, { create: true, write: true, truncate: true });
    this.#changed = new Promise((r) => this.#wake = r);
  }

  /** True once the container instance has exited and everything it wrote is in the file. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Appends output of `stream`; only whole lines are written, a trailing partial line waits for more. */
  append(stream: "stdout" | "stderr", text: string): void {
    if (this.#closed) return;
    const all = (this.#partial[stream] ?? "") + text;
    const lines = all.split("\n");
    this.#partial[stream] = lines.pop()!;
    for (const l of lines) this.#writeLine(stream, l);
    this.#notify();
  }

  #writeLine(stream: string, text: string): void {
    if (this.#bytes >= MAX_LOG_BYTES) return;
    let line = `${formatTimestamp(this.#now())} ${stream} F ${text}\n`;
    if (this.#bytes + line.length > MAX_LOG_BYTES) {
      line =
        `${formatTimestamp(this.#now())} stderr F kubelet: log limit of ${MAX_LOG_BYTES} bytes reached; ` +
        `further output dropped\n`;
      this.#bytes = MAX_LOG_BYTES;
    }
    const bytes = this.#enc.encode(line);
    this.#bytes += bytes.length;
    let off = 0;
    while (off < bytes.length) off += this.#file.writeSync(bytes.subarray(off));
  }

  #notify(): void {
    const wake = this.#wake;
    this.#changed = new Promise((r) => this.#wake = r);
    wake();
  }

  /** Writes pending partial lines and ends every follower. */
  close(): void {
    if (this.#closed) return;
    for (const [stream, rest] of Object.entries(this.#partial)) if (rest) this.#writeLine(stream, rest);
    this.#partial = {};
    this.#closed = true;
    this.#file.close();
    this.#notify();
  }

  /** The last lines of the log as plain text (for a termination message). */
  async lastText(maxLines: number, maxBytes: number): Promise<string> {
    const { entries } = await this.#readFrom(0);
    let text = entries.slice(-maxLines).map((e) => e.text + "\n").join("");
    if (text.length > maxBytes) text = text.slice(text.length - maxBytes);
    return text;
  }

  async #readFrom(offset: number): Promise<{ entries: Entry[]; offset: number }> {
    let data: Uint8Array;
    try {
      data = await Deno.readFile(this.path);
    } catch {
      return { entries: [], offset };
    }
    const end = data.lastIndexOf(10) + 1;
    if (end <= offset) return { entries: [], offset };
    const text = new TextDecoder().decode(data.subarray(offset, end));
    const entries: Entry[] = [];
    for (const l of text.split("\n")) {
      const e = l ? parseLine(l) : undefined;
      if (e) entries.push(e);
    }
    return { entries, offset: end };
  }

  /** The log as the kubelet serves it: a byte stream of lines, optionally following new output. */
  read(options: LogReadOptions = {}): ReadableStream<Uint8Array> {
    const enc = this.#enc;
    const since = options.sinceTime?.getTime();
    let left = options.limitBytes ?? Infinity;
    let offset = 0;
    let first = true;
    const format = (e: Entry) => options.timestamps ? `${e.time} ${e.text}\n` : `${e.text}\n`;
    const keep = (e: Entry) => since === undefined || Date.parse(e.time) >= since;
    // Ends a follower when the caller aborts or the reader cancels (the client went away).
    const stop = new AbortController();
    options.signal?.addEventListener("abort", () => stop.abort(), { once: true });
    return new ReadableStream<Uint8Array>({
      cancel: () => stop.abort(),
      pull: async (controller) => {
        while (true) {
          if (stop.signal.aborted || left <= 0) return controller.close();
          const changed = this.#changed;
          const wasClosed = this.#closed;
          const r = await this.#readFrom(offset);
          offset = r.offset;
          let entries = r.entries.filter(keep);
          if (first && options.tailLines !== undefined) {
            entries = options.tailLines <= 0 ? [] : entries.slice(-options.tailLines);
          }
          first = false;
          if (entries.length > 0) {
            let bytes = enc.encode(entries.map(format).join(""));
            if (bytes.length > left) bytes = bytes.subarray(0, left);
            left -= bytes.length;
            controller.enqueue(bytes);
            return;
          }
          if (!options.follow || wasClosed) return controller.close();
          await new Promise<void>((resolve) => {
            const onAbort = () => resolve();
            stop.signal.addEventListener("abort", onAbort, { once: true });
            changed.then(() => {
              stop.signal.removeEventListener("abort", onAbort);
              resolve();
            });
          });
        }
      },
    });
  }
}
