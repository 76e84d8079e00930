/**
 * Writes `cache/informer_groups.ts`, the typed accessors of the shared informer factory
 * (`factory.core().v1().pods()`), one per built-in resource that can be listed and watched, and
 * `cache/_informer_clients.ts`, the table the factory reaches each resource's client through. Generated with the clientset, so an
 * accessor exists exactly when the clientset can list and watch the resource.
 *
 * @module
 */
import { accessorName, groupIdentifier, pluralKind, resourceAccessor, upperFirst } from "./_emit.ts";
import { ImportSet } from "./_imports.ts";
import { type GroupVersionModel, locateDefinition } from "./_openapi_model.ts";
import { apiVersionOf, GENERATED_HEADER } from "./_schema.ts";

/** The path of the generated accessor types, relative to `clientset/`. */
export const INFORMER_GROUPS_FILE = "../cache/informer_groups.ts";
/** The path of the generated table of clients (internal to the cache module), relative to `clientset/`. */
export const INFORMER_CLIENTS_FILE = "../cache/_informer_clients.ts";

/** The texts of `cache/informer_groups.ts` and `cache/_informer_clients.ts`, by path. */
export function emitInformerFiles(gvs: GroupVersionModel[]): Map<string, string> {
  const local = ["InformerGroups", "Stored", "GenericInformer"];
  const imports = new ImportSet(
    "\0cache",
    local,
    (folder) => folder === "meta/v1" ? "../meta/v1/types.ts" : `../clientset/${folder}/types.ts`,
  );
  const groups = new Map<string, { version: string; gv: GroupVersionModel }[]>();
  for (const gv of gvs) {
    const listable = gv.resources.filter((r) => r.verbs.includes("list") && r.verbs.includes("watch"));
    if (listable.length === 0) continue;
    const g = groupIdentifier(gv.group);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push({ version: gv.version, gv: { ...gv, resources: listable } });
  }
  const decls: string[] = [];
  const groupMembers: string[] = [];
  const table: string[] = [];
  for (const g of [...groups.keys()].sort()) {
    const versions = groups.get(g)!.sort((a, b) => a.version < b.version ? -1 : 1);
    const groupIface = `${upperFirst(g)}Informers`;
    const versionMembers: string[] = [];
    const tableVersions: string[] = [];
    for (const { version, gv } of versions) {
      const accessor = accessorName(gv.group, gv.version);
      const iface = `${upperFirst(accessor)}Informers`;
      const apiVersion = apiVersionOf(gv.group, gv.version);
      const members: string[] = [];
      const makers: string[] = [];
      for (const r of gv.resources) {
        const acc = resourceAccessor(r);
        const t = imports.ref(locateDefinition(r.typeKey));
        const plural = pluralKind(r.kind, r.resource);
        members.push(
          `  /** The shared informer and lister of ${apiVersion} ${plural} (${
            r.namespaced ? "namespaced" : "cluster-scoped"
          }). */\n  ${acc}(): GenericInformer<Stored<${t}, ${r.namespaced}>>;`,
        );
        makers.push(
          r.namespaced
            ? `      ${acc}: (c, ns) => c.${accessor}().${acc}(ns),`
            : `      ${acc}: (c) => c.${accessor}().${acc}(),`,
        );
      }
      decls.push(
        `/** The informers of the ${apiVersion} API (client-go's \`${g}/${version}.Interface\`). */\n` +
          `export interface ${iface} {\n${members.join("\n")}\n}`,
      );
      versionMembers.push(`  /** The informers of ${apiVersion}. */\n  ${version}(): ${iface};`);
      tableVersions.push(`    ${version}: {\n${makers.join("\n")}\n    },`);
    }
    decls.push(
      `/** The versions of the ${g} API group that have informers. */\n` +
        `export interface ${groupIface} {\n${versionMembers.join("\n")}\n}`,
    );
    groupMembers.push(`  /** The ${g} API group. */\n  ${g}(): ${groupIface};`);
    table.push(`  ${g}: {\n${tableVersions.join("\n")}\n  },`);
  }
  const groupsFile = [
    GENERATED_HEADER,
    "",
    "/**",
    " * The typed accessors of the shared informer factory (`factory.core().v1().pods()`), one per",
    " * built-in resource that can be listed and watched, generated with the clientset.",
    " *",
    " * @module",
    " */",
    'import type { Stored } from "../meta/stored.ts";',
    'import type { GenericInformer } from "./informer_factory.ts";',
    imports.render(),
    "",
    decls.join("\n\n"),
    "",
    "/**",
    " * One accessor per API group with informers, named as client-go's: `core()`, `apps()`, `batch()`,",
    " * `rbac()`, `networking()`...",
    " */",
    "export interface InformerGroups {",
    groupMembers.join("\n"),
    "}",
    "",
  ].join("\n");
  const clientsFile = [
    GENERATED_HEADER,
    "",
    "/**",
    " * How the shared informer factory reaches the client of each resource that has an informer",
    " * accessor (`cache/informer_groups.ts`), generated with the clientset.",
    " *",
    " * @module",
    " */",
    'import type { Clientset } from "../clientset/clientset.ts";',
    'import type { ResourceInfo } from "../clientset/resource_client.ts";',
    'import type { KubeObject } from "../rest/types.ts";',
    'import type { ListWatchClient } from "./listwatch.ts";',
    "",
    "/** The client a factory's informer lists and watches through. */",
    "export type InformerClient = ListWatchClient<KubeObject> & { readonly info: ResourceInfo };",
    "",
    "/** group -> version -> accessor -> the client of the resource (namespace ignored when cluster-scoped). */",
    "export const INFORMER_CLIENTS: Record<",
    "  string,",
    "  Record<string, Record<string, (clientset: Clientset, namespace: string) => InformerClient>>",
    "> = {",
    table.join("\n"),
    "};",
    "",
  ].join("\n");
  return new Map([[INFORMER_GROUPS_FILE, groupsFile], [INFORMER_CLIENTS_FILE, clientsFile]]);
}
