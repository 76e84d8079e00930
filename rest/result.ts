/**
 * {@linkcode Result}: the successful answer of a REST request, with its body fully read.
 *
 * @module
 */

/** One decoder and encoder for every result: a whole buffer keeps no state between calls. */
const DECODER = new TextDecoder();
const ENCODER = new TextEncoder();

/**
 * Whether `text` holds only JSON whitespace. It stops at the first other character, and it neither
 * copies the text (as `trim()` would) nor runs a regular expression on it: V8 keeps the subject of
 * the last match alive (for the legacy `RegExp.input`), which would hold a large list's text for as
 * long as the next match anywhere in the program does not come.
 */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return true;
}

/**
 * A 2xx answer of the API server (client-go's `rest.Result`): status code, headers, the server's
 * warnings and the body, decoded on demand.
 *
 * The body is given as bytes or as text (a request reads a JSON or text answer as text, as
 * `fetch` + `JSON.parse(await res.text())` does): the other form is made when first asked for, so a
 * large list is held once, as the text `into()` parses.
 *
 * @example
 * ```ts
 * import { Result } from "@kubeweb/client/rest";
 *
 * const r = new Result(200, new Headers(), new TextEncoder().encode('{"kind":"Pod"}'), []);
 * console.log(r.into<{ kind: string }>().kind); // "Pod"
 * ```
 */
export class Result {
  /** The HTTP status code. */
  readonly statusCode: number;
  /** The response headers. */
  readonly headers: Headers;
  /** Texts of the `Warning` headers of the response. */
  readonly warnings: string[];
  #body: Uint8Array | undefined;
  #text: string | undefined;

  /** Wraps a read response body: its bytes, or its text (decoded UTF-8). */
  constructor(statusCode: number, headers: Headers, body: Uint8Array | string, warnings: string[]) {
    this.statusCode = statusCode;
    this.headers = headers;
    if (typeof body === "string") this.#text = body;
    else this.#body = body;
    this.warnings = warnings;
  }

  /**
   * The body parsed as JSON.
   *
   * @throws {TypeError} when the body is empty.
   * @throws {SyntaxError} when the body is not JSON.
   */
  into<T>(): T {
    const text = this.text();
    if (isBlank(text)) throw new TypeError(`The response body is empty (status ${this.statusCode})`);
    return JSON.parse(text) as T;
  }

  /** The body bytes (of a body given as text: the text encoded as UTF-8, made once). */
  raw(): Uint8Array {
    return this.#body ??= ENCODER.encode(this.#text!);
  }

  /** The body as UTF-8 text. */
  text(): string {
    return this.#text ??= DECODER.decode(this.#body!);
  }
}
