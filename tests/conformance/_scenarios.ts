/**
 * The conformance scenarios: each is written once and run against both the real API server and the
 * fake; their recorded answers are compared after normalisation.
 *
 * @module
 */
import type { Ctx, Scenario } from "./_harness.ts";

// deno-lint-ignore no-explicit-any
type Obj = any;

const CM = "/api/v1/namespaces/{ns}/configmaps";
const SECRETS = "/api/v1/namespaces/{ns}/secrets";
const DEPLOY = "/apis/apps/v1/namespaces/{ns}/deployments";
const RS = "/apis/apps/v1/namespaces/{ns}/replicasets";
const STS = "/apis/apps/v1/namespaces/{ns}/statefulsets";
const DS = "/apis/apps/v1/namespaces/{ns}/daemonsets";
const JOBS = "/apis/batch/v1/namespaces/{ns}/jobs";
const SVC = "/api/v1/namespaces/{ns}/services";
const PODS = "/api/v1/namespaces/{ns}/pods";
const SA = "/api/v1/namespaces/{ns}/serviceaccounts";
const LEASES = "/apis/coordination.k8s.io/v1/namespaces/{ns}/leases";
const NS = "/api/v1/namespaces";
const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

function cm(name: string, data: Record<string, string> = { k: "v" }, labels?: Record<string, string>): Obj {
  const metadata: Obj = { name };
  if (labels) metadata.labels = labels;
  return { apiVersion: "v1", kind: "ConfigMap", metadata, data };
}

function podTemplate(labels: Record<string, string>, image = "nginx:1.25"): Obj {
  return { metadata: { labels }, spec: { containers: [{ name: "c", image }] } };
}

function deployment(name: string, replicas?: number): Obj {
  const spec: Obj = { selector: { matchLabels: { app: name } }, template: podTemplate({ app: name }) };
  if (replicas !== undefined) spec.replicas = replicas;
  return { apiVersion: "apps/v1", kind: "Deployment", metadata: { name }, spec };
}

async function seedConfigMaps(t: Ctx, n: number, labels: (i: number) => Record<string, string> = () => ({})) {
  for (let i = 0; i < n; i++) {
    await t.req("POST", CM, cm(`cm-${i}`, { i: String(i) }, labels(i)), { quiet: true });
  }
}

const S: Scenario[] = [];
function scenario(name: string, run: (t: Ctx) => Promise<void>): void {
  S.push({ name, run });
}

