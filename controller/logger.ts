/**
 * Structured logging of the controller runtime: every record is a plain object with a level, a
 * message, and the controller, key and reconcile id it concerns.
 *
 * @module
 */

/** The level of a log record. */
export type LogLevel = "debug" | "info" | "error";

/** One structured log record. */
export interface LogRecord {
  /** ISO 8601 time. */
  time: string;
  /** The level. */
  level: LogLevel;
  /** What happened, in sentence case. */
  msg: string;
  /** The controller's name, when the record concerns one. */
  controller?: string;
  /** The `namespace/name` key being reconciled. */
  key?: string;
  /** The id of the reconcile. */
  reconcileID?: string;
  /** The error's message, for an error record. */
  error?: string;
  /** Further fields. */
  [field: string]: unknown;
}

/** Where log records go. */
export type LogSink = (record: LogRecord) => void;

/** A logger bound to some fields (controller, key, reconcile id). */
export interface ControllerLogger {
  /** Logs at debug level. */
  debug(msg: string, fields?: Record<string, unknown>): void;
  /** Logs at info level. */
  info(msg: string, fields?: Record<string, unknown>): void;
  /** Logs at error level; the error's message (never its full object) goes into `error`. */
  error(msg: string, error?: unknown, fields?: Record<string, unknown>): void;
  /** A logger adding `fields` to every record. */
  with(fields: Record<string, unknown>): ControllerLogger;
}

/**
 * A sink writing one JSON line per record: errors to `console.error`, the rest to `console.log`;
 * debug records only when `debug` is true.
 *
 * @example
 * ```ts
 * import { jsonLogSink, newLogger } from "@kubeweb/client/controller";
 *
 * newLogger(jsonLogSink()).with({ controller: "demo" }).info("Started");
 * ```
 */
export function jsonLogSink(options: { debug?: boolean } = {}): LogSink {
  return (record) => {
    if (record.level === "debug" && !options.debug) return;
    const line = JSON.stringify(record);
    if (record.level === "error") console.error(line);
    else console.log(line);
  };
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * A logger over a sink, with fixed fields.
 *
 * @example
 * ```ts
 * import { newLogger, type LogRecord } from "@kubeweb/client/controller";
 *
 * const records: LogRecord[] = [];
 * newLogger((r) => records.push(r), { controller: "demo" }).error("Failed", new Error("boom"));
 * console.log(records[0].controller, records[0].error); // demo Error: boom
 * ```
 */
export function newLogger(sink: LogSink, fields: Record<string, unknown> = {}): ControllerLogger {
  const emit = (level: LogLevel, msg: string, extra?: Record<string, unknown>, error?: unknown) => {
    const record: LogRecord = { time: new Date().toISOString(), level, msg, ...fields, ...extra };
    if (error !== undefined) record.error = errorMessage(error);
    try {
      sink(record);
    } catch {
      // A failing sink must not break the controller.
    }
  };
  return {
    debug: (msg, extra) => emit("debug", msg, extra),
    info: (msg, extra) => emit("info", msg, extra),
    error: (msg, error, extra) => emit("error", msg, extra, error),
    with: (more) => newLogger(sink, { ...fields, ...more }),
  };
}
