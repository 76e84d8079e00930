/**
 * Writes the text of generated files: the types of a folder, the client of a group-version, the
 * folder's `mod.ts`. Shared by the built-in generator (`main.ts`) and the CRD generator (`crd.ts`).
 *
 * @module
 */
import { ImportSet, type TypeLocation } from "./_imports.ts";
import type { ResourceModel, SubresourceModel, Verb } from "./_openapi_model.ts";
import { apiVersionOf, declaration, docComment, GENERATED_HEADER, type Schema } from "./_schema.ts";

/** Where things are, as seen from the generated files. */
export interface EmitEnv {
  /** The output folder and name of a type key. */
  locate(key: string): TypeLocation;
  /** Module specifier, from a file in `fromFolder`, of the types of `folder`. */
  typesSpecifier(fromFolder: string, folder: string): string;
  /** Module specifier, from a file in `fromFolder`, of the hand-written resource client module. */
  libSpecifier(fromFolder: string): string;
  /**
   * The import path of a folder's module in the examples of that folder's files, as users write it
   * ("@kubeweb/client/clientset/apps/v1").
   */
  publicSpecifier(folder: string): string;
  /**
   * The import path, from a file in `fromFolder`, of kubeweb's rest module, where examples take
   * `loadRestConfig` from ("@kubeweb/client/rest"); undefined when unknown, and examples then give
   * the configuration as data.
   */
  restSpecifier(fromFolder: string): string | undefined;
}

/**
 * The example of a group-version's client (in its `client.ts` and `mod.ts`): make the client, then
 * list the first namespaced resource that can be listed (else the first that can be listed; for a
 * group-version without one, reach a resource client). Type-checked with the package's examples.
 */
export function clientExample(gv: ClientGroupVersion, env: EmitEnv): string {
  const factory = `new${upperFirst(accessorName(gv.group, gv.version))}Client`;
  const rest = env.restSpecifier(gv.folder);
  const lines = [`import { ${factory} } from "${env.publicSpecifier(gv.folder)}";`];
  if (rest !== undefined) lines.push(`import { loadRestConfig } from "${rest}";`);
  const config = rest === undefined ? '{ host: "https://127.0.0.1:6443" }' : "await loadRestConfig()";
  lines.push("", `const client = ${factory}(${config});`);
  const listable = gv.resources.filter((r) => r.verbs.includes("list"));
  const listed = listable.find((r) => r.namespaced) ?? listable[0];
  const first = listed ?? gv.resources[0];
  if (first !== undefined) {
    const call = `client.${resourceAccessor(first)}(${first.namespaced ? '"default"' : ""})`;
    if (listed !== undefined) {
      lines.push(
        `const list = await ${call}.list();`,
        "console.log(list.items.map((o) => o.metadata.name));",
      );
    } else {
      lines.push(
        `const ${resourceAccessor(first)} = ${call};`,
        `console.log(${resourceAccessor(first)}.info.kind);`,
      );
    }
  }
  return lines.join("\n");
}

/** The text of `<folder>/types.ts`: one declaration per definition key. */
export function emitTypesFile(
  folder: string,
  keys: string[],
  definitions: Record<string, Schema | undefined>,
  env: EmitEnv,
  description: string,
): string {
  const names = keys.map((k) => env.locate(k).name);
  const imports = new ImportSet(folder, names, (f) => env.typesSpecifier(folder, f));
  const resolver = { ref: (key: string) => imports.ref(env.locate(refKeyOf(key))) };
  const decls = keys.map((key, i) => {
    const schema = definitions[key];
    if (schema === undefined) throw new Error(`Definition ${key} is missing`);
    return declaration(names[i], schema, resolver, `${names[i]} (${folder}).`);
  });
  return fileText(description, imports.render(), decls);
}

function refKeyOf(ref: string): string {
  return ref.startsWith("#/definitions/") ? ref.slice("#/definitions/".length) : ref;
}

