// The REST client under Bun, against the test cluster. Bun is not a dependency of kubeweb: the test
// runs when `bun` is on PATH (or KUBEWEB_BUN names the binary) and is skipped otherwise.
import { smokeTest } from "./_smoke.ts";

await smokeTest("bun", Deno.env.get("KUBEWEB_BUN") ?? "bun");
