/**
 * Decoding of a JSON answer while its bytes arrive: a list's items are parsed chunk by chunk, so
 * most of the parsing is done by the time the last byte comes, and the list's text is never held
 * whole. Internal to the rest layer: `Request.into()` builds on it.
 *
 * The answer is cut into pieces that are each valid JSON when the whole is: the array of the
 * top-level object's `items` member, cut between its elements, and the rest (the envelope: kind,
 * apiVersion, metadata) with an empty array in its place. Outside that array every character is
 * scanned (strings skipped with `indexOf`); inside it only the brackets and strings that delimit its
 * elements are. Each chunk's complete elements are parsed with one `JSON.parse`, an element split
 * between chunks when it is complete. The result equals `JSON.parse` of the whole text; text that
 * is not JSON throws the `SyntaxError` of the piece that holds the fault.
 *
 * @module
 */

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const COMMA = 0x2c; // ,
const COLON = 0x3a; // :
const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Complete elements are parsed in batches of at least this many characters: V8's `JSON.parse`
 * allocates the objects of a text of 100 Ki characters or more in the old generation, as it does
 * for a whole list, so the young generation's collections do not copy every item on its way to the
 * cache. (Parsing each chunk's elements on their own made a fresh process's sync ~10 % slower.)
 */
const BATCH_CHARS = 128 * 1024;

/** {@linkcode stringEnd}: the string goes on past the text, and its next character is escaped. */
const ESCAPED_AT_END = -2;

/**
 * The end of a JSON string in `s` from `from` (inside the string): the index after its closing
 * quote; or, when the string goes on past `s`, -1, or {@linkcode ESCAPED_AT_END} when `s` ends
 * with an odd run of backslashes. `escaped`: the character at `from` is escaped (the text before
 * `s` ended with an odd run of backslashes).
 */
function stringEnd(s: string, from: number, escaped: boolean): number {
  const start = from;
  for (;;) {
    const q = s.indexOf('"', from);
    const at = q < 0 ? s.length : q;
    let b = at - 1;
    while (b >= from && s.charCodeAt(b) === BACKSLASH) b--;
    let run = at - 1 - b;
    if (b < from && from === start && escaped) run++;
    if (q < 0) return (run & 1) === 1 ? ESCAPED_AT_END : -1;
    if ((run & 1) === 0) return q + 1;
    from = q + 1;
  }
}

/** Where the decoder is: in the envelope before the items, inside the items array, or after it. */
const HEAD = 0;
const ITEMS = 1;
const TAIL = 2;

/** At depth 1 of the top-level object: what comes next. */
const EXPECT_KEY = 0;
const IN_KEY = 1;
const EXPECT_COLON = 2;
const EXPECT_VALUE = 3;
const IN_VALUE = 4;

/** How the items array is read (see {@linkcode JsonBodyDecoder.#guess}). */
const PROBE = 0;
const GUESS = 1;
const EXACT = 2;

/** Characters of the items array held before its first element is looked at. */
const PROBE_CHARS = 256;

/** Between the elements of the items array: what may come next. */
const FIRST = 0; // after "[": an element or "]"
const AFTER_ELEMENT = 1; // "," or "]"
const AFTER_COMMA = 2; // an element

/**
 * The decoder of one JSON body: `push` each chunk's bytes, then `end()` for the value. After a
 * `SyntaxError` the decoder must not be used again.
 */
export class JsonBodyDecoder {
  readonly #utf8 = new TextDecoder();
  /** Elements are parsed once their text reaches this many characters. */
  readonly #batchChars: number;
  readonly #probeChars: number;
  #phase = HEAD;
  /** Text of the envelope: everything but the items array's elements. */
  #envelope: string[] = [];
  /** The parsed items, when the items array was found. */
  #items: unknown[] | undefined;
  /** Whether any non-whitespace character was seen. */
  #any = false;

  // Scanner state, carried across chunks.
  #depth = 0;
  #inString = false;
  /** An odd run of backslashes ended the last chunk inside a string: its first character is escaped. */
  #escaped = false;
  /** State at depth 1 of a top-level object (HEAD and TAIL). */
  #member = EXPECT_KEY;
  /** Raw text of the depth-1 key being read, and the last complete one. */
  #keyPieces: string[] = [];
  #key = "";
  /** Whether the top-level value is an object (decided at its first character). */
  #topObject: boolean | undefined;
  /** The items array: state between elements, and the text of an element split between chunks. */
  #between = FIRST;
  #carry: string[] = [];
  #carryLength = 0;
  /** Text of complete elements not parsed yet (parsed once it reaches the batch size). */
  #batch: string[] = [];
  #batchLength = 0;
  /** A primitive element being read (a number or literal, which ends at a delimiter). */
  #inToken = false;
  /** How the items array is read: holding text until the first element shows, guessing cuts, or scanning. */
  #mode = EXACT;
  /** Text of the items array held while guessing; it starts at an element (or the array's start). */
  #held: string[] = [];
  #heldLength = 0;
  /** `},{"<first key>":`: where an element may end; the index of its `}` in the held text, or -1. */
  #pattern = "";
  #cut = -1;
  /** The last characters of the held text, for a pattern split between chunks. */
  #tail = "";
  /** Whether a guessed cut took elements (the held text then follows a comma). */
  #guessed = false;
  /** A second items member follows the array: its value, in the envelope, is the result's. */
  #duplicate = false;

