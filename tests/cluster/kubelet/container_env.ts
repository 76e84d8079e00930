/**
 * A container's command line and environment, resolved as the kubelet resolves them: `command` + `args`
 * (an image alone runs a long sleep, as the image's own entrypoint is unknown here), `$(VAR)` references,
 * and `env` values from fields, ConfigMaps and Secrets.
 *
 * @module
 */
import type { ApiClient } from "./api_client.ts";
import type { Container, Pod } from "./types.ts";

/** A value the container needs is missing (the kubelet's CreateContainerConfigError). */
export class ContainerConfigError extends Error {
  override name = "ContainerConfigError";
}

/** Expands `$(NAME)` references from `env`; `$$(NAME)` stays literal `$(NAME)`; unknown names stay as they are. */
export function expandVars(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) => {
    if (m === "$$") return "$";
    return name !== undefined && name in env ? env[name] : m;
  });
}

/** The program and arguments to run for `c`, after `$(VAR)` expansion. */
export function containerArgv(c: Container, env: Record<string, string>): string[] {
  const argv = c.command?.length ? [...c.command, ...(c.args ?? [])] : c.args?.length ? [...c.args] : [];
  if (argv.length === 0) return ["sleep", "infinity"];
  return argv.map((a) => expandVars(a, env));
}

function fieldValue(pod: Pod, path: string, hostIP: string): string {
  const m = path.match(/^metadata\.(labels|annotations)\['(.*)'\]$/);
  if (m) return (m[1] === "labels" ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]] ?? "";
  switch (path) {
    case "metadata.name":
      return pod.metadata.name;
    case "metadata.namespace":
      return pod.metadata.namespace ?? "default";
    case "metadata.uid":
      return pod.metadata.uid ?? "";
    case "spec.nodeName":
      return pod.spec.nodeName ?? "";
    case "spec.serviceAccountName":
      return pod.spec.serviceAccountName ?? "";
    case "status.podIP":
    case "status.hostIP":
      return hostIP;
    default:
      throw new ContainerConfigError(`unsupported fieldRef ${path}`);
  }
}

/** The container's environment: `base` first, then the container's `env` in order. */
export async function containerEnv(
  api: Pick<ApiClient, "request">,
  pod: Pod,
  c: Container,
  base: Record<string, string>,
  hostIP: string,
): Promise<Record<string, string>> {
  const env = { ...base };
  const ns = pod.metadata.namespace ?? "default";
  for (const v of c.env ?? []) {
    const from = v.valueFrom;
    if (!from) {
      env[v.name] = expandVars(v.value ?? "", env);
    } else if (from.fieldRef) {
      env[v.name] = fieldValue(pod, from.fieldRef.fieldPath, hostIP);
    } else if (from.configMapKeyRef || from.secretKeyRef) {
      const ref = (from.configMapKeyRef ?? from.secretKeyRef)!;
      const kind = from.configMapKeyRef ? "configmaps" : "secrets";
      let value: string | undefined;
      try {
        const obj = await api.request<{ data?: Record<string, string> }>(
          "GET",
          `/api/v1/namespaces/${ns}/${kind}/${encodeURIComponent(ref.name)}`,
        );
        const raw = obj.data?.[ref.key];
        value = raw === undefined ? undefined : kind === "secrets" ? atob(raw) : raw;
      } catch (e) {
        if (!ref.optional) {
          throw new ContainerConfigError(`${kind} "${ref.name}" for env ${v.name}: ${(e as Error).message}`);
        }
      }
      if (value === undefined && !ref.optional) {
        throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind} ${ns}/${ref.name}`);
      }
      if (value !== undefined) env[v.name] = value;
    }
  }
  return env;
}
