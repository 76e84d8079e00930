/**
 * A {@linkcode ResourceLock} over a coordination.k8s.io/v1 Lease (client-go's `resourcelock.LeaseLock`).
 *
 * @module
 */
import { LeaderElectionError } from "./leader_election_error.ts";
import type { LeaderElectionRecord, LockCallOptions, LockGetResult, ResourceLock } from "./resource_lock.ts";

/** The fields of a Lease's `spec` the lock reads and writes (coordination.k8s.io/v1 LeaseSpec). */
export interface LeaseSpec {
  /** Identity of the holder. */
  holderIdentity?: string;
  /** Seconds a candidate waits after the last change before taking over. */
  leaseDurationSeconds?: number;
  /** MicroTime at which the holder acquired the lease. */
  acquireTime?: string;
  /** MicroTime of the holder's last renewal. */
  renewTime?: string;
  /** How many times the lease changed hands. */
  leaseTransitions?: number;
}

/** The metadata of a Lease the lock needs. */
export interface LeaseMeta {
  /** Name of the Lease. */
  name?: string;
  /** Namespace of the Lease. */
  namespace?: string;
  /** Version the next update is made against. */
  resourceVersion?: string;
  /** Unique id of the Lease. */
  uid?: string;
}

/** A coordination.k8s.io/v1 Lease, reduced to what the lock uses (the clientset's Lease fits it). */
export interface Lease {
  /** "coordination.k8s.io/v1". */
  apiVersion?: string;
  /** "Lease". */
  kind?: string;
  /** Object metadata. */
  metadata?: LeaseMeta;
  /** The lease record. */
  spec?: LeaseSpec;
}

/** Options of the Lease client calls. */
export interface LeaseCallOptions {
  /** Aborts the request. */
  signal?: AbortSignal;
  /** The request's timeout in ms (the clientset's `timeoutMs`). */
  timeoutMs?: number;
}

/**
 * The namespaced Leases client the lock calls: `clientset.coordinationV1().leases(namespace)` fits it.
 */
export interface LeasesClient {
  /** Reads a Lease by name; rejects with a NotFound API error when it does not exist. */
  get(name: string, options?: LeaseCallOptions): Promise<Lease>;
  /** Creates a Lease. */
  create(lease: Lease, options?: LeaseCallOptions): Promise<Lease>;
  /** Replaces a Lease; rejects with a Conflict API error when its resourceVersion is stale. */
  update(lease: Lease, options?: LeaseCallOptions): Promise<Lease>;
}

/** Something that hands out Leases clients per namespace: `clientset.coordinationV1()` fits it. */
export interface LeasesGetter {
  /** The Leases client of `namespace`. */
  leases(namespace: string): LeasesClient;
}

/** The part of an event recorder the lock uses (the record module's `EventRecorder` fits it). */
export interface LockEventRecorder {
  /** Records an event with a printf-style message. */
  eventf(
    object: { apiVersion?: string; kind?: string; metadata?: LeaseMeta },
    type: string,
    reason: string,
    format: string,
    ...args: unknown[]
  ): void;
}

/** Options of {@linkcode LeaseLock}. */
export interface LeaseLockOptions {
  /** Where Leases are read and written: `clientset.coordinationV1()`. */
  client: LeasesGetter;
  /** Namespace of the Lease. */
  namespace: string;
  /** Name of the Lease. */
  name: string;
  /** Identity of this candidate (unique among candidates, such as hostname plus a random suffix). */
  identity: string;
  /** Records "became leader" / "stopped leading" events on the Lease, if given. */
  eventRecorder?: LockEventRecorder;
}

const LEASE_API_VERSION = "coordination.k8s.io/v1";

function callOptions(options: LockCallOptions): LeaseCallOptions {
  const out: LeaseCallOptions = { signal: options.signal };
  if (options.timeoutMs !== undefined) out.timeoutMs = options.timeoutMs;
  return out;
}

function specToRecord(spec: LeaseSpec | undefined): LeaderElectionRecord {
  return {
    holderIdentity: spec?.holderIdentity ?? "",
    leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
    acquireTime: spec?.acquireTime ?? "",
    renewTime: spec?.renewTime ?? "",
    leaderTransitions: spec?.leaseTransitions ?? 0,
  };
}

function recordToSpec(record: LeaderElectionRecord): LeaseSpec {
  const spec: LeaseSpec = {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    leaseTransitions: record.leaderTransitions,
  };
  if (record.acquireTime) spec.acquireTime = record.acquireTime;
  if (record.renewTime) spec.renewTime = record.renewTime;
  return spec;
}

