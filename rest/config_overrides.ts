/**
 * {@linkcode ConfigOverrides}: settings that take precedence over the kubeconfig, as kubectl's
 * `--context`, `--cluster`, `--user`, `--namespace`, `--server`, `--certificate-authority`,
 * `--client-certificate`, `--client-key`, `--token`, `--insecure-skip-tls-verify` and
 * `--tls-server-name` flags do (client-go's `clientcmd.ConfigOverrides`).
 *
 * @module
 */
/** Overrides of the chosen context (client-go's `ConfigOverrides.Context`). */
export interface ContextOverrides {
  /** The cluster to use instead of the context's (`--cluster`); it must be defined. */
  cluster?: string;
  /** The user to use instead of the context's (`--user`); it must be defined. */
  user?: string;
  /** The namespace to use instead of the context's (`--namespace`). */
  namespace?: string;
}

/** Overrides of the chosen cluster (client-go's `ConfigOverrides.ClusterInfo`). */
export interface ClusterOverrides {
  /** API server URL or host:port (`--server`); also replaces the cluster's `tls-server-name`. */
  server?: string;
  /** Name to verify the server certificate against (`--tls-server-name`). */
  tlsServerName?: string;
  /**
   * Path of a PEM CA bundle (`--certificate-authority`), relative to the working directory. Replaces
   * the cluster's CA file, CA data and `insecure-skip-tls-verify`.
   */
  certificateAuthority?: string;
  /** Base64 of a PEM CA bundle, as in a kubeconfig. Replaces the cluster's CA and insecure settings. */
  certificateAuthorityData?: string;
  /** Skip verification of the server certificate (`--insecure-skip-tls-verify`); clears the cluster's CA. */
  insecureSkipTlsVerify?: boolean;
}

/** Overrides of the chosen user (client-go's `ConfigOverrides.AuthInfo`). */
export interface AuthInfoOverrides {
  /** Path of a PEM client certificate (`--client-certificate`), relative to the working directory. */
  clientCertificate?: string;
  /** Path of its PEM private key (`--client-key`), relative to the working directory. */
  clientKey?: string;
  /** Bearer token (`--token`); a secret, never shown in errors. */
  token?: string;
}

/**
 * Settings that take precedence over the kubeconfig, with client-go's rules: an empty value changes
 * nothing; a CA (file or data) or `insecureSkipTlsVerify: true` replaces all three of the cluster's CA
 * file, CA data and insecure flag; `server` or `tlsServerName` replaces the cluster's
 * `tls-server-name`; the user's settings are merged field by field, so the usual checks (one
 * authentication method, certificate file or data but not both) apply to the result.
 *
 * @example Overriding the namespace and the server, as `kubectl -n apps --server ...`
 * ```ts
 * import type { ConfigOverrides } from "@kubeweb/client/rest";
 *
 * const overrides: ConfigOverrides = {
 *   context: { namespace: "apps" },
 *   clusterInfo: { server: "https://10.0.0.1:6443" },
 * };
 * console.log(overrides.context?.namespace); // "apps"
 * ```
 */
export interface ConfigOverrides {
  /** The context to use instead of `current-context` (`--context`); it must be defined. */
  currentContext?: string;
  /** Overrides of the context. */
  context?: ContextOverrides;
  /** Overrides of the cluster. */
  clusterInfo?: ClusterOverrides;
  /** Overrides of the user. */
  authInfo?: AuthInfoOverrides;
}
