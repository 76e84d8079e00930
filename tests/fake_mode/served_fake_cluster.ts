/**
 * The fake cluster (`@kubeweb/client/testing`) served over loopback HTTP, shaped as the test
 * harness's `TestCluster`, so tests that run clients in other processes (leader election candidates,
 * kubectl) run in a second mode against the fake: `KUBEWEB_TEST_TARGET=fake`.
 *
 * Stopping "the API server" closes the listener (and drops the watches); starting it listens again on
 * the same port; compacting etcd compacts the fake's history.
 *
 * @module
 */
import type { TestCluster } from "../cluster/harness.ts";
import { type FakeCluster, newFakeCluster } from "../../testing/mod.ts";

/** The served fake and its TestCluster face. */
export interface ServedFakeCluster extends TestCluster {
  /** The fake behind the listener. */
  fake: FakeCluster;
}

/** Whether the tests run against the fake (`KUBEWEB_TEST_TARGET=fake`). */
export function fakeMode(): boolean {
  return Deno.env.get("KUBEWEB_TEST_TARGET") === "fake";
}

/** Starts the fake behind a loopback listener and writes a kubeconfig for it. */
export async function serveFakeCluster(): Promise<ServedFakeCluster> {
  const fake = await newFakeCluster();
  let port = 0;
  let server: Deno.HttpServer | undefined;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = Deno.serve(
        { hostname: "127.0.0.1", port, onListen: (a) => (port = a.port, resolve()) },
        async (req) => {
          const url = new URL(req.url);
          const body = req.body ? await req.text() : undefined;
          return await fake.transport.fetch(`${fake.config.host}${url.pathname}${url.search}`, {
            method: req.method,
            headers: req.headers,
            body,
            signal: req.signal,
          });
        },
      );
    });
  await listen();
  const dir = await Deno.makeTempDir({ prefix: "kubeweb-fake-" });
  const kubeconfigPath = `${dir}/kubeconfig`;
  const server_ = `http://127.0.0.1:${port}`;
  await Deno.writeTextFile(
    kubeconfigPath,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "fake", cluster: { server: server_ } }],
      users: [{ name: "admin", user: {} }],
      contexts: [{ name: "admin", context: { cluster: "fake", user: "admin", namespace: "default" } }],
      "current-context": "admin",
    }),
  );
  const cluster = {
    fake,
    kubeconfigPath,
    server: server_,
    canInjectFaults: true,
    async kubectl(args: string[], options: { stdin?: string } = {}) {
      const child = new Deno.Command("kubectl", {
        args: ["--kubeconfig", kubeconfigPath, ...args],
        stdin: options.stdin === undefined ? "null" : "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      if (options.stdin !== undefined) {
        const w = child.stdin.getWriter();
        await w.write(new TextEncoder().encode(options.stdin));
        await w.close();
      }
      const out = await child.output();
      return {
        code: out.code,
        stdout: new TextDecoder().decode(out.stdout),
        stderr: new TextDecoder().decode(out.stderr),
      };
    },
    async stopApiserver() {
      fake.dropWatches();
      await server?.shutdown();
      server = undefined;
    },
    async startApiserver() {
      if (!server) await listen();
    },
    compactEtcd() {
      fake.compact();
      return Promise.resolve();
    },
  };
  return cluster as unknown as ServedFakeCluster;
}
