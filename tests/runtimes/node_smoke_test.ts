// The REST client under the real Node binary (not Deno's Node compatibility), against the test cluster.
import { smokeTest } from "./_smoke.ts";

await smokeTest("node", "node");
