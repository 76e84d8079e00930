/**
 * {@linkcode applyManifests}: `kubectl apply --server-side` for many documents, from code.
 *
 * @module
 */
import { type Clock, REAL_CLOCK, sleepOn } from "../_internal/clock.ts";
import { linkSignals } from "../_internal/async.ts";
import { type DynamicClient, newDynamicClient, type Unstructured } from "../dynamic/dynamic_client.ts";
import { newCachedDiscoveryClient } from "../discovery/cached_discovery_client.ts";
import { newDiscoveryClient } from "../discovery/discovery_client.ts";
import { NoMatchError } from "../discovery/discovery_error.ts";
import { DeferredDiscoveryRESTMapper, type RESTMapping } from "../discovery/rest_mapper.ts";
import { parseGroupVersion } from "../meta/group_version.ts";
import type { GroupKind } from "../meta/group_version.ts";
import { ApiError, isNotFound } from "../rest/errors.ts";
import type { RestConfig } from "../rest/rest_config.ts";
import { WaitTimeoutError } from "../retry/wait_timeout_error.ts";
import { crdEstablished } from "./conditions.ts";
import { ManifestError, type ManifestPosition } from "./manifest_error.ts";
import { type Manifest, type ManifestInput, parseManifests } from "./manifests.ts";
import { waitFor } from "./wait_for.ts";

/** The part of a REST mapper {@linkcode applyManifests} uses (a `DeferredDiscoveryRESTMapper`). */
export interface ManifestRESTMapper {
  /** The mapping of a kind in the first of `versions` that serves it. */
  restMapping(gk: GroupKind, ...versions: string[]): Promise<RESTMapping>;
  /** Forgets what discovery said, so newly served kinds are found. */
  reset(): void;
}

/** Options of {@linkcode applyManifests}. */
export interface ApplyManifestsOptions {
  /** The field manager that owns the applied fields (required by server-side apply). */
  fieldManager: string;
  /** Take over fields another manager owns instead of failing that document with a conflict. */
  force?: boolean;
  /** The namespace of namespaced objects that name none (default: the configuration's, else "default"). */
  namespace?: string;
  /** Server-side dry run: everything is validated and nothing is stored (CRDs are then not served). */
  dryRun?: boolean;
  /** How long to wait for each applied CRD to be served (default 60 s). */
  establishTimeoutMs?: number;
  /** Aborting it stops at the next request; the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The dynamic client to apply with (default: one made from the configuration). */
  dynamic?: DynamicClient;
  /** The REST mapper to map kinds with (default: a deferred discovery mapper made from the configuration). */
  mapper?: ManifestRESTMapper;
  /** The clock of the CRD wait (default: the real clock). */
  clock?: Clock;
}

/** What applying did to an object, as kubectl reports it. */
export type ApplyAction = "created" | "configured" | "unchanged";

/** One applied object. */
export interface AppliedObject extends ManifestPosition {
  /** Created, changed or left as it was (judged by its resourceVersion; in a dry run, by its content). */
  action: ApplyAction;
  /** The object as the server returned it. */
  object: Unstructured;
}

/** The outcome of {@linkcode applyManifests}: a result per applied object and an error per failed document. */
export interface ApplyManifestsResult {
  /** The applied objects, in input order. */
  applied: AppliedObject[];
  /** The documents that failed, in input order; each failed alone. */
  errors: ManifestError[];
}

const CRD_GROUP = "apiextensions.k8s.io";

function isFirst(obj: Unstructured): boolean {
  const { group } = parseGroupVersion(obj.apiVersion ?? "");
  return (group === "" && obj.kind === "Namespace") ||
    (group === CRD_GROUP && obj.kind === "CustomResourceDefinition");
}

function position(m: Manifest, namespace?: string): ManifestPosition {
  const p: ManifestPosition = { index: m.index, source: m.source, line: m.line };
  if (typeof m.object.kind === "string") p.kind = m.object.kind;
  if (typeof m.object.metadata?.name === "string") p.name = m.object.metadata.name;
  const ns = namespace ?? m.object.metadata?.namespace;
  if (ns) p.namespace = ns;
  return p;
}

