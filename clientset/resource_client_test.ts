import assert from "node:assert/strict";
import { ApiError, isNotFound } from "../rest/errors.ts";
import {
  fakeOptions,
  fakeTransport,
  json,
  pathOf,
  statusError,
  TEST_CONFIG,
} from "../rest/_fake_transport.ts";
import { newAppsV1Client } from "./apps/v1/client.ts";
import { newCoreV1Client } from "./core/v1/client.ts";
import { newCoordinationV1alpha2Client } from "./coordination/v1alpha2/client.ts";
import { newClientset } from "./clientset.ts";

function echo() {
  return fakeTransport((call) => {
    if (call.method === "DELETE") return json({ kind: "Status", status: "Success" });
    if (call.body !== undefined && call.headers.get("content-type") === "application/json") {
      return json(JSON.parse(call.body), call.method === "POST" ? 201 : 200);
    }
    return json({ kind: "Echo", metadata: { name: "x" }, items: [] });
  });
}

Deno.test("get, list and watch options become query parameters", async () => {
  const t = fakeTransport((call) => {
    if (call.url.searchParams.get("watch") === "true") {
      return new Response(
        '{"type":"ADDED","object":{"kind":"Deployment","metadata":{"name":"a"}}}\n' +
          '{"type":"DELETED","object":{"kind":"Deployment","metadata":{"name":"a"}}}\n',
      );
    }
    return json({ kind: "DeploymentList", metadata: {}, items: [] });
  });
  const deployments = newAppsV1Client(TEST_CONFIG, fakeOptions(t)).deployments("prod");
  await deployments.get("web", { resourceVersion: "0" });
  await deployments.list({
    labelSelector: "app=web,tier!=db",
    fieldSelector: "metadata.name=web",
    limit: 5,
    continue: "tok",
    resourceVersion: "10",
    resourceVersionMatch: "NotOlderThan",
    timeoutSeconds: 7,
  });
  const watcher = await deployments.watch({
    resourceVersion: "42",
    allowWatchBookmarks: true,
    sendInitialEvents: true,
    resourceVersionMatch: "NotOlderThan",
    labelSelector: "app=web",
  });
  const events = [];
  for await (const e of watcher) {
    events.push(`${e.type} ${e.type === "ERROR" || e.type === "BOOKMARK" ? "" : e.object.metadata.name}`);
  }
  assert.deepEqual(events, ["ADDED a", "DELETED a"]);
  assert.deepEqual(t.calls.map((c) => `${c.method} ${pathOf(c)}`), [
    "GET /apis/apps/v1/namespaces/prod/deployments/web?resourceVersion=0",
    "GET /apis/apps/v1/namespaces/prod/deployments?labelSelector=app%3Dweb%2Ctier!%3Ddb" +
    "&fieldSelector=metadata.name%3Dweb&resourceVersion=10&resourceVersionMatch=NotOlderThan" +
    "&timeoutSeconds=7&limit=5&continue=tok",
    "GET /apis/apps/v1/namespaces/prod/deployments?labelSelector=app%3Dweb&resourceVersion=42" +
    "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&sendInitialEvents=true&watch=true",
  ]);
});

Deno.test("namespaced resources with an empty namespace and cluster-scoped resources omit the namespace", async () => {
  const t = echo();
  const core = newCoreV1Client(TEST_CONFIG, fakeOptions(t));
  await core.pods("").list();
  await core.namespaces().get("kube-system");
  await core.nodes().list({ limit: 1 });
  assert.deepEqual(t.calls.map(pathOf), [
    "/api/v1/pods",
    "/api/v1/namespaces/kube-system",
    "/api/v1/nodes?limit=1",
  ]);
});

