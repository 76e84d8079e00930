/**
 * Test helper: a fake API server's discovery documents (core v1, apps v1, events.k8s.io v1, a
 * two-version group, and a group whose version fails with 503), served through the fake transport.
 *
 * @module
 */
import { type FakeTransport, fakeTransport, json, statusError } from "../rest/_fake_transport.ts";

/** The discovery documents, by path. Tests may change them between calls. */
export function discoveryDocuments(): Record<string, unknown> {
  return {
    "/version": { major: "1", minor: "20", gitVersion: "v1.20.2", platform: "linux/amd64" },
    "/api": { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] },
    "/apis": {
      kind: "APIGroupList",
      groups: [
        {
          name: "apps",
          versions: [{ groupVersion: "apps/v1", version: "v1" }],
          preferredVersion: { groupVersion: "apps/v1", version: "v1" },
        },
        {
          name: "events.k8s.io",
          versions: [{ groupVersion: "events.k8s.io/v1", version: "v1" }],
          preferredVersion: { groupVersion: "events.k8s.io/v1", version: "v1" },
        },
        {
          name: "autoscaling",
          versions: [
            { groupVersion: "autoscaling/v2", version: "v2" },
            { groupVersion: "autoscaling/v1", version: "v1" },
          ],
          preferredVersion: { groupVersion: "autoscaling/v2", version: "v2" },
        },
        {
          name: "metrics.k8s.io",
          versions: [{ groupVersion: "metrics.k8s.io/v1beta1", version: "v1beta1" }],
          preferredVersion: { groupVersion: "metrics.k8s.io/v1beta1", version: "v1beta1" },
        },
      ],
    },
    "/api/v1": {
      kind: "APIResourceList",
      groupVersion: "v1",
      resources: [
        {
          name: "configmaps",
          singularName: "",
          namespaced: true,
          kind: "ConfigMap",
          verbs: ["get"],
          shortNames: ["cm"],
        },
        {
          name: "events",
          singularName: "",
          namespaced: true,
          kind: "Event",
          verbs: ["get"],
          shortNames: ["ev"],
        },
        {
          name: "namespaces",
          singularName: "",
          namespaced: false,
          kind: "Namespace",
          verbs: ["get"],
          shortNames: ["ns"],
        },
        { name: "pods", singularName: "", namespaced: true, kind: "Pod", verbs: ["get"], shortNames: ["po"] },
        { name: "pods/log", singularName: "", namespaced: true, kind: "Pod", verbs: ["get"] },
      ],
    },
    "/apis/apps/v1": {
      kind: "APIResourceList",
      groupVersion: "apps/v1",
      resources: [
        {
          name: "deployments",
          singularName: "deployment",
          namespaced: true,
          kind: "Deployment",
          verbs: ["get"],
          shortNames: ["deploy"],
        },
        {
          name: "deployments/scale",
          singularName: "",
          namespaced: true,
          group: "autoscaling",
          version: "v1",
          kind: "Scale",
          verbs: ["get"],
        },
      ],
    },
    "/apis/events.k8s.io/v1": {
      kind: "APIResourceList",
      groupVersion: "events.k8s.io/v1",
      resources: [{
        name: "events",
        singularName: "",
        namespaced: true,
        kind: "Event",
        verbs: ["get"],
        shortNames: ["ev"],
      }],
    },
    "/apis/autoscaling/v2": {
      kind: "APIResourceList",
      groupVersion: "autoscaling/v2",
      resources: [
        {
          name: "horizontalpodautoscalers",
          singularName: "",
          namespaced: true,
          kind: "HorizontalPodAutoscaler",
          verbs: ["get"],
          shortNames: ["hpa"],
        },
      ],
    },
    "/apis/autoscaling/v1": {
      kind: "APIResourceList",
      groupVersion: "autoscaling/v1",
      resources: [
        {
          name: "horizontalpodautoscalers",
          singularName: "",
          namespaced: true,
          kind: "HorizontalPodAutoscaler",
          verbs: ["get"],
          shortNames: ["hpa"],
        },
        { name: "legacythings", singularName: "", namespaced: false, kind: "LegacyThing", verbs: ["get"] },
      ],
    },
  };
}

/** The transport serving `docs`; paths it does not know answer 503 (metrics.k8s.io) or 404. */
export function discoveryServer(docs: Record<string, unknown> = discoveryDocuments()): FakeTransport {
  return fakeTransport((call) => {
    const doc = docs[call.url.pathname];
    if (doc !== undefined) return json(doc);
    if (call.url.pathname.startsWith("/apis/metrics.k8s.io")) {
      return statusError(503, "ServiceUnavailable", "the server is currently unable to handle the request");
    }
    return new Response("404 page not found\n", { status: 404 });
  });
}
