// Integration test (starts its own bare kube-apiserver and etcd): seeded random sequences of operations over a handful of
// ConfigMaps, run in lockstep against the real API server and the fake, compared step by step after
// the one normalisation (_normalise.ts); one watch over the whole sequence is compared at the end.
// The seed is printed; replay a failure with CONFORMANCE_SEED=<seed>.
import { seededRandom } from "../../_internal/seeded_random.ts";
import { Ctx } from "./_harness.ts";
import { fakeTarget, firstDifference, realTarget, stopRealTarget } from "./_targets.ts";
import { to120, withoutStatusOwnership } from "./_exemptions.ts";

// deno-lint-ignore no-explicit-any
type Obj = any;

const STEPS = Number(Deno.env.get("CONFORMANCE_STEPS") ?? 3000);
const NAMES = ["a", "b", "c", "d", "e"];
const CM = "/api/v1/namespaces/{ns}/configmaps";

type Op = (t: Ctx, last: Map<string, Obj>) => Promise<void>;

function ops(rand: () => number): { name: string; run: Op } {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const name = pick(NAMES);
  const value = String(Math.floor(rand() * 4));
  const label = pick(["x", "y", "z"]);
  const manager = pick(["one", "two"]);
  const force = rand() < 0.5;
  const stale = rand() < 0.3;
  const keep = (last: Map<string, Obj>, body: Obj) => {
    if (body?.kind === "ConfigMap") last.set(body.metadata.name, body);
  };
  const all: { name: string; weight: number; run: Op }[] = [
    {
      name: `create ${name}`,
      weight: 3,
      run: async (t, last) =>
        keep(last, await t.req("POST", CM, { metadata: { name, labels: { l: label } }, data: { v: value } })),
    },
    {
      name: `get ${name}`,
      weight: 2,
      run: async (t, last) => keep(last, await t.req("GET", `${CM}/${name}`)),
    },
    {
      name: `update ${name} from the last seen version`,
      weight: 3,
      run: async (t, last) => {
        const o = last.get(name);
        const body = o ? { ...o, data: { ...o.data, v: value } } : { metadata: { name }, data: { v: value } };
        keep(last, await t.req("PUT", `${CM}/${name}`, body));
      },
    },
    {
      name: `unconditional update ${name}`,
      weight: 1,
      run: async (t, last) =>
        keep(
          last,
          await t.req("PUT", `${CM}/${name}`, {
            metadata: { name, labels: { l: label } },
            data: { u: value },
          }),
        ),
    },
    {
      name: `merge patch ${name}`,
      weight: 2,
      run: async (t, last) =>
        keep(
          last,
          await t.req("PATCH", `${CM}/${name}`, { data: { m: value, v: null } }, {
            contentType: "application/merge-patch+json",
          }),
        ),
    },
    {
      name: `json patch ${name}`,
      weight: 1,
      run: async (t, last) =>
        keep(
          last,
          await t.req("PATCH", `${CM}/${name}`, [{ op: "add", path: "/data/j", value }], {
            contentType: "application/json-patch+json",
          }),
        ),
    },
    {
      name: `strategic merge patch of labels ${name}`,
      weight: 1,
      run: async (t, last) =>
        keep(
          last,
          await t.req("PATCH", `${CM}/${name}`, { metadata: { labels: { l: label } } }, {
            contentType: "application/strategic-merge-patch+json",
          }),
        ),
    },
    {
      name: `apply ${name} as ${manager}${force ? " (force)" : ""}`,
      weight: 2,
      run: async (t, last) =>
        keep(
          last,
          await t.req(
            "PATCH",
            `${CM}/${name}?fieldManager=${manager}${force ? "&force=true" : ""}`,
            `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  s: "${value}"\n  ${manager}: "${value}"\n`,
            { contentType: "application/apply-patch+yaml", raw: true },
          ),
        ),
    },
    {
      name: `add a finalizer to ${name}`,
      weight: 1,
      run: async (t, last) =>
        keep(
          last,
          await t.req("PATCH", `${CM}/${name}`, { metadata: { finalizers: ["kubeweb.dev/hold"] } }, {
            contentType: "application/merge-patch+json",
          }),
        ),
    },
    {
      name: `remove the finalizers of ${name}`,
      weight: 1,
      run: async (t, last) =>
        keep(
          last,
          await t.req("PATCH", `${CM}/${name}`, { metadata: { finalizers: null } }, {
            contentType: "application/merge-patch+json",
          }),
        ),
    },
    {
      name: `delete ${name}${stale ? " with the last seen resourceVersion" : ""}`,
      weight: 2,
      run: async (t, last) => {
        const o = last.get(name);
        const body = stale && o
          ? { preconditions: { resourceVersion: o.metadata.resourceVersion } }
          : undefined;
        keep(last, await t.req("DELETE", `${CM}/${name}`, body));
      },
    },
    {
      name: `list l=${label}`,
      weight: 1,
      run: async (t) => void await t.req("GET", `${CM}?labelSelector=l%3D${label}`),
    },
    {
      name: "list in pages of 2",
      weight: 1,
      run: async (t) => {
        let page = await t.req("GET", `${CM}?limit=2`);
        while (page.metadata?.continue) {
          page = await t.req(
            "GET",
            `${CM}?limit=2&continue=${encodeURIComponent(page.metadata.continue)}`,
            undefined,
            {
              label: "next page",
            },
          );
        }
      },
    },
  ];
  const total = all.reduce((n, o) => n + o.weight, 0);
  let r = rand() * total;
  for (const o of all) {
    r -= o.weight;
    if (r < 0) return o;
  }
  return all[0];
}