// ---- CRUD ----
scenario("create then get a ConfigMap", async (t) => {
  await t.req("POST", CM, cm("a"));
  await t.req("GET", `${CM}/a`);
});
scenario("create an existing name is 409 AlreadyExists", async (t) => {
  await t.req("POST", CM, cm("a"), { quiet: true });
  await t.req("POST", CM, cm("a"));
});
scenario("get a missing object is 404 NotFound", async (t) => {
  await t.req("GET", `${CM}/missing`);
  await t.req("GET", "/apis/apps/v1/namespaces/{ns}/deployments/missing");
});
scenario("create in a missing namespace is 404", async (t) => {
  await t.req("POST", "/api/v1/namespaces/nope-{run}/configmaps", cm("a"));
});
scenario("an invalid name is 422 Invalid", async (t) => {
  await t.req("POST", CM, cm("Bad_Name"));
  await t.req("POST", SVC, { metadata: { name: "1svc" }, spec: { ports: [{ port: 80 }] } });
  await t.req("POST", NS, { metadata: { name: "bad.ns.{run}" } });
});
scenario("a missing name is 422 Invalid", async (t) => {
  await t.req("POST", CM, { metadata: {}, data: {} });
});
scenario("generateName makes a name", async (t) => {
  const a = await t.req("POST", CM, { metadata: { generateName: "gen-" }, data: { a: "1" } });
  await t.req("GET", `${CM}/${a.metadata.name}`);
});
scenario("update with the current resourceVersion", async (t) => {
  const a = await t.req("POST", CM, cm("a"));
  a.data = { k: "v2" };
  await t.req("PUT", `${CM}/a`, a);
});
scenario("update with a stale resourceVersion is 409 Conflict", async (t) => {
  const a = await t.req("POST", CM, cm("a"));
  await t.req("PUT", `${CM}/a`, { ...a, data: { k: "v2" } });
  await t.req("PUT", `${CM}/a`, { ...a, data: { k: "v3" } });
});
scenario("update without a resourceVersion is unconditional", async (t) => {
  await t.req("POST", CM, cm("a"));
  await t.req("PUT", `${CM}/a`, cm("a", { k: "v9" }));
});
scenario("update with another name is 400", async (t) => {
  await t.req("POST", CM, cm("a"));
  await t.req("PUT", `${CM}/a`, cm("b"));
});
scenario("update of a missing object is 404", async (t) => {
  await t.req("PUT", `${CM}/a`, cm("a"));
});
scenario("a no-op update keeps the resourceVersion", async (t) => {
  const a = await t.req("POST", CM, cm("a"));
  await t.req("PUT", `${CM}/a`, a);
  await t.req("GET", `${CM}/a`);
});
scenario("delete answers a Success Status", async (t) => {
  await t.req("POST", CM, cm("a"));
  await t.req("DELETE", `${CM}/a`);
  await t.req("GET", `${CM}/a`);
});
scenario("delete a missing object is 404", async (t) => {
  await t.req("DELETE", `${CM}/a`);
});
scenario("delete with a wrong uid precondition is 409", async (t) => {
  await t.req("POST", CM, cm("a"));
  await t.req("DELETE", `${CM}/a`, { preconditions: { uid: "00000000-0000-0000-0000-000000000000" } });
});
scenario("delete with a stale resourceVersion precondition is 409; the current one deletes", async (t) => {
  const a = await t.req("POST", CM, cm("a"));
  const b = await t.req("PUT", `${CM}/a`, { ...a, data: { x: "1" } });
  await t.req("DELETE", `${CM}/a`, { preconditions: { resourceVersion: a.metadata.resourceVersion } });
  await t.req("DELETE", `${CM}/a`, { preconditions: { resourceVersion: b.metadata.resourceVersion } });
});
scenario("deleteCollection by label selector", async (t) => {
  await seedConfigMaps(t, 4, (i) => ({ drop: i % 2 === 0 ? "yes" : "no" }));
  await t.req("DELETE", `${CM}?labelSelector=drop%3Dyes`);
  await t.req("GET", CM);
});
scenario("a body namespace other than the URL's is 400", async (t) => {
  await t.req("POST", CM, { ...cm("a"), metadata: { name: "a", namespace: "other" } });
});
scenario("a body apiVersion other than the URL's is 400", async (t) => {
  await t.req("POST", CM, { ...cm("a"), apiVersion: "apps/v1" });
});
scenario("Secret stringData becomes data; type defaults to Opaque", async (t) => {
  await t.req("POST", SECRETS, { metadata: { name: "s" }, stringData: { password: "hunter2" } });
});
scenario("a Lease round trip", async (t) => {
  const l = await t.req("POST", LEASES, {
    metadata: { name: "l" },
    spec: { holderIdentity: "me", leaseDurationSeconds: 15 },
  });
  l.spec.holderIdentity = "you";
  await t.req("PUT", `${LEASES}/l`, l);
});
scenario("delete a Pod answers the Pod", async (t) => {
  await t.req(
    "POST",
    PODS,
    { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "x:1" }] } },
    {
      quiet: true,
    },
  );
  await t.req("DELETE", `${PODS}/p`);
});
scenario("cluster-scoped create, get and delete (Namespace)", async (t) => {
  await t.req("POST", NS, { metadata: { name: "x-{run}" } });
  await t.req("GET", `${NS}/x-{run}`);
});

// ---- selectors ----
const LABELLED = (i: number) => ({
  tier: ["web", "db", "cache"][i % 3],
  ...(i % 2 === 0 ? { even: "true" } : {}),
});
for (
  const [name, sel] of [
    ["equality", "tier%3Dweb"],
    ["double equality", "tier%3D%3Ddb"],
    ["inequality", "tier!%3Dweb"],
    ["in", "tier%20in%20(web%2Ccache)"],
    ["notin", "tier%20notin%20(web)"],
    ["exists", "even"],
    ["does not exist", "!even"],
    ["several requirements", "even%2Ctier%3Dweb"],
  ] as const
) {
  scenario(`label selector: ${name}`, async (t) => {
    await seedConfigMaps(t, 6, LABELLED);
    await t.req("GET", `${CM}?labelSelector=${sel}`);
  });
}
scenario("field selector metadata.name", async (t) => {
  await seedConfigMaps(t, 3);
  await t.req("GET", `${CM}?fieldSelector=metadata.name%3Dcm-1`);
  await t.req("GET", `${CM}?fieldSelector=metadata.name!%3Dcm-1`);
});
scenario("field selector metadata.namespace across namespaces", async (t) => {
  await seedConfigMaps(t, 2);
  await t.req("GET", "/api/v1/configmaps?fieldSelector=metadata.namespace%3D{ns}");
});
scenario("an unsupported field selector is 400", async (t) => {
  await t.req("GET", `${CM}?fieldSelector=spec.nope%3Dx`);
});
scenario("Secret field selector type", async (t) => {
  await t.req("POST", SECRETS, { metadata: { name: "a" }, type: "Opaque", data: {} }, { quiet: true });
  await t.req("POST", SECRETS, { metadata: { name: "b" }, type: "kubeweb.dev/x", data: {} }, { quiet: true });
  await t.req("GET", `${SECRETS}?fieldSelector=type%3Dkubeweb.dev%2Fx`);
});
scenario("label and field selector together", async (t) => {
  await seedConfigMaps(t, 6, LABELLED);
  await t.req("GET", `${CM}?labelSelector=tier%3Dweb&fieldSelector=metadata.name!%3Dcm-0`);
});
scenario("Pod field selectors spec.nodeName and status.phase", async (t) => {
  await t.req("POST", PODS, { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "x" }] } }, {
    quiet: true,
  });
  await t.req("GET", `${PODS}?fieldSelector=spec.nodeName%3D`);
  await t.req("GET", `${PODS}?fieldSelector=status.phase%3DRunning`);
});

