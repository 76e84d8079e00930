/**
 * Generates the typed clientset (`clientset/<group>/<version>/{types,client,mod}.ts` and
 * `clientset/clientset.ts`) from the pinned OpenAPI spec in `api/`.
 *
 * Usage:
 *   deno run -A scripts/gen/main.ts            write the generated files
 *   deno run -A scripts/gen/main.ts --check    exit 1 and name the stale files when the output differs
 *   deno run -A scripts/gen/main.ts --exports  print the deno.json "exports" entries of the clientset
 *
 * @module
 */
import {
  accessorName,
  clientExample,
  emitClientFile,
  type EmitEnv,
  emitModFile,
  emitTypesFile,
  resourceAccessor,
  upperFirst,
} from "./_emit.ts";
import { relativeSpecifier } from "./_imports.ts";
import { emitInformerFiles } from "./_emit_informers.ts";
import { buildModel, type GroupVersionModel, locateDefinition } from "./_openapi_model.ts";
import { fmtFlags, formatFiles, syncFiles } from "./_output.ts";
import { emitFakeTables } from "./_fake_tables.ts";
import { apiVersionOf, GENERATED_HEADER, type Schema } from "./_schema.ts";

/** The pinned spec, relative to the repository root. */
export const SPEC_PATH = "api/kubernetes-1.36.swagger.json";
/** The output folder, relative to the repository root. */
export const OUT_DIR = "clientset";
/**
 * The API machinery types (`io.k8s.apimachinery.*`, folder "meta/v1") go below the clientset, to the
 * `meta/` module that discovery and dynamic use too; their keys are relative to `clientset/`.
 */
export const META_FOLDER = "../meta/v1";

/** The output folder of a folder of types, relative to `clientset/`. */
function outFolder(folder: string): string {
  return folder === "meta/v1" ? META_FOLDER : folder;
}

/** The environment of the built-in clientset: every path relative to `clientset/`. */
export const BUILTIN_ENV: EmitEnv = {
  locate: locateDefinition,
  typesSpecifier: (from, folder) => relativeSpecifier(outFolder(from), `${outFolder(folder)}/types.ts`),
  libSpecifier: (from) => relativeSpecifier(from, "resource_client.ts"),
  publicSpecifier: (folder) =>
    folder === "meta/v1" ? "@kubeweb/client/meta/v1" : `@kubeweb/client/clientset/${folder}`,
  restSpecifier: () => "@kubeweb/client/rest",
};

const JSON_SCHEMA_PROPS = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps";

/**
 * The spec gives no type to the apiextensions definitions that hold either a schema or something
 * else (their Go types marshal by hand): spell out what they hold.
 */
function withSpelledOutUnions(definitions: Record<string, Schema>): Record<string, Schema> {
  const props = { $ref: `#/definitions/${JSON_SCHEMA_PROPS}` };
  const alternatives: Record<string, Schema[]> = {
    [`${JSON_SCHEMA_PROPS}OrArray`]: [props, { type: "array", items: props }],
    [`${JSON_SCHEMA_PROPS}OrBool`]: [props, { type: "boolean" }],
    [`${JSON_SCHEMA_PROPS}OrStringArray`]: [props, { type: "array", items: { type: "string" } }],
  };
  const out = { ...definitions };
  for (const [key, anyOf] of Object.entries(alternatives)) {
    if (out[key] !== undefined && out[key].type === undefined) out[key] = { ...out[key], anyOf };
  }
  return out;
}

/** Every generated file of the clientset (unformatted), keyed by path relative to `clientset/`. */
export function generateBuiltins(spec: Parameters<typeof buildModel>[0]): Map<string, string> {
  const model = buildModel({ ...spec, definitions: withSpelledOutUnions(spec.definitions) });
  const files = new Map<string, string>();
  const gvByFolder = new Map<string, GroupVersionModel>();
  for (const gv of model.groupVersions) {
    const other = gvByFolder.get(gv.folder);
    if (other !== undefined) {
      throw new Error(
        `Group-versions ${other.group}/${other.version} and ${gv.group}/${gv.version} share ${gv.folder}`,
      );
    }
    gvByFolder.set(gv.folder, gv);
  }
  for (const [folder, keys] of model.folders) {
    const gv = gvByFolder.get(folder);
    const apiVersion = gv === undefined ? undefined : apiVersionOf(gv.group, gv.version);
    const description = gv === undefined
      ? `The API machinery types (${folder}) shared by every group: metadata, lists, status, times, quantities.`
      : `The types of the ${apiVersion} API, from the Kubernetes 1.36 OpenAPI spec.`;
    files.set(
      `${outFolder(folder)}/types.ts`,
      emitTypesFile(folder, keys, model.definitions, BUILTIN_ENV, description),
    );
    let example: string | undefined;
    if (gv !== undefined) {
      files.set(`${folder}/client.ts`, emitClientFile(gv, BUILTIN_ENV));
      example = clientExample(gv, BUILTIN_ENV);
    }
    files.set(`${outFolder(folder)}/mod.ts`, emitModFile(folder, apiVersion, gv !== undefined, example));
  }
  files.set("clientset.ts", emitClientset(model.groupVersions));
  for (const [path, text] of emitInformerFiles(model.groupVersions)) files.set(path, text);
  return files;
}