Deno.test("create, update and updateStatus send the object with apiVersion and kind filled in", async () => {
  const t = echo();
  const deployments = newAppsV1Client(TEST_CONFIG, fakeOptions(t)).deployments("default");
  const spec = { selector: { matchLabels: { app: "web" } }, template: {} };
  const created = await deployments.create({ metadata: { name: "web" }, spec }, {
    dryRun: ["All"],
    fieldManager: "tester",
    fieldValidation: "Strict",
  });
  assert.equal(created.kind, "Deployment");
  await deployments.update({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec });
  await deployments.updateStatus({ metadata: { name: "web" }, spec, status: { replicas: 2 } });
  assert.deepEqual(t.calls.map((c) => `${c.method} ${pathOf(c)}`), [
    "POST /apis/apps/v1/namespaces/default/deployments?dryRun=All&fieldManager=tester&fieldValidation=Strict",
    "PUT /apis/apps/v1/namespaces/default/deployments/web",
    "PUT /apis/apps/v1/namespaces/default/deployments/web/status",
  ]);
  for (const c of t.calls) {
    const body = JSON.parse(c.body!);
    assert.equal(body.apiVersion, "apps/v1");
    assert.equal(body.kind, "Deployment");
  }
  assert.deepEqual(JSON.parse(t.calls[2].body!).status, { replicas: 2 });
});

Deno.test("a namespaced client for all namespaces writes to the object's namespace", async () => {
  const t = echo();
  const cms = newCoreV1Client(TEST_CONFIG, fakeOptions(t)).configMaps("");
  await cms.create({ metadata: { name: "a", namespace: "team-a" } });
  assert.equal(pathOf(t.calls[0]), "/api/v1/namespaces/team-a/configmaps");
});

Deno.test("patch sends each patch type with its content type, and apply needs a field manager", async () => {
  const t = echo();
  const cms = newCoreV1Client(TEST_CONFIG, fakeOptions(t)).configMaps("default");
  await cms.patch("cfg", "json", [{ op: "add", path: "/data/a", value: "1" }]);
  await cms.patch("cfg", "merge", { data: { a: "1" } }, { fieldManager: "m" });
  await cms.patch("cfg", "strategic", { data: { a: "1" } });
  await cms.apply({ metadata: { name: "cfg" }, data: { a: "1" } }, { fieldManager: "me", force: true });
  assert.deepEqual(t.calls.map((c) => [c.method, pathOf(c), c.headers.get("content-type")]), [
    ["PATCH", "/api/v1/namespaces/default/configmaps/cfg", "application/json-patch+json"],
    ["PATCH", "/api/v1/namespaces/default/configmaps/cfg?fieldManager=m", "application/merge-patch+json"],
    ["PATCH", "/api/v1/namespaces/default/configmaps/cfg", "application/strategic-merge-patch+json"],
    [
      "PATCH",
      "/api/v1/namespaces/default/configmaps/cfg?fieldManager=me&force=true",
      "application/apply-patch+yaml",
    ],
  ]);
  assert.deepEqual(JSON.parse(t.calls[0].body!), [{ op: "add", path: "/data/a", value: "1" }]);
  assert.deepEqual(JSON.parse(t.calls[3].body!), {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "cfg" },
    data: { a: "1" },
  });
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => cms.apply({ metadata: { name: "cfg" } }, {} as any),
    (e: unknown) => e instanceof TypeError && /fieldManager/.test(e.message),
  );
  assert.equal(t.calls.length, 4);
});

Deno.test("applyStatus and patchStatus go to the status subresource", async () => {
  const t = echo();
  const jobs = newClientset(TEST_CONFIG, fakeOptions(t)).batchV1().jobs("ci");
  await jobs.applyStatus({ metadata: { name: "build" }, status: { succeeded: 1 } }, { fieldManager: "ctl" });
  await jobs.patchStatus("build", "merge", { status: { failed: 1 } });
  assert.deepEqual(t.calls.map(pathOf), [
    "/apis/batch/v1/namespaces/ci/jobs/build/status?fieldManager=ctl",
    "/apis/batch/v1/namespaces/ci/jobs/build/status",
  ]);
  assert.equal(JSON.parse(t.calls[0].body!).kind, "Job");
});