// ---- paging ----
scenario("limit gives a continue token and remainingItemCount", async (t) => {
  await seedConfigMaps(t, 5);
  await t.req("GET", `${CM}?limit=2`);
});
scenario("following continue tokens to the end", async (t) => {
  await seedConfigMaps(t, 5);
  let page = await t.req("GET", `${CM}?limit=2`);
  while (page.metadata.continue) {
    page = await t.req(
      "GET",
      `${CM}?limit=2&continue=${encodeURIComponent(page.metadata.continue)}`,
      undefined,
      {
        label: "next page",
      },
    );
  }
});
scenario("pages are a consistent snapshot", async (t) => {
  await seedConfigMaps(t, 4);
  const first = await t.req("GET", `${CM}?limit=2`);
  await t.req("POST", CM, cm("cm-9"));
  await t.req("DELETE", `${CM}/cm-3`);
  await t.req("GET", `${CM}?limit=5&continue=${encodeURIComponent(first.metadata.continue)}`, undefined, {
    label: "second page",
  });
});
scenario("limit with a label selector has no remainingItemCount", async (t) => {
  await seedConfigMaps(t, 6, LABELLED);
  await t.req("GET", `${CM}?limit=1&labelSelector=even`);
});
scenario("a malformed continue token is 400", async (t) => {
  const token = btoa(JSON.stringify({ v: "other/v9", rv: 1, start: "x" })).replace(/=+$/, "");
  await t.req("GET", `${CM}?limit=1&continue=${token}`);
  await t.req("GET", `${CM}?limit=1&continue=${btoa("{}")}`);
});
scenario("a continue token older than the compacted history is 410 Expired", async (t) => {
  await seedConfigMaps(t, 3);
  const first = await t.req("GET", `${CM}?limit=1`);
  await t.req("POST", CM, cm("after"), { quiet: true });
  await t.compact();
  await t.req("GET", `${CM}?limit=1&continue=${encodeURIComponent(first.metadata.continue)}`, undefined, {
    label: "stale continue",
  });
});
scenario("an exact list at a compacted resourceVersion is 410 Expired", async (t) => {
  const a = await t.req("POST", CM, cm("a"));
  await t.req("PUT", `${CM}/a`, { ...a, data: { k: "2" } }, { quiet: true });
  await t.compact();
  await t.req(
    "GET",
    `${CM}?resourceVersion=${a.metadata.resourceVersion}&resourceVersionMatch=Exact`,
    undefined,
    {
      label: "exact list",
    },
  );
});
scenario("an exact list at a past resourceVersion sees that state", async (t) => {
  const a = await t.req("POST", CM, cm("a"));
  await t.req("PUT", `${CM}/a`, { ...a, data: { k: "2" } }, { quiet: true });
  await t.req("POST", CM, cm("b"), { quiet: true });
  await t.req(
    "GET",
    `${CM}?resourceVersion=${a.metadata.resourceVersion}&resourceVersionMatch=Exact`,
    undefined,
    {
      label: "exact list",
    },
  );
});
scenario("limit larger than the list", async (t) => {
  await seedConfigMaps(t, 2);
  await t.req("GET", `${CM}?limit=10`);
});

