/**
 * {@linkcode onShutdownSignal}: an AbortSignal that aborts on SIGTERM or SIGINT, on Deno, Bun and Node.
 *
 * @module
 */
import { type ProcessSignal, subscribeSignals } from "./_runtime_signals.ts";
import { ControllerError } from "./controller_error.ts";

export type { ProcessSignal };

/** Options of {@linkcode onShutdownSignal}. */
export interface ShutdownSignalOptions {
  /** The signals that stop (default SIGTERM and SIGINT). */
  signals?: readonly ProcessSignal[];
  /** Called with the signal's name when one arrives. */
  onSignal?: (signal: ProcessSignal) => void;
  /**
   * A second signal while stopping exits the process at once with code 1 (default true), as
   * controller-runtime does.
   */
  exitOnSecondSignal?: boolean;
}

function exit(code: number): void {
  const g = globalThis as { Deno?: { exit(code: number): never }; process?: { exit(code: number): never } };
  if (g.Deno) g.Deno.exit(code);
  else g.process?.exit(code);
}

/**
 * An AbortSignal that aborts (reason: a {@linkcode ControllerError} naming the signal) when the
 * process gets SIGTERM or SIGINT: pass it to `Manager.run()` for a clean, ordered shutdown. Throws a
 * TypeError on runtimes without process signals.
 *
 * @example
 * ```ts
 * import { onShutdownSignal } from "@kubeweb/client/controller";
 *
 * const signal = onShutdownSignal({ onSignal: (s) => console.log(`got ${s}, stopping`) });
 * signal.addEventListener("abort", () => console.log(signal.reason.message));
 * ```
 */
export function onShutdownSignal(options: ShutdownSignalOptions = {}): AbortSignal {
  const controller = new AbortController();
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  const exitOnSecond = options.exitOnSecondSignal ?? true;
  let unsubscribe: () => void = () => {};
  unsubscribe = subscribeSignals(signals, (s) => {
    if (controller.signal.aborted) {
      if (exitOnSecond) exit(1);
      return;
    }
    options.onSignal?.(s);
    controller.abort(new ControllerError(`Received ${s}`));
    if (!exitOnSecond) unsubscribe();
  });
  return controller.signal;
}