Deno.test("delete and deleteCollection send DeleteOptions as the body and list options as parameters", async () => {
  const t = echo();
  const deployments = newAppsV1Client(TEST_CONFIG, fakeOptions(t)).deployments("default");
  await deployments.delete("web", {
    propagationPolicy: "Foreground",
    gracePeriodSeconds: 0,
    preconditions: { uid: "u-1" },
    dryRun: ["All"],
  });
  await deployments.delete("plain");
  await deployments.deleteCollection({ propagationPolicy: "Background" }, { labelSelector: "app=web" });
  assert.deepEqual(t.calls.map((c) => `${c.method} ${pathOf(c)}`), [
    "DELETE /apis/apps/v1/namespaces/default/deployments/web",
    "DELETE /apis/apps/v1/namespaces/default/deployments/plain",
    "DELETE /apis/apps/v1/namespaces/default/deployments?labelSelector=app%3Dweb",
  ]);
  assert.deepEqual(JSON.parse(t.calls[0].body!), {
    apiVersion: "v1",
    kind: "DeleteOptions",
    gracePeriodSeconds: 0,
    preconditions: { uid: "u-1" },
    propagationPolicy: "Foreground",
    dryRun: ["All"],
  });
  assert.equal(t.calls[1].body, undefined);
  assert.equal(JSON.parse(t.calls[2].body!).propagationPolicy, "Background");
});

Deno.test("scale subresource: getScale, updateScale and applyScale", async () => {
  const t = fakeTransport(() =>
    json(
      { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "web" }, spec: { replicas: 3 } },
      200,
    )
  );
  const deployments = newAppsV1Client(TEST_CONFIG, fakeOptions(t)).deployments("default");
  const scale = await deployments.getScale("web");
  assert.equal(scale.spec?.replicas, 3);
  await deployments.updateScale("web", { ...scale, spec: { replicas: 5 } });
  await deployments.applyScale("web", { spec: { replicas: 4 } }, { fieldManager: "hpa" });
  assert.deepEqual(t.calls.map((c) => `${c.method} ${pathOf(c)}`), [
    "GET /apis/apps/v1/namespaces/default/deployments/web/scale",
    "PUT /apis/apps/v1/namespaces/default/deployments/web/scale",
    "PATCH /apis/apps/v1/namespaces/default/deployments/web/scale?fieldManager=hpa",
  ]);
  assert.equal(JSON.parse(t.calls[1].body!).spec.replicas, 5);
  assert.deepEqual(JSON.parse(t.calls[2].body!), {
    apiVersion: "autoscaling/v1",
    kind: "Scale",
    spec: { replicas: 4 },
  });
});

Deno.test("pod subresources: eviction, binding, logs, ephemeral containers; service account token; namespace finalize", async () => {
  const t = fakeTransport((call) => {
    if (call.url.pathname.endsWith("/log")) return new Response("line 1\nline 2\n");
    return json(call.body === undefined ? {} : JSON.parse(call.body), 201);
  });
  const core = newCoreV1Client(TEST_CONFIG, fakeOptions(t));
  const pods = core.pods("default");
  await pods.evict({ metadata: { name: "web-1" }, deleteOptions: { gracePeriodSeconds: 10 } });
  await pods.bind({ metadata: { name: "web-1" }, target: { kind: "Node", name: "node-a" } });
  const text = await pods.getLogs("web-1", { container: "app", tailLines: 2, timestamps: true });
  assert.equal(text, "line 1\nline 2\n");
  const stream = await pods.streamLogs("web-1", { follow: true });
  let streamed = "";
  for await (const chunk of stream) streamed += chunk;
  assert.equal(streamed, "line 1\nline 2\n");
  await pods.updateEphemeralContainers("web-1", { metadata: { name: "web-1" }, spec: { containers: [] } });
  const token = await core.serviceAccounts("default").createToken("builder", {
    spec: { audiences: ["api"] },
  });
  assert.equal(token.kind, "TokenRequest");
  await core.namespaces().finalize({ metadata: { name: "old" }, spec: { finalizers: [] } });
  assert.deepEqual(t.calls.map((c) => `${c.method} ${pathOf(c)}`), [
    "POST /api/v1/namespaces/default/pods/web-1/eviction",
    "POST /api/v1/namespaces/default/pods/web-1/binding",
    "GET /api/v1/namespaces/default/pods/web-1/log?container=app&timestamps=true&tailLines=2",
    "GET /api/v1/namespaces/default/pods/web-1/log?follow=true",
    "PUT /api/v1/namespaces/default/pods/web-1/ephemeralcontainers",
    "POST /api/v1/namespaces/default/serviceaccounts/builder/token",
    "PUT /api/v1/namespaces/old/finalize",
  ]);
  assert.equal(JSON.parse(t.calls[0].body!).deleteOptions.gracePeriodSeconds, 10);
  assert.deepEqual(JSON.parse(t.calls[5].body!).spec, { audiences: ["api"] });
});