// ---- watch ----
scenario("watch from a list's resourceVersion sees ADDED, MODIFIED, DELETED", async (t) => {
  const list = await t.req("GET", CM);
  const w = await t.watch(`${CM}?watch=true&resourceVersion=${list.metadata.resourceVersion}`);
  const a = await t.req("POST", CM, cm("a"));
  await t.req("PUT", `${CM}/a`, { ...a, data: { k: "2" } });
  await t.req("DELETE", `${CM}/a`);
  await w.take(3);
});
scenario("watch without a resourceVersion starts with the current state", async (t) => {
  await seedConfigMaps(t, 2);
  const w = await t.watch(`${CM}?watch=true`);
  await new Promise((r) => setTimeout(r, 300)); // let the initial state arrive before the change
  await t.req("POST", CM, cm("late"));
  await w.takeSorted(3);
});
scenario("watch with resourceVersion 0 starts with the current state", async (t) => {
  await seedConfigMaps(t, 2);
  const w = await t.watch(`${CM}?watch=true&resourceVersion=0`);
  await w.takeSorted(2);
});
scenario("watch from an older resourceVersion replays the history", async (t) => {
  const a = await t.req("POST", CM, cm("a"));
  await t.req("PUT", `${CM}/a`, { ...a, data: { k: "2" } });
  await t.req("POST", CM, cm("b"));
  const w = await t.watch(`${CM}?watch=true&resourceVersion=${a.metadata.resourceVersion}`);
  await w.take(2);
});
scenario("watch with a label selector: leaving is DELETED, entering is ADDED", async (t) => {
  const list = await t.req("GET", CM);
  const w = await t.watch(
    `${CM}?watch=true&labelSelector=on%3Dyes&resourceVersion=${list.metadata.resourceVersion}`,
  );
  const a = await t.req("POST", CM, cm("a", { k: "1" }, { on: "yes" }));
  const b = await t.req("PUT", `${CM}/a`, { ...a, metadata: { ...a.metadata, labels: { on: "no" } } });
  await t.req("PUT", `${CM}/a`, { ...b, metadata: { ...b.metadata, labels: { on: "yes" } } });
  await w.take(3);
});
scenario("watch one object with a field selector", async (t) => {
  const list = await t.req("GET", CM);
  const w = await t.watch(
    `${CM}?watch=true&fieldSelector=metadata.name%3Db&resourceVersion=${list.metadata.resourceVersion}`,
  );
  await t.req("POST", CM, cm("a"));
  await t.req("POST", CM, cm("b"));
  await t.req("DELETE", `${CM}/b`);
  await w.take(2);
});
scenario("watch ends at timeoutSeconds", async (t) => {
  const list = await t.req("GET", CM);
  const w = await t.watch(
    `${CM}?watch=true&timeoutSeconds=1&resourceVersion=${list.metadata.resourceVersion}`,
  );
  await w.untilEnd();
});
scenario("a short watch with bookmarks allowed has no bookmark", async (t) => {
  await t.req("POST", CM, cm("a"));
  const list = await t.req("GET", CM);
  const w = await t.watch(
    `${CM}?watch=true&allowWatchBookmarks=true&timeoutSeconds=3&resourceVersion=${list.metadata.resourceVersion}`,
  );
  await w.untilEnd();
});
scenario("watch a cluster-scoped resource", async (t) => {
  const list = await t.req("GET", `${NS}?labelSelector=run%3D{run}`);
  const w = await t.watch(
    `${NS}?watch=true&labelSelector=run%3D{run}&resourceVersion=${list.metadata.resourceVersion}`,
  );
  await t.req("POST", NS, { metadata: { name: "w-{run}", labels: { run: "{run}" } } });
  await w.take(1);
});
scenario("watch across namespaces filtered by namespace", async (t) => {
  const list = await t.req("GET", "/api/v1/configmaps?fieldSelector=metadata.namespace%3D{ns}");
  const w = await t.watch(
    `/api/v1/configmaps?watch=true&fieldSelector=metadata.namespace%3D{ns}&resourceVersion=${list.metadata.resourceVersion}`,
  );
  await t.req("POST", CM, cm("a"));
  await w.take(1);
});
scenario("watch an invalid resourceVersion", async (t) => {
  const w = await t.watch(`${CM}?watch=true&resourceVersion=abc`);
  await w.take(1);
});

// ---- status and scale ----
scenario("Deployment create: defaults, empty status, generation 1", async (t) => {
  await t.req("POST", DEPLOY, deployment("d"));
});
scenario("spec changes bump generation; metadata changes do not", async (t) => {
  const d = await t.req("POST", DEPLOY, deployment("d"));
  const d2 = await t.req("PUT", `${DEPLOY}/d`, { ...d, metadata: { ...d.metadata, labels: { x: "1" } } });
  d2.spec.replicas = 3;
  await t.req("PUT", `${DEPLOY}/d`, d2);
});
scenario("status is written through the status subresource only", async (t) => {
  const d = await t.req("POST", DEPLOY, deployment("d"));
  await t.req("PUT", `${DEPLOY}/d`, {
    ...d,
    metadata: { ...d.metadata, labels: { l: "1" } },
    status: { replicas: 5 },
  }, {
    label: "main resource ignores status",
  });
  const cur = await t.req("GET", `${DEPLOY}/d`);
  await t.req("PUT", `${DEPLOY}/d/status`, {
    ...cur,
    spec: { ...cur.spec, replicas: 9 },
    status: { replicas: 2 },
  });
  await t.req("GET", `${DEPLOY}/d`);
});
scenario("status update with a stale resourceVersion is 409", async (t) => {
  const d = await t.req("POST", DEPLOY, deployment("d"));
  await t.req("PUT", `${DEPLOY}/d/status`, { ...d, status: { replicas: 1 } });
  await t.req("PUT", `${DEPLOY}/d/status`, { ...d, status: { replicas: 2 } });
});
scenario("status merge patch", async (t) => {
  await t.req("POST", DEPLOY, deployment("d"));
  await t.req("PATCH", `${DEPLOY}/d/status`, { status: { observedGeneration: 1 } }, {
    contentType: "application/merge-patch+json",
  });
});
scenario("GET scale of a Deployment", async (t) => {
  await t.req("POST", DEPLOY, deployment("d", 2));
  await t.req("GET", `${DEPLOY}/d/scale`);
});
scenario("PUT scale changes replicas and generation", async (t) => {
  await t.req("POST", DEPLOY, deployment("d", 2));
  const s = await t.req("GET", `${DEPLOY}/d/scale`);
  s.spec.replicas = 4;
  await t.req("PUT", `${DEPLOY}/d/scale`, s);
  await t.req("GET", `${DEPLOY}/d`);
});
scenario("PATCH scale", async (t) => {
  await t.req("POST", DEPLOY, deployment("d", 2));
  await t.req("PATCH", `${DEPLOY}/d/scale`, { spec: { replicas: 0 } }, {
    contentType: "application/merge-patch+json",
  });
});
scenario("scale with a stale resourceVersion is 409", async (t) => {
  await t.req("POST", DEPLOY, deployment("d", 2));
  const s = await t.req("GET", `${DEPLOY}/d/scale`);
  await t.req("PUT", `${DEPLOY}/d/scale`, { ...s, spec: { replicas: 3 } });
  await t.req("PUT", `${DEPLOY}/d/scale`, { ...s, spec: { replicas: 5 } });
});
scenario("ReplicaSet scale", async (t) => {
  await t.req("POST", RS, {
    metadata: { name: "r" },
    spec: { selector: { matchLabels: { a: "r" } }, template: podTemplate({ a: "r" }) },
  });
  await t.req("GET", `${RS}/r/scale`);
});

