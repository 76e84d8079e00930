/**
 * The one runtime-specific file of the controller module: subscribing to process signals on Deno,
 * Bun and Node.
 *
 * @module
 */

/** A process signal the shutdown helper listens to. */
export type ProcessSignal = "SIGTERM" | "SIGINT";

interface DenoLike {
  addSignalListener(signal: string, handler: () => void): void;
  removeSignalListener(signal: string, handler: () => void): void;
  build?: { os?: string };
}

interface ProcessLike {
  on(event: string, handler: () => void): unknown;
  off?(event: string, handler: () => void): unknown;
  removeListener?(event: string, handler: () => void): unknown;
}

/**
 * Calls `handler` when the process receives one of `signals`; returns an unsubscribe function.
 * Throws a TypeError on a runtime without process signals (workerd, browsers).
 */
export function subscribeSignals(
  signals: readonly ProcessSignal[],
  handler: (signal: ProcessSignal) => void,
): () => void {
  const g = globalThis as { Deno?: DenoLike; process?: ProcessLike; Bun?: unknown };
  const subs: (() => void)[] = [];
  if (g.Deno && typeof g.Deno.addSignalListener === "function") {
    const deno = g.Deno;
    for (const s of signals) {
      // Windows has only SIGINT (and SIGBREAK).
      if (deno.build?.os === "windows" && s !== "SIGINT") continue;
      const h = () => handler(s);
      deno.addSignalListener(s, h);
      subs.push(() => deno.removeSignalListener(s, h));
    }
  } else if (g.process && typeof g.process.on === "function") {
    // Bun and Node.
    const proc = g.process;
    for (const s of signals) {
      const h = () => handler(s);
      proc.on(s, h);
      subs.push(() => (proc.off ?? proc.removeListener)?.call(proc, s, h));
    }
  } else {
    throw new TypeError("This runtime has no process signals: stop the manager with an AbortSignal instead");
  }
  return () => {
    for (const u of subs.splice(0)) u();
  };
}
