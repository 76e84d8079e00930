import assert from "node:assert/strict";
import { containerArgv, ContainerConfigError, containerEnv, expandVars } from "./container_env.ts";
import { ApiError } from "./api_client.ts";
import type { Pod } from "./types.ts";

const pod: Pod = {
  metadata: { name: "p", namespace: "ns", uid: "u1", labels: { app: "web" } },
  spec: { nodeName: "n0", containers: [] },
};

// A stand-in for the API: one ConfigMap and one Secret.
const api = {
  request<T>(_method: string, path: string): Promise<T> {
    if (path === "/api/v1/namespaces/ns/configmaps/cm") {
      return Promise.resolve({ data: { k: "from-cm" } } as T);
    }
    if (path === "/api/v1/namespaces/ns/secrets/s") {
      return Promise.resolve({ data: { k: btoa("from-secret") } } as T);
    }
    return Promise.reject(new ApiError(`GET ${path}: 404 not found`, 404, "NotFound"));
  },
};

Deno.test("containerArgv: command + args, args alone, or a long sleep for an image alone", () => {
  assert.deepEqual(containerArgv({ name: "c", command: ["sh", "-c"], args: ["exit 0"] }, {}), [
    "sh",
    "-c",
    "exit 0",
  ]);
  assert.deepEqual(containerArgv({ name: "c", args: ["echo", "hi"] }, {}), ["echo", "hi"]);
  assert.deepEqual(containerArgv({ name: "c", image: "nginx" }, {}), ["sleep", "infinity"]);
  assert.deepEqual(containerArgv({ name: "c", command: ["echo", "$(A)", "$$(A)", "$(B)"] }, { A: "1" }), [
    "echo",
    "1",
    "$(A)",
    "$(B)",
  ]);
});

Deno.test("expandVars leaves unknown references and expands known ones", () => {
  assert.equal(expandVars("x=$(X) y=$(Y)", { X: "1" }), "x=1 y=$(Y)");
});

Deno.test("containerEnv resolves values, fields, ConfigMap and Secret keys in order", async () => {
  const env = await containerEnv(
    api,
    pod,
    {
      name: "c",
      env: [
        { name: "A", value: "a" },
        { name: "B", value: "$(A)-b" },
        { name: "NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "APP", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
        { name: "IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
        { name: "CM", valueFrom: { configMapKeyRef: { name: "cm", key: "k" } } },
        { name: "SEC", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
        { name: "OPT", valueFrom: { configMapKeyRef: { name: "missing", key: "k", optional: true } } },
      ],
    },
    { PATH: "/bin" },
    "127.0.0.1",
  );
  assert.deepEqual(env, {
    PATH: "/bin",
    A: "a",
    B: "a-b",
    NAME: "p",
    APP: "web",
    NODE: "n0",
    IP: "127.0.0.1",
    CM: "from-cm",
    SEC: "from-secret",
  });
});

Deno.test("containerEnv names a missing ConfigMap key or an unsupported field", async () => {
  await assert.rejects(
    containerEnv(
      api,
      pod,
      {
        name: "c",
        env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "cm", key: "nope" } } }],
      },
      {},
      "127.0.0.1",
    ),
    (e: Error) =>
      e instanceof ContainerConfigError && /couldn't find key nope in configmaps ns\/cm/.test(e.message),
  );
  await assert.rejects(
    containerEnv(
      api,
      pod,
      {
        name: "c",
        env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "missing", key: "k" } } }],
      },
      {},
      "127.0.0.1",
    ),
    (e: Error) => e instanceof ContainerConfigError && /configmaps "missing" for env X/.test(e.message),
  );
  await assert.rejects(
    containerEnv(
      api,
      pod,
      { name: "c", env: [{ name: "X", valueFrom: { fieldRef: { fieldPath: "spec.bogus" } } }] },
      {},
      "",
    ),
    (e: Error) => e instanceof ContainerConfigError && /unsupported fieldRef spec.bogus/.test(e.message),
  );
});