/** The generated data tables of the fake API server, keyed by path relative to `testing/`. */
export function generateFakeTables(spec: Parameters<typeof buildModel>[0]): Map<string, string> {
  const model = buildModel({ ...spec, definitions: withSpelledOutUnions(spec.definitions) });
  return new Map([["_tables.ts", emitFakeTables(model)]]);
}

/** "apps/v1" -> "APPS_V1": the constant of a group-version's entry in `clientset.ts`. */
function entryConst(folder: string): string {
  return folder.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/**
 * The text of `clientset.ts`. It imports the group-version modules for their types only: each
 * group-version client is built from a compact entry (group, version, and each resource's accessor,
 * plural, kind and scope) by one shared implementation, so importing the clientset evaluates no
 * group-version module. A test checks that every accessor builds what the group-version's own
 * factory builds.
 */
function emitClientset(gvs: GroupVersionModel[]): string {
  const entries = gvs.map((gv) => {
    const accessor = accessorName(gv.group, gv.version);
    return {
      gv,
      accessor,
      iface: `${upperFirst(accessor)}Client`,
      entry: entryConst(gv.folder),
      apiVersion: apiVersionOf(gv.group, gv.version),
    };
  }).sort((a, b) => a.accessor < b.accessor ? -1 : 1);
  const imports = [
    'import type { RestConfig } from "../rest/rest_config.ts";',
    'import type { ClientOptions } from "../meta/client_options.ts";',
    'import { type DiscoveryClient, newDiscoveryClient } from "../discovery/discovery_client.ts";',
    'import { newResourceClient, type ResourceInfo, restClientForGroupVersion } from "./resource_client.ts";',
    ...entries.map((e) => `import type { ${e.iface} } from "./${e.gv.folder}/client.ts";`),
  ].sort();
  const members = entries.map((e) =>
    `  /** The ${e.apiVersion} API. */
  ${e.accessor}(): ${e.iface};`
  );
  const tables = [...entries].sort((a, b) => a.entry < b.entry ? -1 : 1).map((e) => {
    const resources = e.gv.resources.map((r) =>
      `  [${JSON.stringify(resourceAccessor(r))}, ${JSON.stringify(r.resource)}, ${JSON.stringify(r.kind)}, ${
        r.namespaced ? 1 : 0
      }],`
    );
    return `const ${e.entry}: GroupVersionEntry = [${JSON.stringify(e.gv.group)}, ${
      JSON.stringify(e.gv.version)
    }, [\n${resources.join("\n")}\n]];`;
  });
  const impls = entries.map((e) => `    ${e.accessor}: lazy<${e.iface}>(${e.entry}),`);
  return [
    GENERATED_HEADER,
    "",
    "/**",
    " * The clientset: one accessor per group-version of the Kubernetes API (client-go's",
    " * `kubernetes.Clientset`). Each group-version client is built on first use, from a compact entry",
    " * per group-version: importing the clientset loads no group-version module. A program that needs",
    " * only some group-versions may import their modules (`clientset/apps/v1`) instead.",
    " *",
    " * @module",
    " */",
    ...imports,
    "",
    `export type { ${entries.map((e) => e.iface).sort().join(", ")} };`,
    "",
    "/** Every group-version client of the Kubernetes API (client-go's `kubernetes.Interface`). */",
    "export interface Clientset {",
    "  /** The discovery client of the same server. */",
    "  discovery(): DiscoveryClient;",
    ...members,
    "}",
    "",
    "/** A resource of a group-version: its accessor, plural, kind, and 1 when namespaced. */",
    "type ResourceEntry = readonly [accessor: string, resource: string, kind: string, namespaced: 0 | 1];",
    "/** A group-version: its group, version and resources. */",
    "type GroupVersionEntry = readonly [group: string, version: string, resources: readonly ResourceEntry[]];",
    "",
    ...tables,
    "",
    "/**",
    " * Builds the client of a group-version from its entry: what the group-version's own factory",
    " * (`newAppsV1Client`) builds, a REST client and one accessor per resource.",
    " */",
    "function newGroupVersionClient(",
    "  config: RestConfig,",
    "  options: ClientOptions,",
    "  [group, version, resources]: GroupVersionEntry,",
    "): Record<string, unknown> {",
    "  const restClient = restClientForGroupVersion(config, group, version, options);",
    "  const client: Record<string, unknown> = { restClient };",
    "  for (const [accessor, resource, kind, namespaced] of resources) {",
    "    const info: ResourceInfo = { group, version, resource, kind, namespaced: namespaced === 1 };",
    "    client[accessor] = namespaced",
    "      ? (namespace: string) => newResourceClient(restClient, info, namespace)",
    "      : () => newResourceClient(restClient, info);",
    "  }",
    "  return client;",
    "}",
    "",
    "/**",
    " * Creates a clientset for a configuration (client-go's `kubernetes.NewForConfig`). Group-version",
    " * clients are created lazily and then reused.",
    " *",
    " * @param config The REST configuration (server, credentials, TLS, rate limits).",
    " * @param options Options of the REST clients (transport, rate limiter, clock, retries).",
    " * @returns The clientset.",
    " *",
    " * @example Listing pods",
    " * ```ts",
    ' * import { newClientset } from "@kubeweb/client/clientset";',
    ' * import { loadRestConfig } from "@kubeweb/client/rest";',
    " *",
    " * const clientset = newClientset(await loadRestConfig());",
    ' * const pods = await clientset.coreV1().pods("default").list({ labelSelector: "app=web" });',
    " * console.log(pods.items.map((pod) => pod.status?.phase));",
    " * ```",
    " */",
    "export function newClientset(config: RestConfig, options: ClientOptions = {}): Clientset {",
    "  let discovery: DiscoveryClient | undefined;",
    "  const made = new Map<GroupVersionEntry, unknown>();",
    "  const lazy = <C>(entry: GroupVersionEntry) => (): C => {",
    "    let client = made.get(entry);",
    "    if (client === undefined) made.set(entry, client = newGroupVersionClient(config, options, entry));",
    "    return client as C;",
    "  };",
    "  return {",
    "    discovery: (): DiscoveryClient => discovery ??= newDiscoveryClient(config, options),",
    ...impls,
    "  };",
    "}",
    "",
  ].join("\n");
}

/** The deno.json "exports" entries of the generated per-group modules. */
export function exportEntries(files: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of [...files.keys()].sort()) {
    if (!path.endsWith("/mod.ts")) continue;
    const folder = path.slice(0, -"/mod.ts".length);
    if (folder.startsWith("../")) out[`./${folder.slice(3)}`] = `./${path.slice(3)}`;
    else out[`./${OUT_DIR}/${folder}`] = `./${OUT_DIR}/${path}`;
  }
  return out;
}

