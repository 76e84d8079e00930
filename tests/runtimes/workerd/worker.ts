/**
 * A Cloudflare worker (module syntax) that uses kubeweb's plain web transport, bundled by
 * workerd_test.ts with `deno bundle` and served by the real `workerd`. The API server's CA is trusted
 * through workerd's own configuration (the `globalOutbound` network service's
 * `tlsOptions.trustedCertificates`), never through kubeweb: an edge runtime cannot take a CA at run time.
 *
 * Bindings (text): `KUBECONFIG_TOKEN` (a kubeconfig with a bearer token and no CA),
 * `KUBECONFIG_ADMIN` (a kubeconfig with certificate-authority-data and a client certificate, which the
 * web runtime must refuse); service `MTLS` (a network service whose TLS options carry the admin client
 * certificate, the way out that kubeweb's error message names) and `UNTRUSTED` (a network service without
 * the test CA).
 *
 * Routes, each answering JSON:
 * - `GET /namespaces`: lists namespaces with the token kubeconfig.
 * - `POST /roundtrip?namespace=N&name=X`: creates a ConfigMap, watches it from its resourceVersion,
 *   deletes it and returns the events up to DELETED.
 * - `GET /capability`: what happens when the admin kubeconfig is used on the web runtime.
 * - `GET /mtls`: lists namespaces with no credential in the kubeconfig, through the `MTLS` binding.
 * - `GET /untrusted`: lists namespaces with the token kubeconfig through `UNTRUSTED` (must fail).
 *
 * @module
 */
import { loadYamlParser, parseKubeConfig } from "../../../rest/kubeconfig.ts";
import type { RestConfig } from "../../../rest/rest_config.ts";
import { restConfigFromKubeConfig } from "../../../rest/rest_config_from_kubeconfig.ts";
import { restClientFor } from "../../../rest/rest_client.ts";
import { transportFor } from "../../../rest/transport_for.ts";
import { detectRuntime } from "../../../rest/runtime/detect.ts";
import { RuntimeCapabilityError, type Transport } from "../../../rest/runtime/runtime.ts";
import type { KubeList, KubeObject } from "../../../rest/types.ts";

/** The part of workerd's `Fetcher` (a service binding) used here. */
interface Fetcher {
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
}

/** The worker's bindings, as configured by workerd_test.ts. */
interface Env {
  KUBECONFIG_TOKEN: string;
  KUBECONFIG_ADMIN: string;
  MTLS: Fetcher;
  UNTRUSTED: Fetcher;
}

function viaBinding(binding: Fetcher): Transport {
  return { runtime: "web", fetch: (input, init) => binding.fetch(input, init), close(): void {} };
}

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
}

function describe(e: unknown): Record<string, unknown> {
  const err = e as { name?: unknown; message?: unknown; runtime?: unknown; cause?: unknown };
  return {
    name: err?.name,
    message: err?.message,
    runtime: err?.runtime,
    isRuntimeCapabilityError: e instanceof RuntimeCapabilityError,
    cause: err?.cause === undefined ? undefined : describe(err.cause),
  };
}

async function listNamespaces(config: RestConfig, transport?: Transport): Promise<Record<string, unknown>> {
  const core = restClientFor(config, { apiPath: "/api", groupVersion: "v1", transport });
  const t = Date.now();
  const res = await core.get().resource("namespaces").do();
  return {
    runtime: detectRuntime().name,
    transport: core.transport().runtime,
    statusCode: res.statusCode,
    namespaces: (res.into<KubeList>().items ?? []).map((n) => n.metadata?.name).sort(),
    listMs: Date.now() - t,
  };
}

async function roundtrip(config: RestConfig, namespace: string, name: string): Promise<unknown> {
  const core = restClientFor(config, { apiPath: "/api", groupVersion: "v1" });
  const deadline = AbortSignal.timeout(10_000);
  const created = (await core.post().namespace(namespace).resource("configmaps").signal(deadline)
    .body({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { runtime: "workerd" } })
    .do()).into<KubeObject>();
  const watcher = await core.get().namespace(namespace).resource("configmaps")
    .param("fieldSelector", `metadata.name=${name}`)
    .param("resourceVersion", created.metadata?.resourceVersion)
    .signal(deadline)
    .watch();
  await core.patch("merge").namespace(namespace).resource("configmaps").name(name).signal(deadline)
    .body({ data: { step: "patched" } }).do();
  await core.delete().namespace(namespace).resource("configmaps").name(name).signal(deadline).do();
  const events: { type: string; name?: string; data?: unknown }[] = [];
  for await (const e of watcher) {
    const o = e.object as KubeObject & { data?: unknown };
    events.push({ type: e.type, name: o.metadata?.name, data: o.data });
    if (e.type === "DELETED") watcher.stop();
  }
  return { uid: created.metadata?.uid, events };
}

async function capability(env: Env): Promise<unknown> {
  const config = await restConfigFromKubeConfig(parseKubeConfig(env.KUBECONFIG_ADMIN));
  const out: Record<string, unknown> = {
    runtime: detectRuntime().name,
    config: { caPem: config.caPem !== undefined, certPem: config.certPem !== undefined },
  };
  try {
    transportFor(config);
    out.transportFor = "built";
  } catch (e) {
    out.transportFor = describe(e);
  }
  const caOnly: RestConfig = { host: config.host, namespace: "default", caPem: config.caPem };
  try {
    transportFor(caOnly);
    out.caOnly = "built";
  } catch (e) {
    out.caOnly = describe(e);
  }
  try {
    await restClientFor(config, { apiPath: "/api", groupVersion: "v1" }).get().resource("namespaces").do();
    out.request = "succeeded";
  } catch (e) {
    out.request = describe(e);
  }
  return out;
}

/** The worker (workerd's module syntax needs the default export). */
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    await loadYamlParser();
    const url = new URL(request.url);
    try {
      switch (url.pathname) {
        case "/namespaces":
          return json(
            await listNamespaces(await restConfigFromKubeConfig(parseKubeConfig(env.KUBECONFIG_TOKEN))),
          );
        case "/roundtrip":
          return json(
            await roundtrip(
              await restConfigFromKubeConfig(parseKubeConfig(env.KUBECONFIG_TOKEN)),
              url.searchParams.get("namespace") ?? "default",
              url.searchParams.get("name") ?? "",
            ),
          );
        case "/capability":
          return json(await capability(env));
        case "/mtls": {
          // No credential in the configuration: the client certificate lives in workerd's config.
          const kc = parseKubeConfig(env.KUBECONFIG_TOKEN);
          const config: RestConfig = { host: Object.values(kc.clusters)[0].server!, namespace: "default" };
          return json(await listNamespaces(config, viaBinding(env.MTLS)));
        }
        case "/untrusted":
          return json(
            await listNamespaces(
              await restConfigFromKubeConfig(parseKubeConfig(env.KUBECONFIG_TOKEN)),
              viaBinding(env.UNTRUSTED),
            ),
          );
        default:
          return json({ error: `no route ${url.pathname}` }, 404);
      }
    } catch (e) {
      return json({ error: describe(e), stack: String((e as Error)?.stack) }, 500);
    }
  },
};
