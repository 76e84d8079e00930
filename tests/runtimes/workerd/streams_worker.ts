/**
 * A Cloudflare worker for tests/streaming/workerd_test.ts: the streaming scenario
 * (tests/runtimes/streams/_scenario.ts) with kubeweb's web runtime and the bearer-token kubeconfig, so
 * every WebSocket is opened through workerd's `fetch` upgrade with an `Authorization` header; the test
 * CA is trusted through workerd's own configuration (tests/runtimes/_workerd_config.ts). Port-forward
 * uses stream pairs (a worker cannot listen on TCP).
 *
 * Route: `POST /streams?namespace=N&farPort=P` answers the scenario's results as JSON.
 *
 * @module
 */
import { loadYamlParser, parseKubeConfig } from "../../../rest/kubeconfig.ts";
import { restConfigFromKubeConfig } from "../../../rest/rest_config_from_kubeconfig.ts";
import { restClientFor } from "../../../rest/rest_client.ts";
import { detectRuntime } from "../../../rest/runtime/detect.ts";
import { runStreams } from "../streams/_scenario.ts";

/** The bindings used here (see _workerd_config.ts). */
interface Env {
  KUBECONFIG_TOKEN: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== "/streams") return new Response("not found", { status: 404 });
    try {
      await loadYamlParser();
      const config = await restConfigFromKubeConfig(parseKubeConfig(env.KUBECONFIG_TOKEN));
      const core = restClientFor(config, { apiPath: "/api", groupVersion: "v1" });
      const out = await runStreams(
        core,
        url.searchParams.get("namespace")!,
        Number(url.searchParams.get("farPort")),
      );
      return Response.json({
        step: "done",
        runtime: detectRuntime().name,
        transport: core.transport().runtime,
        ...out,
      });
    } catch (e) {
      return Response.json({ step: "error", message: String((e as Error)?.stack ?? e) }, { status: 500 });
    }
  },
};
