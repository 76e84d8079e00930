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

/** What a pod looked like, in one line: where it was bound, its phase, conditions and container states. */
// deno-lint-ignore no-explicit-any
function describePod(p: any): string {
  if (!p) return "never read";
  const st = p.status ?? {};
  // deno-lint-ignore no-explicit-any
  const conds = (st.conditions ?? []).map((x: any) =>
    `${x.type}=${x.status}${x.reason ? `(${x.reason})` : ""}`
  );
  // deno-lint-ignore no-explicit-any
  const containers = (st.containerStatuses ?? []).map((x: any) => `${x.name}:${JSON.stringify(x.state)}`);
  return `node=${p.spec?.nodeName ?? "-"} phase=${st.phase ?? "-"} conditions=[${conds.join(" ")}] ` +
    `containers=[${containers.join(" ")}]`;
}

/**
 * Waits until the pod satisfies `ok`; on timeout the error says what the pod last looked like and what the
 * nodes looked like (Ready, taints), which is what tells a slow scheduler from a slow kubelet.
 */
export async function waitPod(
  c: TestCluster,
  ns: string,
  name: string,
  what: string,
  // deno-lint-ignore no-explicit-any
  ok: (p: any) => boolean,
  timeoutMs = 60_000,
  // deno-lint-ignore no-explicit-any
): Promise<any> {
  // deno-lint-ignore no-explicit-any
  let last: any;
  try {
    return await waitFor(`pod ${name}: ${what}`, async () => {
      last = await getJson(c, ["-n", ns, "pod", name]);
      return ok(last) ? last : undefined;
    }, timeoutMs);
  } catch (e) {
    let nodes = "";
    try {
      const list = await getJson(c, ["nodes"]);
      // deno-lint-ignore no-explicit-any
      nodes = list.items.map((n: any) => {
        // deno-lint-ignore no-explicit-any
        const ready = n.status?.conditions?.find((x: any) => x.type === "Ready");
        // deno-lint-ignore no-explicit-any
        const taints = (n.spec?.taints ?? []).map((t: any) => `${t.key}:${t.effect}`).join(",");
        return `${n.metadata.name} Ready=${ready?.status}(${ready?.lastHeartbeatTime}) taints=[${taints}]`;
      }).join("; ");
    } catch (n) {
      nodes = `nodes unreadable: ${(n as Error).message}`;
    }
    throw new Error(`${(e as Error).message}; pod last seen: ${describePod(last)}; nodes: ${nodes}`);
  }
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
