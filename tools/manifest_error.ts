/**
 * {@linkcode ManifestError}: one manifest document that could not be read or applied.
 *
 * @module
 */

/** Where a manifest document came from and what it is, as far as it could be read. */
export interface ManifestPosition {
  /** Position of the document among everything given (0-based; each item of a `List` counts). */
  index: number;
  /** The file (or other name) it came from, when known. */
  source?: string;
  /** The line its document starts on in `source` (1-based), when it came from YAML text. */
  line?: number;
  /** Its kind, when it could be read. */
  kind?: string;
  /** Its name, when it could be read. */
  name?: string;
  /** Its namespace, when set or defaulted. */
  namespace?: string;
}

function where(p: ManifestPosition): string {
  const what = p.kind || p.name
    ? ` (${[p.kind, p.name && JSON.stringify(p.name)].filter((x) => x).join(" ")})`
    : "";
  const from = (p.source === undefined ? "" : ` in ${p.source}`) +
    (p.line === undefined ? "" : ` at line ${p.line}`);
  return `Document ${p.index}${what}${from}`;
}

/**
 * A manifest document that failed on its own: it is not valid YAML, not an object, has no
 * apiVersion, kind or name, names a kind the server does not serve, or the server refused it. The
 * message names the document's index, kind, name and file; the server's error is `cause`.
 *
 * @example
 * ```ts
 * import { ManifestError } from "@kubeweb/client/tools";
 *
 * const e = new ManifestError({ index: 3, source: "app.yaml", line: 12, kind: "Deployment", name: "web" }, "the server refused it");
 * console.log(e.message); // 'Document 3 (Deployment "web") in app.yaml at line 12: the server refused it'
 * ```
 */
export class ManifestError extends Error {
  /** Position of the document among everything given (0-based). */
  readonly index: number;
  /** The file it came from, when known. */
  readonly source?: string;
  /** The line its document starts on (1-based), when known. */
  readonly line?: number;
  /** Its kind, when it could be read. */
  readonly kind?: string;
  /** Its name (`metadata.name`), when it could be read (`name` is the error's name). */
  readonly objectName?: string;
  /** Its namespace, when known. */
  readonly namespace?: string;

  /** Creates the error for the document at `position`; `problem` says what is wrong with it. */
  constructor(position: ManifestPosition, problem: string, options?: { cause?: unknown }) {
    super(`${where(position)}: ${problem}`, options);
    this.name = "ManifestError";
    this.index = position.index;
    this.source = position.source;
    this.line = position.line;
    this.kind = position.kind;
    this.objectName = position.name;
    this.namespace = position.namespace;
  }
}
