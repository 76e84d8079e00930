/**
 * Typed clients for CustomResourceDefinitions: the types of each served version come from its
 * `openAPIV3Schema`, and the client is the same thin layer over the resource client that built-in
 * resources get.
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
  upperFirst,
} from "./_emit.ts";
import { relativeSpecifier } from "./_imports.ts";
import type { ResourceModel, Verb } from "./_openapi_model.ts";
import type { Schema } from "./_schema.ts";

/** The part of a CustomResourceDefinition the generator reads. */
export interface Crd {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec: {
    group: string;
    names: { kind: string; plural: string; singular?: string; listKind?: string };
    scope: "Namespaced" | "Cluster";
    versions: {
      name: string;
      served: boolean;
      storage?: boolean;
      schema?: { openAPIV3Schema?: Schema };
      subresources?: { status?: unknown; scale?: unknown };
    }[];
  };
}

/** Where the generated CRD code finds kubeweb. */
export interface CrdImports {
  /**
   * The clientset module: a package specifier ("@kubeweb/client/clientset", whose group-version
   * modules are "<specifier>/meta/v1"), or the path of the clientset folder relative to the output
   * folder (starting with "." or "/"), for code generated inside this repository.
   */
  clientset: string;
}

const ALL_VERBS: Verb[] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const KEY_SEPARATOR = "|";

function key(folder: string, name: string): string {
  return `${folder}${KEY_SEPARATOR}${name}`;
}

function isPath(spec: string): boolean {
  return spec.startsWith(".") || spec.startsWith("/");
}

/** Checks that a parsed document is a CRD the generator can use; throws naming what is wrong. */
export function asCrd(doc: unknown, where: string): Crd | undefined {
  if (doc === null || typeof doc !== "object") return undefined;
  const d = doc as Partial<Crd>;
  if (d.kind !== "CustomResourceDefinition") return undefined;
  if (!d.apiVersion?.startsWith("apiextensions.k8s.io/")) return undefined;
  const spec = d.spec;
  if (!spec?.group || !spec.names?.kind || !spec.names.plural || !Array.isArray(spec.versions)) {
    throw new Error(
      `${where}: the CustomResourceDefinition ${d.metadata?.name ?? ""} lacks group, names or versions`,
    );
  }
  return d as Crd;
}