function problemOf(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

/** The object without what every write changes (resource version, managed-field times). */
function comparable(obj: Unstructured): string {
  const meta = { ...obj.metadata };
  delete meta.resourceVersion;
  if (Array.isArray(meta.managedFields)) {
    meta.managedFields = meta.managedFields.map((f) => ({ ...(f as object), time: undefined }));
  }
  return JSON.stringify({ ...obj, metadata: meta });
}

/**
 * Applies manifests with server-side apply, as `kubectl apply --server-side -f folder` does: YAML
 * (or JSON) text, files from `readManifestFolder`, or objects. Each object is mapped to its resource
 * through discovery (the REST mapper), namespaced objects without a namespace get `namespace`, and
 * it is applied through the dynamic client with `fieldManager` (and `force`). Namespaces and
 * CustomResourceDefinitions go first; each CRD is waited for until it is Established and discovery
 * serves its kind, so the custom objects after it apply in the same call. Each object comes back as
 * created, configured or unchanged; each document that fails (bad YAML, no kind or name, a kind the
 * server does not serve, a refusal by the server) becomes a {@linkcode ManifestError} naming its
 * index, kind, name and file, and the others are applied all the same. The call rejects only for
 * bad options or when the signal aborts.
 *
 * @example Apply a folder, report what changed, fail if any document failed
 * ```ts
 * import { loadRestConfig } from "@kubeweb/client/rest";
 * import { applyManifests, readManifestFolder } from "@kubeweb/client/tools";
 *
 * const config = await loadRestConfig();
 * const { applied, errors } = await applyManifests(config, await readManifestFolder("./deploy"), {
 *   fieldManager: "deploy-script", force: true, namespace: "shop",
 * });
 * for (const a of applied) console.log(`${a.kind}/${a.name} ${a.action}`);
 * if (errors.length > 0) throw new AggregateError(errors, errors.map((e) => e.message).join("\n"));
 * ```
 */
export async function applyManifests(
  config: RestConfig,
  input: ManifestInput,
  options: ApplyManifestsOptions,
): Promise<ApplyManifestsResult> {
  if (typeof options?.fieldManager !== "string" || options.fieldManager === "") {
    throw new TypeError("applyManifests needs options.fieldManager (the owner of the applied fields)");
  }
  const dynamic = options.dynamic ?? newDynamicClient(config);
  const mapper = options.mapper ??
    new DeferredDiscoveryRESTMapper(newCachedDiscoveryClient(newDiscoveryClient(config)));
  const defaultNamespace = options.namespace || config.namespace || "default";
  const clock = options.clock ?? REAL_CLOCK;
  const signal = options.signal;
  signal?.throwIfAborted();

  const { manifests, errors } = await parseManifests(input);
  const applied: AppliedObject[] = [];
  const fail = (p: ManifestPosition, problem: string, cause?: unknown) =>
    errors.push(new ManifestError(p, problem, { cause }));

  const applyOne = async (m: Manifest): Promise<AppliedObject | undefined> => {
    const obj = m.object;
    if (typeof obj.apiVersion !== "string" || obj.apiVersion === "") {
      return void fail(position(m), "it has no apiVersion");
    }
    if (typeof obj.kind !== "string" || obj.kind === "") return void fail(position(m), "it has no kind");
    if (typeof obj.metadata?.name !== "string" || obj.metadata.name === "") {
      return void fail(
        position(m),
        "it has no metadata.name (apply needs a name; generateName is not enough)",
      );
    }
    const { group, version } = parseGroupVersion(obj.apiVersion);
    let mapping: RESTMapping;
    try {
      mapping = await mapper.restMapping({ group, kind: obj.kind }, version);
    } catch (e) {
      signal?.throwIfAborted();
      if (e instanceof NoMatchError) {
        return void fail(
          position(m),
          `the server does not serve kind ${obj.kind} in ${obj.apiVersion} (is its CustomResourceDefinition installed?)`,
          e,
        );
      }
      return void fail(position(m), `cannot map its kind to a resource: ${problemOf(e)}`, e);
    }
    const namespaced = mapping.scope === "namespace";
    const namespace = namespaced ? obj.metadata.namespace || defaultNamespace : undefined;
    const p = position(m, namespace);
    const base = dynamic.resource(mapping.resource);
    const client = namespace === undefined ? base : base.namespace(namespace);
    const body: Unstructured = namespace === undefined
      ? obj
      : { ...obj, metadata: { ...obj.metadata, namespace } };
    try {
      let before: Unstructured | undefined;
      try {
        before = await client.get(obj.metadata.name, { signal });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      const after = await client.apply(body, {
        fieldManager: options.fieldManager,
        force: options.force,
        dryRun: options.dryRun ? ["All"] : undefined,
        signal,
      });
      const action: ApplyAction = before === undefined
        ? "created"
        : before.metadata?.resourceVersion === after.metadata?.resourceVersion &&
            (!options.dryRun || comparable(before) === comparable(after))
        ? "unchanged"
        : "configured";
      const result: AppliedObject = { ...p, action, object: after };
      applied.push(result);
      return result;
    } catch (e) {
      signal?.throwIfAborted();
      return void fail(p, `the server refused it: ${problemOf(e)}`, e);
    }
  };

  const first = manifests.filter((m) => isFirst(m.object));
  const rest = manifests.filter((m) => !isFirst(m.object));
  const crds: { result: AppliedObject; manifest: Manifest }[] = [];
  for (const m of first) {
    const result = await applyOne(m);
    if (result?.kind === "CustomResourceDefinition" && !options.dryRun) crds.push({ result, manifest: m });
  }
  for (const { result, manifest } of crds) {
    try {
      await servedCRD(dynamic, mapper, result.object, {
        timeoutMs: options.establishTimeoutMs ?? 60_000,
        signal,
        clock,
      });
    } catch (e) {
      signal?.throwIfAborted();
      applied.splice(applied.indexOf(result), 1);
      fail(position(manifest), `it was applied but is not served: ${problemOf(e)}`, e);
    }
  }
  for (const m of rest) await applyOne(m);
  applied.sort((a, b) => a.index - b.index);
  errors.sort((a, b) => a.index - b.index);
  return { applied, errors };
}

/** Waits until a CRD is Established and discovery maps its kind in every served version. */
async function servedCRD(
  dynamic: DynamicClient,
  mapper: ManifestRESTMapper,
  crd: Unstructured,
  options: { timeoutMs: number; signal?: AbortSignal; clock: Clock },
): Promise<void> {
  const name = crd.metadata?.name ?? "";
  const { signal, controller, dispose } = linkSignals(options.signal);
  const timer = options.clock.setTimer(
    () =>
      controller.abort(
        new WaitTimeoutError(`Timed out after ${options.timeoutMs} ms waiting for ${name} to be served`),
      ),
    options.timeoutMs,
  );
  try {
    const { version } = parseGroupVersion(crd.apiVersion ?? `${CRD_GROUP}/v1`);
    const crds = dynamic.resource({ group: CRD_GROUP, version, resource: "customresourcedefinitions" });
    await waitFor(crds, name, crdEstablished, { signal, clock: options.clock });
    // deno-lint-ignore no-explicit-any
    const spec = crd.spec as any;
    const group: string = spec?.group ?? "";
    const kind: string = spec?.names?.kind ?? "";
    const versions: string[] = Array.isArray(spec?.versions)
      ? spec.versions.filter((v: { served?: boolean }) => v?.served !== false).map((v: { name: string }) =>
        v.name
      )
      : [spec?.version].filter((v) => v);
    for (const v of versions) {
      for (;;) {
        mapper.reset();
        try {
          await mapper.restMapping({ group, kind }, v);
          break;
        } catch (e) {
          if (!(e instanceof NoMatchError)) throw e;
          await sleepOn(options.clock, 200, signal);
        }
      }
    }
  } catch (e) {
    throw signal.aborted && !options.signal?.aborted ? signal.reason : e;
  } finally {
    timer.cancel();
    dispose();
  }
}
