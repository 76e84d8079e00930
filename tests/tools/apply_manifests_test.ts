// Integration: applyManifests on a folder of 30 documents (a Namespace, a CRD and its objects, and
// built-in kinds) against the real API server, checked with kubectl; applied again unchanged; a
// change, bad documents and a dry run.
import assert from "node:assert/strict";
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import { applyManifests } from "../../tools/apply_manifests.ts";
import { readManifestFolder } from "../../tools/manifests.ts";
import { getTestCluster } from "../cluster/harness.ts";
import { kubectlJson } from "../clientset/_helpers.ts";

const c = await getTestCluster();
const config = await loadRestConfig({ kubeconfig: c.kubeconfigPath, context: "admin" });
config.qps = 100;
config.burst = 200;

/** Writes the folder: 30 documents over five files (10 + 4 + 6 + 8 + 2), the Namespace and the CRD last in the order. */
async function writeFolder(dir: string, ns: string, group: string): Promise<void> {
  const cms = Array.from(
    { length: 10 },
    (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  index: "${i}"\n`,
  ).join("---\n");
  const secrets = Array.from(
    { length: 4 },
    (_, i) =>
      `apiVersion: v1\nkind: Secret\nmetadata: {name: secret-${i}}\ndata: {token: "${btoa(`t${i}`)}"}\n`,
  ).join("---\n");
  const rbac = [
    ...Array.from(
      { length: 3 },
      (_, i) => `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa-${i}}\n`,
    ),
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader}\n` +
    `rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list]}]\n`,
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: reader}\n` +
    `roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\n` +
    `subjects: [{kind: ServiceAccount, name: sa-0, namespace: ${ns}}]\n`,
    `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80, protocol: TCP}], selector: {app: web}}\n`,
  ].join("---\n");
  const widgets = Array.from(
    { length: 8 },
    (_, i) => `apiVersion: ${group}/v1\nkind: Widget\nmetadata: {name: w-${i}}\nspec: {size: ${i}}\n`,
  ).join("---\n");
  const crd = `# the CRD and the namespace come last here; applyManifests applies them first
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.${group}}
spec:
  group: ${group}
  names: {kind: Widget, plural: widgets, singular: widget}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {size: {type: integer}}}
