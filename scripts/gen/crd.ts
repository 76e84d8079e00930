/**
 * Generates typed clients for CustomResourceDefinitions, from YAML/JSON files or from the CRDs of a
 * live cluster. Each served version of each CRD gets `<out>/<group>/<version>/{types,client,mod}.ts`.
 *
 * Usage:
 *   deno run -A scripts/gen/crd.ts --from crds.yaml [--from more.yaml] --out gen/
 *   deno run -A scripts/gen/crd.ts --cluster [--kubeconfig path] [--context name] [--group g] --out gen/
 *   options: --clientset <specifier or path>   where kubeweb's clientset is imported from
 *                                               (default "@kubeweb/client/clientset"; a path starting
 *                                               with "." or "/" is resolved from the current directory)
 *            --check                           only report files that differ; exit 1 if any
 *
 * @module
 */
import { parseYaml } from "../../_internal/deps.ts";
import { newApiextensionsV1Client } from "../../clientset/apiextensions/v1/client.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import { asCrd, type Crd, generateCrdClients } from "./_crd.ts";
import { fmtFlags, formatFiles, syncFiles } from "./_output.ts";

/** Parses YAML (several `---`-separated documents) or JSON text into the CRDs it holds. */
export function parseCrds(text: string, where: string): Crd[] {
  const docs: unknown[] = [];
  for (const part of text.split(/^---[ \t]*$/m)) {
    if (part.trim() === "") continue;
    const doc = parseYaml(part);
    if (doc !== null && typeof doc === "object" && (doc as { kind?: string }).kind?.endsWith("List")) {
      docs.push(...((doc as { items?: unknown[] }).items ?? []));
    } else docs.push(doc);
  }
  return docs.map((d) => asCrd(d, where)).filter((d): d is Crd => d !== undefined);
}

function relativePath(fromDir: string, to: string): string {
  const a = fromDir.split("/").filter((p) => p !== "");
  const b = to.split("/").filter((p) => p !== "");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const up = a.length - i;
  const rest = b.slice(i).join("/");
  return (up === 0 ? "./" : "../".repeat(up)) + rest;
}

function absolute(path: string): string {
  const full = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  const out: string[] = [];
  for (const p of full.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") out.pop();
    else out.push(p);
  }
  return "/" + out.join("/");
}

interface Args {
  from: string[];
  out?: string;
  cluster: boolean;
  kubeconfig?: string;
  context?: string;
  groups: string[];
  clientset: string;
  check: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    from: [],
    cluster: false,
    groups: [],
    clientset: "@kubeweb/client/clientset",
    check: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--from") args.from.push(value());
    else if (a === "--out") args.out = value();
    else if (a === "--cluster") args.cluster = true;
    else if (a === "--kubeconfig") args.kubeconfig = value();
    else if (a === "--context") args.context = value();
    else if (a === "--group") args.groups.push(value());
    else if (a === "--clientset") args.clientset = value();
    else if (a === "--check") args.check = true;
    else throw new Error(`Unknown argument ${a}`);
  }
  if (args.out === undefined) throw new Error("--out <dir> is required");
  if (args.from.length === 0 && !args.cluster) throw new Error("Give --from <file> or --cluster");
  return args;
}

async function clusterCrds(args: Args): Promise<Crd[]> {
  const config = await loadRestConfig({ kubeconfig: args.kubeconfig, context: args.context });
  const crds: Crd[] = [];
  for await (const item of newApiextensionsV1Client(config).customResourceDefinitions().listItems()) {
    const crd = asCrd(item, "cluster"); // list items carry apiVersion and kind
    if (crd !== undefined) crds.push(crd);
  }
  return crds;
}

/** Runs the CRD generator with command-line arguments; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  let crds: Crd[] = [];
  for (const file of args.from) crds.push(...parseCrds(await Deno.readTextFile(file), file));
  if (args.cluster) crds.push(...await clusterCrds(args));
  if (args.groups.length > 0) crds = crds.filter((c) => args.groups.includes(c.spec.group));
  if (crds.length === 0) throw new Error("No CustomResourceDefinition found");
  const out = absolute(args.out!);
  const clientset = args.clientset.startsWith(".") || args.clientset.startsWith("/")
    ? relativePath(out, absolute(args.clientset))
    : args.clientset;
  const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
  const files = await formatFiles(generateCrdClients(crds, { clientset }), await fmtFlags(root));
  const { changed, removed } = await syncFiles(out, files, args.check);
  if (args.check) {
    for (const p of [...changed, ...removed]) console.error(`stale: ${args.out}/${p}`);
    return changed.length + removed.length === 0 ? 0 : 1;
  }
  console.log(
    `Generated ${files.size} files for ${crds.length} CRDs in ${args.out} (${changed.length} changed)`,
  );
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(2);
  }
}
