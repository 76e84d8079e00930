/**
 * The lock abstraction leader election runs on (client-go's `resourcelock.Interface`), and the record
 * every lock stores.
 *
 * @module
 */

/**
 * What a lock stores: who holds the leadership and since when (client-go's `LeaderElectionRecord`).
 *
 * Times are RFC 3339 strings as the lock stores them (for Leases: MicroTime, with six fractional
 * digits). The elector never compares them with its own clock; it judges expiry from the local time at
 * which it last saw the record change.
 */
export interface LeaderElectionRecord {
  /** Identity of the holder; "" when nobody holds the lock (for example after a release). */
  holderIdentity: string;
  /** How long, in seconds, a candidate must wait after the record last changed before taking over. */
  leaseDurationSeconds: number;
  /** When the current holder acquired the lock ("" if unknown). */
  acquireTime: string;
  /** When the current holder last renewed the lock ("" if unknown). */
  renewTime: string;
  /** How many times the lock changed hands. */
  leaderTransitions: number;
}

/** Options of the calls a {@linkcode ResourceLock} makes to the API server. */
export interface LockCallOptions {
  /** Aborts the call (the elector sets it to its cancellation and renew deadline). */
  signal?: AbortSignal;
  /**
   * The longest the call may wait for the API server (the elector's `lockCallTimeoutMs`); a lock
   * passes it to its client as the request timeout, so a dead connection is noticed and dropped.
   */
  timeoutMs?: number;
}

/** The answer of {@linkcode ResourceLock.get}: the record, and its raw form for change detection. */
export interface LockGetResult {
  /** The decoded record. */
  record: LeaderElectionRecord;
  /**
   * A serialisation of the stored record, equal for equal records and different as soon as any field
   * changed. The elector restarts its expiry countdown whenever this changes.
   */
  raw: string;
}

/**
 * A lock that leader election candidates compete for (client-go's `resourcelock.Interface`).
 *
 * Implementations remember the object they last read or wrote, so that `update` writes over exactly
 * that version (optimistic concurrency): an update over a stale version must fail with a Conflict
 * error, and a `get` of an absent lock must fail with a NotFound error (see `rest/errors.ts`).
 *
 * @example A lock over a Lease
 * ```ts
 * import { LeaseLock } from "@kubeweb/client/leaderelection";
 * import type { ResourceLock } from "@kubeweb/client/leaderelection";
 * import type { Clientset } from "@kubeweb/client/clientset";
 *
 * declare const clientset: Clientset;
 * const lock: ResourceLock = new LeaseLock({
 *   client: clientset.coordinationV1(),
 *   namespace: "default",
 *   name: "my-controller",
 *   identity: crypto.randomUUID(),
 * });
 * ```
 */
export interface ResourceLock {
  /** Reads the record. Rejects with a NotFound API error when the lock does not exist yet. */
  get(options?: LockCallOptions): Promise<LockGetResult>;
  /** Creates the lock holding `record`. */
  create(record: LeaderElectionRecord, options?: LockCallOptions): Promise<void>;
  /** Replaces the record of the version last read or written; rejects with Conflict if it changed. */
  update(record: LeaderElectionRecord, options?: LockCallOptions): Promise<void>;
  /** Records an event about the lock ("became leader", "stopped leading"), if the lock has a recorder. */
  recordEvent?(message: string): void;
  /** The identity of this candidate. */
  identity(): string;
  /** A human-readable name of the lock, such as "namespace/name", for messages. */
  describe(): string;
}
