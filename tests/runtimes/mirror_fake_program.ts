// Runs the demo controller's unit-test scenario on whatever runtime executes this file (Bun runs it
// as TypeScript; Node runs its bundle) and prints one JSON line: the checks that held and the time.
// It exits explicitly: under Bun something (not yet found) keeps the event loop alive after the
// scenario has stopped every watch and the controller.
import { runMirrorScenario } from "../../examples/_configmap_mirror_scenario.ts";

let code = 0;
try {
  console.log(JSON.stringify({ ok: true, ...(await runMirrorScenario()) }));
} catch (e) {
  code = 1;
  console.log(JSON.stringify({ ok: false, error: e instanceof Error ? e.message : String(e) }));
}
(globalThis as unknown as { process: { exit(code: number): never } }).process.exit(code);