// ---- finalizers ----
scenario("delete with a finalizer sets deletionTimestamp and keeps the object", async (t) => {
  await t.req("POST", CM, { ...cm("a"), metadata: { name: "a", finalizers: ["kubeweb.dev/hold"] } });
  await t.req("DELETE", `${CM}/a`);
  await t.req("GET", `${CM}/a`);
});
scenario("removing the last finalizer of a deleted object removes it", async (t) => {
  await t.req("POST", CM, { ...cm("a"), metadata: { name: "a", finalizers: ["kubeweb.dev/hold"] } });
  const d = await t.req("DELETE", `${CM}/a`);
  d.metadata.finalizers = [];
  await t.req("PUT", `${CM}/a`, d);
  await t.req("GET", `${CM}/a`);
});
scenario("deleting a terminating object again changes nothing", async (t) => {
  await t.req("POST", CM, { ...cm("a"), metadata: { name: "a", finalizers: ["kubeweb.dev/hold"] } });
  await t.req("DELETE", `${CM}/a`);
  await t.req("DELETE", `${CM}/a`);
});
scenario("no new finalizers on a terminating object", async (t) => {
  await t.req("POST", CM, { ...cm("a"), metadata: { name: "a", finalizers: ["kubeweb.dev/hold"] } });
  const d = await t.req("DELETE", `${CM}/a`);
  d.metadata.finalizers = ["kubeweb.dev/hold", "kubeweb.dev/more"];
  await t.req("PUT", `${CM}/a`, d);
});
scenario("watch of a finalized deletion: MODIFIED then DELETED", async (t) => {
  await t.req("POST", CM, { ...cm("a"), metadata: { name: "a", finalizers: ["kubeweb.dev/hold"] } });
  const list = await t.req("GET", CM);
  const w = await t.watch(`${CM}?watch=true&resourceVersion=${list.metadata.resourceVersion}`);
  await t.req("DELETE", `${CM}/a`);
  await t.req("PATCH", `${CM}/a`, { metadata: { finalizers: null } }, {
    contentType: "application/merge-patch+json",
  });
  await w.take(2);
});
scenario("propagationPolicy Orphan adds the orphan finalizer", async (t) => {
  await t.req("POST", CM, cm("a"));
  await t.req("DELETE", `${CM}/a`, { propagationPolicy: "Orphan" });
});
scenario("propagationPolicy Foreground adds the foregroundDeletion finalizer", async (t) => {
  await t.req("POST", CM, cm("a"));
  await t.req("DELETE", `${CM}/a`, { propagationPolicy: "Foreground" });
});
scenario("a deleted namespace is Terminating and refuses new objects", async (t) => {
  await t.req("POST", NS, { metadata: { name: "t-{run}" } });
  await t.req("DELETE", `${NS}/t-{run}`);
  await t.req("POST", "/api/v1/namespaces/t-{run}/configmaps", cm("a"));
});

// ---- defaulting ----
scenario("ReplicaSet defaults", async (t) => {
  await t.req("POST", RS, {
    metadata: { name: "r" },
    spec: { selector: { matchLabels: { a: "r" } }, template: podTemplate({ a: "r" }) },
  });
});
scenario("StatefulSet defaults", async (t) => {
  await t.req("POST", STS, {
    metadata: { name: "s" },
    spec: { serviceName: "s", selector: { matchLabels: { a: "s" } }, template: podTemplate({ a: "s" }) },
  });
});
scenario("DaemonSet defaults", async (t) => {
  await t.req("POST", DS, {
    metadata: { name: "d" },
    spec: { selector: { matchLabels: { a: "d" } }, template: podTemplate({ a: "d" }) },
  });
});
scenario("Job defaults and generated selector", async (t) => {
  await t.req("POST", JOBS, {
    metadata: { name: "j" },
    spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } } },
  });
});
scenario("Service defaults and ClusterIP allocation", async (t) => {
  await t.req("POST", SVC, {
    metadata: { name: "s" },
    spec: { selector: { a: "b" }, ports: [{ port: 80 }] },
  });
});
scenario("headless Service", async (t) => {
  await t.req("POST", SVC, { metadata: { name: "h" }, spec: { clusterIP: "None", ports: [{ port: 80 }] } });
});
scenario("Pod defaults", async (t) => {
  await t.req("POST", PODS, {
    metadata: { name: "p" },
    spec: { containers: [{ name: "c", image: "nginx", ports: [{ containerPort: 80 }] }] },
  });
});
scenario("Pod image pull policy follows the tag", async (t) => {
  await t.req("POST", PODS, {
    metadata: { name: "p" },
    spec: { containers: [{ name: "a", image: "nginx:1.25" }, { name: "b", image: "nginx:latest" }] },
  });
});
scenario("Namespace defaults", async (t) => {
  await t.req("POST", NS, { metadata: { name: "d-{run}" } });
});
scenario("ServiceAccount create", async (t) => {
  await t.req("POST", SA, { metadata: { name: "sa" } });
});

