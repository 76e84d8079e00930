/**
 * How the bench reaches the cluster and where its fixed data set lives.
 *
 * @module
 */

/** Where the ConfigMaps are and how to reach the server (admin client certificate). */
export interface BenchTarget {
  /** The kubeconfig of the cluster (admin context). */
  kubeconfigPath: string;
  /** The API server URL. */
  server: string;
  /** PEM of the server's CA, the admin certificate and key. */
  caPem: string;
  certPem: string;
  keyPem: string;
  /** The namespace of the data set. */
  namespace: string;
  /** How many ConfigMaps it holds. */
  count: number;
}

/** The namespace of the 20,000-ConfigMap data set. */
export const BENCH_NAMESPACE = "kubeweb-bench-informer-sync";
/** Its size. */
export const BENCH_COUNT = 20_000;

/** Median of a sample. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
