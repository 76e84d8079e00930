/**
 * The API server's Status answers (apimachinery's `errors.New*`), with the same message, reason,
 * code and details, carried through the fake as {@linkcode StatusError}.
 *
 * @module
 */
import type { Status, StatusCause } from "../rest/types.ts";

/** A failure answered with a Status body. */
export class StatusError extends Error {
  /** The Status body. */
  readonly status: Status;
  /** Extra response headers (Retry-After). */
  readonly headers: Record<string, string>;
  /** Wraps a Status body. */
  constructor(status: Status, headers: Record<string, string> = {}) {
    super(status.message ?? status.reason ?? "");
    this.name = "StatusError";
    this.status = status;
    this.headers = headers;
  }
}

/** The group-qualified resource name the server writes in messages ("deployments.apps"). */
export function qualified(group: string, resource: string): string {
  return group === "" ? resource : `${resource}.${group}`;
}

function failure(code: number, reason: string, message: string, details?: Status["details"]): StatusError {
  const s: Status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason };
  if (details !== undefined) s.details = details;
  s.code = code;
  return new StatusError(s);
}

function gr(group: string, resource: string, name: string): Status["details"] {
  return group === "" ? { name, kind: resource } : { name, group, kind: resource };
}

/** 404 NotFound. */
export function notFound(group: string, resource: string, name: string): StatusError {
  return failure(
    404,
    "NotFound",
    `${qualified(group, resource)} "${name}" not found`,
    gr(group, resource, name),
  );
}

/** 409 AlreadyExists. */
export function alreadyExists(group: string, resource: string, name: string): StatusError {
  return failure(
    409,
    "AlreadyExists",
    `${qualified(group, resource)} "${name}" already exists`,
    gr(group, resource, name),
  );
}

/** 409 Conflict with the given reason text. */
export function conflict(group: string, resource: string, name: string, why: string): StatusError {
  return failure(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualified(group, resource)} "${name}": ${why}`,
    gr(group, resource, name),
  );
}

/** The text of a stale-resourceVersion conflict. */
export const MODIFIED =
  "the object has been modified; please apply your changes to the latest version and try again";

/** 422 Invalid with field causes. */
export function invalid(group: string, kind: string, name: string, causes: StatusCause[]): StatusError {
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const msg = list.length === 1 ? list[0] : `[${list.join(", ")}]`;
  const details: Status["details"] = {};
  if (name !== "") details.name = name;
  if (group !== "") details.group = group;
  details.kind = kind;
  details.causes = causes;
  return failure(
    422,
    "Invalid",
    `${kind}${group === "" ? "" : `.${group}`} "${name}" is invalid: ${msg}`,
    details,
  );
}

/** 400 BadRequest. */
export function badRequest(message: string): StatusError {
  return failure(400, "BadRequest", message);
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(message: string): StatusError {
  return failure(405, "MethodNotAllowed", message, {});
}

/** 410 Expired (too old resource version or continue token). */
export function expired(message: string): StatusError {
  return failure(410, "Expired", message);
}

/** 500 InternalError. */
export function internalError(message: string): StatusError {
  return failure(500, "InternalError", `Internal error occurred: ${message}`, {
    causes: [{ message }],
  });
}

/** A plain 404 of a path the server does not serve (the server answers these with a bare Status). */
export function pathNotFound(): StatusError {
  return failure(404, "NotFound", "the server could not find the requested resource", {});
}

/** Any Status error a reactor wants to answer with. */
export function statusError(
  code: number,
  reason: string,
  message: string,
  details?: Status["details"],
): StatusError {
  return failure(code, reason, message, details);
}
