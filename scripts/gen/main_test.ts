import assert from "node:assert/strict";
import { exportEntries, generateBuiltins, SPEC_PATH } from "./main.ts";
import { syncFiles } from "./_output.ts";
import { GENERATED_HEADER } from "./_schema.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const spec = JSON.parse(await Deno.readTextFile(`${ROOT}/${SPEC_PATH}`));

Deno.test("generation is deterministic and covers every group-version of the spec", () => {
  const a = generateBuiltins(spec);
  const b = generateBuiltins(structuredClone(spec));
  assert.deepEqual([...a.entries()], [...b.entries()]);
  for (const text of a.values()) assert.ok(text.startsWith(GENERATED_HEADER + "\n"));
  const clientset = a.get("clientset.ts")!;
  for (
    const accessor of [
      "coreV1",
      "appsV1",
      "batchV1",
      "networkingV1",
      "rbacV1",
      "coordinationV1",
      "eventsV1",
      "policyV1",
      "autoscalingV2",
      "storageV1",
      "certificatesV1",
      "discoveryV1",
      "admissionregistrationV1",
      "apiextensionsV1",
      "apiregistrationV1",
      "resourceV1beta2",
      "coordinationV1alpha2",
      "internalV1alpha1",
    ]
  ) {
    assert.match(clientset, new RegExp(`\\n  ${accessor}\\(\\): `), accessor);
  }
  // The clientset imports the group-version modules for their types only: importing it evaluates none.
  assert.doesNotMatch(clientset, /^import \{[^}]*\} from "\.\/[a-z]+\/v\w+\/client\.ts";/m);
  assert.match(clientset, /^import type \{ AppsV1Client \} from "\.\/apps\/v1\/client\.ts";/m);
  assert.match(clientset, /\n {2}\["deployments", "deployments", "Deployment", 1\],\n/);
  // Every example of the generated code is type-checked: none is marked `ts ignore`.
  for (const [path, text] of a) assert.doesNotMatch(text, /```ts ignore/, path);
  assert.match(
    a.get("apps/v1/client.ts")!,
    /\* import \{ loadRestConfig \} from "@kubeweb\/client\/rest";\n/,
  );
  assert.match(
    a.get("core/v1/mod.ts")!,
    /\* const list = await client\.configMaps\("default"\)\.list\(\);\n/,
    "the example lists the first namespaced resource that can be listed (bindings cannot be listed)",
  );
  const exports = exportEntries(a);
  assert.equal(exports["./clientset/apps/v1"], "./clientset/apps/v1/mod.ts");
  assert.equal(exports["./meta/v1"], "./meta/v1/mod.ts");
});

Deno.test("the core types: required fields, IntOrString, Quantity and Time as documented aliases", () => {
  const files = generateBuiltins(spec);
  const core = files.get("core/v1/types.ts")!;
  assert.match(core, /export interface Container \{[\s\S]*?\n {2}name: string;/);
  assert.match(core, /export interface Pod \{[\s\S]*?\n {2}apiVersion\?: "v1";[\s\S]*?\n {2}kind\?: "Pod";/);
  assert.match(core, /\n {2}port: IntOrString;/);
  const meta = files.get("../meta/v1/types.ts")!;
  assert.match(meta, /export type IntOrString = number \| string;/);
  assert.match(meta, /\*\/\nexport type Quantity = string;/);
  assert.match(meta, /\*\/\nexport type Time = string;/);
  assert.match(meta, /\*\/\nexport type MicroTime = string;/);
  const apps = files.get("apps/v1/types.ts")!;
  assert.match(apps, /import type \{[^}]*PodTemplateSpec[^}]*\} from "\.\.\/\.\.\/core\/v1\/types\.ts";/);
  const crd = files.get("apiextensions/v1/types.ts")!;
  assert.match(crd, /export type JSONSchemaPropsOrBool = JSONSchemaProps \| boolean;/);
});

Deno.test("check mode names changed and no-longer-generated files without writing; write mode fixes them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const files = new Map([["a/v1/types.ts", `${GENERATED_HEADER}\nexport type A = string;\n`]]);
    assert.deepEqual(await syncFiles(dir, files, true), { changed: ["a/v1/types.ts"], removed: [] });
    await syncFiles(dir, files, false);
    assert.deepEqual(await syncFiles(dir, files, true), { changed: [], removed: [] });
    await Deno.writeTextFile(`${dir}/a/v1/types.ts`, `${GENERATED_HEADER}\nexport type A = number;\n`);
    await Deno.writeTextFile(`${dir}/a/v1/old.ts`, `${GENERATED_HEADER}\n`);
    await Deno.writeTextFile(`${dir}/a/v1/hand_written.ts`, "export const x = 1;\n");
    assert.deepEqual(await syncFiles(dir, files, true), {
      changed: ["a/v1/types.ts"],
      removed: ["a/v1/old.ts"],
    });
    assert.equal(
      await Deno.readTextFile(`${dir}/a/v1/types.ts`),
      `${GENERATED_HEADER}\nexport type A = number;\n`,
    );
    await syncFiles(dir, files, false);
    assert.equal(await Deno.readTextFile(`${dir}/a/v1/types.ts`), files.get("a/v1/types.ts"));
    await assert.rejects(() => Deno.stat(`${dir}/a/v1/old.ts`), Deno.errors.NotFound);
    assert.equal(await Deno.readTextFile(`${dir}/a/v1/hand_written.ts`), "export const x = 1;\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the informer factory's accessors are generated for the resources that can be listed and watched", () => {
  const files = generateBuiltins(spec);
  const groups = files.get("../cache/informer_groups.ts")!;
  assert.ok(groups.startsWith(GENERATED_HEADER + "\n"));
  assert.match(
    groups,
    /export interface CoreV1Informers \{[\s\S]*?\n {2}pods\(\): GenericInformer<Stored<Pod, true>>;/,
  );
  assert.match(groups, /\n {2}nodes\(\): GenericInformer<Stored<Node, false>>;/);
  assert.match(groups, /export interface AppsInformers \{\n[^}]*v1\(\): AppsV1Informers;/);
  assert.match(groups, /\n {2}core\(\): CoreInformers;/);
  assert.doesNotMatch(groups, /bindings\(\)|tokenReviews\(\)|AuthenticationInformers/);
  const clients = files.get("../cache/_informer_clients.ts")!;
  assert.match(clients, /\n {6}pods: \(c, ns\) => c\.coreV1\(\)\.pods\(ns\),/);
  assert.match(clients, /\n {6}nodes: \(c\) => c\.coreV1\(\)\.nodes\(\),/);
});
