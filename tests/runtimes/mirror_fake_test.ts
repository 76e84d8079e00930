// Runtime test (no cluster: the fake cluster is in-process): the demo controller's unit test runs on
// Bun (TypeScript with the npm: preload) and on the pinned Node 22 and 24 (bundled by deno bundle).
import assert from "node:assert/strict";
import { bundle, findBinary, PINNED_BIN, PINNED_NODES, skipUnless } from "./_child.ts";

const program = new URL("./mirror_fake_program.ts", import.meta.url);

async function run(
  cmd: string,
  args: string[],
): Promise<{ ok: boolean; ms?: number; checks?: string[]; error?: string }> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout).trim().split("\n").filter((l) => l.startsWith("{")).pop();
  if (text === undefined) {
    throw new Error(`${cmd} printed no result: ${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(text);
}

const bun = await findBinary(`${PINNED_BIN}bun`);
Deno.test({
  name: "bun runtime: the demo controller's unit test on the fake cluster",
  ignore: skipUnless(bun, "bun", `${PINNED_BIN}bun`),
  async fn() {
    const preload = new URL("./bun/npm_specifiers.ts", import.meta.url).pathname;
    const r = await run(bun!.path, ["--preload", preload, program.pathname]);
    assert.equal(r.ok, true, r.error);
    assert.equal(r.checks?.length, 8);
    console.log(`bun ${bun!.version}: demo controller scenario ${r.ms} ms`);
  },
});

for (const { major, path } of PINNED_NODES) {
  const node = await findBinary(path);
  Deno.test({
    name: `node ${major} runtime: the demo controller's unit test on the fake cluster`,
    ignore: skipUnless(node, `node ${major}`, path),
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: `kubeweb-node${major}-mirror-` });
      try {
        const out = `${dir}/mirror.mjs`;
        await bundle(program, out);
        const r = await run(node!.path, [out]);
        assert.equal(r.ok, true, r.error);
        assert.equal(r.checks?.length, 8);
        console.log(`node ${node!.version}: demo controller scenario ${r.ms} ms`);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