/** The files (relative to the output folder, unformatted) of typed clients for the given CRDs. */
export function generateCrdClients(crds: Crd[], imports: CrdImports): Map<string, string> {
  // group/version -> resources and the types of each.
  const gvs = new Map<string, {
    group: string;
    version: string;
    folder: string;
    resources: ResourceModel[];
    definitions: Record<string, Schema>;
  }>();
  for (
    const crd of [...crds].sort((a, b) =>
      cmp(a.spec.group + a.spec.names.plural, b.spec.group + b.spec.names.plural)
    )
  ) {
    const { group, names } = crd.spec;
    for (const v of crd.spec.versions) {
      if (!v.served) continue;
      const folder = `${group}/${v.name}`;
      let gv = gvs.get(folder);
      if (gv === undefined) {
        gvs.set(folder, gv = { group, version: v.name, folder, resources: [], definitions: {} });
      }
      const apiVersion = `${group}/${v.name}`;
      const listKind = names.listKind ?? `${names.kind}List`;
      const root: Schema = v.schema?.openAPIV3Schema ??
        { type: "object", "x-kubernetes-preserve-unknown-fields": true };
      const props = { ...(root.properties ?? {}) };
      delete props.apiVersion;
      delete props.kind;
      delete props.metadata;
      gv.definitions[key(folder, names.kind)] = {
        ...root,
        type: "object",
        description: root.description ?? `${names.kind} (${apiVersion}), a custom resource.`,
        "x-kubernetes-group-version-kind": [{ group, version: v.name, kind: names.kind }],
        properties: {
          apiVersion: { type: "string", description: "The API version of the object." },
          kind: { type: "string", description: "The kind of the object." },
          metadata: { $ref: key("meta/v1", "ObjectMeta"), description: "Standard object metadata." },
          ...props,
        },
      };
      gv.definitions[key(folder, listKind)] = {
        type: "object",
        description: `A list of ${names.kind} objects.`,
        required: ["items"],
        "x-kubernetes-group-version-kind": [{ group, version: v.name, kind: listKind }],
        properties: {
          apiVersion: { type: "string", description: "The API version of the list." },
          items: { type: "array", items: { $ref: key(folder, names.kind) }, description: "The objects." },
          kind: { type: "string", description: "The kind of the list." },
          metadata: { $ref: key("meta/v1", "ListMeta"), description: "Standard list metadata." },
        },
      };
      const subresources = [];
      if (v.subresources?.scale !== undefined) {
        subresources.push({
          name: "scale",
          typeKey: key("autoscaling/v1", "Scale"),
          verbs: ["get", "patch", "update"] as Verb[],
        });
      }
      if (v.subresources?.status !== undefined) {
        subresources.push({
          name: "status",
          typeKey: key(folder, names.kind),
          verbs: ["get", "patch", "update"] as Verb[],
        });
      }
      gv.resources.push({
        resource: names.plural,
        kind: names.kind,
        namespaced: crd.spec.scope === "Namespaced",
        typeKey: key(folder, names.kind),
        listTypeKey: key(folder, listKind),
        verbs: ALL_VERBS,
        subresources,
      });
    }
  }

  const localFolders = new Set(gvs.keys());
  const libFolder = (from: string, folder: string): string =>
    isPath(imports.clientset)
      ? relativeSpecifier(from, `${joinPath(imports.clientset, folder)}/mod.ts`)
      : `${imports.clientset}/${folder}`;
  const env: EmitEnv = {
    locate(k: string) {
      const i = k.indexOf(KEY_SEPARATOR);
      if (i < 0) throw new Error(`Unexpected type reference ${k} in a CRD schema`);
      return { folder: k.slice(0, i), name: k.slice(i + 1) };
    },
    typesSpecifier: (from, folder) =>
      localFolders.has(folder) ? relativeSpecifier(from, `${folder}/types.ts`) : libFolder(from, folder),
    libSpecifier: (from) =>
      isPath(imports.clientset) ? relativeSpecifier(from, `${imports.clientset}/mod.ts`) : imports.clientset,
    // Examples sit in the folder's own files: they import its mod.ts beside them.
    publicSpecifier: () => "./mod.ts",
    restSpecifier: (from) => {
      const rest = restModuleOf(imports.clientset);
      if (rest === undefined || !isPath(rest)) return rest;
      return relativeSpecifier(from, rest);
    },
  };

  const accessors = new Map<string, string>();
  const files = new Map<string, string>();
  for (const gv of [...gvs.values()].sort((a, b) => cmp(a.folder, b.folder))) {
    const accessor = accessorName(gv.group, gv.version);
    const other = accessors.get(accessor);
    if (other !== undefined) {
      throw new Error(
        `The groups ${other} and ${gv.group} would both get the client ${accessor}: generate them apart`,
      );
    }
    accessors.set(accessor, gv.group);
    const apiVersion = `${gv.group}/${gv.version}`;
    const keys = Object.keys(gv.definitions).sort();
    files.set(
      `${gv.folder}/types.ts`,
      emitTypesFile(
        gv.folder,
        keys,
        gv.definitions,
        env,
        `The types of the custom resources of ${apiVersion}.`,
      ),
    );
    files.set(
      `${gv.folder}/client.ts`,
      emitClientFile(gv, env, {
        description: `The typed client of the custom resources of ${apiVersion}, reached through ` +
          `\`new${upperFirst(accessor)}Client\`.`,
      }),
    );
    const example = clientExample(gv, env);
    files.set(`${gv.folder}/mod.ts`, emitModFile(gv.folder, apiVersion, true, example));
  }
  return files;
}

/**
 * kubeweb's rest module beside the clientset module the code imports: "@kubeweb/client/clientset" ->
 * "@kubeweb/client/rest", the folder "../../clientset" -> "../../rest/mod.ts"; undefined when the
 * clientset specifier does not end in a "clientset" segment.
 */
function restModuleOf(clientset: string): string | undefined {
  const m = /^(.*?)(^|\/)clientset(\/mod\.ts)?\/?$/.exec(clientset);
  if (m === null) return undefined;
  const base = `${m[1]}${m[2]}rest`;
  return isPath(clientset) ? `${base}/mod.ts` : base + (m[3] ?? "");
}

function joinPath(base: string, rest: string): string {
  return `${base.replace(/\/+$/, "")}/${rest}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
