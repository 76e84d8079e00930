// Integration test (needs the real cluster and the npm registry): kubeweb imported by URL, the way a Deno
// user without JSR does it. The working tree is served over HTTP on loopback (TypeScript as
// application/typescript) and a program in a temporary folder, run with `deno run --no-config` (so our
// deno.json and its import map are never seen) and its own empty DENO_DIR, imports the root module and
// every entry point of deno.json's `exports` by URL. It lists namespaces from a kubeconfig file, then
// runs as a `Deno.serve` handler (the shape of an edge function) that answers one request with a list
// made with a bearer token. The only download is yaml from npm (the one outside dependency).
import assert from "node:assert/strict";
import { getTestCluster, type TestCluster } from "../cluster/harness.ts";
import { JsonLineChild } from "../runtimes/_child.ts";
import { deadline } from "../../_internal/async.ts";

const ROOT = new URL("../../", import.meta.url);
const CONFIG = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
const EXPORTS: Record<string, string> = CONFIG.exports;

/** Whether deno.json's `publish.exclude` leaves `path` out of the package (folders, files, simple globs). */
function unpublished(path: string): boolean {
  return (CONFIG.publish.exclude as string[]).some((pattern) => {
    if (!pattern.includes("*")) return path === pattern || path.startsWith(pattern.replace(/\/?$/, "/"));
    const literal = (part: string) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", "[^/]*");
    const re = pattern.split("**/").map(literal).join("(?:.*/)?");
    return new RegExp(`^${re}$`).test(path);
  });
}

/** What the file server saw: every path asked for, and those it could not serve. */
interface Served {
  base: string;
  requested: Set<string>;
  missing: Set<string>;
  server: Deno.HttpServer;
}

/** Serves the working tree's TypeScript files on a random loopback port (nothing from node_modules). */
function serveTree(): Served {
  const requested = new Set<string>();
  const missing = new Set<string>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname).slice(1);
    requested.add(path);
    const servable = path.endsWith(".ts") &&
      !path.split("/").some((s) => s === "node_modules" || s.startsWith("."));
    try {
      if (!servable || req.method !== "GET") throw new Error("not servable");
      const body = await Deno.readFile(new URL(path, ROOT));
      return new Response(body, { headers: { "content-type": "application/typescript; charset=utf-8" } });
    } catch {
      missing.add(path);
      return new Response("not found", { status: 404 });
    }
  });
  const base = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/`;
  return { base, requested, missing, server };
}

/**
 * The user's program: static URL imports of every entry point, then one of two modes.
 * `list <kubeconfig>` prints the namespaces; `serve` answers one request from a Deno.serve handler with
 * a clientset built from the kubeconfig text in KUBECONFIG_TOKEN (a secret, as on an edge platform).
 */
function programSource(base: string): string {
  const entries = Object.entries(EXPORTS);
  const imports = entries.map(([, file], i) => `import * as m${i} from "${new URL(file, base)}";`);
  const table = entries.map(([name], i) => `  ${JSON.stringify(name)}: m${i},`);
  return `${imports.join("\n")}

const modules = {
${table.join("\n")}
};
const kubeweb = modules["."];
const exportCounts = Object.fromEntries(Object.entries(modules).map(([k, m]) => [k, Object.keys(m).length]));
const names = (list) => list.items.map((ns) => ns.metadata.name).sort();
const say = (line) => console.log(JSON.stringify(line));

