/**
 * The frame decoder of watch streams: bytes of a watch response body to decoded frames (see
 * `decodeWatchStream` for the format). Internal to the rest layer.
 *
 * The wire format is a sequence of JSON objects `{"type": T, "object": {...}}`. The API server writes
 * one per line, but the format does not need the newline, so frames are found by tracking brace depth
 * and string state across chunks where needed. The common case (a frame ends on a newline) is decoded
 * without looking at every character: the line is handed to `JSON.parse`, which checks it. Each chunk
 * is decoded from UTF-8 once, every character is scanned at most once and every frame is parsed at
 * most twice, so a frame of tens of megabytes costs linear time.
 *
 * @module
 */
import { WatchDecodeError } from "./errors.ts";

const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Matches where a frame may end inside a stretch of text: a `}` followed (after whitespace) by the end
 * of the text or by a character that cannot follow `}` inside a JSON object (a `{` of the next frame,
 * say). Inside a valid frame a `}` outside strings is always followed by `,`, `}` or `]`, so text
 * without a match holds no complete frame of a valid stream, and scanning it can wait.
 */
const MAY_END = /\}\s*(?:[^\s,\]}"\\]|$)/g;

const FAILED: unique symbol = Symbol("failed");

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return FAILED;
  }
}

function describeType(t: unknown): string {
  const s = t === undefined ? "(none)" : JSON.stringify(t) ?? String(t);
  return s.length > 64 ? s.slice(0, 63) + "…" : s;
}

/** UTF-8 byte length of `s[from..to)` (text decoded by TextDecoder: surrogates come in pairs). */
function utf8Length(s: string, from = 0, to: number = s.length): number {
  let n = 0;
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k);
    n += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
  }
  return n;
}

/** Byte length of a UTF-8 sequence starting with `lead` (1 for anything that does not start one). */
function sequenceLength(lead: number): number {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
}

/** The end of the last whole UTF-8 character in `bytes[from..]` (bytes after it start a character). */
function wholeCharsEnd(bytes: Uint8Array, from: number): number {
  const n = bytes.length;
  let i = n - 1;
  while (i >= from && i > n - 4 && (bytes[i] & 0xc0) === 0x80) i--;
  if (i < from || (bytes[i] & 0xc0) === 0x80) return n; // No lead byte in reach: invalid, decode as is.
  return i + sequenceLength(bytes[i]) > n ? i : n;
}

/**
 * Splits the stream into frames and decodes them. `push` and `end` append the decoded events to `out`
 * and return a WatchDecodeError (after appending every good event before it) when the stream cannot
 * be decoded; after an error the decoder must not be used again.
 *
 * Each chunk is decoded to text once (a character split between chunks is carried over). Within the
 * text, a frame that ends on a newline is handed to `JSON.parse` directly. The part of a frame at the
 * end of a chunk is scanned only if it may hold a frame's end ({@linkcode MAY_END}); otherwise the next
 * chunk's first newline most likely ends it. A frame that does not end that way is scanned once from
 * its start, and then incrementally, so nothing is scanned twice and every frame is parsed at most
 * twice (one failed try on a line).
 */
export class FrameDecoder {
  readonly #utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
  /** The largest frame accepted, in bytes. */
  readonly #max: number;
  /** UTF-16 length of #pieces; each code unit is 1 to 3 bytes of UTF-8. */
  #units = 0;
  /** UTF-8 bytes of the first #unitsKnown units of #pieces (counted only for frames near the limit). */
  #bytesKnown = 0;
  #unitsKnown = 0;
  /** Bytes of a character split by the end of the previous chunk. */
  #carry: Uint8Array | undefined;
  /** Frames seen so far (the 1-based number of the current one). */
  #count = 0;
  /** Text of the unfinished frame, when #inFrame. */
  #pieces: string[] = [];
  #inFrame = false;
  /** Whether the scanner state covers all of #pieces (else nothing of it was scanned). */
  #scanned = false;
  /** Whether to try the next newline as the end of the unfinished frame (one try per frame). */
  #tryLine = false;
  // Scanner state at the end of #pieces.
  #depth = 0;
  #inString = false;
  #escape = false;

  constructor(maxFrameBytes: number) {
    this.#max = maxFrameBytes;
  }