  /**
   * `batchChars`: the size of the batches of elements parsed at once (default {@linkcode BATCH_CHARS});
   * `probeChars`: how much of the items array is held before its first element is looked at (default
   * {@linkcode PROBE_CHARS}). Tests make both small.
   */
  constructor(batchChars: number = BATCH_CHARS, probeChars: number = PROBE_CHARS) {
    this.#batchChars = batchChars;
    this.#probeChars = probeChars;
  }

  /** Decodes the next bytes of the body. */
  push(bytes: Uint8Array): void {
    const s = this.#utf8.decode(bytes, { stream: true });
    if (s.length > 0) this.#text(s);
  }

  /**
   * The decoded value, or undefined when the body holds only whitespace.
   *
   * @throws {SyntaxError} when the body is not JSON.
   */
  end(): unknown {
    const rest = this.#utf8.decode();
    if (rest.length > 0) this.#text(rest);
    if (this.#phase === ITEMS && this.#mode !== EXACT) this.#toExact();
    if (!this.#any) return undefined;
    if (this.#phase === ITEMS) throw new SyntaxError("Unexpected end of JSON input (inside the items array)");
    const envelope = JSON.parse(this.#envelope.join(""));
    if (this.#items !== undefined && !this.#duplicate) envelope.items = this.#items;
    return envelope;
  }

  #text(s: string): void {
    let i = 0;
    while (i < s.length) {
      if (this.#phase === ITEMS) {
        i = this.#mode === EXACT ? this.#scanItems(s, i) : this.#guess(i === 0 ? s : s.slice(i));
      } else {
        const at = this.#scanEnvelope(s, i);
        this.#envelope.push(at < 0 ? (i === 0 ? s : s.slice(i)) : s.slice(i, at));
        if (at < 0) return;
        // The items array begins at `at`: its "[" and a "]" stand in for it in the envelope.
        this.#envelope.push("[]");
        this.#phase = ITEMS;
        this.#mode = PROBE;
        this.#items = [];
        this.#between = FIRST;
        this.#depth = 0;
        i = at + 1;
      }
    }
  }

  /**
   * Takes the next text of the items array while guessing (PROBE and GUESS): it is held until the
   * first element shows the key items begin with, then cut at the last place that may end an
   * element (see {@linkcode JsonBodyDecoder.#cutAt}). Returns the end of `t`: everything is held.
   */
  #guess(t: string): number {
    if (this.#mode === PROBE) {
      this.#hold(t);
      if (this.#heldLength >= this.#probeChars) this.#probe();
      return Infinity;
    }
    const tail = this.#tail + t;
    const k = tail.lastIndexOf(this.#pattern);
    if (k >= 0) this.#cut = this.#heldLength - this.#tail.length + k;
    this.#tail = tail.length < this.#pattern.length
      ? tail
      : tail.slice(tail.length - this.#pattern.length + 1);
    this.#hold(t);
    if (this.#heldLength >= this.#batchChars && this.#cut >= 0) this.#cutAt();
    return Infinity;
  }

  #hold(t: string): void {
    this.#held.push(t);
    this.#heldLength += t.length;
  }

  /** Takes the held text out. */
  #takeHeld(): string {
    const text = this.#held.length === 1 ? this.#held[0] : this.#held.join("");
    this.#held = [];
    this.#heldLength = 0;
    return text;
  }

  /**
   * Learns how elements begin from the first one: an object whose first key is written plainly, as
   * `{"metadata":`. Then `}` `,` and that text mark where an element may end; otherwise (other
   * elements, whitespace between them) every element is found by scanning.
   */
  #probe(): void {
    const text = this.#takeHeld();
    let w = 0;
    while (w < text.length && isSpace(text.charCodeAt(w))) w++;
    const q = text.charCodeAt(w) === OPEN_OBJECT && text.charCodeAt(w + 1) === QUOTE
      ? text.indexOf('"', w + 2)
      : -1;
    const key = q > 0 && q - w <= 100 && text.charCodeAt(q + 1) === COLON ? text.slice(w + 2, q) : "";
    if (key === "" || key.indexOf("\\") >= 0) {
      this.#toExact(text);
      return;
    }
    this.#mode = GUESS;
    this.#pattern = `},{"${key}":`;
    this.#tail = "";
    this.#cut = -1;
    this.#guess(w === 0 ? text : text.slice(w));
  }

  /**
   * Parses the held elements up to the last place that may end one (a `}` followed by `,` and the
   * text elements begin with). `JSON.parse` of them as an array succeeds only if that place does end
   * an element: otherwise the text before it holds an unclosed string or bracket. When it fails,
   * every element from there on is found by scanning (which also finds any fault of the text).
   */
  #cutAt(): void {
    const text = this.#takeHeld();
    const cut = this.#cut;
    this.#cut = -1;
    let batch: unknown[];
    try {
      batch = JSON.parse("[" + text.slice(0, cut + 1) + "]");
    } catch {
      this.#toExact(text);
      return;
    }
    const items = this.#items!;
    for (let k = 0; k < batch.length; k++) items.push(batch[k]);
    this.#guessed = true;
    const rest = text.slice(cut + 2);
    this.#tail = rest.length < this.#pattern.length
      ? rest
      : rest.slice(rest.length - this.#pattern.length + 1);
    this.#hold(rest);
  }

  /**
   * Stops guessing: the held text (and `text`) is scanned from the start of an element or, before
   * any element was taken, from the array's start.
   */
  #toExact(text: string = this.#takeHeld()): void {
    this.#mode = EXACT;
    this.#between = this.#guessed ? AFTER_COMMA : FIRST;
    this.#depth = 0;
    if (text.length > 0) this.#text(text);
  }

  /**
   * Finds the end of a string from `i` (inside it): the index after its closing quote, or -1 when it
   * goes on past `s` (the escape state is kept for the next chunk).
   */
  #skipString(s: string, i: number): number {
    const end = stringEnd(s, i, i === 0 && this.#escaped);
    this.#escaped = end === ESCAPED_AT_END;
    return end < 0 ? -1 : end;
  }

  /**
   * Scans envelope text (before or after the items array) from `i`, tracking depth and, at depth 1
   * of a top-level object, its members. Returns the index of the items array's "[" when it begins in
   * `s` (only in HEAD), else -1.
   */
  #scanEnvelope(s: string, i: number): number {
    const n = s.length;
    let depth = this.#depth;
    while (i < n) {
      if (this.#inString) {
        const start = i;
        const end = this.#skipString(s, i);
        const key = depth === 1 && this.#member === IN_KEY;
        if (end < 0) {
          if (key) this.#keyPieces.push(s.slice(start));
          break;
        }
        this.#inString = false;
        if (key) {
          this.#keyPieces.push(s.slice(start, end - 1));
          this.#key = this.#keyPieces.join("");
          this.#keyPieces = [];
          this.#member = EXPECT_COLON;
          // A second items member after the array: JSON.parse keeps the last value, which the envelope holds.
          if (this.#phase === TAIL && isItemsKey(this.#key)) this.#duplicate = true;
        }
        i = end;
        continue;
      }
      const c = s.charCodeAt(i);
      if (isSpace(c)) {
        i++;
        continue;
      }
      this.#any = true;
      if (this.#topObject === undefined) this.#topObject = c === OPEN_OBJECT;
      if (depth === 1 && this.#topObject) {
        const m = this.#member;
        if (m === EXPECT_KEY && c === QUOTE) this.#member = IN_KEY;
        else if (m === EXPECT_COLON && c === COLON) this.#member = EXPECT_VALUE;
        else if (m === EXPECT_VALUE) {
          this.#member = IN_VALUE;
          if (c === OPEN_ARRAY && this.#phase === HEAD && isItemsKey(this.#key)) {
            this.#depth = depth;
            return i;
          }
        } else if (m === IN_VALUE && c === COMMA) this.#member = EXPECT_KEY;
      }
      if (c === QUOTE) this.#inString = true;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
      i++;
    }
    this.#depth = depth;
    return -1;
  }

  /** Scans the items array from `i`; returns where the envelope goes on in `s` (after the "]"), or `s.length`. */
  #scanItems(s: string, i: number): number {
    const n = s.length;
    let depth = this.#depth;
    /** Start of the first element that began in `s` (0 when one was carried in), and end of the last that ended. */
    let first = this.#carry.length > 0 || this.#inToken || depth > 0 || this.#inString ? 0 : -1;
    let last = -1;
    let closedAt = -1;
    let inString = this.#inString;
    let escaped = this.#escaped;
    let inToken = this.#inToken;
    let between = this.#between;
    while (i < n) {
      if (inString) {
        const end = stringEnd(s, i, i === 0 && escaped);
        escaped = end === ESCAPED_AT_END;
        if (end < 0) {
          i = n;
          break;
        }
        inString = false;
        i = end;
        if (depth === 0) {
          // A string element ended.
          between = AFTER_ELEMENT;
          last = i;
        }
        continue;
      }
      if (depth > 0) {
        // Inside an element: from string to string, counting the brackets between them.
        const q = s.indexOf('"', i);
        const stop = q < 0 ? n : q;
        for (; i < stop; i++) {
          const c = s.charCodeAt(i);
          if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
          else if ((c === CLOSE_OBJECT || c === CLOSE_ARRAY) && --depth === 0) break;
        }
        if (i < stop) {
          i++;
          between = AFTER_ELEMENT;
          last = i;
        } else if (q >= 0) {
          inString = true;
          i = q + 1;
        }
        continue;
      }
      const c = s.charCodeAt(i);
      if (inToken) {
        if (!isSpace(c) && c !== COMMA && c !== CLOSE_ARRAY) {
          i++;
          continue;
        }
        inToken = false;
        between = AFTER_ELEMENT;
        last = i;
      }
      if (isSpace(c)) {
        i++;
        continue;
      }
      if (c === COMMA) {
        if (between !== AFTER_ELEMENT) throw unexpected(c);
        between = AFTER_COMMA;
        i++;
        continue;
      }
      if (c === CLOSE_ARRAY) {
        if (between === AFTER_COMMA) throw unexpected(c);
        closedAt = i;
        break;
      }
      if (between === AFTER_ELEMENT) throw unexpected(c);
      // An element begins.
      if (first < 0) first = i;
      between = AFTER_ELEMENT; // Until it ends, nothing between elements is looked at.
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth = 1;
      else if (c === QUOTE) inString = true;
      else inToken = true;
      i++;
    }
    this.#inString = inString;
    this.#escaped = escaped;
    this.#inToken = inToken;
    this.#between = between;
    this.#depth = depth;
    const open = depth > 0 || this.#inString || this.#inToken;
    if (last >= 0) {
      // The elements that ended here (the carried one first) join the batch, after a comma when it
      // holds elements of earlier chunks (the separators between were checked and dropped).
      if (this.#batchLength > 0) this.#batch.push(",");
      for (const piece of this.#carry) this.#batch.push(piece);
      const run = s.slice(first, last);
      this.#batch.push(run);
      this.#batchLength += this.#carryLength + run.length;
      this.#carry = [];
      this.#carryLength = 0;
      if (this.#batchLength >= this.#batchChars) this.#parseBatch();
      if (open) this.#keep(s.slice(this.#openStart(s, last), i));
    } else if (open) {
      this.#keep(first <= 0 ? (i === n ? s : s.slice(0, i)) : s.slice(first, i));
    }
    if (closedAt >= 0 && this.#batchLength > 0) this.#parseBatch();
    if (closedAt < 0) return n;
    this.#phase = TAIL;
    this.#member = IN_VALUE;
    this.#depth = 1;
    return closedAt + 1;
  }

  /** Keeps text of the element open at the end of a chunk. */
  #keep(piece: string): void {
    this.#carry.push(piece);
    this.#carryLength += piece.length;
  }

  /** Parses the batch of complete elements into the items. */
  #parseBatch(): void {
    const batch: unknown[] = JSON.parse("[" + this.#batch.join("") + "]");
    this.#batch = [];
    this.#batchLength = 0;
    const items = this.#items!;
    for (let k = 0; k < batch.length; k++) items.push(batch[k]);
  }

  /** The start of the element open at the end of `s`: the first non-separator character after `from`. */
  #openStart(s: string, from: number): number {
    let k = from;
    while (k < s.length) {
      const c = s.charCodeAt(k);
      if (!isSpace(c) && c !== COMMA) break;
      k++;
    }
    return k;
  }
}

/** Whether the raw text of a key (between its quotes, escapes as written) is `items`. */
function isItemsKey(raw: string): boolean {
  if (raw === "items") return true;
  if (raw.length > 30 || raw.indexOf("\\") < 0) return false;
  try {
    return JSON.parse(`"${raw}"`) === "items";
  } catch {
    return false;
  }
}

function unexpected(c: number): SyntaxError {
  return new SyntaxError(
    `Unexpected ${JSON.stringify(String.fromCharCode(c))} in the items array of the JSON body`,
  );
}