try {
  if (Deno.args[0] === "list") {
    const config = await kubeweb.loadRestConfig({ kubeconfig: Deno.args[1] });
    const list = await kubeweb.newClientset(config).coreV1().namespaces().list();
    say({ step: "listed", namespaces: names(list), exportCounts, sameRestClientFor: kubeweb.restClientFor === modules["./rest"].restClientFor });
  } else if (Deno.args[0] === "serve") {
    const { loadYamlParser, parseKubeConfig, restConfigFromKubeConfig } = modules["./rest"];
    await loadYamlParser();
    const config = await restConfigFromKubeConfig(parseKubeConfig(Deno.env.get("KUBECONFIG_TOKEN")));
    const clientset = modules["./clientset"].newClientset(config);
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) => say({ step: "listening", port }),
    }, async (req) => {
      const list = await clientset.coreV1().namespaces().list({ signal: req.signal });
      setTimeout(() => server.shutdown(), 0); // one request, then the isolate goes away
      return Response.json({ namespaces: names(list), bearerToken: config.bearerToken !== undefined, clientCertificate: config.certPem !== undefined });
    });
    await server.finished;
    say({ step: "done" });
  } else {
    throw new Error("usage: main.ts list <kubeconfig> | serve");
  }
} catch (e) {
  say({ step: "error", name: e?.name, message: e?.message, cause: String(e?.cause) });
  Deno.exit(1);
}
`;
}

/** A kubeconfig for the test cluster with everything inline (the CA and the given user fields). */
function kubeconfigText(c: TestCluster, user: string): string {
  return [
    `clusters: [{name: test, cluster: {server: "${c.server}", certificate-authority-data: "${
      btoa(c.caPem)
    }"}}]`,
    `users: [{name: me, user: {${user}}}]`,
    "contexts: [{name: test, context: {cluster: test, user: me}}]",
    "current-context: test",
    "",
  ].join("\n");
}

/**
 * Other tests create and delete namespaces while this one runs, so the program's list is checked against
 * kubectl's lists taken before and after it: every namespace in both must be listed, and one in neither
 * must be one created and deleted meanwhile (kubectl finds no such namespace now).
 */
async function assertNamespacesWitnessed(
  c: TestCluster,
  before: string[],
  listed: unknown,
): Promise<void> {
  const after = await kubectlNamespaces(c);
  assert.ok(Array.isArray(listed), `not a list of namespaces: ${JSON.stringify(listed)}`);
  const names = listed as string[];
  const stable = before.filter((ns) => after.includes(ns));
  assert.deepEqual(
    stable.filter((ns) => !names.includes(ns)),
    [],
    "namespaces kubectl saw throughout are missing",
  );
  for (const ns of names.filter((n) => !before.includes(n) && !after.includes(n))) {
    const r = await c.kubectl(["get", "namespace", ns, "--ignore-not-found", "-o", "name"]);
    assert.equal(r.stdout.trim(), "", `${ns} was listed, kubectl never saw it, and it exists now`);
  }
  assert.deepEqual(names, [...names].sort(), "the program lists namespaces sorted");
}