function shape(t: Ctx, from: number, fake: boolean): unknown[] {
  return t.observations.slice(from).map((o) => ({
    label: o.label,
    value: withoutStatusOwnership(fake ? to120(o.value) : o.value),
  }));
}

Deno.test({
  name: `conformance: ${STEPS} seeded random operations compared step by step`,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const seed = Number(Deno.env.get("CONFORMANCE_SEED") ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`conformance random sequence: seed ${seed} (replay with CONFORMANCE_SEED=${seed})`);
    const run = crypto.randomUUID().slice(0, 6);
    const ns = `rnd-${run}`;
    const fake = await fakeTarget();
    const real = new Ctx(await realTarget(), ns, run);
    const fakeCtx = new Ctx(fake.target, ns, run);
    try {
      for (const t of [real, fakeCtx]) {
        await t.req("POST", "/api/v1/namespaces", { metadata: { name: ns } }, { quiet: true });
      }
      const lists = [
        await real.req("GET", CM, undefined, { quiet: true }),
        await fakeCtx.req("GET", CM, undefined, { quiet: true }),
      ];
      const watches = [
        await real.watch(
          `${CM}?watch=true&resourceVersion=${lists[0].metadata.resourceVersion}`,
          "the whole sequence",
        ),
        await fakeCtx.watch(
          `${CM}?watch=true&resourceVersion=${lists[1].metadata.resourceVersion}`,
          "the whole sequence",
        ),
      ];
      const rand = seededRandom(seed);
      const lastReal = new Map<string, Obj>();
      const lastFake = new Map<string, Obj>();
      for (let step = 0; step < STEPS; step++) {
        const op = ops(rand);
        const a = real.observations.length;
        const b = fakeCtx.observations.length;
        await op.run(real, lastReal);
        await op.run(fakeCtx, lastFake);
        const diff = firstDifference(shape(real, a, false), shape(fakeCtx, b, true));
        if (diff !== undefined) {
          throw new Error(
            `seed ${seed}, step ${step} (${op.name}): the fake differs from the real API server at ${diff}`,
          );
        }
      }
      const fakeEvents = await watches[1].take(10 ** 6, 200);
      await watches[0].take(fakeEvents.length, 20_000);
      const n = real.observations.length;
      const diff = firstDifference(
        shape(real, n - 1, false),
        shape(fakeCtx, fakeCtx.observations.length - 1, true),
      );
      if (diff !== undefined) {
        throw new Error(`seed ${seed}: the watch of the whole sequence differs at ${diff}`);
      }
      console.log(`conformance random sequence: ${STEPS} steps and ${fakeEvents.length} watch events equal`);
    } finally {
      fake.close();
    }
  },
});

Deno.test({
  name: "conformance: stop the bare API server",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: stopRealTarget,
});
