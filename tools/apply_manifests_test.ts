import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import { newDynamicClient, type Unstructured } from "../dynamic/dynamic_client.ts";
import { NoMatchError } from "../discovery/discovery_error.ts";
import type { RESTMapping } from "../discovery/rest_mapper.ts";
import type { GroupKind } from "../meta/group_version.ts";
import { type FakeCall, fakeOptions, fakeTransport, json, TEST_CONFIG } from "../rest/_fake_transport.ts";
import { applyManifests, type ManifestRESTMapper } from "./apply_manifests.ts";

const KINDS: Record<string, { resource: string; namespaced: boolean }> = {
  "/Namespace": { resource: "namespaces", namespaced: false },
  "/ConfigMap": { resource: "configmaps", namespaced: true },
  "apiextensions.k8s.io/CustomResourceDefinition": {
    resource: "customresourcedefinitions",
    namespaced: false,
  },
};

/**
 * A fake API server: objects by path, server-side apply as a deep merge (the resource version moves
 * only when the object changes), dry run, a 422 for a ConfigMap with `data.invalid`, and CRDs that
 * become Established at once; their kind reaches discovery after `discoveryLag` resets of the mapper.
 */
class FakeServer {
  objects = new Map<string, Unstructured>();
  rv = 100;
  discoveryLag = 1;
  establish = true;
  served = new Map<string, { resource: string; namespaced: boolean }>(Object.entries(KINDS));
  pending: [string, { resource: string; namespaced: boolean }][] = [];
  resets = 0;
  transport = fakeTransport((call) => this.#handle(call));
  dynamic = newDynamicClient(TEST_CONFIG, fakeOptions(this.transport));

  mapper: ManifestRESTMapper = {
    restMapping: (gk: GroupKind, version: string): Promise<RESTMapping> => {
      const s = this.served.get(`${gk.group}/${gk.kind}`);
      if (s === undefined) {
        return Promise.reject(new NoMatchError("kind", `${gk.kind}.${version}.${gk.group}`));
      }
      return Promise.resolve({
        resource: { group: gk.group, version, resource: s.resource },
        groupVersionKind: { group: gk.group, version, kind: gk.kind },
        scope: s.namespaced ? "namespace" : "root",
      });
    },
    reset: () => {
      this.resets++;
      if (this.resets >= this.discoveryLag) {
        for (const [k, v] of this.pending.splice(0)) this.served.set(k, v);
      }
    },
  };

  /** "PATCH /api/v1/namespaces/a/configmaps/x" lines of the writes, in order. */
  writes(): string[] {
    return this.transport.calls.filter((c) => c.method === "PATCH").map((c) => `${c.url.pathname}`);
  }

  #handle(call: FakeCall): Response {
    const path = call.url.pathname;
    const q = call.url.searchParams;
    if (call.method === "GET" && q.get("watch") === "true") {
      return new Response(new ReadableStream({ start() {} }));
    }
    if (call.method === "GET" && q.has("fieldSelector")) {
      const name = q.get("fieldSelector")!.replace("metadata.name=", "");
      const obj = this.objects.get(`${path}/${name}`);
      return json({ metadata: { resourceVersion: String(this.rv) }, items: obj ? [obj] : [] });
    }
    const current = this.objects.get(path);
    if (call.method === "GET") {
      if (current !== undefined) return json(current);
      const name = path.split("/").at(-1);
      return json({
        kind: "Status",
        status: "Failure",
        code: 404,
        reason: "NotFound",
        message: `"${name}" not found`,
        details: { name, kind: path.split("/").at(-2) },
      }, 404);
    }
    if (call.method !== "PATCH") return json({}, 405);
    assert.equal(call.headers.get("content-type"), "application/apply-patch+yaml");
    const body = JSON.parse(call.body!) as Unstructured;
    if ((body.data as Record<string, string> | undefined)?.invalid) {
      return json({
        kind: "Status",
        status: "Failure",
        code: 422,
        reason: "Invalid",
        message: `ConfigMap "${body.metadata?.name}" is invalid: data: Invalid value`,
      }, 422);
    }
    const merged = merge(current ?? {}, body) as Unstructured;
    if (body.kind === "CustomResourceDefinition" && this.establish) {
      merged.status = { conditions: [{ type: "Established", status: "True" }] };
    }
    const changed = current === undefined || JSON.stringify(merged) !== JSON.stringify(current);
    const stored: Unstructured = {
      ...merged,
      metadata: {
        ...merged.metadata,
        resourceVersion: changed ? String(++this.rv) : current!.metadata!.resourceVersion,
      },
    };
    if (q.get("dryRun") === "All") return json(stored);
    this.objects.set(path, stored);
    if (body.kind === "CustomResourceDefinition") {
      // deno-lint-ignore no-explicit-any
      const spec = body.spec as any;
      this.pending.push([`${spec.group}/${spec.names.kind}`, {
        resource: spec.names.plural,
        namespaced: true,
      }]);
    }
    return json(stored);
  }
}