// ---- patches ----
scenario("merge patch adds and removes keys", async (t) => {
  await t.req("POST", CM, cm("a", { k: "v", gone: "x" }));
  await t.req("PATCH", `${CM}/a`, { data: { gone: null, added: "y" } }, {
    contentType: "application/merge-patch+json",
  });
});
scenario("JSON patch add, replace, remove", async (t) => {
  await t.req("POST", CM, cm("a", { k: "v", gone: "x" }));
  await t.req("PATCH", `${CM}/a`, [
    { op: "add", path: "/data/n", value: "1" },
    { op: "replace", path: "/data/k", value: "w" },
    { op: "remove", path: "/data/gone" },
  ], { contentType: "application/json-patch+json" });
});
scenario("JSON patch test operation guards the change", async (t) => {
  await t.req("POST", CM, cm("a"));
  await t.req("PATCH", `${CM}/a`, [{ op: "test", path: "/data/k", value: "v" }, {
    op: "replace",
    path: "/data/k",
    value: "w",
  }], { contentType: "application/json-patch+json" });
});
scenario("JSON patch test failure", async (t) => {
  await t.req("POST", CM, cm("a"));
  await t.req("PATCH", `${CM}/a`, [{ op: "test", path: "/data/k", value: "nope" }], {
    contentType: "application/json-patch+json",
  });
});
scenario("JSON patch remove of a missing path", async (t) => {
  await t.req("POST", CM, cm("a"));
  await t.req("PATCH", `${CM}/a`, [{ op: "remove", path: "/data/missing" }], {
    contentType: "application/json-patch+json",
  });
});
scenario("patch with a stale resourceVersion is 409", async (t) => {
  const a = await t.req("POST", CM, cm("a"));
  await t.req("PUT", `${CM}/a`, { ...a, data: { k: "2" } });
  await t.req("PATCH", `${CM}/a`, {
    metadata: { resourceVersion: a.metadata.resourceVersion },
    data: { k: "3" },
  }, {
    contentType: "application/merge-patch+json",
  });
});
scenario("patch of a missing object is 404", async (t) => {
  await t.req("PATCH", `${CM}/a`, { data: { k: "3" } }, { contentType: "application/merge-patch+json" });
});
scenario("strategic merge patch merges containers by name", async (t) => {
  const d = deployment("d");
  d.spec.template.spec.containers.push({ name: "side", image: "busybox:1" });
  await t.req("POST", DEPLOY, d);
  await t.req("PATCH", `${DEPLOY}/d`, {
    spec: {
      template: {
        spec: { containers: [{ name: "c", image: "nginx:1.26" }, { name: "new", image: "redis:7" }] },
      },
    },
  }, { contentType: "application/strategic-merge-patch+json" });
});
scenario("strategic merge patch $patch: delete removes a list item", async (t) => {
  const d = deployment("d");
  d.spec.template.spec.containers.push({ name: "side", image: "busybox:1" });
  await t.req("POST", DEPLOY, d);
  await t.req("PATCH", `${DEPLOY}/d`, {
    spec: { template: { spec: { containers: [{ name: "side", $patch: "delete" }] } } },
  }, { contentType: "application/strategic-merge-patch+json" });
});
scenario("strategic merge patch null deletes a map key", async (t) => {
  await t.req("POST", CM, cm("a", { k: "v" }, { a: "1", b: "2" }));
  await t.req("PATCH", `${CM}/a`, { metadata: { labels: { a: null } } }, {
    contentType: "application/strategic-merge-patch+json",
  });
});
scenario("strategic merge patch merges finalizers as a set", async (t) => {
  await t.req("POST", CM, { ...cm("a"), metadata: { name: "a", finalizers: ["x.dev/a"] } });
  await t.req("PATCH", `${CM}/a`, { metadata: { finalizers: ["x.dev/b"] } }, {
    contentType: "application/strategic-merge-patch+json",
  });
  await t.req("PATCH", `${CM}/a`, { metadata: { finalizers: null } }, {
    contentType: "application/merge-patch+json",
  });
});
scenario("strategic merge patch replaces a list without a merge strategy", async (t) => {
  const d = deployment("d");
  d.spec.template.spec.containers[0].args = ["a", "b"];
  await t.req("POST", DEPLOY, d);
  await t.req("PATCH", `${DEPLOY}/d`, {
    spec: { template: { spec: { containers: [{ name: "c", args: ["z"] }] } } },
  }, { contentType: "application/strategic-merge-patch+json" });
});
scenario("an unknown patch content type is 415", async (t) => {
  await t.req("POST", CM, cm("a"));
  await t.req("PATCH", `${CM}/a`, { data: {} }, { contentType: "application/x-nope" });
});