Deno.test("an empty name is refused before any request", async () => {
  const t = echo();
  const cms = newCoreV1Client(TEST_CONFIG, fakeOptions(t)).configMaps("default");
  await assert.rejects(() => cms.get(""), TypeError);
  await assert.rejects(() => cms.delete(""), TypeError);
  await assert.rejects(() => cms.update({ metadata: {} }), TypeError);
  assert.equal(t.calls.length, 0);
});

Deno.test("errors of the server reach the caller as ApiError, and an aborted signal rejects the call", async () => {
  const t = fakeTransport((call) =>
    call.url.pathname.startsWith("/apis/coordination.k8s.io/v1alpha2")
      ? new Response("404 page not found\n", { status: 404 })
      : statusError(409, "Conflict", "the object has been modified")
  );
  const options = fakeOptions(t);
  const candidates = newCoordinationV1alpha2Client(TEST_CONFIG, options).leaseCandidates("default");
  const err = await candidates.list().then(() => undefined, (e) => e);
  assert.ok(err instanceof ApiError);
  assert.ok(isNotFound(err));
  assert.equal(err.path, "/apis/coordination.k8s.io/v1alpha2/namespaces/default/leasecandidates");
  assert.equal(err.method, "GET");
  assert.equal(
    err.message,
    "The server could not find the requested resource: it does not serve leasecandidates in " +
      "coordination.k8s.io/v1alpha2 (the API is missing from this server version, or not enabled)",
  );
  assert.ok(err.cause instanceof ApiError, "the original error is the cause");
  const watchErr = await candidates.watch().then(() => undefined, (e) => e);
  assert.ok(isNotFound(watchErr));
  assert.match(watchErr.message, /does not serve leasecandidates/);
  const conflict = await newCoreV1Client(TEST_CONFIG, options).configMaps("default")
    .update({ metadata: { name: "a" } }).then(() => undefined, (e) => e);
  assert.ok(conflict instanceof ApiError);
  assert.equal(conflict.code, 409);
  const controller = new AbortController();
  controller.abort(new DOMException("stop", "AbortError"));
  await assert.rejects(
    () => newCoreV1Client(TEST_CONFIG, options).pods("default").list({ signal: controller.signal }),
    (e: unknown) => e instanceof DOMException && e.name === "AbortError",
  );
});

Deno.test("the clientset builds each group-version client once, on first use", () => {
  const t = echo();
  const clientset = newClientset(TEST_CONFIG, fakeOptions(t));
  assert.equal(clientset.coreV1(), clientset.coreV1());
  assert.equal(clientset.appsV1().restClient.groupVersion, "apps/v1");
  assert.equal(clientset.coreV1().restClient.apiPath, "/api");
  assert.equal(clientset.rbacV1().restClient.groupVersion, "rbac.authorization.k8s.io/v1");
  assert.equal(clientset.autoscalingV2().horizontalPodAutoscalers("x").info.version, "v2");
  assert.equal(clientset.admissionregistrationV1().validatingWebhookConfigurations().info.namespaced, false);
  assert.equal(t.calls.length, 0);
});

Deno.test("a group-version client can share a REST client given instead of a configuration", async () => {
  const t = echo();
  const rest = newAppsV1Client(TEST_CONFIG, fakeOptions(t)).restClient;
  const again = newAppsV1Client(rest);
  assert.equal(again.restClient, rest);
  await again.statefulSets("db").get("pg");
  assert.equal(pathOf(t.calls[0]), "/apis/apps/v1/namespaces/db/statefulsets/pg");
});

