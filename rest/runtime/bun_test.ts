// Bun is not installed here: these tests check how the Bun runtime maps its inputs onto Bun's APIs by
// standing in for `fetch` and `Bun`. The real thing runs in tests/runtimes/bun_smoke_test.ts when a
// `bun` binary is on PATH.
import assert from "node:assert/strict";
import { bunRuntime } from "./bun.ts";
import { RuntimeCapabilityError } from "./runtime.ts";
import { rawHttpServer } from "../../tests/runtimes/_tls_fixture.ts";

Deno.test("bun transport: passes tls and proxy options to Bun's fetch", async () => {
  const seen: RequestInit[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (_input: RequestInfo | URL, init?: RequestInit) => {
    seen.push(init!);
    return Promise.resolve(new Response("ok"));
  };
  try {
    const t = bunRuntime.createTransport({
      caPem: "CA",
      certPem: "CERT",
      keyPem: "KEY",
      serverName: "kubernetes.test",
      insecureSkipVerify: true,
      proxyUrl: "http://proxy:3128",
    });
    assert.equal(t.runtime, "bun");
    await t.fetch("https://k8s/api", { method: "POST", headers: [["A", "1"]] });
    const plain = bunRuntime.createTransport({});
    await plain.fetch("https://k8s/api");
  } finally {
    globalThis.fetch = realFetch;
  }
  assert.deepEqual(seen[0], {
    method: "POST",
    headers: [["A", "1"]],
    tls: { ca: "CA", cert: "CERT", key: "KEY", serverName: "kubernetes.test", rejectUnauthorized: false },
    proxy: "http://proxy:3128",
  });
  assert.deepEqual(seen[1], { tls: {} });
  assert.throws(() => bunRuntime.createTransport({ keyPem: "KEY" }), TypeError);
});

Deno.test("bun runtime: files, env and spawn go through Bun's APIs", async () => {
  const g = globalThis as unknown as { Bun?: unknown };
  const spawned: unknown[] = [];
  g.Bun = {
    env: { HOME: "/home/b", KW: "v" },
    file: (path: string) => ({
      text: () =>
        path === "/ok"
          ? Promise.resolve("text")
          : Promise.reject(Object.assign(new Error("ENOENT"), { code: "ENOENT" })),
    }),
    spawn: (cmd: string[], options: Record<string, unknown>) => {
      if (cmd[0] === "missing") {
        throw Object.assign(new Error("Executable not found in $PATH"), { code: "ENOENT" });
      }
      spawned.push({ cmd, env: options.env, stdinIsBlob: options.stdin instanceof Blob });
      return {
        stdout: new Response("out").body!,
        stderr: new Response("err").body!,
        exited: Promise.resolve(2),
      };
    },
  };
  try {
    assert.equal(await bunRuntime.readTextFile!("/ok"), "text");
    await assert.rejects(
      bunRuntime.readTextFile!("/missing"),
      (e: Error & { code?: string }) => e.code === "ENOENT" && e.message.includes("/missing"),
    );
    assert.equal(bunRuntime.env!("KW"), "v");
    assert.equal(bunRuntime.homeDir!(), "/home/b");
    assert.deepEqual(await bunRuntime.spawn!("prog", { args: ["a"], env: { X: "1" }, stdin: "in" }), {
      code: 2,
      stdout: "out",
      stderr: "err",
    });
    assert.deepEqual(spawned, [{
      cmd: ["prog", "a"],
      env: { HOME: "/home/b", KW: "v", X: "1" },
      stdinIsBlob: true,
    }]);
    await assert.rejects(
      bunRuntime.spawn!("missing", {}),
      (e: Error & { code?: string }) => e.code === "ENOENT",
    );
  } finally {
    delete g.Bun;
  }
});

Deno.test({
  name: "bun transport: a request with a repeated header goes through node:https, keeping the lines apart",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using server = rawHttpServer("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
    const viaFetch: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input: RequestInfo | URL) => {
      viaFetch.push(String(input));
      return Promise.resolve(new Response("fetch"));
    };
    const t = bunRuntime.createTransport({});
    try {
      const single = await t.fetch(`${server.url}/single`, {
        headers: [["Impersonate-Group", "a"], ["Accept", "x"]],
      });
      assert.equal(await single.text(), "fetch");
      const repeated = await t.fetch(`${server.url}/repeated`, {
        headers: [["Impersonate-Group", "a"], ["impersonate-group", "b"]],
      });
      assert.equal(await repeated.text(), "ok");
    } finally {
      globalThis.fetch = realFetch;
      t.close();
    }
    assert.deepEqual(viaFetch, [`${server.url}/single`]);
    assert.equal(server.requests.length, 1);
    const lines = server.requests[0].split("\r\n").filter((l) => /^impersonate-group:/i.test(l));
    assert.deepEqual(lines.map((l) => l.split(": ")[1]), ["a", "b"]);

    const proxied = bunRuntime.createTransport({ proxyUrl: "http://127.0.0.1:1" });
    await assert.rejects(
      proxied.fetch(`${server.url}/x`, { headers: [["Impersonate-Group", "a"], ["Impersonate-Group", "b"]] }),
      (e: unknown) =>
        e instanceof RuntimeCapabilityError && e.runtime === "bun" && /proxy-url/.test(e.message),
    );
  },
});
