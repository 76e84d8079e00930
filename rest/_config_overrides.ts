// Applies ConfigOverrides to the chosen context, cluster and user, as client-go's DirectClientConfig
// getContext, getCluster and getAuthInfo do.
import type { KubeConfigCluster, KubeConfigContext, KubeConfigUser } from "./kubeconfig.ts";
import type { ConfigOverrides } from "./config_overrides.ts";

/** A context, cluster and user after overrides, and which of their fields the overrides set. */
export interface OverriddenEntries {
  /** The context (with cluster, user and namespace overridden). */
  context: KubeConfigContext;
  /** The cluster, undefined when the context names none and no override gives a server. */
  cluster: KubeConfigCluster | undefined;
  /** The user, undefined when the context names none and no user setting is overridden. */
  user: KubeConfigUser | undefined;
  /** For a kubeconfig key ("server", "token"), the override that set it ("overrides.clusterInfo.server"). */
  overridden: Map<string, string>;
}

/** Makes a relative path absolute (the overrides' paths are relative to the working directory). */
export type PathResolver = (path: string) => string;

function set<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K] | undefined,
  kubeKey: string,
  name: string,
  overridden: Map<string, string>,
): void {
  if (value === undefined || value === "" || value === false) return;
  target[key] = value;
  overridden.set(kubeKey, name);
}

/**
 * Applies the cluster and user overrides to copies of the entries (the kubeconfig is not changed).
 *
 * @param context The chosen context, already with the context overrides applied.
 * @param cluster The context's cluster (undefined when there is none).
 * @param user The context's user (undefined when there is none).
 * @param overrides The overrides.
 * @param resolve Makes override paths absolute.
 * @returns The merged entries and which fields the overrides set.
 */
export function applyEntryOverrides(
  context: KubeConfigContext,
  cluster: KubeConfigCluster | undefined,
  user: KubeConfigUser | undefined,
  overrides: ConfigOverrides,
  resolve: PathResolver,
): OverriddenEntries {
  const overridden = new Map<string, string>();
  const ci = overrides.clusterInfo ?? {};
  const ai = overrides.authInfo ?? {};
  let mergedCluster: KubeConfigCluster | undefined = cluster ? { ...cluster } : undefined;
  if (ci.server) mergedCluster ??= { name: context.cluster ?? "" };
  if (mergedCluster) {
    const c = mergedCluster;
    const p = "overrides.clusterInfo";
    set(c, "server", ci.server, "server", `${p}.server`, overridden);
    if (ci.insecureSkipTlsVerify || ci.certificateAuthority || ci.certificateAuthorityData) {
      // client-go: a CA or insecure override replaces all three, so they never conflict.
      delete c.certificateAuthority;
      delete c.certificateAuthorityData;
      delete c.insecureSkipTlsVerify;
      const ca = ci.certificateAuthority ? resolve(ci.certificateAuthority) : undefined;
      set(c, "certificateAuthority", ca, "certificate-authority", `${p}.certificateAuthority`, overridden);
      set(
        c,
        "certificateAuthorityData",
        ci.certificateAuthorityData,
        "certificate-authority-data",
        `${p}.certificateAuthorityData`,
        overridden,
      );
      set(
        c,
        "insecureSkipTlsVerify",
        ci.insecureSkipTlsVerify,
        "insecure-skip-tls-verify",
        `${p}.insecureSkipTlsVerify`,
        overridden,
      );
    }
    if (ci.tlsServerName || ci.server) {
      // client-go: overriding the server also replaces tls-server-name (with the override's, or none).
      delete c.tlsServerName;
      set(c, "tlsServerName", ci.tlsServerName, "tls-server-name", `${p}.tlsServerName`, overridden);
    }
  }
  let mergedUser: KubeConfigUser | undefined = user ? { ...user } : undefined;
  if (ai.clientCertificate || ai.clientKey || ai.token) mergedUser ??= { name: context.user ?? "" };
  if (mergedUser) {
    const u = mergedUser;
    const p = "overrides.authInfo";
    const cert = ai.clientCertificate ? resolve(ai.clientCertificate) : undefined;
    const key = ai.clientKey ? resolve(ai.clientKey) : undefined;
    set(u, "clientCertificate", cert, "client-certificate", `${p}.clientCertificate`, overridden);
    set(u, "clientKey", key, "client-key", `${p}.clientKey`, overridden);
    set(u, "token", ai.token, "token", `${p}.token`, overridden);
  }
  return { context, cluster: mergedCluster, user: mergedUser, overridden };
}

/**
 * The context with the context overrides applied (a copy).
 *
 * @param context The chosen context.
 * @param overrides The overrides.
 * @returns The merged context.
 */
export function applyContextOverrides(
  context: KubeConfigContext,
  overrides: ConfigOverrides,
): KubeConfigContext {
  const c = overrides.context ?? {};
  const out: KubeConfigContext = { ...context };
  if (c.cluster) out.cluster = c.cluster;
  if (c.user) out.user = c.user;
  if (c.namespace) out.namespace = c.namespace;
  return out;
}