Deno.test("a missing object keeps the server's NotFound; a resource the server lacks is explained", async () => {
  const t = fakeTransport((call) =>
    call.url.pathname.includes("validatingadmissionpolicies")
      ? statusError(404, "NotFound", "the server could not find the requested resource")
      : json({
        kind: "Status",
        status: "Failure",
        code: 404,
        reason: "NotFound",
        message: 'configmaps "gone" not found',
        details: { name: "gone", kind: "configmaps" },
      }, 404)
  );
  const clientset = newClientset(TEST_CONFIG, fakeOptions(t));
  const missing = await clientset.coreV1().configMaps("default").get("gone").then(() => undefined, (e) => e);
  assert.ok(isNotFound(missing));
  assert.equal(missing.message, 'configmaps "gone" not found');
  assert.equal(missing.cause, undefined);
  const unserved = await clientset.admissionregistrationV1().validatingAdmissionPolicies().list()
    .then(() => undefined, (e) => e);
  assert.ok(isNotFound(unserved));
  assert.match(
    unserved.message,
    /does not serve validatingadmissionpolicies in admissionregistration\.k8s\.io\/v1 /,
  );
});

Deno.test("typed list items get the apiVersion and kind the server leaves out", async () => {
  const t = fakeTransport(() =>
    json({
      apiVersion: "v1",
      kind: "ConfigMapList",
      metadata: { resourceVersion: "7" },
      items: [{ metadata: { name: "a" } }, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b" } }],
    }, 200)
  );
  const list = await newCoreV1Client(TEST_CONFIG, fakeOptions(t)).configMaps("default").list();
  assert.deepEqual(list.items.map((i) => [i.apiVersion, i.kind, i.metadata?.name]), [
    ["v1", "ConfigMap", "a"],
    ["v1", "ConfigMap", "b"],
  ]);
  const apps = fakeTransport(() =>
    json({ kind: "DeploymentList", items: [{ metadata: { name: "d" } }] }, 200)
  );
  const deployments = await newAppsV1Client(TEST_CONFIG, fakeOptions(apps)).deployments("").list();
  assert.equal(deployments.items[0].apiVersion, "apps/v1");
  assert.equal(deployments.items[0].kind, "Deployment");
});

Deno.test("patch bodies are typed by patch type; returned objects have their metadata", async () => {
  const t = fakeTransport((call) =>
    json({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "x", namespace: "prod", uid: "u1", resourceVersion: "7", creationTimestamp: "t" },
      data: call.body === undefined ? {} : { body: call.body },
    })
  );
  const cms = newCoreV1Client(TEST_CONFIG, fakeOptions(t)).configMaps("prod");
  const merged = await cms.patch("x", "merge", { data: { a: "1" }, metadata: { labels: { l: null } } });
  // Returned objects: metadata present, namespace too for a namespaced resource (no `!` needed).
  const uid: string = merged.metadata.uid;
  const namespace: string = merged.metadata.namespace;
  assert.deepEqual([uid, namespace, merged.kind], ["u1", "prod", "ConfigMap"]);
  await cms.patch("x", "json", [{ op: "replace", path: "/data/a", value: "2" }, {
    op: "remove",
    path: "/data/b",
  }]);
  await cms.patch("x", "strategic", { data: { a: "3" }, $patch: "merge" });
  await cms.patch("x", "apply", { metadata: { name: "x" }, data: { a: "4" } }, { fieldManager: "m" });
  await cms.patch("x", "merge", '{"data":{"a":"5"}}'); // raw text is sent as is
  // @ts-expect-error: a JSON patch is a list of operations, not an object
  await cms.patch("x", "json", { data: { a: "1" } });
  // @ts-expect-error: a merge patch of a ConfigMap cannot set data to a number
  await cms.patch("x", "merge", { data: 1 });
  // @ts-expect-error: JSON patch operations need a known op
  await cms.patch("x", "json", [{ op: "frobnicate", path: "/a" }]);
  assert.deepEqual(t.calls.map((c) => c.headers.get("content-type")), [
    "application/merge-patch+json",
    "application/json-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
    "application/merge-patch+json",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/json-patch+json",
  ]);
  assert.equal(t.calls[4].body, '{"data":{"a":"5"}}');
  const nodes = newCoreV1Client(TEST_CONFIG, fakeOptions(t)).nodes();
  const node = await nodes.get("n");
  const name: string = node.metadata.name;
  // @ts-expect-error: a cluster-scoped object's namespace is not known to be present
  const nodeNamespace: string = node.metadata.namespace;
  assert.deepEqual([name, nodeNamespace], ["x", "prod"]);
});
