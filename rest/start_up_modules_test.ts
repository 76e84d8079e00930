import assert from "node:assert/strict";

/** The modules a program evaluates when it imports `entry`: static value imports, followed (type-only and dynamic ones are not). */
async function evaluatedModules(entry: string): Promise<Set<string>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", new URL(entry, import.meta.url).href],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: { specifier: string; dependencies?: { code?: { specifier?: string }; isDynamic?: boolean }[] }[];
  };
  const bySpecifier = new Map(graph.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const visit = (specifier: string) => {
    if (seen.has(specifier)) return;
    seen.add(specifier);
    for (const d of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (d.code?.specifier !== undefined && !d.isDynamic) visit(d.code.specifier);
    }
  };
  for (const root of graph.roots) visit(root);
  return new Set([...seen].map((s) => s.slice(s.indexOf("/rest/") + 1)));
}

Deno.test("start-up: a client given its configuration as data evaluates no kubeconfig, exec plugin, watch, streaming-decoder or WebSocket code", async () => {
  const modules = await evaluatedModules("./rest_client.ts");
  assert.ok(modules.has("rest/request.ts") && modules.has("rest/rest_config.ts"), [...modules].join(" "));
  for (
    const absent of [
      "rest/kubeconfig.ts",
      "rest/exec_credential.ts",
      "rest/_config_overrides.ts",
      "rest/rest_config_from_kubeconfig.ts",
      "rest/watcher.ts",
      "rest/_watch_frames.ts",
      "rest/_json_body_decoder.ts",
      "rest/runtime/_websocket_client.ts",
      "rest/runtime/_websocket_standard.ts",
    ]
  ) {
    assert.ok(!modules.has(absent), `${absent} is evaluated at start-up`);
  }
});
