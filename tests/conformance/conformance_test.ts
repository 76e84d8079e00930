// Integration test (needs the cluster binaries; it starts its own bare kube-apiserver and etcd): every
// conformance scenario runs against the real API server and against the fake; the normalised answers must be equal (normalisation: _normalise.ts,
// known 1.20-vs-1.36 differences: _exemptions.ts).
import { SCENARIOS } from "./_scenarios.ts";
import { fakeTarget, firstDifference, realTarget, runOn, stopRealTarget } from "./_targets.ts";

const run = crypto.randomUUID().slice(0, 6);
const only = Deno.env.get("CONFORMANCE_ONLY");

Deno.test(`conformance: at least 80 scenarios (${SCENARIOS.length})`, () => {
  if (SCENARIOS.length < 80) throw new Error(`only ${SCENARIOS.length} scenarios`);
});

SCENARIOS.forEach((s, i) => {
  if (only && !s.name.includes(only)) return;
  Deno.test({
    name: `conformance ${i + 1}: ${s.name}`,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const ns = `c${i + 1}-${run}`;
      const realObs = await runOn(await realTarget(), s, ns, run);
      const fake = await fakeTarget();
      try {
        const fakeObs = await runOn(fake.target, s, ns, run);
        const diff = firstDifference(realObs, fakeObs);
        if (diff !== undefined) throw new Error(`the fake differs from the real API server at ${diff}`);
        if (realObs.length === 0) throw new Error("the scenario observed nothing");
      } finally {
        fake.close();
      }
    },
  });
});

Deno.test({
  name: "conformance: stop the bare API server",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: stopRealTarget,
});
