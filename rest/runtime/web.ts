/**
 * The plain web runtime (Cloudflare workerd and any other runtime with only `fetch`): the global
 * `fetch`, nothing else. No custom CA, client certificate, TLS override or proxy; no files, environment
 * or processes.
 *
 * @module
 */
import { type Runtime, RuntimeCapabilityError, type TlsOptions, type Transport } from "./runtime.ts";

const WAY_OUT =
  "use a bearer token to an API server whose certificate this runtime already trusts, or configure the " +
  "client certificate (mTLS) in the worker's own configuration and connect without it in the kubeconfig";

function createWebTransport(tls: TlsOptions): Transport {
  const wanted: string[] = [];
  if (tls.caPem) wanted.push("a custom certificate authority");
  if (tls.certPem || tls.keyPem) wanted.push("a client certificate");
  if (tls.serverName) wanted.push("a TLS server name");
  if (tls.insecureSkipVerify) wanted.push("insecure-skip-tls-verify");
  if (tls.proxyUrl) wanted.push("a proxy-url");
  if (wanted.length > 0) {
    const list = wanted.length === 1
      ? wanted[0]
      : `${wanted.slice(0, -1).join(", ")} and ${wanted[wanted.length - 1]}`;
    throw new RuntimeCapabilityError("web", `use ${list} with fetch`, WAY_OUT);
  }
  return {
    runtime: "web",
    fetch: (input, init) => globalThis.fetch(input, init),
    close(): void {/* the runtime owns its connections */},
  };
}

/**
 * The web-standards-only implementation of {@linkcode Runtime}: `createTransport` throws
 * {@linkcode RuntimeCapabilityError} for any TLS or proxy setting.
 *
 * @example
 * ```ts
 * import { webRuntime } from "./web.ts";
 * const transport = webRuntime.createTransport({});
 * transport.close();
 * ```
 */
export const webRuntime: Runtime = {
  name: "web",
  createTransport: createWebTransport,
};
