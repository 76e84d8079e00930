/**
 * `deno task check`: every static check CI runs — formatting, lint, type-check of all code, doc lint of
 * the public API, the JSR publish dry run (no slow types), and generated code up to date.
 *
 * @module
 */
const deno = Deno.execPath();
const config = JSON.parse(await Deno.readTextFile("deno.json"));
const entryPoints = Object.values(config.exports as Record<string, string>);

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

const steps: [string, string[]][] = [
  ["format", ["fmt", "--check"]],
  ["lint", ["lint"]],
  ["type-check (code and JSDoc examples)", ["check", "--doc", "."]],
  ["doc lint", ["doc", "--lint", ...entryPoints]],
  ["publish dry run", ["publish", "--dry-run", "--allow-dirty"]],
];
if (await exists("scripts/gen/main.ts")) {
  steps.push(["generated code up to date", ["run", "-A", "scripts/gen/main.ts", "--check"]]);
}

let failed = 0;
for (const [name, args] of steps) {
  const t = performance.now();
  const out = await new Deno.Command(deno, { args, stdout: "piped", stderr: "piped" }).output();
  const secs = ((performance.now() - t) / 1000).toFixed(1);
  if (out.success) {
    console.log(`check: ${name} ok (${secs}s)`);
  } else {
    failed++;
    const dec = new TextDecoder();
    console.log(`check: ${name} FAILED (${secs}s)\n${dec.decode(out.stdout)}${dec.decode(out.stderr)}`);
  }
}
if (failed > 0) {
  console.log(`check: ${failed} of ${steps.length} checks failed`);
  Deno.exit(1);
}