async function main(args: string[]): Promise<number> {
  const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
  const spec = JSON.parse(await Deno.readTextFile(`${root}/${SPEC_PATH}`));
  const raw = generateBuiltins(spec);
  if (args.includes("--exports")) {
    console.log(JSON.stringify(exportEntries(raw), null, 2));
    return 0;
  }
  const check = args.includes("--check");
  const files = await formatFiles(raw, await fmtFlags(root));
  // Files outside clientset/ (keys "../meta/v1/...", "../cache/...") are synced folder by folder,
  // so that the walk for files no longer generated stays inside what the generator owns.
  const byDir = new Map<string, Map<string, string>>([["", new Map()]]);
  for (const [p, t] of files) {
    const m = /^(\.\.\/(?:meta\/v1|cache))\/(.*)$/.exec(p);
    const dir = m === null ? "" : m[1];
    if (!byDir.has(dir)) byDir.set(dir, new Map());
    byDir.get(dir)!.set(m === null ? p : m[2], t);
  }
  const changed: string[] = [];
  const removed: string[] = [];
  for (const [dir, own] of byDir) {
    if (dir === "../cache") {
      // Only the informer files are generated there: check and write them alone.
      for (const [p, t] of own) {
        const full = `${root}/cache/${p}`;
        const current = await Deno.readTextFile(full).catch(() => undefined);
        if (current === t) continue;
        changed.push(`${dir}/${p}`);
        if (!check) await Deno.writeTextFile(full, t);
      }
      continue;
    }
    const r = await syncFiles(dir === "" ? `${root}/${OUT_DIR}` : `${root}/${OUT_DIR}/${dir}`, own, check);
    const prefix = dir === "" ? "" : `${dir}/`;
    changed.push(...r.changed.map((p) => prefix + p));
    removed.push(...r.removed.map((p) => prefix + p));
  }
  const fake = await syncFiles(
    `${root}/testing`,
    await formatFiles(generateFakeTables(spec), await fmtFlags(root)),
    check,
  );
  changed.push(...fake.changed.map((p) => `../testing/${p}`));
  removed.push(...fake.removed.map((p) => `../testing/${p}`));
  if (check) {
    if (changed.length === 0 && removed.length === 0) return 0;
    for (const p of changed) console.error(`stale: ${OUT_DIR}/${p}`);
    for (const p of removed) console.error(`no longer generated: ${OUT_DIR}/${p}`);
    console.error("The generated clientset is out of date: run `deno run -A scripts/gen/main.ts`");
    return 1;
  }
  console.log(
    `Generated ${files.size} files in ${OUT_DIR}/ (${changed.length} changed, ${removed.length} removed)`,
  );
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
