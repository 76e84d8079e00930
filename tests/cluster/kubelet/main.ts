/**
 * Entry point of the test kubelet process: `deno run -A main.ts CONFIG.json`. Logs go to stderr; SIGTERM or
 * SIGINT stop every container and exit.
 *
 * @module
 */
import { Kubelet, type KubeletConfig } from "./kubelet.ts";

function log(msg: string): void {
  console.error(`${new Date().toISOString()} kubelet: ${msg}`);
}

const path = Deno.args[0];
if (!path) {
  console.error("usage: main.ts CONFIG.json");
  Deno.exit(2);
}
const config: KubeletConfig = JSON.parse(await Deno.readTextFile(path));
const kubelet = new Kubelet(config, log);
let stopping = false;
for (const sig of ["SIGTERM", "SIGINT"] as const) {
  Deno.addSignalListener(sig, async () => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping`);
    await kubelet.stop().catch((e) => log(`stop: ${e}`));
    Deno.exit(0);
  });
}
try {
  await kubelet.start();
} catch (e) {
  log(`start failed: ${e instanceof Error ? e.stack : e}`);
  Deno.exit(1);
}
