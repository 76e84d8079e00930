/**
 * Writes the workerd configuration (Cap'n Proto text) that serves tests/runtimes/workerd/worker.ts on
 * 127.0.0.1 (port 0: workerd reports the port it got on its control descriptor).
 *
 * The worker's `globalOutbound` is a network service that may reach loopback addresses and trusts the
 * test CA through `tlsOptions.trustedCertificates`: the only way an edge runtime trusts a private CA.
 * A second network service carries the admin client certificate in `tlsOptions.keypair` and is bound to
 * the worker as `MTLS`. A third one, bound as `UNTRUSTED`, trusts the browsers' CAs but not the test CA:
 * the control that shows the CA is trusted because of the configuration.
 *
 * @module
 */

/** What the configuration needs. */
export interface WorkerdConfigOptions {
  /** Folder that holds `worker.js`; the configuration and embedded files are written there. */
  dir: string;
  /** PEM of the API server's CA, trusted by the worker's outbound network services. */
  caPem: string;
  /** Text binding KUBECONFIG_TOKEN. */
  tokenKubeconfig: string;
  /** Text binding KUBECONFIG_ADMIN. */
  adminKubeconfig: string;
  /** Client certificate and key given to the `MTLS` network service. */
  clientCertPem: string;
  clientKeyPem: string;
}

/** Writes the embedded files and `config.capnp` into `options.dir`; returns the configuration's path. */
export async function writeWorkerdConfig(options: WorkerdConfigOptions): Promise<string> {
  const { dir } = options;
  const files: Record<string, string> = {
    "ca.pem": options.caPem,
    "kubeconfig-token.yaml": options.tokenKubeconfig,
    "kubeconfig-admin.yaml": options.adminKubeconfig,
    "client.pem": options.clientCertPem,
    "client-key.pem": options.clientKeyPem,
  };
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(`${dir}/${name}`, text, { mode: 0o600 });
  }
  const capnp = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "outbound", network = (
      allow = ["local"],
      tlsOptions = (trustedCertificates = [embed "ca.pem"]),
    )),
    (name = "mtls", network = (
      allow = ["local"],
      tlsOptions = (
        trustedCertificates = [embed "ca.pem"],
        keypair = (privateKey = embed "client-key.pem", certificateChain = embed "client.pem"),
      ),
    )),
    (name = "untrusted", network = (allow = ["local"], tlsOptions = (trustBrowserCas = true))),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2025-09-01",
  globalOutbound = "outbound",
  bindings = [
    (name = "KUBECONFIG_TOKEN", text = embed "kubeconfig-token.yaml"),
    (name = "KUBECONFIG_ADMIN", text = embed "kubeconfig-admin.yaml"),
    (name = "MTLS", service = "mtls"),
    (name = "UNTRUSTED", service = "untrusted"),
  ],
);
`;
  const path = `${dir}/config.capnp`;
  await Deno.writeTextFile(path, capnp);
  return path;
}
