/**
 * Kubernetes version ordering (GA before beta before alpha, higher numbers first), as discovery sorts.
 *
 * @module
 */

const RE = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/** Compares two versions for discovery order. */
export function compareVersions(a: string, b: string): number {
  const ma = RE.exec(a);
  const mb = RE.exec(b);
  if (!ma || !mb) return ma ? -1 : mb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  const rank = (m: RegExpExecArray) => (m[2] === undefined ? 2 : m[2] === "beta" ? 1 : 0);
  if (rank(ma) !== rank(mb)) return rank(mb) - rank(ma);
  if (ma[1] !== mb[1]) return Number(mb[1]) - Number(ma[1]);
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}