function merge(a: unknown, b: unknown): unknown {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null || Array.isArray(b)) {
    return b;
  }
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) {
    if (k === "resourceVersion") continue;
    out[k] = merge(out[k], v);
  }
  return out;
}

const MANIFESTS = `
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: "1"}
---
apiVersion: stable.example.com/v1
kind: CronTab
metadata: {name: nightly, namespace: jobs}
spec: {cronSpec: "0 0 * * *"}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: crontabs.stable.example.com}
spec:
  group: stable.example.com
  names: {kind: CronTab, plural: crontabs}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true}]
---
apiVersion: v1
kind: Namespace
metadata: {name: jobs}
`;

Deno.test("applyManifests: Namespaces and CRDs first, the CRD waited for, namespaces defaulted", async () => {
  const s = new FakeServer();
  const { applied, errors } = await applyManifests(TEST_CONFIG, { name: "all.yaml", text: MANIFESTS }, {
    fieldManager: "deployer",
    force: true,
    namespace: "shop",
    dynamic: s.dynamic,
    mapper: s.mapper,
  });
  assert.deepEqual(errors, []);
  assert.deepEqual(applied.map((a) => [a.index, a.kind, a.name, a.namespace, a.action]), [
    [0, "ConfigMap", "settings", "shop", "created"],
    [1, "CronTab", "nightly", "jobs", "created"],
    [2, "CustomResourceDefinition", "crontabs.stable.example.com", undefined, "created"],
    [3, "Namespace", "jobs", undefined, "created"],
  ]);
  assert.deepEqual(s.writes(), [
    "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com",
    "/api/v1/namespaces/jobs",
    "/api/v1/namespaces/shop/configmaps/settings",
    "/apis/stable.example.com/v1/namespaces/jobs/crontabs/nightly",
  ]);
  const write = s.transport.calls.find((c) => c.method === "PATCH")!;
  assert.equal(write.url.searchParams.get("fieldManager"), "deployer");
  assert.equal(write.url.searchParams.get("force"), "true");
  assert.equal(
    JSON.parse(s.transport.calls.filter((c) => c.method === "PATCH")[2].body!).metadata.namespace,
    "shop",
  );
  assert.ok(s.resets >= 1, "discovery was reloaded for the new kind");
  assert.equal(
    applied[1].object.metadata?.resourceVersion,
    s.objects.get(s.writes()[3])?.metadata?.resourceVersion,
  );
});

Deno.test("applyManifests: applying again is unchanged; a changed document is configured", async () => {
  const s = new FakeServer();
  const options = { fieldManager: "deployer", dynamic: s.dynamic, mapper: s.mapper };
  await applyManifests(TEST_CONFIG, MANIFESTS, options);
  const again = await applyManifests(TEST_CONFIG, MANIFESTS, options);
  assert.deepEqual(again.errors, []);
  assert.deepEqual(again.applied.map((a) => a.action), ["unchanged", "unchanged", "unchanged", "unchanged"]);
  const changed = await applyManifests(TEST_CONFIG, MANIFESTS.replace('a: "1"', 'a: "2"'), options);
  assert.deepEqual(changed.applied.map((a) => a.action), [
    "configured",
    "unchanged",
    "unchanged",
    "unchanged",
  ]);
  assert.equal(changed.applied[0].namespace, "default", "the configuration's namespace by default");
});

