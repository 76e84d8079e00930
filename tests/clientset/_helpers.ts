/**
 * Helpers of the clientset, dynamic and discovery integration tests: the admin configuration of the
 * test cluster, throw-away namespaces, polling and kubectl JSON.
 *
 * @module
 */
import { getTestCluster, type TestCluster } from "../cluster/harness.ts";
import { pollFor } from "../cluster/_poll_for.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import type { RestConfig } from "../../rest/rest_config.ts";
import { newCoreV1Client } from "../../clientset/core/v1/client.ts";

/** The cluster and an admin configuration with a client-side limit high enough for bulk tests. */
export async function setup(): Promise<{ c: TestCluster; config: RestConfig }> {
  const c = await getTestCluster();
  const config = await loadRestConfig({ kubeconfig: c.kubeconfigPath, context: "admin" });
  config.qps = 200;
  config.burst = 400;
  return { c, config };
}

/** Creates a namespace with a random suffix and returns its name. */
export async function newNamespace(config: RestConfig, prefix: string): Promise<string> {
  const name = `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
  await newCoreV1Client(config).namespaces().create({ metadata: { name } });
  return name;
}

/** Starts deleting a namespace (the namespace controller, when the cluster runs one, finishes it). */
export async function dropNamespace(config: RestConfig, name: string): Promise<void> {
  await newCoreV1Client(config).namespaces().delete(name).catch(() => {});
}

/** Calls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  return pollFor(what, check, { timeoutMs, intervalMs: 200 });
}

/** Runs kubectl with `-o json` and parses the output; fails with kubectl's error output. */
// deno-lint-ignore no-explicit-any
export async function kubectlJson(c: TestCluster, args: string[]): Promise<any> {
  const out = await c.kubectl([...args, "-o", "json"]);
  if (out.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

/** True when kubectl cannot find the object. */
export async function kubectlNotFound(c: TestCluster, args: string[]): Promise<boolean> {
  const out = await c.kubectl(["get", ...args]);
  return out.code !== 0 && /NotFound|not found/.test(out.stderr);
}
