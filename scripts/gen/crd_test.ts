import assert from "node:assert/strict";
import { generateCrdClients } from "./_crd.ts";
import { parseCrds } from "./crd.ts";
import { fmtFlags, formatFiles, syncFiles } from "./_output.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const FIXTURE = `${ROOT}/tests/clientset/testdata/crontab_crd.yaml`;
const COMMITTED = `${ROOT}/tests/clientset/crontab_client`;

Deno.test("CRDs are read from multi-document YAML and from lists; other documents are skipped", () => {
  const yaml = `apiVersion: v1
kind: ConfigMap
metadata: { name: x }
---
apiVersion: v1
kind: List
items:
  - apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata: { name: widgets.example.com }
    spec:
      group: example.com
      scope: Cluster
      names: { kind: Widget, plural: widgets }
      versions: [{ name: v1, served: true, storage: true }]
`;
  const crds = parseCrds(yaml, "inline");
  assert.deepEqual(crds.map((c) => c.spec.names.kind), ["Widget"]);
  assert.throws(
    () =>
      parseCrds(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec: {}\n",
        "bad.yaml",
      ),
    /bad\.yaml: the CustomResourceDefinition {2}lacks group, names or versions/,
  );
});

Deno.test("a CRD's schema becomes types: required fields, enums, int-or-string, maps, nullable, open objects", () => {
  const crds = parseCrds(Deno.readTextFileSync(FIXTURE), FIXTURE);
  const files = generateCrdClients(crds, { clientset: "@kubeweb/client/clientset" });
  assert.deepEqual([...files.keys()].sort(), [
    "stable.example.com/v1/client.ts",
    "stable.example.com/v1/mod.ts",
    "stable.example.com/v1/types.ts",
    "stable.example.com/v1beta1/client.ts",
    "stable.example.com/v1beta1/mod.ts",
    "stable.example.com/v1beta1/types.ts",
  ]);
  const types = files.get("stable.example.com/v1/types.ts")!;
  assert.match(types, /import type \{ ListMeta, ObjectMeta \} from "@kubeweb\/client\/clientset\/meta\/v1";/);
  assert.match(types, /apiVersion\?: "stable\.example\.com\/v1";/);
  assert.match(types, /kind\?: "CronTab";/);
  assert.match(types, /cronSpec: string;/);
  assert.match(types, /replicas\?: number;/);
  assert.match(types, /concurrencyPolicy\?: "Allow" \| "Forbid" \| "Replace";/);
  assert.match(types, /port\?: number \| string;/);
  assert.match(types, /value\?: string \| null;/);
  assert.match(types, /labels\?: Record<string, string>;/);
  assert.match(types, /extra\?: Record<string, unknown>;/);
  assert.match(types, /export interface CronTabList \{[\s\S]*items: CronTab\[\];/);
  const client = files.get("stable.example.com/v1/client.ts")!;
  assert.match(client, /from "@kubeweb\/client\/clientset";/);
  assert.match(client, /import type \{ Scale \} from "@kubeweb\/client\/clientset\/autoscaling\/v1";/);
  assert.match(
    client,
    /ResourceClient<CronTab, CronTabList, true>[\s\S]*ScaleSubresource<Scale>[\s\S]*StatusSubresource<CronTab, true>/,
  );
  assert.match(client, /export function newStableV1Client\(/);
  assert.match(client, /cronTabs\(namespace: string\): CronTabsClient;/);
  const beta = files.get("stable.example.com/v1beta1/client.ts")!;
  assert.doesNotMatch(beta, /Subresource/, "v1beta1 declares no subresources");
});

Deno.test("a CRD client's examples are type-checked: they import its mod.ts and kubeweb's rest module beside the clientset", () => {
  const crds = parseCrds(Deno.readTextFileSync(FIXTURE), FIXTURE);
  const example = (clientset: string) => {
    const files = generateCrdClients(crds, { clientset });
    for (const [path, text] of files) assert.doesNotMatch(text, /```ts ignore/, path);
    return files.get("stable.example.com/v1/mod.ts")!;
  };
  const published = example("@kubeweb/client/clientset");
  assert.match(published, /\* import \{ newStableV1Client \} from "\.\/mod\.ts";\n/);
  assert.match(published, /\* import \{ loadRestConfig \} from "@kubeweb\/client\/rest";\n/);
  assert.match(published, /\* const client = newStableV1Client\(await loadRestConfig\(\)\);\n/);
  assert.match(example("jsr:@kubeweb/client@^0.1/clientset"), /from "jsr:@kubeweb\/client@\^0\.1\/rest";/);
  assert.match(example("../../../clientset"), /from "\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/rest\/mod\.ts";/);
  // A clientset module of another name: the example gives the configuration as data.
  const other = example("https://example.com/kube.ts");
  assert.doesNotMatch(other, /loadRestConfig/);
  assert.match(other, /newStableV1Client\(\{ host: "https:\/\/127\.0\.0\.1:6443" \}\)/);
});

Deno.test("the committed CronTab client under tests/ is what the generator produces", async () => {
  const crds = parseCrds(await Deno.readTextFile(FIXTURE), FIXTURE);
  const files = await formatFiles(
    generateCrdClients(crds, { clientset: "../../../clientset" }),
    await fmtFlags(ROOT),
  );
  const result = await syncFiles(COMMITTED, files, true);
  assert.deepEqual(
    result,
    { changed: [], removed: [] },
    "regenerate with: deno run -A scripts/gen/crd.ts " +
      "--from tests/clientset/testdata/crontab_crd.yaml --out tests/clientset/crontab_client --clientset ./clientset",
  );
});

Deno.test("two CRD groups that would get the same client name are refused", () => {
  const crd = (group: string) => ({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    spec: {
      group,
      scope: "Namespaced" as const,
      names: { kind: "Thing", plural: "things" },
      versions: [{ name: "v1", served: true }],
    },
  });
  assert.throws(
    () =>
      generateCrdClients([crd("stable.a.io"), crd("stable.b.io")], {
        clientset: "@kubeweb/client/clientset",
      }),
    /would both get the client stableV1/,
  );
});