function validate(options: LeaseLockOptions | undefined): void {
  if (options === null || typeof options !== "object") {
    throw new LeaderElectionError("LeaseLock needs options: client, namespace, name and identity");
  }
  const need = (value: unknown, what: string): void => {
    if (typeof value === "string" && value !== "") return;
    const got = value === undefined || value === null
      ? "nothing"
      : value === ""
      ? "an empty string"
      : typeof value;
    throw new LeaderElectionError(`LeaseLock needs ${what} (a string, got ${got})`);
  };
  need(options.namespace, "the namespace of its Lease");
  need(options.name, "the name of its Lease");
  need(options.identity, "an identity");
  if (typeof (options.client as Partial<LeasesGetter> | undefined)?.leases !== "function") {
    throw new LeaderElectionError("LeaseLock needs a client: clientset.coordinationV1()");
  }
}

/**
 * A lock over a Lease: candidates compete for `namespace/name`, and the holder keeps renewing it.
 *
 * @example Electing a leader over a Lease
 * ```ts
 * import { LeaseLock, runLeaderElection } from "@kubeweb/client/leaderelection";
 * import type { Clientset } from "@kubeweb/client/clientset";
 *
 * declare const clientset: Clientset;
 * const lock = new LeaseLock({
 *   client: clientset.coordinationV1(),
 *   namespace: "default",
 *   name: "my-controller",
 *   identity: crypto.randomUUID(),
 * });
 * await runLeaderElection({
 *   lock,
 *   leaseDurationMs: 15_000,
 *   renewDeadlineMs: 10_000,
 *   retryPeriodMs: 2_000,
 *   callbacks: {
 *     onStartedLeading: (signal) => console.log("leading", signal.aborted),
 *     onStoppedLeading: () => console.log("stopped"),
 *   },
 * }, AbortSignal.timeout(60_000));
 * ```
 */
export class LeaseLock implements ResourceLock {
  #client: LeasesGetter;
  #namespace: string;
  #name: string;
  #identity: string;
  #recorder: LockEventRecorder | undefined;
  #lease: Lease | undefined;

  /**
   * Creates the lock; nothing is read or written until the elector runs. Throws
   * {@linkcode LeaderElectionError} when the client, the Lease's namespace or name, or the identity
   * is missing.
   */
  constructor(options: LeaseLockOptions) {
    validate(options);
    this.#client = options.client;
    this.#namespace = options.namespace;
    this.#name = options.name;
    this.#identity = options.identity;
    this.#recorder = options.eventRecorder;
  }

  /** Reads the Lease and remembers it as the version the next update is made against. */
  async get(options: LockCallOptions = {}): Promise<LockGetResult> {
    const lease = await this.#leases().get(this.#name, callOptions(options));
    this.#lease = lease;
    const record = specToRecord(lease.spec);
    return { record, raw: JSON.stringify(record) };
  }

  /** Creates the Lease holding `record`. */
  async create(record: LeaderElectionRecord, options: LockCallOptions = {}): Promise<void> {
    const lease: Lease = {
      apiVersion: LEASE_API_VERSION,
      kind: "Lease",
      metadata: { name: this.#name, namespace: this.#namespace },
      spec: recordToSpec(record),
    };
    this.#lease = await this.#leases().create(lease, callOptions(options));
  }

  /**
   * Writes `record` over the Lease last read or written. Throws {@linkcode LeaderElectionError} when
   * neither `get` nor `create` succeeded before; rejects with Conflict when the Lease changed since.
   */
  async update(record: LeaderElectionRecord, options: LockCallOptions = {}): Promise<void> {
    const current = this.#lease;
    if (!current) throw new LeaderElectionError("Lease not initialized: call get or create first");
    const lease: Lease = {
      apiVersion: LEASE_API_VERSION,
      kind: "Lease",
      ...current,
      spec: recordToSpec(record),
    };
    this.#lease = await this.#leases().update(lease, callOptions(options));
  }

  /** Records `"<identity> <message>"` as a Normal LeaderElection event on the Lease. */
  recordEvent(message: string): void {
    if (!this.#recorder) return;
    const metadata = this.#lease?.metadata ?? { name: this.#name, namespace: this.#namespace };
    const subject = { apiVersion: LEASE_API_VERSION, kind: "Lease", metadata };
    this.#recorder.eventf(subject, "Normal", "LeaderElection", "%v %v", this.#identity, message);
  }

  /** The identity of this candidate. */
  identity(): string {
    return this.#identity;
  }

  /** "namespace/name" of the Lease. */
  describe(): string {
    return `${this.#namespace}/${this.#name}`;
  }

  #leases(): LeasesClient {
    return this.#client.leases(this.#namespace);
  }
}
