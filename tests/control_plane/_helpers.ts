/**
 * Helpers of the control plane tests: the cluster with every optional part running, throw-away namespaces,
 * polling, and kubectl (the independent witness) for creating and reading objects.
 *
 * @module
 */
import { getTestCluster, type TestCluster } from "../cluster/harness.ts";
import { pollFor } from "../cluster/_poll_for.ts";

/** The suite's cluster, with the controller-manager, the scheduler and the test kubelet running. */
export async function controlPlane(): Promise<TestCluster> {
  const c = await getTestCluster();
  await c.ensureParts(["kubelet", "controller-manager", "scheduler"]);
  return c;
}

/** Runs kubectl and fails with its error output unless it exits 0; returns stdout. */
export async function kubectl(c: TestCluster, args: string[], stdin?: string): Promise<string> {
  const out = await c.kubectl(args, stdin === undefined ? {} : { stdin });
  if (out.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${out.code}): ${out.stderr}`);
  return out.stdout;
}

/** `kubectl get ... -o json`, parsed. */
// deno-lint-ignore no-explicit-any
export async function getJson(c: TestCluster, args: string[]): Promise<any> {
  return JSON.parse(await kubectl(c, ["get", ...args, "-o", "json"]));
}

/** True when `kubectl get` says the object does not exist. */
export async function isGone(c: TestCluster, args: string[]): Promise<boolean> {
  const out = await c.kubectl(["get", ...args, "-o", "name"]);
  if (out.code === 0) return false;
  if (/NotFound|not found/.test(out.stderr)) return true;
  throw new Error(`kubectl get ${args.join(" ")} failed: ${out.stderr}`);
}

/** Creates objects from a list of manifests (`kubectl create -f -`). */
export async function create(c: TestCluster, ...objects: unknown[]): Promise<void> {
  await kubectl(c, ["create", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
}

/** Creates a namespace with a random suffix; returns its name. */
export async function newNamespace(c: TestCluster, prefix: string): Promise<string> {
  const name = `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
  await kubectl(c, ["create", "namespace", name]);
  return name;
}

/** Starts deleting a namespace and does not wait (the namespace controller finishes it). */
export async function dropNamespace(c: TestCluster, name: string): Promise<void> {
  await c.kubectl(["delete", "namespace", name, "--wait=false", "--ignore-not-found"]);
}

/** Calls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  return pollFor(what, check, { timeoutMs, intervalMs: 250 });
}

/** A pod manifest running `sh -c script`. */
export function shellPod(
  name: string,
  script: string,
  options: {
    restartPolicy?: string;
    terminationGracePeriodSeconds?: number;
    labels?: Record<string, string>;
  } = {},
): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels: options.labels },
    spec: {
      restartPolicy: options.restartPolicy ?? "Always",
      terminationGracePeriodSeconds: options.terminationGracePeriodSeconds ?? 30,
      containers: [{ name: "main", image: "busybox", command: ["sh", "-c", script] }],
    },
  };
}

/** A manifest with a spec, which a test may still change before creating it. */
export interface SpecManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}

/**
 * A Deployment manifest of `replicas` nginx pods labelled `app: name`, whose container has the env var
 * `VERSION=version` (change it to roll out a new version).
 */
export function nginxDeployment(
  name: string,
  replicas: number,
  version: string,
  terminationGracePeriodSeconds: number,
): SpecManifest {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds,
          containers: [{ name: "web", image: "nginx", env: [{ name: "VERSION", value: version }] }],
        },
      },
    },
  };
}

/** A Job manifest whose one pod runs `sh -c script`, never restarted, with no retry (backoffLimit 0). */
export function shellJob(name: string, script: string): SpecManifest {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name },
    spec: {
      backoffLimit: 0,
      template: {
        spec: {
          restartPolicy: "Never",
          containers: [{ name: "main", image: "busybox", command: ["sh", "-c", script] }],
        },
      },
    },
  };
}
