/**
 * Server warnings: parsing of `Warning` response headers (RFC 7234: `warn-code warn-agent
 * "warn-text" ["warn-date"]`, several per header separated by commas) and the handlers they are given
 * to (client-go's `rest.WarningHandler`). The API server sends deprecation and validation notices this
 * way, always with code 299.
 *
 * @module
 */

/** One parsed warning. */
export interface Warning {
  /** The three-digit warn-code (the API server uses 299, "miscellaneous persistent warning"). */
  code: number;
  /** The warn-agent: a host name, or "-" when unknown. */
  agent: string;
  /** The warning text, unquoted. */
  text: string;
}

/** Receives the warnings of each response. */
export type WarningHandler = (warning: Warning) => void;

/**
 * Parses the value of one or more `Warning` headers (several headers arrive joined by ", ").
 * Malformed entries are skipped; parsing resumes at the next comma outside a quoted string.
 *
 * @example
 * ```ts
 * import { parseWarningHeader } from "@kubeweb/client/rest";
 *
 * const value = '299 - "v1beta1 is deprecated, use v1", 299 - "unknown field \\"x\\""';
 * console.log(parseWarningHeader(value).map((w) => w.text));
 * // ["v1beta1 is deprecated, use v1", 'unknown field "x"']
 * ```
 */
export function parseWarningHeader(value: string): Warning[] {
  const out: Warning[] = [];
  let i = 0;
  const n = value.length;
  const skipSpaces = () => {
    while (i < n && (value[i] === " " || value[i] === "\t")) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < n && value[i] !== " " && value[i] !== "\t" && value[i] !== ",") i++;
    return value.slice(start, i);
  };
  const quoted = (): string | undefined => {
    if (value[i] !== '"') return undefined;
    i++;
    let text = "";
    while (i < n) {
      const c = value[i++];
      if (c === "\\" && i < n) text += value[i++];
      else if (c === '"') return text;
      else text += c;
    }
    return undefined;
  };
  const skipToNextEntry = () => {
    let inQuote = false;
    while (i < n) {
      const c = value[i];
      if (inQuote && c === "\\") i++;
      else if (c === '"') inQuote = !inQuote;
      else if (c === "," && !inQuote) break;
      i++;
    }
    i++;
  };
  while (i < n) {
    skipSpaces();
    if (value[i] === ",") {
      i++;
      continue;
    }
    if (i >= n) break;
    const code = token();
    skipSpaces();
    const agent = token();
    skipSpaces();
    const text = quoted();
    if (!/^\d{3}$/.test(code) || agent === "" || text === undefined) {
      skipToNextEntry();
      continue;
    }
    skipSpaces();
    if (value[i] === '"') quoted(); // the optional warn-date
    out.push({ code: Number(code), agent, text });
    skipToNextEntry();
  }
  return out;
}

/** Options of {@linkcode newDeduplicatingWarningHandler}. */
export interface DeduplicatingWarningHandlerOptions {
  /** Where messages go (default `console.warn`). */
  write?: (message: string) => void;
  /** Distinct messages remembered; when full, the oldest is forgotten (default 1000). */
  capacity?: number;
}

/**
 * A handler that writes each distinct code-299 warning once (client-go's deduplicating
 * `WarningWriter`), prefixed with "Warning: ".
 *
 * @example
 * ```ts
 * import { newDeduplicatingWarningHandler } from "@kubeweb/client/rest";
 *
 * const seen: string[] = [];
 * const handler = newDeduplicatingWarningHandler({ write: (m) => seen.push(m) });
 * handler({ code: 299, agent: "-", text: "deprecated" });
 * handler({ code: 299, agent: "-", text: "deprecated" });
 * console.log(seen); // ["Warning: deprecated"]
 * ```
 */
export function newDeduplicatingWarningHandler(
  options: DeduplicatingWarningHandlerOptions = {},
): WarningHandler {
  const write = options.write ?? ((m: string) => console.warn(m));
  const capacity = Math.max(1, options.capacity ?? 1000);
  const seen = new Set<string>();
  return (w: Warning): void => {
    if (w.code !== 299 || w.text === "" || seen.has(w.text)) return;
    if (seen.size >= capacity) seen.delete(seen.values().next().value!);
    seen.add(w.text);
    write(`Warning: ${w.text}`);
  };
}

/** A handler that ignores every warning (client-go's `NoWarnings`). */
export const NO_WARNINGS: WarningHandler = (_w: Warning): void => {};

let defaultHandler: WarningHandler = newDeduplicatingWarningHandler();

/**
 * Sets the handler used by REST clients that are given none (client-go's
 * `rest.SetDefaultWarningHandler`). The initial default writes each distinct warning once with
 * `console.warn`.
 *
 * @example Silence server warnings everywhere
 * ```ts
 * import { NO_WARNINGS, setDefaultWarningHandler } from "@kubeweb/client/rest";
 *
 * setDefaultWarningHandler(NO_WARNINGS);
 * ```
 */
export function setDefaultWarningHandler(handler: WarningHandler): void {
  defaultHandler = handler;
}

/** The handler used by REST clients that are given none. */
export function defaultWarningHandler(): WarningHandler {
  return defaultHandler;
}