/** The namespaces kubectl sees, sorted: the independent witness. */
async function kubectlNamespaces(c: TestCluster): Promise<string[]> {
  const r = await c.kubectl(["get", "namespaces", "-o", "jsonpath={.items[*].metadata.name}"]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim().split(/\s+/).sort();
}

/**
 * Runs the program with `deno run --no-config` and narrow permissions, in its own folder (away from our
 * package.json and node_modules) with its own empty DENO_DIR.
 */
function runProgram(dir: string, base: string, args: string[], env: Record<string, string>): JsonLineChild {
  const host = new URL(base).host;
  return new JsonLineChild(
    Deno.execPath(),
    [
      "run",
      "--no-config",
      "--quiet",
      `--allow-import=${host}`,
      "--allow-net=127.0.0.1",
      // yaml reads LOG_TOKENS and LOG_STREAM through process.env while parsing; kubeweb reads KUBECONFIG etc.
      "--allow-env",
      ...(args[0] === "list" ? [`--allow-read=${dir}`] : []),
      `${dir}/main.ts`,
      ...args,
    ],
    { DENO_DIR: `${dir}/deno_dir`, NO_COLOR: "1", ...env },
    dir,
  );
}

Deno.test({
  name: "URL import: every entry point loads by URL with --no-config; lists namespaces; serves one request",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const c = await getTestCluster();
    assert.ok(c.adminToken, "the test cluster has no token context");
    const served = serveTree();
    const dir = await Deno.makeTempDir({ prefix: "kubeweb-url-import-" });
    try {
      await Deno.writeTextFile(`${dir}/main.ts`, programSource(served.base));
      const want = await kubectlNamespaces(c);
      for (const ns of ["default", "kube-public", "kube-system"]) {
        assert.ok(want.includes(ns), `kubectl: ${want}`);
      }

      await t.step("a program lists namespaces from a kubeconfig file", async () => {
        // The admin identity (client certificate) inline, in the program's own folder: Deno refuses
        // --allow-read for the cluster's files under /dev/shm without --allow-all.
        const kubeconfig = `${dir}/kubeconfig`;
        const admin = `client-certificate-data: "${btoa(c.admin.certPem)}", client-key-data: "${
          btoa(c.admin.keyPem)
        }"`;
        await Deno.writeTextFile(kubeconfig, kubeconfigText(c, admin));
        await using child = runProgram(dir, served.base, ["list", kubeconfig], {});
        // The first run downloads yaml from npm into the empty DENO_DIR and compiles every module.
        const listed = await child.step("listed", 120_000);
        await assertNamespacesWitnessed(c, want, listed.namespaces);
        assert.equal(listed.sameRestClientFor, true, "root and ./rest must share one module instance");
        // Each entry point was a static import, so the program ran only if all of them loaded
        // (./clientset/meta/v1 exports types only: its namespace object is empty at run time).
        const counts = listed.exportCounts as Record<string, number>;
        assert.deepEqual(Object.keys(counts).sort(), Object.keys(EXPORTS).sort());
        assert.ok(
          counts["."] > 0 && counts["./rest"] > 0 && counts["./clientset/core/v1"] > 0,
          JSON.stringify(counts),
        );
        assert.equal((await deadline(child.status, 10_000)).code, 0, await child.transcript());
        // yaml came from the npm registry into the program's own DENO_DIR, not from our node_modules.
        const registries = [...Deno.readDirSync(`${dir}/deno_dir/npm`)].map((e) => e.name);
        assert.ok(
          registries.some((r) => {
            try {
              return Deno.statSync(`${dir}/deno_dir/npm/${r}/yaml`).isDirectory;
            } catch {
              return false;
            }
          }),
          `no yaml in ${dir}/deno_dir/npm (${registries})`,
        );
      });

      await t.step("the files served were only the package's own, and all were found", () => {
        console.log(`url import: ${served.requested.size} files served`);
        assert.deepEqual([...served.missing], [], "requested but not servable");
        for (const file of Object.values(EXPORTS)) {
          assert.ok(served.requested.has(file.replace(/^\.\//, "")), `${file} was never requested`);
        }
        const outside = [...served.requested].filter(unpublished);
        assert.deepEqual(outside, [], "published files import files left out of the package");
      });

      await t.step(
        "the same program as a Deno.serve handler answers one request with a bearer token",
        async () => {
          const kubeconfig = kubeconfigText(c, `token: "${c.adminToken}"`);
          await using child = runProgram(dir, served.base, ["serve"], { KUBECONFIG_TOKEN: kubeconfig });
          const { port } = await child.step("listening", 60_000);
          const res = await fetch(`http://127.0.0.1:${port}/`);
          assert.equal(res.status, 200);
          const body = await res.json();
          assert.deepEqual({ ...body, namespaces: undefined }, {
            namespaces: undefined,
            bearerToken: true,
            clientCertificate: false,
          });
          await assertNamespacesWitnessed(c, want, body.namespaces);
          await child.step("done", 10_000);
          const status = await deadline(child.status, 10_000).catch(async () => {
            throw new Error(
              `the handler program did not exit after its one request\n${await child.transcript()}`,
            );
          });
          assert.equal(status.code, 0, await child.transcript());
          assert.ok(!(await child.transcript()).includes(c.adminToken), "the token was printed");
        },
      );
    } finally {
      await served.server.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