  push(chunk: Uint8Array, out: unknown[]): WatchDecodeError | undefined {
    const s = this.#text(chunk);
    if (s.length === 0) return undefined;
    if (!this.#inFrame) return this.#frames(s, 0, out);
    return this.#continue(s, out);
  }

  /** The stream ended: decode what is left; an unfinished frame is an error. */
  end(out: unknown[]): WatchDecodeError | undefined {
    let rest = "";
    if (this.#carry) {
      rest = this.#utf8.decode(this.#carry);
      this.#carry = undefined;
    }
    if (this.#inFrame && !this.#scanned) {
      // Never scanned: look for whole frames in it (an invalid stream may have some).
      const text = this.#pending() + rest;
      this.#resetFrame();
      const err = this.#frames(text, 0, out, Infinity);
      if (err) return err;
    } else if (rest !== "") {
      const err = this.#inFrame ? this.#continue(rest, out) : this.#frames(rest, 0, out, Infinity);
      if (err) return err;
    }
    if (!this.#inFrame) return undefined;
    const n = this.#count + 1;
    const bytes = new TextEncoder().encode(this.#pending()).length;
    return new WatchDecodeError(
      `Watch stream truncated: it ended inside a frame of ${bytes} bytes (event ${n})`,
      { event: n },
    );
  }

  /** Decodes a chunk, carrying a character split at its end over to the next chunk. */
  #text(chunk: Uint8Array): string {
    let head = "";
    let start = 0;
    if (this.#carry) {
      const carry = this.#carry;
      const need = sequenceLength(carry[0]) - carry.length;
      while (start < need && start < chunk.length && (chunk[start] & 0xc0) === 0x80) start++;
      const joined = new Uint8Array(carry.length + start);
      joined.set(carry);
      joined.set(chunk.subarray(0, start), carry.length);
      if (start < need && start === chunk.length) {
        this.#carry = joined; // Still incomplete.
        return "";
      }
      this.#carry = undefined;
      head = this.#utf8.decode(joined);
    }
    const end = wholeCharsEnd(chunk, start);
    if (end < chunk.length) this.#carry = chunk.slice(end);
    const body = start === 0 && end === chunk.length
      ? this.#utf8.decode(chunk)
      : this.#utf8.decode(chunk.subarray(start, end));
    return head === "" ? body : head + body;
  }

  #pending(): string {
    if (this.#pieces.length !== 1) this.#pieces = [this.#pieces.join("")];
    return this.#pieces[0];
  }

  #resetFrame(): void {
    this.#inFrame = false;
    this.#scanned = false;
    this.#tryLine = false;
    this.#pieces = [];
    this.#units = 0;
    this.#bytesKnown = 0;
    this.#unitsKnown = 0;
    this.#depth = 0;
    this.#inString = false;
    this.#escape = false;
  }

  /** Continues the unfinished frame with the text `s` of the next chunk. */
  #continue(s: string, out: unknown[]): WatchDecodeError | undefined {
    let triedLine = -1; // The newline of `s` tried as the frame's end, if any.
    if (this.#tryLine) {
      const nl = s.indexOf("\n");
      if (nl >= 0) {
        // The frame most likely ends on this newline (frames so far did): try that first, once.
        this.#tryLine = false;
        triedLine = nl;
        let j = nl - 1;
        while (j >= 0 && isSpace(s.charCodeAt(j))) j--;
        const candidate = j >= 0 && s.charCodeAt(j) === CLOSE ? this.#pending() + s.slice(0, j + 1) : "";
        if (candidate !== "" && this.#fits(candidate)) {
          const v = tryParse(candidate);
          if (v !== FAILED) {
            this.#resetFrame();
            const err = this.#emit(v, out);
            if (err) return err;
            return this.#frames(s, nl + 1, out);
          }
        }
      } else if (!this.#scanned) {
        MAY_END.lastIndex = 0;
        if (!MAY_END.test(s)) return this.#hold(s); // Still no possible end: keep waiting for the newline.
      }
    }
    if (!this.#scanned) {
      // Scan the frame from its start, once; from then on the scan is incremental. The unscanned
      // text holds no newline, so the one tried above is the first.
      const pending = this.#pending();
      this.#resetFrame();
      return this.#frames(pending + s, 0, out, 1, triedLine < 0 ? -1 : pending.length + triedLine);
    }
    const end = this.#scan(s, 0);
    if (end < 0) return this.#hold(s);
    const frame = this.#pending() + s.slice(0, end);
    this.#resetFrame();
    const err = this.#decode(frame, out);
    if (err) return err;
    return this.#frames(s, end, out);
  }