// ---- server-side apply ----
const applyCm = (data: Record<string, string>, labels?: Record<string, string>) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n${
    labels ? `  labels:\n${Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"`).join("\n")}\n` : ""
  }data:\n${Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`).join("\n")}\n`;
const APPLY = { contentType: "application/apply-patch+yaml", raw: true };
scenario("apply creates the object with managedFields", async (t) => {
  await t.req("PATCH", `${CM}/a?fieldManager=one`, applyCm({ x: "1" }), APPLY);
});
scenario("apply again: a field the manager stops applying is removed", async (t) => {
  await t.req("PATCH", `${CM}/a?fieldManager=one`, applyCm({ x: "1", w: "2" }), APPLY);
  await t.req("PATCH", `${CM}/a?fieldManager=one`, applyCm({ x: "1" }), APPLY);
});
scenario("apply conflict with another applier is 409", async (t) => {
  await t.req("PATCH", `${CM}/a?fieldManager=one`, applyCm({ x: "1" }), APPLY);
  await t.req("PATCH", `${CM}/a?fieldManager=two`, applyCm({ x: "2" }), APPLY);
});
scenario("apply with force takes the field", async (t) => {
  await t.req("PATCH", `${CM}/a?fieldManager=one`, applyCm({ x: "1", w: "1" }), APPLY);
  await t.req("PATCH", `${CM}/a?fieldManager=two&force=true`, applyCm({ x: "2" }), APPLY);
  await t.req("PATCH", `${CM}/a?fieldManager=one`, applyCm({ w: "1" }), APPLY);
});
scenario("apply conflict with an Update manager", async (t) => {
  await t.req("POST", `${CM}?fieldManager=editor`, cm("a", { x: "1" }));
  await t.req("PATCH", `${CM}/a?fieldManager=one`, applyCm({ x: "2" }), APPLY);
});
scenario("apply of the same value shares the field", async (t) => {
  await t.req("PATCH", `${CM}/a?fieldManager=one`, applyCm({ x: "1" }), APPLY);
  await t.req("PATCH", `${CM}/a?fieldManager=two`, applyCm({ x: "1" }), APPLY);
  await t.req("PATCH", `${CM}/a?fieldManager=one`, applyCm({ z: "1" }), APPLY);
});
scenario("apply without fieldManager is 400", async (t) => {
  await t.req("PATCH", `${CM}/a`, applyCm({ x: "1" }), APPLY);
});
scenario("apply of several conflicts lists them all", async (t) => {
  await t.req("PATCH", `${CM}/a?fieldManager=one`, applyCm({ x: "1", w: "1" }), APPLY);
  await t.req("PATCH", `${CM}/a?fieldManager=two`, applyCm({ x: "2", w: "2" }), APPLY);
});
scenario("apply merges labels of two managers", async (t) => {
  await t.req("PATCH", `${CM}/a?fieldManager=one`, applyCm({ x: "1" }, { a: "1" }), APPLY);
  await t.req("PATCH", `${CM}/a?fieldManager=two`, applyCm({ w: "1" }, { b: "1" }), APPLY);
});
scenario("apply merges containers by name", async (t) => {
  const dep = (containers: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels: {app: d}\n  template:\n    metadata:\n      labels: {app: d}\n    spec:\n      containers:\n${containers}`;
  await t.req(
    "PATCH",
    `${DEPLOY}/d?fieldManager=one`,
    dep("      - name: a\n        image: nginx:1\n"),
    APPLY,
  );
  await t.req(
    "PATCH",
    `${DEPLOY}/d?fieldManager=two`,
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: b\n        image: redis:7\n`,
    APPLY,
  );
});
scenario("apply conflict on an atomic list", async (t) => {
  const dep = (args: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels: {app: d}\n  template:\n    metadata:\n      labels: {app: d}\n    spec:\n      containers:\n      - name: c\n        image: nginx:1\n        args: [${args}]\n`;
  await t.req("PATCH", `${DEPLOY}/d?fieldManager=one`, dep("a"), APPLY);
  await t.req("PATCH", `${DEPLOY}/d?fieldManager=two`, dep("b"), APPLY);
  await t.req("PATCH", `${DEPLOY}/d?fieldManager=two&force=true`, dep("b"), APPLY);
});
scenario("an Update after apply takes the fields it changes", async (t) => {
  await t.req("PATCH", `${CM}/a?fieldManager=one`, applyCm({ x: "1", w: "1" }), APPLY);
  await t.req("PATCH", `${CM}/a?fieldManager=editor`, { data: { x: "9" } }, {
    contentType: "application/merge-patch+json",
  });
});

