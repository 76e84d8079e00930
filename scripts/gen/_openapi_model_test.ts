import assert from "node:assert/strict";
import { buildModel, compareVersions, locateDefinition } from "./_openapi_model.ts";
import { accessorName, emitClientFile, lowerCamel, pluralKind, resourceAccessor } from "./_emit.ts";
import { BUILTIN_ENV } from "./main.ts";

const gvk = (group: string, version: string, kind: string) => ({
  "x-kubernetes-group-version-kind": [{ group, version, kind }],
});
const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
const op = (action: string, response?: string, body?: string) => ({
  "x-kubernetes-action": action,
  parameters: body === undefined ? [] : [{ in: "body", name: "body", schema: ref(body) }],
  responses: response === undefined ? {} : { "200": { schema: ref(response) } },
});

const SPEC = {
  definitions: {
    "io.k8s.api.apps.v1.Deployment": { type: "object", properties: {}, ...gvk("apps", "v1", "Deployment") },
    "io.k8s.api.apps.v1.DeploymentList": {
      type: "object",
      properties: {},
      ...gvk("apps", "v1", "DeploymentList"),
    },
    "io.k8s.api.autoscaling.v1.Scale": {
      type: "object",
      properties: {},
      ...gvk("autoscaling", "v1", "Scale"),
    },
    "io.k8s.api.authentication.v1.TokenReview": {
      type: "object",
      properties: {},
      ...gvk("authentication.k8s.io", "v1", "TokenReview"),
    },
    "io.k8s.api.core.v1.Namespace": { type: "object", properties: {}, ...gvk("", "v1", "Namespace") },
    "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": { type: "object", properties: {} },
  },
  paths: {
    "/apis/apps/v1/": { get: op("get") },
    "/apis/apps/v1/deployments": { get: op("list", "io.k8s.api.apps.v1.DeploymentList") },
    "/apis/apps/v1/namespaces/{namespace}/deployments": {
      get: op("list", "io.k8s.api.apps.v1.DeploymentList"),
      post: op("post", "io.k8s.api.apps.v1.Deployment", "io.k8s.api.apps.v1.Deployment"),
      delete: op("deletecollection"),
    },
    "/apis/apps/v1/namespaces/{namespace}/deployments/{name}": {
      get: op("get", "io.k8s.api.apps.v1.Deployment"),
      put: op("put", "io.k8s.api.apps.v1.Deployment", "io.k8s.api.apps.v1.Deployment"),
      patch: op("patch", "io.k8s.api.apps.v1.Deployment"),
      delete: op("delete"),
      parameters: [],
    },
    "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale": {
      get: op("get", "io.k8s.api.autoscaling.v1.Scale"),
      put: op("put", "io.k8s.api.autoscaling.v1.Scale", "io.k8s.api.autoscaling.v1.Scale"),
    },
    "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status": {
      put: op("put", "io.k8s.api.apps.v1.Deployment", "io.k8s.api.apps.v1.Deployment"),
    },
    "/apis/apps/v1/watch/namespaces/{namespace}/deployments": { get: op("watchlist") },
    "/apis/authentication.k8s.io/v1/tokenreviews": {
      post: op(
        "post",
        "io.k8s.api.authentication.v1.TokenReview",
        "io.k8s.api.authentication.v1.TokenReview",
      ),
    },
    "/api/v1/namespaces/{name}": { get: op("get", "io.k8s.api.core.v1.Namespace") },
    "/api/v1/namespaces/{namespace}/pods/{name}/exec": { get: op("connect") },
  },
};

Deno.test("the model reads resources, scope, verbs and subresources from the paths", () => {
  const model = buildModel(SPEC);
  assert.deepEqual(model.groupVersions.map((g) => `${g.group}/${g.version} ${g.folder}`), [
    "/v1 core/v1",
    "apps/v1 apps/v1",
    "authentication.k8s.io/v1 authentication/v1",
  ]);
  const [core, apps, authn] = model.groupVersions;
  assert.deepEqual(core.resources.map((r) => [r.resource, r.namespaced, r.verbs]), [["namespaces", false, [
    "get",
  ]]]);
  const d = apps.resources[0];
  assert.equal(d.kind, "Deployment");
  assert.equal(d.namespaced, true);
  assert.equal(d.typeKey, "io.k8s.api.apps.v1.Deployment");
  assert.equal(d.listTypeKey, "io.k8s.api.apps.v1.DeploymentList");
  assert.deepEqual(d.verbs, [
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
  ]);
  assert.deepEqual(d.subresources.map((s) => [s.name, s.typeKey]), [
    ["scale", "io.k8s.api.autoscaling.v1.Scale"],
    ["status", "io.k8s.api.apps.v1.Deployment"],
  ]);
  assert.deepEqual(authn.resources.map((r) => [r.resource, r.verbs]), [["tokenreviews", ["create"]]]);
  assert.deepEqual([...model.folders.keys()], [
    "apps/v1",
    "authentication/v1",
    "autoscaling/v1",
    "core/v1",
    "meta/v1",
  ]);
});

