/**
 * THE normalisation list of the conformance suite: the only differences between the real API server
 * and the fake that comparisons ignore. Everything else must match exactly.
 *
 * 1. uids: every uid is replaced by `<uid:N>`, N its order of first appearance (equal uids stay equal,
 *    so ownerReferences still point at the same owner).
 * 2. timestamps: every RFC 3339 time (creationTimestamp, deletionTimestamp, managedFields time,
 *    condition times) becomes `<time>`. The server orders managedFields entries by operation, then
 *    time (in seconds), then manager; with the times gone that order is compared as operation,
 *    manager, apiVersion, subresource (two entries written within one second on one server may fall
 *    in different seconds on the other).
 * 3. resourceVersions: every `resourceVersion` value, and the resourceVersions the server writes in
 *    precondition and "too old resource version" messages, become `<rv:N>`, N its order of first
 *    appearance (so "the same RV", "a newer RV" and "an older RV" are preserved, the numbers not).
 *    The second number of "too old resource version: A (B)" is the server's internal window start
 *    and becomes `<rv:window>`. The resourceVersion of a list (and of a deleteCollection answer) is
 *    the store's current revision, which on the real server also moves with writes outside the
 *    scenario (the API server's own endpoint and lease reconcilers): it becomes `<rv:list>`, and the
 *    resourceVersions a scenario writes into request paths become `<rv>`. Continue tokens (which encode a resourceVersion) become
 *    `<continue>` when non-empty.
 * 4. generated names: a name made from `generateName` becomes `<prefix><gen:N>`.
 * 5. allocated ClusterIPs (`spec.clusterIP`, `spec.clusterIPs` of Services, when not given by the
 *    client) become `<clusterIP:N>`: the real allocator picks random addresses of its range.
 *
 * @module
 */

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const UID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** A normaliser with its own numbering; one per scenario (or per random sequence) and server. */
export class Normaliser {
  #uids = new Map<string, number>();
  #rvs = new Map<string, number>();
  #gen = new Map<string, number>();
  #ips = new Map<string, number>();
  /** Prefixes of generateName seen in requests. */
  readonly generatePrefixes = new Set<string>();

  #num(map: Map<string, number>, v: string): number {
    let n = map.get(v);
    if (n === undefined) map.set(v, n = map.size + 1);
    return n;
  }

  /** Normalises one value (a response body, an event, a header value). */
  normalise(value: unknown, key = ""): unknown {
    if (Array.isArray(value) && key === "managedFields") {
      const k = (e: Record<string, unknown>) =>
        `${e.operation}\u0000${e.manager}\u0000${e.apiVersion}\u0000${e.subresource ?? ""}`;
      return (value.map((v) => this.normalise(v)) as Record<string, unknown>[]).sort((a, b) =>
        k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0
      );
    }
    if (Array.isArray(value)) {
      return value.map((v) => this.normalise(v, key === "clusterIPs" ? "clusterIP" : ""));
    }
    if (typeof value === "object" && value !== null) {
      const out: Record<string, unknown> = {};
      const isList = typeof (value as Record<string, unknown>).kind === "string" &&
        ((value as Record<string, unknown>).kind as string).endsWith("List") && "items" in value;
      for (const [k, v] of Object.entries(value)) {
        if (isList && k === "metadata" && typeof v === "object" && v !== null) {
          const meta = { ...(v as Record<string, unknown>) };
          if (typeof meta.resourceVersion === "string") meta.resourceVersion = "<rv:list>";
          out[k] = this.normalise(meta, k);
        } else out[k] = this.normalise(v, k);
      }
      if (typeof out.generateName === "string" && typeof out.name === "string") {
        out.name = this.#genName(out.generateName, out.name);
      }
      return out;
    }
    if (typeof value !== "string") return value;
    if (key === "resourceVersion" && /^\d+$/.test(value)) return `<rv:${this.#num(this.#rvs, value)}>`;
    if (key === "continue" && value !== "") return "<continue>";
    if (key === "clusterIP" && /^\d+\.\d+\.\d+\.\d+$/.test(value)) {
      return `<clusterIP:${this.#num(this.#ips, value)}>`;
    }
    if (TIME.test(value)) return "<time>";
    if (UID.test(value)) return `<uid:${this.#num(this.#uids, value)}>`;
    return this.#text(value);
  }

  /** Maps a resourceVersion (one the test holds) as the normaliser would. */
  rv(value: string): string {
    return `<rv:${this.#num(this.#rvs, value)}>`;
  }

  #genName(prefix: string, name: string): string {
    if (!name.startsWith(prefix) || name.length !== prefix.length + 5) return name;
    return `${prefix}<gen:${this.#num(this.#gen, name)}>`;
  }

  #text(s: string): string {
    let out = s.replace(UID_IN_TEXT, (u) => `<uid:${this.#num(this.#uids, u)}>`);
    out = out.replace(
      /too old resource version: (\d+) \((\d+)\)/g,
      (_m, a) => `too old resource version: ${this.rv(a)} (<rv:window>)`,
    );
    out = out.replace(
      /the ResourceVersion in the precondition \((\d+)\) does not match the ResourceVersion in record \((\d+)\)/g,
      (_m, a, b) =>
        `the ResourceVersion in the precondition (${
          this.rv(a)
        }) does not match the ResourceVersion in record (${this.rv(b)})`,
    );
    for (const p of this.generatePrefixes) {
      out = out.replace(
        new RegExp(`"${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}([a-z0-9]{5})"`, "g"),
        (m) => {
          const name = m.slice(1, -1);
          return `"${p}<gen:${this.#num(this.#gen, name)}>"`;
        },
      );
    }
    return out;
  }
}
