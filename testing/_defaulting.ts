/**
 * Defaulting as the API server does it on create and update (the `SetDefaults_*` functions and the
 * registry strategies' PrepareForCreate) for the kinds controllers touch most: Pod, Deployment,
 * ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, Service (with ClusterIP allocation), Namespace
 * and ServiceAccount. Pod admission plugins (service account, priority, default tolerations) are not modelled.
 *
 * @module
 */
import type { Obj } from "./_store.ts";

function set(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined) o[key] = value;
}

/** Defaults of a container (and init container). */
function defaultContainer(c: Obj): void {
  set(c, "terminationMessagePath", "/dev/termination-log");
  set(c, "terminationMessagePolicy", "File");
  if (c.imagePullPolicy === undefined && typeof c.image === "string") {
    const last = c.image.split("/").pop() ?? "";
    const tag = last.includes("@") ? "digest" : last.includes(":") ? last.split(":")[1] : "latest";
    c.imagePullPolicy = tag === "latest" ? "Always" : "IfNotPresent";
  }
  set(c, "resources", {});
  for (const p of c.ports ?? []) set(p, "protocol", "TCP");
}

/** Defaults of a pod spec (also inside templates). */
export function defaultPodSpec(spec: Obj): void {
  if (!spec) return;
  set(spec, "restartPolicy", "Always");
  set(spec, "terminationGracePeriodSeconds", 30);
  set(spec, "dnsPolicy", "ClusterFirst");
  set(spec, "securityContext", {});
  set(spec, "schedulerName", "default-scheduler");
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
}

function template(spec: Obj): void {
  if (spec?.template) {
    spec.template.metadata ??= {};
    set(spec.template.metadata, "creationTimestamp", null);
    defaultPodSpec(spec.template.spec);
  }
}

