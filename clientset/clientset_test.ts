import assert from "node:assert/strict";
import { fakeOptions, fakeTransport, json, pathOf, TEST_CONFIG } from "../rest/_fake_transport.ts";
import type { ResourceInfo } from "./resource_client.ts";
import { type Clientset, newClientset } from "./clientset.ts";

const ROOT = new URL(".", import.meta.url);

/** Every `<group>/<version>/client.ts` of the clientset folder, with its factory (`newAppsV1Client`). */
async function groupVersionFactories(): Promise<
  Map<string, (config: unknown, options?: unknown) => unknown>
> {
  const out = new Map<string, (config: unknown, options?: unknown) => unknown>();
  for await (const g of Deno.readDir(ROOT)) {
    if (!g.isDirectory) continue;
    for await (const v of Deno.readDir(new URL(`${g.name}/`, ROOT))) {
      const file = new URL(`${g.name}/${v.name}/client.ts`, ROOT);
      if (!v.isDirectory || !(await Deno.stat(file).then((s) => s.isFile, () => false))) continue;
      const mod = await import(file.href);
      for (const [name, value] of Object.entries(mod)) {
        const m = /^new(\w+)Client$/.exec(name);
        if (m && typeof value === "function") {
          out.set(m[1][0].toLowerCase() + m[1].slice(1), value as (c: unknown, o?: unknown) => unknown);
        }
      }
    }
  }
  return out;
}

Deno.test("every clientset accessor builds what its group-version's own factory builds", async () => {
  const t = fakeTransport(() => json({}));
  const clientset = newClientset(TEST_CONFIG, fakeOptions(t)) as unknown as Record<string, () => unknown>;
  const factories = await groupVersionFactories();
  assert.ok(factories.size > 30, `only ${factories.size} group-versions found`);
  const accessors = Object.keys(clientset).filter((k) => k !== "discovery").sort();
  assert.deepEqual(accessors, [...factories.keys()].sort());
  for (const [accessor, factory] of factories) {
    const own = factory(TEST_CONFIG, fakeOptions(t)) as Record<string, unknown>;
    const built = clientset[accessor]() as Record<string, unknown>;
    assert.deepEqual(Object.keys(built), Object.keys(own), accessor);
    const rest = (c: Record<string, unknown>) => c.restClient as { apiPath: string; groupVersion: string };
    assert.equal(rest(built).apiPath, rest(own).apiPath, accessor);
    assert.equal(rest(built).groupVersion, rest(own).groupVersion, accessor);
    for (const key of Object.keys(own)) {
      if (key === "restClient") continue;
      const make = (c: Record<string, unknown>) => (c[key] as (ns: string) => { info: ResourceInfo })("ns");
      assert.deepEqual(make(built).info, make(own).info, `${accessor}().${key}()`);
    }
  }
  assert.equal(t.calls.length, 0);
});

Deno.test("a clientset accessor's resource client sends to its own path, in and out of namespaces", async () => {
  const t = fakeTransport(() => json({ kind: "Echo", metadata: { name: "x" }, items: [] }));
  const clientset: Clientset = newClientset(TEST_CONFIG, fakeOptions(t));
  await clientset.appsV1().deployments("prod").get("web");
  await clientset.coreV1().nodes().get("n1");
  await clientset.coreV1().pods("").list();
  assert.deepEqual(t.calls.map(pathOf), [
    "/apis/apps/v1/namespaces/prod/deployments/web",
    "/api/v1/nodes/n1",
    "/api/v1/pods",
  ]);
});

/** The modules a program importing `entry` evaluates at start-up: its static graph, without type-only and dynamic imports. */
async function startUpModules(entry: URL): Promise<string[]> {
  const repo = new URL("../", import.meta.url);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry.href],
    cwd: repo,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: { specifier: string; dependencies?: { code?: { specifier?: string }; isDynamic?: boolean }[] }[];
  };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const stack = [...info.roots];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    for (const d of bySpecifier.get(s)?.dependencies ?? []) {
      if (d.code?.specifier !== undefined && !d.isDynamic) stack.push(d.code.specifier);
    }
  }
  return [...seen].map((s) => s.startsWith(repo.href) ? s.slice(repo.href.length) : s).sort();
}

Deno.test("importing the clientset evaluates no group-version module and no types-only module", async () => {
  const loaded = await startUpModules(new URL("mod.ts", import.meta.url));
  assert.ok(loaded.includes("clientset/resource_client.ts"), loaded.join("\n"));
  assert.deepEqual(loaded.filter((p) => /^clientset\/[a-z]+\/v\w+\//.test(p)), []);
  // Modules of types only are re-exported as types: nothing of them runs.
  for (const p of ["clientset/options.ts", "meta/options.ts"]) {
    assert.ok(!loaded.includes(p), `${p} is loaded at start-up`);
  }
});

Deno.test("the pod client's stream calls (exec, attach, port-forward) open their WebSockets at the pod's subresources", async () => {
  const urls: string[] = [];
  const transport = {
    ...fakeTransport(() => json({})),
    connectWebSocket: (url: string) => {
      urls.push(url);
      return Promise.reject(new Error("no server here"));
    },
  };
  const pods = newClientset(TEST_CONFIG, fakeOptions(transport)).coreV1().pods("ns");
  await assert.rejects(() => pods.exec("web", { command: ["ls"], stdout: true }));
  await assert.rejects(() => pods.attach("web", { stdout: true }));
  await assert.rejects(() => pods.portForwardStream("web", 8080));
  assert.deepEqual(urls.map((u) => new URL(u).pathname), [
    "/api/v1/namespaces/ns/pods/web/exec",
    "/api/v1/namespaces/ns/pods/web/attach",
    "/api/v1/namespaces/ns/pods/web/portforward",
  ]);
});

Deno.test("a GET answered at once, on the real clock, sets no runtime timer (Deno's first setTimeout loads its Node timers)", async () => {
  const t = fakeTransport(() => json({ kind: "ConfigMap", metadata: { name: "cm-0" } }));
  const clientset = newClientset(TEST_CONFIG, fakeOptions(t));
  const original = globalThis.setTimeout;
  let timers = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    timers++;
    return original(...args);
  }) as typeof setTimeout;
  try {
    const cm = await clientset.coreV1().configMaps("default").get("cm-0");
    assert.equal(cm.metadata.name, "cm-0");
  } finally {
    globalThis.setTimeout = original;
  }
  assert.equal(timers, 0);
});
