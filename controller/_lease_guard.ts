/**
 * The lease guard: a {@linkcode ResourceLock} wrapper that knows, on the monotonic clock, until when
 * this replica's lease is valid. It reads the clock just before each write of the lock, so the validity
 * it computes ends no later than any other candidate's view of it (they restart their countdown only
 * on seeing the written record, which is after the write was sent).
 *
 * @module
 */
import type { Clock } from "../_internal/clock.ts";
import type {
  LeaderElectionRecord,
  LockCallOptions,
  LockGetResult,
  ResourceLock,
} from "../leaderelection/resource_lock.ts";

/** A lock wrapper that tracks the validity of this replica's lease. */
export class LeaseGuard implements ResourceLock {
  #inner: ResourceLock;
  #clock: Clock;
  #validUntil = -Infinity;
  #listeners = new Set<() => void>();
  recordEvent?: (message: string) => void;

  constructor(inner: ResourceLock, clock: Clock) {
    this.#inner = inner;
    this.#clock = clock;
    if (inner.recordEvent) this.recordEvent = (message) => inner.recordEvent!(message);
  }

  get(options?: LockCallOptions): Promise<LockGetResult> {
    return this.#inner.get(options);
  }

  async create(record: LeaderElectionRecord, options?: LockCallOptions): Promise<void> {
    const sentAt = this.#clock.now();
    await this.#inner.create(record, options);
    this.#written(record, sentAt);
  }

  async update(record: LeaderElectionRecord, options?: LockCallOptions): Promise<void> {
    const sentAt = this.#clock.now();
    // A release (or any write not naming us) ends our validity before it is sent.
    if (record.holderIdentity !== this.identity()) this.#set(-Infinity);
    await this.#inner.update(record, options);
    this.#written(record, sentAt);
  }

  identity(): string {
    return this.#inner.identity();
  }

  describe(): string {
    return this.#inner.describe();
  }

  /** True while this replica holds a lease that cannot have expired in any other candidate's view. */
  valid(): boolean {
    return this.#clock.now() < this.#validUntil;
  }

  /** Milliseconds of validity left (0 or less: expired). */
  remainingMs(): number {
    return this.#validUntil - this.#clock.now();
  }

  /** Forgets the lease (after it was lost). */
  invalidate(): void {
    this.#set(-Infinity);
  }

  /** Calls `fn` whenever the validity changes; returns an unsubscribe function. */
  onChange(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #written(record: LeaderElectionRecord, sentAt: number): void {
    const ours = record.holderIdentity === this.identity() && record.leaseDurationSeconds > 0;
    this.#set(ours ? sentAt + record.leaseDurationSeconds * 1000 : -Infinity);
  }

  #set(validUntil: number): void {
    this.#validUntil = validUntil;
    for (const fn of this.#listeners) fn();
  }
}