/** The next ClusterIP of a 10.0.0.0/24 service range (10.0.0.1 is the kubernetes service). */
export class ClusterIpAllocator {
  #used = new Set<string>(["10.0.0.1"]);
  /** Allocates a free address; throws when the range is full. */
  allocate(): string {
    for (let i = 2; i < 255; i++) {
      const ip = `10.0.0.${i}`;
      if (!this.#used.has(ip)) {
        this.#used.add(ip);
        return ip;
      }
    }
    throw new Error("the service IP range 10.0.0.0/24 is full");
  }
  /** Marks an address used (or returns false when it is taken). */
  claim(ip: string): boolean {
    if (this.#used.has(ip)) return false;
    this.#used.add(ip);
    return true;
  }
  /** Frees an address. */
  release(ip: string): void {
    this.#used.delete(ip);
  }
}

/** What the Job registry adds on create: the generated selector and the pod template labels. */
export function jobSelector(obj: Obj): void {
  const uid = obj.metadata.uid;
  const spec = obj.spec ??= {};
  if (spec.manualSelector === true) return;
  spec.selector ??= { matchLabels: { "batch.kubernetes.io/controller-uid": uid } };
  spec.template ??= {};
  spec.template.metadata ??= {};
  spec.template.metadata.labels = {
    ...spec.template.metadata.labels,
    "batch.kubernetes.io/controller-uid": uid,
    "batch.kubernetes.io/job-name": obj.metadata.name,
    "controller-uid": uid,
    "job-name": obj.metadata.name,
  };
}

/** Defaults an object of a built-in kind on create (`create`) or update. */
export function applyDefaults(group: string, kind: string, obj: Obj, create: boolean): void {
  const spec = obj.spec;
  switch (`${group}/${kind}`) {
    case "/Pod":
      obj.spec ??= {};
      defaultPodSpec(obj.spec);
      set(obj.spec, "enableServiceLinks", true);
      break;
    case "apps/Deployment":
      obj.spec ??= {};
      set(obj.spec, "replicas", 1);
      set(obj.spec, "strategy", { type: "RollingUpdate" });
      if (obj.spec.strategy.type === "RollingUpdate") {
        obj.spec.strategy.rollingUpdate ??= {};
        set(obj.spec.strategy.rollingUpdate, "maxUnavailable", "25%");
        set(obj.spec.strategy.rollingUpdate, "maxSurge", "25%");
      }
      set(obj.spec, "revisionHistoryLimit", 10);
      set(obj.spec, "progressDeadlineSeconds", 600);
      template(obj.spec);
      break;
    case "apps/ReplicaSet":
      obj.spec ??= {};
      set(obj.spec, "replicas", 1);
      template(obj.spec);
      break;
    case "apps/StatefulSet":
      obj.spec ??= {};
      set(obj.spec, "replicas", 1);
      set(obj.spec, "podManagementPolicy", "OrderedReady");
      set(obj.spec, "updateStrategy", { type: "RollingUpdate" });
      if (obj.spec.updateStrategy.type === "RollingUpdate") {
        obj.spec.updateStrategy.rollingUpdate ??= {};
        set(obj.spec.updateStrategy.rollingUpdate, "partition", 0);
      }
      set(obj.spec, "revisionHistoryLimit", 10);
      set(obj.spec, "persistentVolumeClaimRetentionPolicy", { whenDeleted: "Retain", whenScaled: "Retain" });
      template(obj.spec);
      break;
    case "apps/DaemonSet":
      obj.spec ??= {};
      set(obj.spec, "updateStrategy", { type: "RollingUpdate" });
      if (obj.spec.updateStrategy.type === "RollingUpdate") {
        obj.spec.updateStrategy.rollingUpdate ??= {};
        set(obj.spec.updateStrategy.rollingUpdate, "maxUnavailable", 1);
        set(obj.spec.updateStrategy.rollingUpdate, "maxSurge", 0);
      }
      set(obj.spec, "revisionHistoryLimit", 10);
      template(obj.spec);
      if (create) {
        obj.metadata.annotations = {
          ...obj.metadata.annotations,
          "deprecated.daemonset.template.generation": "1",
        };
      }
      break;
    case "batch/Job":
      obj.spec ??= {};
      set(obj.spec, "parallelism", 1);
      set(obj.spec, "completions", 1);
      set(obj.spec, "backoffLimit", 6);
      set(obj.spec, "completionMode", "NonIndexed");
      set(obj.spec, "suspend", false);
      set(obj.spec, "podReplacementPolicy", "TerminatingOrFailed");
      template(obj.spec);
      break;
    case "batch/CronJob":
      obj.spec ??= {};
      set(obj.spec, "concurrencyPolicy", "Allow");
      set(obj.spec, "suspend", false);
      set(obj.spec, "successfulJobsHistoryLimit", 3);
      set(obj.spec, "failedJobsHistoryLimit", 1);
      if (obj.spec.jobTemplate?.spec) {
        obj.spec.jobTemplate.metadata ??= {};
        set(obj.spec.jobTemplate.metadata, "creationTimestamp", null);
        template(obj.spec.jobTemplate.spec);
      }
      break;
    case "/Service":
      obj.spec ??= {};
      set(obj.spec, "type", "ClusterIP");
      set(obj.spec, "sessionAffinity", "None");
      for (const p of obj.spec.ports ?? []) {
        set(p, "protocol", "TCP");
        set(p, "targetPort", p.port);
      }
      break;
    case "/Namespace":
      if (create) {
        obj.status = { ...obj.status, phase: "Active" };
        obj.metadata.labels = { ...obj.metadata.labels, "kubernetes.io/metadata.name": obj.metadata.name };
      }
      break;
    case "/ServiceAccount":
      break;
    case "/Secret":
      if (obj.stringData !== undefined) {
        obj.data ??= {};
        for (const [k, v] of Object.entries(obj.stringData as Record<string, string>)) {
          obj.data[k] = btoa(String.fromCharCode(...new TextEncoder().encode(v)));
        }
        delete obj.stringData;
      }
      set(obj, "type", "Opaque");
      break;
  }
  void spec;
}

/**
 * What the registry strategies and the default admission plugins do on create, after field
 * ownership is recorded (so no manager owns these fields): status resets, generated Job selectors,
 * Namespace finalizers, Pod priority and tolerations.
 */
export function prepareForCreate(group: string, kind: string, obj: Obj): void {
  switch (`${group}/${kind}`) {
    case "/Pod":
      set(obj.spec, "priority", 0);
      set(obj.spec, "preemptionPolicy", "PreemptLowerPriority");
      obj.spec.tolerations ??= [];
      for (const key of ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]) {
        if (!obj.spec.tolerations.some((t: Obj) => t.key === key)) {
          obj.spec.tolerations.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 });
        }
      }
      obj.status = { phase: "Pending", qosClass: "BestEffort" };
      break;
    case "apps/Deployment":
    case "batch/CronJob":
      obj.status = {};
      break;
    case "batch/Job":
      obj.status = {};
      jobSelector(obj);
      if (!obj.metadata.labels || Object.keys(obj.metadata.labels).length === 0) {
        obj.metadata.labels = { ...obj.spec.template.metadata.labels };
      }
      break;
    case "apps/ReplicaSet":
      obj.status = { replicas: 0 };
      break;
    case "apps/StatefulSet":
      obj.status = { replicas: 0, availableReplicas: 0 };
      break;
    case "apps/DaemonSet":
      obj.status = {
        currentNumberScheduled: 0,
        numberMisscheduled: 0,
        desiredNumberScheduled: 0,
        numberReady: 0,
      };
      break;
    case "/Service":
      if (obj.spec.type === "ClusterIP" || obj.spec.type === "NodePort" || obj.spec.type === "LoadBalancer") {
        set(obj.spec, "internalTrafficPolicy", "Cluster");
      }
      obj.status = { loadBalancer: {} };
      break;
    case "/Namespace":
      obj.spec = { ...obj.spec, finalizers: ["kubernetes"] };
      break;
  }
}

/** The kinds whose generation counts spec changes (the others have no metadata.generation). */
export const GENERATION_KINDS = new Set([
  "apps/Deployment",
  "apps/ReplicaSet",
  "apps/StatefulSet",
  "apps/DaemonSet",
  "apps/ControllerRevision",
  "batch/Job",
  "batch/CronJob",
  "/Pod",
  "/ReplicationController",
  "policy/PodDisruptionBudget",
  "networking.k8s.io/Ingress",
  "networking.k8s.io/NetworkPolicy",
  "autoscaling/HorizontalPodAutoscaler",
  "apiextensions.k8s.io/CustomResourceDefinition",
]);