Deno.test("definitions land in folders named as client-go's packages", () => {
  assert.deepEqual(locateDefinition("io.k8s.api.apps.v1.Deployment"), {
    folder: "apps/v1",
    name: "Deployment",
  });
  assert.deepEqual(locateDefinition("io.k8s.apimachinery.pkg.api.resource.Quantity"), {
    folder: "meta/v1",
    name: "Quantity",
  });
  assert.deepEqual(
    locateDefinition("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition"),
    { folder: "apiextensions/v1", name: "CustomResourceDefinition" },
  );
  assert.deepEqual(locateDefinition("io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService"), {
    folder: "apiregistration/v1",
    name: "APIService",
  });
});

Deno.test("names follow client-go: accessors, plural kinds and camel case with acronyms", () => {
  assert.equal(accessorName("", "v1"), "coreV1");
  assert.equal(accessorName("rbac.authorization.k8s.io", "v1"), "rbacV1");
  assert.equal(accessorName("admissionregistration.k8s.io", "v1alpha1"), "admissionregistrationV1alpha1");
  assert.equal(accessorName("internal.apiserver.k8s.io", "v1alpha1"), "internalV1alpha1");
  assert.equal(pluralKind("NetworkPolicy", "networkpolicies"), "NetworkPolicies");
  assert.equal(pluralKind("Endpoints", "endpoints"), "Endpoints");
  assert.equal(lowerCamel("CSIDrivers"), "csiDrivers");
  assert.equal(lowerCamel("ServiceCIDRs"), "serviceCIDRs");
  assert.equal(lowerCamel("IPAddresses"), "ipAddresses");
  assert.equal(lowerCamel("Pods"), "pods");
  assert.equal(resourceAccessor({ kind: "APIService", resource: "apiservices" }), "apiServices");
  assert.equal(
    resourceAccessor({ kind: "CustomResourceDefinition", resource: "customresourcedefinitions" }),
    "customResourceDefinitions",
  );
});

Deno.test("versions order as discovery does: GA, beta, alpha, higher first", () => {
  const sorted = ["v1alpha1", "v1beta1", "v2", "v1", "v1beta2", "v10", "foo"].sort(compareVersions);
  assert.deepEqual(sorted, ["v10", "v2", "v1", "v1beta2", "v1beta1", "v1alpha1", "foo"]);
});

Deno.test("a client file types each resource by its verbs and subresources", () => {
  const model = buildModel(SPEC);
  const apps = emitClientFile(model.groupVersions[1], BUILTIN_ENV);
  assert.match(
    apps,
    /export type DeploymentsClient = ResourceClient<Deployment, DeploymentList, true> & ScaleSubresource<Scale> & StatusSubresource<Deployment, true>;/,
  );
  assert.match(apps, /import type \{ Scale \} from "\.\.\/\.\.\/autoscaling\/v1\/types\.ts";/);
  assert.match(apps, /deployments\(namespace: string\): DeploymentsClient;/);
  const authn = emitClientFile(model.groupVersions[2], BUILTIN_ENV);
  assert.match(
    authn,
    /export type TokenReviewsClient = Pick<ResourceClient<TokenReview, KubeList<TokenReview>, false>, "info" \| "create">;/,
  );
  assert.match(authn, /tokenReviews\(\): TokenReviewsClient;/);
  const core = emitClientFile(model.groupVersions[0], BUILTIN_ENV);
  assert.match(core, /Pick<ResourceClient<Namespace, KubeList<Namespace>, false>, "info" \| "get">/);
});

Deno.test("an unknown subresource stops the generator instead of being dropped", () => {
  const spec = structuredClone(SPEC) as typeof SPEC & { paths: Record<string, Record<string, unknown>> };
  spec.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/rollback"] = {
    post: op("post", "io.k8s.api.apps.v1.Deployment", "io.k8s.api.apps.v1.Deployment"),
  };
  const model = buildModel(spec);
  assert.throws(
    () => emitClientFile(model.groupVersions[1], BUILTIN_ENV),
    /deployments\/rollback of apps\/v1 is unknown/,
  );
});