Deno.test("applyManifests: each bad document fails alone, naming its index, kind and name", async () => {
  const s = new FakeServer();
  const text = [
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok1}",
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [broken",
    "kind: ConfigMap\nmetadata: {name: noversion}",
    "apiVersion: v1\nmetadata: {name: nokind}",
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: x-}",
    "apiVersion: example.com/v9\nkind: Widget\nmetadata: {name: w}",
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: refused}\ndata: {invalid: 'yes'}",
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok2}",
  ].join("\n---\n");
  const { applied, errors } = await applyManifests(TEST_CONFIG, { name: "mixed.yaml", text }, {
    fieldManager: "deployer",
    dynamic: s.dynamic,
    mapper: s.mapper,
  });
  assert.deepEqual(applied.map((a) => [a.index, a.name, a.action]), [[0, "ok1", "created"], [
    7,
    "ok2",
    "created",
  ]]);
  assert.deepEqual(errors.map((e) => e.index), [1, 2, 3, 4, 5, 6]);
  assert.match(errors[0].message, /^Document 1 in mixed\.yaml at line 5: not valid YAML/);
  assert.equal(
    errors[1].message,
    'Document 2 (ConfigMap "noversion") in mixed.yaml at line 9: it has no apiVersion',
  );
  assert.equal(errors[2].message, 'Document 3 ("nokind") in mixed.yaml at line 12: it has no kind');
  assert.match(
    errors[3].message,
    /^Document 4 \(ConfigMap\) in mixed\.yaml at line 15: it has no metadata\.name/,
  );
  assert.equal(
    errors[4].message,
    'Document 5 (Widget "w") in mixed.yaml at line 19: the server does not serve kind Widget in example.com/v9 ' +
      "(is its CustomResourceDefinition installed?)",
  );
  assert.equal(
    errors[5].message,
    'Document 6 (ConfigMap "refused") in mixed.yaml at line 23: the server refused it: ' +
      'ConfigMap "refused" is invalid: data: Invalid value',
  );
  assert.equal(errors[5].kind, "ConfigMap");
  assert.equal(errors[5].objectName, "refused");
  assert.equal(errors[5].namespace, "default");
  assert.equal((errors[5].cause as { code?: number }).code, 422);
});

Deno.test("applyManifests: dry run stores nothing; the CRD's objects then are not served", async () => {
  const s = new FakeServer();
  const { applied, errors } = await applyManifests(TEST_CONFIG, MANIFESTS, {
    fieldManager: "deployer",
    dryRun: true,
    dynamic: s.dynamic,
    mapper: s.mapper,
  });
  assert.equal(s.objects.size, 0);
  assert.ok(
    s.transport.calls.filter((c) => c.method === "PATCH").every((c) =>
      c.url.searchParams.get("dryRun") === "All"
    ),
  );
  assert.deepEqual(applied.map((a) => [a.kind, a.action]), [
    ["ConfigMap", "created"],
    ["CustomResourceDefinition", "created"],
    ["Namespace", "created"],
  ]);
  assert.deepEqual(errors.map((e) => [e.index, e.kind]), [[1, "CronTab"]]);
});

Deno.test("applyManifests: a CRD that never becomes Established fails after establishTimeoutMs", async () => {
  const s = new FakeServer();
  s.establish = false;
  const clock = new FakeClock(0);
  const done = applyManifests(TEST_CONFIG, MANIFESTS, {
    fieldManager: "deployer",
    dynamic: s.dynamic,
    mapper: s.mapper,
    establishTimeoutMs: 10_000,
    clock,
  });
  while (!s.transport.calls.some((c) => c.url.searchParams.get("watch") === "true")) {
    await new Promise((r) => setTimeout(r, 0));
  }
  await clock.advance(10_000);
  const { applied, errors } = await done;
  assert.deepEqual(applied.map((a) => a.kind), ["ConfigMap", "Namespace"]);
  assert.deepEqual(errors.map((e) => e.index), [1, 2]);
  assert.match(
    errors[1].message,
    /^Document 2 \(CustomResourceDefinition "crontabs\.stable\.example\.com"\) at line 12: it was applied but is not served: Timed out after 10000 ms/,
  );
  assert.match(errors[0].message, /the server does not serve kind CronTab/);
});

Deno.test("applyManifests: no fieldManager, or an aborted signal, rejects the call", async () => {
  const s = new FakeServer();
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => applyManifests(TEST_CONFIG, MANIFESTS, { dynamic: s.dynamic, mapper: s.mapper } as any),
    /needs options\.fieldManager/,
  );
  await assert.rejects(
    () =>
      applyManifests(TEST_CONFIG, MANIFESTS, {
        fieldManager: "x",
        dynamic: s.dynamic,
        mapper: s.mapper,
        signal: AbortSignal.abort(new Error("stop")),
      }),
    /stop/,
  );
  assert.equal(s.transport.calls.length, 0);
});