  /**
   * Decodes the frames of `s` from `i`, outside any frame. A frame that starts before `scanBefore`
   * and runs to the end of `s` is scanned at once rather than left for later; lines ending at or
   * before `noLineUntil` are known not to be single frames.
   */
  #frames(
    s: string,
    i: number,
    out: unknown[],
    scanBefore = 0,
    noLineUntil = -1,
  ): WatchDecodeError | undefined {
    const n = s.length;
    let nl = -2; // The next newline at or after i: -2 not looked for yet, -1 none.
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c !== OPEN) {
        if (isSpace(c)) {
          i++;
          continue;
        }
        const at = ++this.#count;
        return new WatchDecodeError(`Invalid JSON at event ${at}: the frame does not start with "{"`, {
          event: at,
        });
      }
      if (nl !== -1 && nl < i) nl = s.indexOf("\n", i);
      if (nl > noLineUntil) {
        // Fast path: the line is most likely exactly one frame, and JSON.parse checks that.
        let j = nl - 1;
        while (j > i && isSpace(s.charCodeAt(j))) j--;
        if (s.charCodeAt(j) === CLOSE && this.#fits(s, i, j + 1)) {
          const v = tryParse(s.slice(i, j + 1));
          if (v !== FAILED) {
            const err = this.#emit(v, out);
            if (err) return err;
            i = nl + 1;
            continue;
          }
        }
        noLineUntil = nl;
      }
      if (nl === -1 && i >= scanBefore) {
        MAY_END.lastIndex = i;
        if (!MAY_END.test(s)) {
          // The frame goes on in the next chunk, whose first newline most likely ends it.
          this.#inFrame = true;
          this.#scanned = false;
          this.#tryLine = true;
          return this.#hold(i === 0 ? s : s.slice(i));
        }
      }
      const end = this.#scan(s, i);
      if (end < 0) {
        this.#inFrame = true;
        this.#scanned = true;
        this.#tryLine = nl === -1;
        return this.#hold(i === 0 ? s : s.slice(i));
      }
      const err = this.#decode(s.slice(i, end), out);
      if (err) return err;
      i = end;
    }
    return undefined;
  }

  /**
   * Scans `s` from `from` (a frame's `{`, or the continuation of the unfinished frame) for the end of
   * the frame. Returns the index after its closing brace, or -1 with the state kept for the next text.
   */
  #scan(s: string, from: number): number {
    let depth = this.#depth;
    let inString = this.#inString;
    let escape = this.#escape;
    const n = s.length;
    for (let k = from; k < n; k++) {
      const c = s.charCodeAt(k);
      if (inString) {
        if (escape) escape = false;
        else if (c === BACKSLASH) escape = true;
        else if (c === QUOTE) inString = false;
      } else if (c === QUOTE) {
        inString = true;
      } else if (c === OPEN) {
        depth++;
      } else if (c === CLOSE && --depth === 0) {
        this.#depth = 0;
        this.#inString = false;
        this.#escape = false;
        return k + 1;
      }
    }
    this.#depth = depth;
    this.#inString = inString;
    this.#escape = escape;
    return -1;
  }

  /** True when `s[from..to)` is within the frame size limit. */
  #fits(s: string, from = 0, to: number = s.length): boolean {
    const units = to - from;
    if (units > this.#max) return false;
    return units * 3 <= this.#max || utf8Length(s, from, to) <= this.#max;
  }

  /** The error for a frame past the limit (event `at`); drops the text held for it. */
  #tooLarge(at: number): WatchDecodeError {
    this.#resetFrame();
    return new WatchDecodeError(
      `Watch event ${at} is too large: its frame is longer than ${this.#max} bytes (the maxFrameBytes limit)`,
      { event: at },
    );
  }

  /** Keeps `piece` as the next part of the unfinished frame, or fails when the frame is past the limit. */
  #hold(piece: string): WatchDecodeError | undefined {
    this.#pieces.push(piece);
    this.#units += piece.length;
    if (this.#units * 3 <= this.#max) return undefined;
    if (this.#units <= this.#max) {
      // Near the limit: count the bytes of the pieces not counted yet (each piece is counted once).
      let need = this.#units - this.#unitsKnown;
      for (let k = this.#pieces.length - 1; need > 0; k--) {
        const p = this.#pieces[k];
        const take = Math.min(need, p.length);
        this.#bytesKnown += utf8Length(p, p.length - take, p.length);
        need -= take;
      }
      this.#unitsKnown = this.#units;
      if (this.#bytesKnown <= this.#max) return undefined;
    }
    return this.#tooLarge(this.#count + 1);
  }

  /** Decodes one whole frame found by the scanner. */
  #decode(text: string, out: unknown[]): WatchDecodeError | undefined {
    if (!this.#fits(text)) return this.#tooLarge(++this.#count);
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      const at = ++this.#count;
      return new WatchDecodeError(`Invalid JSON at event ${at}: the frame is not a JSON object`, {
        event: at,
        cause: e,
      });
    }
    return this.#emit(v, out);
  }

  #emit(v: unknown, out: unknown[]): WatchDecodeError | undefined {
    const at = ++this.#count;
    const e = v as { type?: unknown; object?: unknown };
    const t = e.type;
    if (t === "ADDED" || t === "MODIFIED" || t === "DELETED" || t === "BOOKMARK" || t === "ERROR") {
      if (typeof e.object !== "object" || e.object === null || Array.isArray(e.object)) {
        return new WatchDecodeError(`Watch event ${at} (${t}) has no object`, { event: at });
      }
      out.push(v);
      return undefined;
    }
    return new WatchDecodeError(`Unknown watch event type ${describeType(t)} at event ${at}`, { event: at });
  }
}
