/**
 * A small Go-style `fmt.Sprintf` for event messages: verbs %v %+v %s %d %q %f %x %X %t %T %%, with the
 * flags "-" and "0", a width and a precision. Missing and extra arguments are shown as Go shows them.
 *
 * @module
 */

const VERB = /%([\-+# 0]*)(\d+)?(?:\.(\d+))?([vsdqfxXtTeg%])|%$|%([^\-+# 0-9.vsdqfxXtTeg%])/g;

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (v instanceof Error) return v.name;
  if (typeof v === "object") return v.constructor?.name ?? "object";
  return typeof v;
}

function formatValue(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (v instanceof Error) return v.message;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "symbol" || typeof v === "function") return String(v);
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
  } catch {
    return String(v);
  }
}

function pad(text: string, flags: string, width: number | undefined): string {
  if (width === undefined || text.length >= width) return text;
  if (flags.includes("-")) return text.padEnd(width, " ");
  if (flags.includes("0") && /^[+-]?[0-9a-fA-F.]+$/.test(text)) {
    const sign = /^[+-]/.test(text) ? text[0] : "";
    return sign + text.slice(sign.length).padStart(width - sign.length, "0");
  }
  return text.padStart(width, " ");
}

function bad(verb: string, v: unknown): string {
  return `%!${verb}(${typeName(v)}=${formatValue(v)})`;
}

function formatOne(verb: string, flags: string, precision: number | undefined, v: unknown): string {
  switch (verb) {
    case "v":
    case "s": {
      const s = formatValue(v);
      return precision === undefined ? s : s.slice(0, precision);
    }
    case "q":
      return JSON.stringify(formatValue(v));
    case "d": {
      if (typeof v === "bigint") return (flags.includes("+") && v >= 0n ? "+" : "") + v.toString();
      if (typeof v !== "number" || !Number.isFinite(v)) return bad(verb, v);
      const n = Math.trunc(v);
      return (flags.includes("+") && n >= 0 ? "+" : "") + String(n);
    }
    case "f":
    case "e":
    case "g": {
      if (typeof v !== "number") return bad(verb, v);
      const s = verb === "f"
        ? v.toFixed(precision ?? 6)
        : verb === "e"
        ? v.toExponential(precision ?? 6)
        : precision === undefined
        ? String(v)
        : v.toPrecision(precision);
      return (flags.includes("+") && v >= 0 ? "+" : "") + s;
    }
    case "x":
    case "X": {
      let s: string;
      if (typeof v === "number" && Number.isInteger(v)) s = (v < 0 ? "-" : "") + Math.abs(v).toString(16);
      else if (typeof v === "bigint") s = (v < 0n ? "-" : "") + (v < 0n ? -v : v).toString(16);
      else if (typeof v === "string") {
        s = Array.from(new TextEncoder().encode(v), (b) => b.toString(16).padStart(2, "0")).join("");
      } else return bad(verb, v);
      return verb === "X" ? s.toUpperCase() : s;
    }
    case "t":
      return typeof v === "boolean" ? String(v) : bad(verb, v);
    case "T":
      return typeName(v);
    default:
      return bad(verb, v);
  }
}

/**
 * Formats like Go's `fmt.Sprintf`. Internal: users meet it through `recorder.eventf`, whose message
 * it formats.
 *
 * @example
 * ```ts
 * import { newEventBroadcaster } from "@kubeweb/client/record";
 *
 * const recorder = newEventBroadcaster().newRecorder({ component: "my-controller" });
 * const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "default" } };
 * // The event's message: "Scaled web to 3 replicas"
 * recorder.eventf(pod, "Normal", "Scaled", "Scaled %s to %d replicas", "web", 3);
 * ```
 */
export function sprintf(format: string, ...args: unknown[]): string {
  let next = 0;
  const out = format.replace(
    VERB,
    (
      _whole,
      flags: string | undefined,
      width: string | undefined,
      precision: string | undefined,
      verb,
      badVerb,
    ) => {
      if (verb === "%") return "%";
      if (verb === undefined) return badVerb === undefined ? "%!(NOVERB)" : `%!${badVerb}(NOVERB)`;
      if (next >= args.length) return `%!${verb}(MISSING)`;
      const v = args[next++];
      const text = formatOne(verb, flags ?? "", precision === undefined ? undefined : Number(precision), v);
      return pad(text, flags ?? "", width === undefined ? undefined : Number(width));
    },
  );
  if (next >= args.length) return out;
  const extra = args.slice(next).map((v) => `${typeName(v)}=${formatValue(v)}`).join(", ");
  return `${out}%!(EXTRA ${extra})`;
}
