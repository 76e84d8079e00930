/**
 * The errors the runtime implementations reject with when a file cannot be read or a program cannot be
 * started: a message naming the path or program, the system error `code` ("ENOENT", "EACCES", ...) and
 * the original error as `cause`.
 *
 * @module
 */

/** A failed file read or process start, with the system error code. */
export class RuntimeIoError extends Error {
  /** System error code such as "ENOENT", when known. */
  readonly code?: string;
  /** Creates the error. */
  constructor(message: string, code: string | undefined, options?: ErrorOptions) {
    super(message, options);
    this.name = "RuntimeIoError";
    this.code = code;
  }
}

const REASONS: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EISDIR: "it is a directory",
  ENOTDIR: "a parent is not a directory",
  EEXIST: "the file exists",
};

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  const name = (e as { name?: unknown } | null)?.name;
  if (name === "NotFound") return "ENOENT";
  if (name === "PermissionDenied" || name === "NotCapable") return "EACCES";
  if (name === "IsADirectory") return "EISDIR";
  if (name === "AlreadyExists") return "EEXIST";
  return undefined;
}

/** The error for a file that could not be read (or written, ...): names the path and the reason. */
export function fileError(path: string, cause: unknown, verb = "read"): RuntimeIoError {
  const code = codeOf(cause);
  const reason = (code && REASONS[code]) ?? (cause instanceof Error ? cause.message : String(cause));
  return new RuntimeIoError(`Cannot ${verb} file ${path}: ${reason}`, code, { cause });
}

/** The error for a folder that could not be listed: names the path and the reason. */
export function folderError(path: string, cause: unknown): RuntimeIoError {
  const code = codeOf(cause);
  const reason = code === "ENOTDIR"
    ? "it is not a folder"
    : (code && REASONS[code]) ?? (cause instanceof Error ? cause.message : String(cause));
  return new RuntimeIoError(`Cannot list folder ${path}: ${reason}`, code, { cause });
}

/** The error for a program that was not found (code "ENOENT"). */
export function notFoundError(command: string, cause: unknown): RuntimeIoError {
  return new RuntimeIoError(`Cannot run ${command}: program not found`, "ENOENT", { cause });
}

/** True when `e` says a program or file does not exist. */
export function isNotFound(e: unknown): boolean {
  return codeOf(e) === "ENOENT";
}
