/**
 * Measures what a program that lists Deployments pays for the clientset: bundles it with
 * `deno bundle --minify` and prints the size, minified and gzipped. Exits 1 when the per-group
 * program (importing only `clientset/apps/v1`) is 80 KB or more.
 *
 * Usage: deno run -A scripts/bundle_size.ts [--all]
 *   --all  also measures the same program written with `newClientset` (every group imported)
 *
 * @module
 */

/** The largest bundle accepted for the per-group program, in bytes. */
export const LIMIT_BYTES = 80 * 1024;

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

const PROGRAMS: Record<string, string> = {
  "apps/v1 only (newAppsV1Client)": `import { newAppsV1Client } from "${ROOT}/clientset/apps/v1/mod.ts";

const apps = newAppsV1Client({ host: "https://127.0.0.1:6443", namespace: "default", bearerToken: "t" });
const list = await apps.deployments("default").list();
console.log(list.items.map((d) => d.metadata?.name));
`,
  "every group (newClientset)": `import { newClientset } from "${ROOT}/clientset/mod.ts";

const clientset = newClientset({ host: "https://127.0.0.1:6443", namespace: "default", bearerToken: "t" });
const list = await clientset.appsV1().deployments("default").list();
console.log(list.items.map((d) => d.metadata?.name));
`,
};

async function gzipSize(bytes: Uint8Array<ArrayBuffer>): Promise<number> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** Bundles `source` minified and returns its size and gzipped size in bytes. */
export async function measure(source: string): Promise<{ bytes: number; gzip: number }> {
  const dir = await Deno.makeTempDir({ prefix: "kubeweb-bundle-" });
  try {
    await Deno.writeTextFile(`${dir}/main.ts`, source);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "--minify", "--platform=browser", "-o", `${dir}/out.js`, `${dir}/main.ts`],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(`deno bundle failed: ${new TextDecoder().decode(out.stderr)}`);
    const bytes = await Deno.readFile(`${dir}/out.js`);
    return { bytes: bytes.byteLength, gzip: await gzipSize(bytes) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const names = Object.keys(PROGRAMS).filter((_, i) => i === 0 || Deno.args.includes("--all"));
  let failed = false;
  for (const name of names) {
    const { bytes, gzip } = await measure(PROGRAMS[name]);
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    console.log(`${name}: ${kb(bytes)} minified, ${kb(gzip)} gzipped`);
    if (name === names[0] && bytes >= LIMIT_BYTES) {
      console.error(`The per-group bundle is over the ${kb(LIMIT_BYTES)} limit`);
      failed = true;
    }
  }
  Deno.exit(failed ? 1 : 0);
}
