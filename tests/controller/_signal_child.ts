// Run by shutdown_signal_test.ts under Deno, Bun and (bundled) Node: prints "ready", then on SIGTERM
// or SIGINT prints the abort reason and exits 0 (a controller would shut down in order here).
import { onShutdownSignal } from "../../controller/shutdown_signal.ts";

const signal = onShutdownSignal({ exitOnSecondSignal: false });
// Keep the event loop alive until the signal arrives.
const keepAlive = setInterval(() => {}, 1_000);
signal.addEventListener("abort", () => {
  clearInterval(keepAlive);
  console.log(`stopping: ${(signal.reason as Error).name}: ${(signal.reason as Error).message}`);
});
console.log("ready");
