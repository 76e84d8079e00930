/**
 * THE exemption list of the conformance suite: the known differences between the 1.20 test server and
 * the 1.36 behaviour the fake implements. Each names what differs and why; the comparison applies
 * `to120` to the fake's observation (turning it into what a 1.20 server answers) only for these.
 * Scenarios a 1.20 server cannot run at all are `fakeOnly`, with a recorded exchange to compare.
 *
 * @module
 */

// deno-lint-ignore no-explicit-any
type Obj = any;

/** One known 1.20-vs-1.36 difference. */
export interface Exemption {
  name: string;
  reason: string;
  /** Rewrites one object of the fake's answer to its 1.20 shape. */
  to120(obj: Obj): void;
}

function kindIs(obj: Obj, apiVersion: string, kind: string): boolean {
  return obj?.kind === kind && obj?.apiVersion === apiVersion;
}

/** The list. */
export const EXEMPTIONS: Exemption[] = [
  {
    name: "namespace-name-label",
    reason: "1.21+ labels every namespace kubernetes.io/metadata.name=<name> (NamespaceDefaultLabelName)",
    to120(obj) {
      if (!kindIs(obj, "v1", "Namespace") || !obj.metadata?.labels) return;
      delete obj.metadata.labels["kubernetes.io/metadata.name"];
      if (Object.keys(obj.metadata.labels).length === 0) delete obj.metadata.labels;
      for (const m of obj.metadata.managedFields ?? []) {
        const labels = m.fieldsV1?.["f:metadata"]?.["f:labels"];
        if (labels) delete labels["f:kubernetes.io/metadata.name"];
        if (labels && Object.keys(labels).length === 1) delete m.fieldsV1["f:metadata"]["f:labels"];
        if (m.fieldsV1?.["f:metadata"] && Object.keys(m.fieldsV1["f:metadata"]).length === 0) {
          delete m.fieldsV1["f:metadata"];
        }
      }
      obj.metadata.managedFields = (obj.metadata.managedFields ?? []).filter((m: Obj) =>
        Object.keys(m.fieldsV1 ?? {}).length > 0
      );
      if (obj.metadata.managedFields.length === 0) delete obj.metadata.managedFields;
    },
  },
  {
    name: "service-ip-families",
    reason: "1.21+ (IPv6DualStack beta) reports spec.ipFamilies and spec.ipFamilyPolicy of Services",
    to120(obj) {
      if (!kindIs(obj, "v1", "Service")) return;
      delete obj.spec?.ipFamilies;
      delete obj.spec?.ipFamilyPolicy;
    },
  },
  {
    name: "service-internal-traffic-policy",
    reason: "1.22+ defaults spec.internalTrafficPolicy of Services to Cluster",
    to120(obj) {
      if (!kindIs(obj, "v1", "Service")) return;
      delete obj.spec?.internalTrafficPolicy;
      for (const m of obj.metadata?.managedFields ?? []) {
        delete m.fieldsV1?.["f:spec"]?.["f:internalTrafficPolicy"];
      }
    },
  },
  {
    name: "statefulset-newer-fields",
    reason:
      "1.23+ defaults spec.persistentVolumeClaimRetentionPolicy; 1.22+ reports status.availableReplicas",
    to120(obj) {
      if (!kindIs(obj, "apps/v1", "StatefulSet")) return;
      delete obj.spec?.persistentVolumeClaimRetentionPolicy;
      delete obj.status?.availableReplicas;
      for (const m of obj.metadata?.managedFields ?? []) {
        delete m.fieldsV1?.["f:spec"]?.["f:persistentVolumeClaimRetentionPolicy"];
      }
    },
  },
  {
    name: "daemonset-max-surge",
    reason: "1.21+ defaults spec.updateStrategy.rollingUpdate.maxSurge of DaemonSets to 0",
    to120(obj) {
      if (!kindIs(obj, "apps/v1", "DaemonSet")) return;
      delete obj.spec?.updateStrategy?.rollingUpdate?.maxSurge;
      for (const m of obj.metadata?.managedFields ?? []) {
        delete m.fieldsV1?.["f:spec"]?.["f:updateStrategy"]?.["f:rollingUpdate"]?.["f:maxSurge"];
      }
    },
  },
  {
    name: "pod-generation",
    reason: "1.33+ gives Pods a metadata.generation (PodObservedGenerationTracking)",
    to120(obj) {
      if (kindIs(obj, "v1", "Pod")) delete obj.metadata?.generation;
    },
  },
  {
    name: "service-selector-atomic",
    reason:
      "the 1.36 schema marks Service spec.selector x-kubernetes-map-type: atomic; 1.20 owns its keys one by one",
    to120(obj) {
      if (!kindIs(obj, "v1", "Service")) return;
      for (const m of obj.metadata?.managedFields ?? []) {
        const spec = m.fieldsV1?.["f:spec"];
        if (spec?.["f:selector"] && obj.spec?.selector) {
          spec["f:selector"] = {
            ".": {},
            ...Object.fromEntries(Object.keys(obj.spec.selector).map((k) => [`f:${k}`, {}])),
          };
        }
      }
    },
  },
  {
    name: "job-newer-fields",
    reason:
      "1.21+ defaults completionMode and suspend, 1.29+ podReplacementPolicy; 1.27+ adds the batch.kubernetes.io/ selector labels; newer Jobs have a generation",
    to120(obj) {
      if (!kindIs(obj, "batch/v1", "Job")) return;
      delete obj.metadata?.generation;
      const dropLabels = (labels: Obj) => {
        for (const k of Object.keys(labels ?? {})) if (k.startsWith("batch.kubernetes.io/")) delete labels[k];
      };
      dropLabels(obj.metadata?.labels);
      dropLabels(obj.spec?.template?.metadata?.labels);
      const ml = obj.spec?.selector?.matchLabels;
      if (ml?.["batch.kubernetes.io/controller-uid"]) {
        ml["controller-uid"] = ml["batch.kubernetes.io/controller-uid"];
        delete ml["batch.kubernetes.io/controller-uid"];
      }
      for (const f of ["completionMode", "suspend", "podReplacementPolicy"]) {
        delete obj.spec?.[f];
        for (const m of obj.metadata?.managedFields ?? []) delete m.fieldsV1?.["f:spec"]?.[`f:${f}`];
      }
    },
  },
];

