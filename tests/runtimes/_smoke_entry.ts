// Bundled by _smoke.ts and run by the real `node` or `bun` binary: exercises detectRuntime, the
// runtime's transport and the REST client against the test cluster, then prints a JSON report.
import { detectRuntime } from "../../rest/runtime/detect.ts";
import { restClientFor } from "../../rest/rest_client.ts";
import type { RestConfig } from "../../rest/rest_config.ts";
import { isForbidden } from "../../rest/errors.ts";
import type { KubeList } from "../../rest/types.ts";

interface Params {
  server: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  nobodyToken: string;
  name: string;
}

const p: Params = JSON.parse(
  (globalThis as unknown as { process: { env: Record<string, string> } }).process.env
    .KUBEWEB_SMOKE,
);
const report: Record<string, unknown> = { runtime: detectRuntime().name };
const admin: RestConfig = {
  host: p.server,
  namespace: "default",
  caPem: p.caPem,
  certPem: p.certPem,
  keyPem: p.keyPem,
};
const core = restClientFor(admin, { apiPath: "/api", groupVersion: "v1", warningHandler: () => {} });
try {
  const namespaces = (await core.get().resource("namespaces").do()).into<KubeList>();
  report.namespaces = namespaces.items.map((n) => n.metadata?.name).sort();
  report.versionStatus =
    (await restClientFor(admin, { apiPath: "", groupVersion: "" }).get().absPath("/version").do()).statusCode;

  const nobody = restClientFor(
    { host: p.server, namespace: "default", caPem: p.caPem, bearerToken: p.nobodyToken },
    { apiPath: "/api", groupVersion: "v1" },
  );
  report.nobodyForbidden = await nobody.get().resource("namespaces").do().then(
    () => false,
    (e) => isForbidden(e),
  );
  nobody.close();

  const watcher = await core.get().namespace("default").resource("configmaps")
    .params({ labelSelector: `smoke=${p.name}`, timeoutSeconds: 30 }).watch();
  await core.post().namespace("default").resource("configmaps")
    .body({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: p.name, labels: { smoke: p.name } } })
    .do();
  const events: string[] = [];
  const started = Date.now();
  for await (const e of watcher) {
    events.push(`${e.type} ${(e.object as { metadata?: { name?: string } }).metadata?.name}`);
    watcher.stop();
  }
  report.watchEvents = events;
  report.watchStopMs = Date.now() - started;
  await core.delete().namespace("default").resource("configmaps").name(p.name).do();

  const asMaster = restClientFor(
    { ...admin, impersonate: { userName: "jane", groups: ["devs", "system:masters"] } },
    { apiPath: "/api", groupVersion: "v1" },
  );
  report.impersonatedStatus = (await asMaster.get().resource("namespaces").do()).statusCode;
  asMaster.close();
} catch (e) {
  report.error = String((e as Error)?.stack ?? e);
} finally {
  core.close();
}
console.log(JSON.stringify(report));