function fileText(description: string, imports: string, body: string[]): string {
  const parts = [GENERATED_HEADER, docComment(description, "", ["@module"])!];
  if (imports !== "") parts.push(imports);
  parts.push(...body);
  return parts.join("\n\n") + "\n";
}

/** A group-version as the client emitter needs it. */
export interface ClientGroupVersion {
  group: string;
  version: string;
  folder: string;
  resources: ResourceModel[];
}

/** "apps" -> "apps", "rbac.authorization.k8s.io" -> "rbac", "" -> "core". */
export function groupIdentifier(group: string): string {
  if (group === "") return "core";
  const first = group.split(".")[0];
  return first.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The accessor of a group-version, as client-go names it: "appsV1", "coreV1", "rbacV1". */
export function accessorName(group: string, version: string): string {
  return groupIdentifier(group) + version[0].toUpperCase() + version.slice(1);
}

/** "appsV1" -> "AppsV1". */
export function upperFirst(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

/**
 * The plural of a kind in the resource's spelling: kind "NetworkPolicy" with resource
 * "networkpolicies" -> "NetworkPolicies".
 */
export function pluralKind(kind: string, resource: string): string {
  const lower = kind.toLowerCase();
  let n = 0;
  while (n < lower.length && n < resource.length && lower[n] === resource[n]) n++;
  if (n === 0) return upperFirst(resource);
  return kind.slice(0, n) + resource.slice(n);
}

/** "CSIDrivers" -> "csiDrivers", "ServiceCIDRs" -> "serviceCIDRs", "Pods" -> "pods". */
export function lowerCamel(s: string): string {
  let n = 0;
  while (n < s.length && s[n] >= "A" && s[n] <= "Z") n++;
  if (n === 0) return s;
  if (n === 1 || n === s.length) return s.slice(0, n).toLowerCase() + s.slice(n);
  // An acronym run: keep its last capital when a lower-case word follows ("CSIDrivers").
  const next = s[n];
  const cut = next >= "a" && next <= "z" ? n - 1 : n;
  return s.slice(0, cut).toLowerCase() + s.slice(cut);
}

/** The accessor of a resource within its group-version client: "deployments", "csiDrivers". */
export function resourceAccessor(r: { kind: string; resource: string }): string {
  return lowerCamel(pluralKind(r.kind, r.resource));
}

const VERB_METHODS: Record<Verb, string[]> = {
  get: ["get"],
  list: ["list", "listPages", "listItems"],
  watch: ["watch"],
  create: ["create"],
  update: ["update"],
  patch: ["patch", "apply"],
  delete: ["delete"],
  deletecollection: ["deleteCollection"],
};
const ALL_VERBS = Object.keys(VERB_METHODS) as Verb[];

/** How each subresource the generator knows becomes a mix-in interface of the resource client. */
const SUBRESOURCES: Record<string, { iface: string; typed: boolean; what: string }> = {
  status: { iface: "StatusSubresource", typed: true, what: "status" },
  scale: { iface: "ScaleSubresource", typed: true, what: "scale" },
  eviction: { iface: "EvictionSubresource", typed: true, what: "eviction" },
  binding: { iface: "BindingSubresource", typed: true, what: "binding" },
  log: { iface: "LogSubresource", typed: false, what: "log" },
  token: { iface: "TokenSubresource", typed: true, what: "token" },
  ephemeralcontainers: { iface: "EphemeralContainersSubresource", typed: true, what: "ephemeralcontainers" },
  resize: { iface: "ResizeSubresource", typed: true, what: "resize" },
  finalize: { iface: "FinalizeSubresource", typed: true, what: "finalize" },
  approval: { iface: "ApprovalSubresource", typed: true, what: "approval" },
  exec: { iface: "ExecSubresource", typed: false, what: "exec" },
  attach: { iface: "AttachSubresource", typed: false, what: "attach" },
  portforward: { iface: "PortForwardSubresource", typed: false, what: "portforward" },
};

function constName(resource: string): string {
  return resource.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/** Options of {@linkcode emitClientFile}. */
export interface ClientFileOptions {
  /** Text placed before the generated description in the module doc. */
  description?: string;
}

/** The text of `<folder>/client.ts`: the group-version client and one client type per resource. */
export function emitClientFile(
  gv: ClientGroupVersion,
  env: EmitEnv,
  options: ClientFileOptions = {},
): string {
  const folder = gv.folder;
  const accessor = accessorName(gv.group, gv.version);
  const ifaceName = `${upperFirst(accessor)}Client`;
  const factory = `new${upperFirst(accessor)}Client`;
  const apiVersion = apiVersionOf(gv.group, gv.version);
  const lib = env.libSpecifier(folder);
  const localNames = [ifaceName, factory];
  // Every type comes from a types file, the folder's own included: no folder is "self" here.
  const imports = new ImportSet("\0client", localNames, (f) => env.typesSpecifier(folder, f));
  const libType = (n: string) => imports.named(lib, n);
  const libValue = (n: string) => imports.named(lib, n, false);
  const typeRef = (key: string) => imports.ref(env.locate(key));

  const typeDecls: string[] = [];
  const consts: string[] = [];
  const members: string[] = [];
  const factoryMembers: string[] = [];
  const seenAccessors = new Set<string>();
  for (const r of gv.resources) {
    const acc = resourceAccessor(r);
    if (seenAccessors.has(acc)) throw new Error(`Two resources of ${apiVersion} are both named ${acc}`);
    seenAccessors.add(acc);
    const clientType = `${upperFirst(acc)}Client`;
    localNames.push(clientType);
    const t = typeRef(r.typeKey);
    const l = r.listTypeKey === undefined ? undefined : typeRef(r.listTypeKey);
    const rc = libType("ResourceClient");
    const list = l ?? `${libType("KubeList")}<${t}>`;
    const base = `${rc}<${t}, ${list}, ${r.namespaced}>`;
    const verbs = new Set(r.verbs);
    const parts: string[] = [];
    if (ALL_VERBS.every((v) => verbs.has(v))) parts.push(base);
    else {
      const methods = ALL_VERBS.filter((v) => verbs.has(v)).flatMap((v) => VERB_METHODS[v]);
      parts.push(`Pick<${base}, ${["info", ...methods].map((m) => JSON.stringify(m)).join(" | ")}>`);
    }
    const subNames: string[] = [];
    for (const s of r.subresources) {
      const part = subresourcePart(s, r, libType, typeRef, apiVersion);
      if (part === undefined) continue;
      parts.push(part);
      subNames.push(s.name);
    }
    const scope = r.namespaced ? "namespaced" : "cluster-scoped";
    const subText = subNames.length === 0
      ? ""
      : `, with the ${subNames.join(", ")} subresource${subNames.length > 1 ? "s" : ""}`;
    typeDecls.push(
      `/** The client of ${apiVersion} ${pluralKind(r.kind, r.resource)} (${scope}${subText}). */\n` +
        `export type ${clientType} = ${parts.join(" & ")};`,
    );
    const c = constName(r.resource);
    const info = libType("ResourceInfo");
    consts.push(
      `const ${c}: ${info} = { group: ${JSON.stringify(gv.group)}, version: ${
        JSON.stringify(gv.version)
      }, resource: ${JSON.stringify(r.resource)}, kind: ${
        JSON.stringify(r.kind)
      }, namespaced: ${r.namespaced} };`,
    );
    const newRc = libValue("newResourceClient");
    const generics = `<${t}, ${list}, ${r.namespaced}>`;
    if (r.namespaced) {
      members.push(
        `  /** ${
          pluralKind(r.kind, r.resource)
        } in a namespace ("" means all namespaces, for list, watch and deleteCollection). */\n` +
          `  ${acc}(namespace: string): ${clientType};`,
      );
      factoryMembers.push(
        `    ${acc}: (namespace: string): ${clientType} => ${newRc}${generics}(restClient, ${c}, namespace),`,
      );
    } else {
      members.push(
        `  /** ${pluralKind(r.kind, r.resource)} (cluster-scoped). */\n  ${acc}(): ${clientType};`,
      );
      factoryMembers.push(`    ${acc}: (): ${clientType} => ${newRc}${generics}(restClient, ${c}),`);
    }
  }
  const restClient = libType("RESTClient");
  const clientConfig = libType("ClientConfig");
  const clientOptions = libType("ClientOptions");
  const forGv = libValue("restClientForGroupVersion");
  const example = clientExample(gv, env).split("\n").map((l) => l === "" ? " *" : ` * ${l}`).join("\n");
  const body = [
    ...typeDecls,
    `/** The ${apiVersion} API (client-go's \`${upperFirst(accessor)}Interface\`). */\n` +
    `export interface ${ifaceName} {\n` +
    `  /** The REST client of ${apiVersion} that the resource clients share. */\n` +
    `  readonly restClient: ${restClient};\n` +
    members.join("\n") + "\n}",
    consts.join("\n"),
    `/**\n * Creates the ${apiVersion} client from a configuration or a REST client of that group-version\n` +
    ` * (client-go's \`${groupIdentifier(gv.group)}${gv.version}.NewForConfig\`).\n *\n` +
    ` * @param config A REST configuration, or a REST client made for ${apiVersion}.\n` +
    ` * @param options Options of the REST client made from a configuration (transport, rate limiter...).\n` +
    ` * @returns The client.\n *\n` +
    ` * @example ${
      gv.resources.some((r) => r.verbs.includes("list")) ? "Listing" : "Reaching a resource"
    }\n` +
    ` * \`\`\`ts\n${example}\n * \`\`\`\n */\n` +
    `export function ${factory}(config: ${clientConfig}, options?: ${clientOptions}): ${ifaceName} {\n` +
    `  const restClient = ${forGv}(config, ${JSON.stringify(gv.group)}, ${
      JSON.stringify(gv.version)
    }, options);\n` +
    `  return {\n    restClient,\n${factoryMembers.join("\n")}\n  };\n}`,
  ];
  const description = options.description ??
    `The typed client of the ${apiVersion} API: one client per resource, reached through \`${factory}\`.`;
  return fileText(description, imports.render(), body);
}

function subresourcePart(
  s: SubresourceModel,
  r: ResourceModel,
  libType: (n: string) => string,
  typeRef: (key: string) => string,
  apiVersion: string,
): string | undefined {
  const known = SUBRESOURCES[s.name];
  if (known === undefined) {
    throw new Error(
      `Subresource ${r.resource}/${s.name} of ${apiVersion} is unknown to the generator: map it in SUBRESOURCES`,
    );
  }
  const iface = libType(known.iface);
  if (!known.typed) return iface;
  const key = s.typeKey ?? r.typeKey;
  // The status subresource answers with the resource's own object, stored (with its scope).
  if (s.name === "status") return `${iface}<${typeRef(key)}, ${r.namespaced}>`;
  return `${iface}<${typeRef(key)}>`;
}

/** The text of a folder's `mod.ts`. */
export function emitModFile(
  folder: string,
  apiVersion: string | undefined,
  hasClient: boolean,
  example: string | undefined,
): string {
  const what = apiVersion === undefined ? folder : apiVersion;
  const lines = [
    GENERATED_HEADER,
    "",
    "/**",
    hasClient
      ? ` * The ${what} API: its types and its typed client.`
      : ` * The ${what} types shared by every group (object metadata, lists, status, times and quantities).`,
    " *",
  ];
  if (example !== undefined) {
    lines.push(
      " * @example",
      " * ```ts",
      ...example.split("\n").map((l) => l === "" ? " *" : ` * ${l}`),
    );
    lines.push(" * ```", " *");
  }
  lines.push(" * @module", " */", 'export type * from "./types.ts";');
  if (hasClient) lines.push('export * from "./client.ts";');
  return lines.join("\n") + "\n";
}