---
apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
`;
  await Deno.mkdir(`${dir}/more`, { recursive: true });
  await Deno.writeTextFile(`${dir}/10-configmaps.yaml`, cms);
  await Deno.writeTextFile(`${dir}/20-secrets.yml`, secrets);
  await Deno.writeTextFile(`${dir}/30-rbac.yaml`, rbac);
  await Deno.writeTextFile(`${dir}/more/40-widgets.yaml`, widgets);
  await Deno.writeTextFile(`${dir}/more/50-crd.yaml`, crd);
  await Deno.writeTextFile(`${dir}/README.md`, "not a manifest");
}

async function count(kinds: string, ns: string): Promise<number> {
  return (await kubectlJson(c, ["get", kinds, "-n", ns, "--ignore-not-found"])).items.length;
}

async function versions(ns: string, kinds: string): Promise<Record<string, string>> {
  const list = await kubectlJson(c, ["get", kinds, "-n", ns]);
  return Object.fromEntries(
    list.items.map((o: { kind: string; metadata: { name: string; resourceVersion: string } }) => [
      `${o.kind}/${o.metadata.name}`,
      o.metadata.resourceVersion,
    ]),
  );
}

Deno.test("applyManifests: a 30-document folder with a CRD and its objects, applied, then again unchanged", async () => {
  const suffix = crypto.randomUUID().slice(0, 8);
  const ns = `tools-apply-${suffix}`;
  const group = `t${suffix}.example.com`;
  const dir = await Deno.makeTempDir();
  try {
    await writeFolder(dir, ns, group);
    const sources = await readManifestFolder(dir, { recursive: true });
    assert.equal(sources.length, 5);
    const options = { fieldManager: "kubeweb-tools-test", force: true, namespace: ns };
    const first = await applyManifests(config, sources, options);
    assert.deepEqual(first.errors.map((e) => e.message), []);
    assert.equal(first.applied.length, 30);
    assert.ok(
      first.applied.every((a) => a.action === "created"),
      JSON.stringify(first.applied.map((a) => a.action)),
    );
    // kubectl, the witness: everything is there, in the right namespace, with the right content.
    const builtIn = "configmaps,secrets,serviceaccounts,roles,rolebindings,services";
    assert.equal((await kubectlJson(c, ["get", "namespace", ns])).status.phase, "Active");
    assert.equal(
      (await kubectlJson(c, ["get", "crd", `widgets.${group}`])).status.conditions
        .find((x: { type: string }) => x.type === "Established").status,
      "True",
    );
    const cms = await kubectlJson(c, ["get", "configmaps", "-n", ns, "-l", "!no-such-label"]);
    const mine = cms.items.filter((o: { metadata: { name: string } }) => o.metadata.name.startsWith("cm-"));
    assert.equal(mine.length, 10);
    assert.equal(
      mine.find((o: { metadata: { name: string } }) => o.metadata.name === "cm-7").data.index,
      "7",
    );
    assert.equal(await count(`widgets.${group}`, ns), 8);
    assert.equal((await kubectlJson(c, ["get", `widgets.${group}`, "w-5", "-n", ns])).spec.size, 5);
    assert.equal(await count("secrets", ns) >= 4, true);
    assert.equal(await count("serviceaccounts", ns) >= 3, true);
    const managers = (await kubectlJson(c, ["get", "configmap", "cm-0", "-n", ns, "--show-managed-fields"]))
      .metadata.managedFields.map((f: { manager: string; operation: string }) =>
        `${f.manager}:${f.operation}`
      );
    assert.ok(managers.includes("kubeweb-tools-test:Apply"), managers.join(","));

    // Applied again: each object's action is what kubectl sees happen to its resourceVersion. (This
    // 1.20 server rewrites the managed fields of some objects on the first re-apply after a create:
    // those writes are reported as "configured"; a Secret with stringData would be rewritten on every
    // apply a second or more after the previous one, which is why these Secrets use data.) Then the
    // folder converges: an apply that kubectl sees write nothing, reported unchanged throughout.
    const all = `${builtIn},widgets.${group}`;
    const snapshot = async () => ({
      ...await versions(ns, all),
      [`Namespace/${ns}`]: (await kubectlJson(c, ["get", "namespace", ns])).metadata.resourceVersion,
      [`CustomResourceDefinition/widgets.${group}`]:
        (await kubectlJson(c, ["get", "crd", `widgets.${group}`])).metadata.resourceVersion,
    });
    let converged = false;
    let last: string[] = [];
    for (let round = 0; round < 4 && !converged; round++) {
      const before = await snapshot();
      const again = await applyManifests(config, await readManifestFolder(dir, { recursive: true }), options);
      const after = await snapshot();
      assert.deepEqual(again.errors.map((e) => e.message), []);
      assert.equal(again.applied.length, 30);
      for (const a of again.applied) {
        const key = `${a.kind}/${a.name}`;
        assert.ok(key in before, key);
        const witnessed = before[key] === after[key] ? "unchanged" : "configured";
        assert.equal(a.action, witnessed, `${key}: kubectl saw ${before[key]} -> ${after[key]}`);
      }
      const noWrite = JSON.stringify(before) === JSON.stringify(after);
      assert.equal(noWrite, again.applied.every((a) => a.action === "unchanged"));
      if (round === 0) {
        const kinds = new Set(again.applied.filter((a) => a.action === "unchanged").map((a) => a.kind));
        for (
          const k of ["ConfigMap", "Widget", "Role", "RoleBinding", "Service", "CustomResourceDefinition"]
        ) {
          assert.ok(kinds.has(k), `${k} re-applied unchanged at once`);
        }
      }
      converged = noWrite;
      last = again.applied.filter((a) => a.action !== "unchanged").map((a) => `${a.kind}/${a.name}`);
    }
    assert.ok(
      converged,
      `a re-apply of the unchanged folder writes nothing; still written: ${last.join(", ")}`,
    );

    await Deno.writeTextFile(
      `${dir}/10-configmaps.yaml`,
      (await Deno.readTextFile(`${dir}/10-configmaps.yaml`)).replace('index: "3"', 'index: "three"'),
    );
    const changed = await applyManifests(config, await readManifestFolder(dir, { recursive: true }), options);
    assert.deepEqual(
      changed.applied.filter((a) => a.action !== "unchanged").map((a) => `${a.kind}/${a.name} ${a.action}`),
      ["ConfigMap/cm-3 configured"],
    );
    assert.equal((await kubectlJson(c, ["get", "configmap", "cm-3", "-n", ns])).data.index, "three");
  } finally {
    await Deno.remove(dir, { recursive: true });
    await c.kubectl(["delete", "namespace", ns, "--wait=false", "--ignore-not-found"]);
    await c.kubectl(["delete", "crd", `widgets.${group}`, "--wait=false", "--ignore-not-found"]);
  }
});

Deno.test("applyManifests: bad documents fail alone with clear messages; dry run writes nothing", async () => {
  const suffix = crypto.randomUUID().slice(0, 8);
  const ns = `tools-apply-${suffix}`;
  await c.kubectl(["create", "namespace", ns]);
  try {
    const text = [
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good}\ndata: {a: '1'}",
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: typed}\ndata: {a: 1}",
      "apiVersion: nowhere.example.com/v1\nkind: Ghost\nmetadata: {name: boo}",
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}",
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [oops",
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good2}",
    ].join("\n---\n");
    const r = await applyManifests(config, { name: "bad.yaml", text }, { fieldManager: "t", namespace: ns });
    assert.deepEqual(r.applied.map((a) => `${a.index} ${a.name} ${a.action}`), [
      "0 good created",
      "5 good2 created",
    ]);
    assert.deepEqual(r.errors.map((e) => e.index), [1, 2, 3, 4]);
    assert.match(
      r.errors[0].message,
      /^Document 1 \(ConfigMap "typed"\) in bad\.yaml at line 6: the server refused it: /,
    );
    assert.match(
      r.errors[1].message,
      /^Document 2 \(Ghost "boo"\) in bad\.yaml at line 11: the server does not serve kind Ghost/,
    );
    assert.match(
      r.errors[2].message,
      /^Document 3 \(ConfigMap "Bad_Name"\) in bad\.yaml at line 15: the server refused it: .*Invalid value: "Bad_Name"/,
    );
    assert.match(r.errors[3].message, /^Document 4 in bad\.yaml at line 19: not valid YAML/);
    const names = (await kubectlJson(c, ["get", "configmaps", "-n", ns])).items.map((
      o: { metadata: { name: string } },
    ) => o.metadata.name);
    assert.ok(names.includes("good") && names.includes("good2") && !names.includes("typed"), names.join(","));

    const dry = await applyManifests(
      config,
      [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dry" }, data: { x: "1" } }, {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "good" },
        data: { a: "2" },
      }],
      { fieldManager: "t", namespace: ns, dryRun: true },
    );
    assert.deepEqual(dry.errors, []);
    assert.deepEqual(dry.applied.map((a) => `${a.name} ${a.action}`), ["dry created", "good configured"]);
    assert.equal((await c.kubectl(["get", "configmap", "dry", "-n", ns])).code, 1, "not created");
    assert.equal((await kubectlJson(c, ["get", "configmap", "good", "-n", ns])).data.a, "1", "not changed");
  } finally {
    await c.kubectl(["delete", "namespace", ns, "--wait=false"]);
  }
});