/**
 * Differences that change both sides' shape, compared without them: field ownership of status.
 * 1.22+ gives a resource with a status subresource "reset fields": writes of the main resource do
 * not own status fields and status writes get their own managedFields entry (`subresource:
 * status`); 1.20 records both in one entry. Both sides drop `f:status` from managedFields and merge
 * entries that differ only by subresource.
 */
export const STATUS_OWNERSHIP: Exemption = {
  name: "status-field-ownership",
  reason: "1.22+ reset fields: status ownership is recorded apart from the main resource's",
  to120(obj) {
    const list = obj?.metadata?.managedFields;
    if (!Array.isArray(list)) return;
    const merged: Obj[] = [];
    for (const m of list) {
      delete m.subresource;
      if (m.fieldsV1) delete m.fieldsV1["f:status"];
      const same = merged.find((x) =>
        x.manager === m.manager && x.operation === m.operation && x.apiVersion === m.apiVersion
      );
      if (same) same.fieldsV1 = mergeFields(same.fieldsV1, m.fieldsV1);
      else merged.push(m);
    }
    obj.metadata.managedFields = merged.filter((m) => Object.keys(m.fieldsV1 ?? {}).length > 0);
    if (obj.metadata.managedFields.length === 0) delete obj.metadata.managedFields;
  },
};

function mergeFields(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b ?? {})) out[k] = k in out ? mergeFields(out[k], v) : v;
  return out;
}

/** Applies the both-sides exemption to an observation (real or fake). */
export function withoutStatusOwnership(value: unknown): unknown {
  const v = structuredClone(value);
  const visit = (o: unknown) => {
    if (Array.isArray(o)) o.forEach(visit);
    else if (typeof o === "object" && o !== null) {
      STATUS_OWNERSHIP.to120(o);
      Object.values(o).forEach(visit);
    }
  };
  visit(v);
  return v;
}

/** Applies every exemption to every object inside an observation. */
export function to120(value: unknown): unknown {
  const v = structuredClone(value);
  const visit = (o: unknown) => {
    if (Array.isArray(o)) o.forEach(visit);
    else if (typeof o === "object" && o !== null) {
      const list = o as Obj;
      if (typeof list.kind === "string" && list.kind.endsWith("List") && Array.isArray(list.items)) {
        for (const item of list.items) {
          if (item?.kind !== undefined) continue;
          item.kind = list.kind.slice(0, -4);
          item.apiVersion = list.apiVersion;
          for (const e of EXEMPTIONS) e.to120(item);
          delete item.kind;
          delete item.apiVersion;
        }
      }
      for (const e of EXEMPTIONS) e.to120(o);
      Object.values(o).forEach(visit);
    }
  };
  visit(v);
  return v;
}