// ---- CRDs ----
function crd(run: string, scope = "Namespaced"): Obj {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `widgets.c${run}.kubeweb.dev` },
    spec: {
      group: `c${run}.kubeweb.dev`,
      scope,
      names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
      versions: [{
        name: "v1",
        served: true,
        storage: true,
        subresources: {
          status: {},
          scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" },
        },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                properties: {
                  size: { type: "string" },
                  replicas: { type: "integer" },
                  tags: { type: "array", items: { type: "string" } },
                },
              },
              status: {
                type: "object",
                properties: { replicas: { type: "integer" }, ready: { type: "boolean" } },
              },
            },
          },
        },
      }],
    },
  };
}
const WIDGETS = "/apis/c{run}.kubeweb.dev/v1/namespaces/{ns}/widgets";
async function withCrd(t: Ctx): Promise<void> {
  await t.req("POST", CRDS, crd(t.run), { quiet: true });
  for (let i = 0; i < 100; i++) {
    const doc = await t.req("GET", "/apis/c{run}.kubeweb.dev/v1", undefined, { quiet: true });
    if (doc?.resources?.length) {
      // the resource is served a moment after discovery shows it
      const list = await t.req("GET", WIDGETS, undefined, { quiet: true });
      if (list?.kind === "WidgetList") return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the CRD was not served within 10 s");
}
const widget = (name: string, spec: Obj = { size: "s", replicas: 1 }) => ({
  apiVersion: "c{run}.kubeweb.dev/v1",
  kind: "Widget",
  metadata: { name },
  spec,
});
scenario("a created CRD is served with discovery", async (t) => {
  await withCrd(t);
  await t.req("GET", "/apis/c{run}.kubeweb.dev/v1");
  await t.req("GET", "/apis/c{run}.kubeweb.dev");
});
scenario("custom resource create, get, list", async (t) => {
  await withCrd(t);
  await t.req("POST", WIDGETS, widget("w"));
  await t.req("GET", `${WIDGETS}/w`);
  await t.req("GET", WIDGETS);
});
scenario("custom resource spec changes bump generation", async (t) => {
  await withCrd(t);
  const w = await t.req("POST", WIDGETS, widget("w"));
  w.spec.size = "l";
  await t.req("PUT", `${WIDGETS}/w`, w);
});
scenario("custom resource status subresource", async (t) => {
  await withCrd(t);
  await t.req("POST", WIDGETS, { ...widget("w"), status: { ready: true } });
  await t.req("PATCH", `${WIDGETS}/w/status`, { status: { ready: true, replicas: 1 } }, {
    contentType: "application/merge-patch+json",
  });
});
scenario("custom resource scale subresource", async (t) => {
  await withCrd(t);
  await t.req("POST", WIDGETS, widget("w", { replicas: 2 }));
  await t.req("GET", `${WIDGETS}/w/scale`);
  await t.req("PATCH", `${WIDGETS}/w/scale`, { spec: { replicas: 5 } }, {
    contentType: "application/merge-patch+json",
  });
  await t.req("GET", `${WIDGETS}/w`);
});
scenario("strategic merge patch of a custom resource is 415", async (t) => {
  await withCrd(t);
  await t.req("POST", WIDGETS, widget("w"));
  await t.req("PATCH", `${WIDGETS}/w`, { spec: { size: "m" } }, {
    contentType: "application/strategic-merge-patch+json",
  });
});
scenario("custom resource delete answers the object", async (t) => {
  await withCrd(t);
  await t.req("POST", WIDGETS, widget("w"));
  await t.req("DELETE", `${WIDGETS}/w`);
});
scenario("custom resource apply", async (t) => {
  await withCrd(t);
  await t.req(
    "PATCH",
    `${WIDGETS}/w?fieldManager=one`,
    "apiVersion: c{run}.kubeweb.dev/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: m\n  tags: [a]\n",
    APPLY,
  );
});

// ---- errors and discovery ----
scenario("an unknown resource is 404", async (t) => {
  await t.req("GET", "/api/v1/namespaces/{ns}/nothings");
  await t.req("GET", "/apis/nope.kubeweb.dev/v1/things");
});
scenario("PUT on a collection is 405", async (t) => {
  await t.req("PUT", CM, cm("a"));
});
scenario("discovery entries of configmaps and deployments", async (t) => {
  const core = await t.req("GET", "/api/v1", undefined, { quiet: true });
  t.note("core configmaps", core.resources.find((r: Obj) => r.name === "configmaps"));
  const apps = await t.req("GET", "/apis/apps/v1", undefined, { quiet: true });
  t.note(
    "apps deployments",
    apps.resources.filter((r: Obj) => r.name.startsWith("deployments")).map((r: Obj) => ({
      ...r,
      storageVersionHash: undefined,
    })),
  );
});

export const SCENARIOS: Scenario[] = S;
