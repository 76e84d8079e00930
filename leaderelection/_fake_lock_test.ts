// Test double shared by the leader election unit tests (a *_test.ts file so it is never published).
/**
 * Test doubles: an in-memory lock store shared by several candidates, with the API server's
 * optimistic concurrency (Conflict on a stale update, NotFound, AlreadyExists) and switches to make
 * calls fail or hang. Used by the unit tests only.
 *
 * @module
 */
import { ApiError, TransportError } from "../rest/errors.ts";
import type { LeaderElectionRecord, LockCallOptions, LockGetResult, ResourceLock } from "./resource_lock.ts";

/** One call a fake lock made. */
export interface FakeCall {
  identity: string;
  op: "get" | "create" | "update";
  at: number;
  record?: LeaderElectionRecord;
}

/** The in-memory "API server" several {@linkcode FakeLock}s share. */
export class FakeLockStore {
  record: LeaderElectionRecord | undefined;
  version = 0;
  calls: FakeCall[] = [];
  /** When true every call fails at once with a TransportError (server stopped). */
  down = false;
  /** When set, runs before a call resolves: may throw, or bump the version to force a conflict. */
  beforeCall: ((call: FakeCall) => void) | undefined;
  #now: () => number;

  constructor(now: () => number, record?: LeaderElectionRecord) {
    this.#now = now;
    if (record) {
      this.record = { ...record };
      this.version = 1;
    }
  }

  /** Writes the record as some other party would (bumps the version). */
  set(record: LeaderElectionRecord): void {
    this.record = { ...record };
    this.version++;
  }

  callsOf(identity: string, op?: FakeCall["op"]): FakeCall[] {
    return this.calls.filter((c) => c.identity === identity && (op === undefined || c.op === op));
  }

  enter(call: Omit<FakeCall, "at">, signal?: AbortSignal): void {
    const full = { ...call, at: this.#now() };
    this.calls.push(full);
    if (signal?.aborted) throw signal.reason;
    if (this.down) throw new TransportError("127.0.0.1:6443", { cause: new Error("Connection refused") });
    this.beforeCall?.(full);
  }
}

function status(code: number, reason: string, message: string): ApiError {
  return new ApiError({ kind: "Status", status: "Failure", code, reason, message });
}

/** A lock over a {@linkcode FakeLockStore}; `hung` makes calls wait until their signal aborts. */
export class FakeLock implements ResourceLock {
  readonly store: FakeLockStore;
  readonly events: string[] = [];
  hung = false;
  #identity: string;
  #version: number | undefined;

  constructor(store: FakeLockStore, identity: string) {
    this.store = store;
    this.#identity = identity;
  }

  async #gate(signal?: AbortSignal): Promise<void> {
    if (!this.hung) return;
    await new Promise<void>((_, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  }

  async get(options: LockCallOptions = {}): Promise<LockGetResult> {
    await this.#gate(options.signal);
    this.store.enter({ identity: this.#identity, op: "get" }, options.signal);
    const record = this.store.record;
    if (!record) throw status(404, "NotFound", 'leases.coordination.k8s.io "fake" not found');
    this.#version = this.store.version;
    return { record: { ...record }, raw: JSON.stringify(record) };
  }

  async create(record: LeaderElectionRecord, options: LockCallOptions = {}): Promise<void> {
    await this.#gate(options.signal);
    this.store.enter({ identity: this.#identity, op: "create", record: { ...record } }, options.signal);
    if (this.store.record) {
      throw status(409, "AlreadyExists", 'leases.coordination.k8s.io "fake" already exists');
    }
    this.store.set(record);
    this.#version = this.store.version;
  }

  async update(record: LeaderElectionRecord, options: LockCallOptions = {}): Promise<void> {
    await this.#gate(options.signal);
    this.store.enter({ identity: this.#identity, op: "update", record: { ...record } }, options.signal);
    if (this.#version === undefined) throw new Error("update before get or create");
    if (this.#version !== this.store.version) {
      throw status(409, "Conflict", 'Operation cannot be fulfilled on leases.coordination.k8s.io "fake"');
    }
    this.store.set(record);
    this.#version = this.store.version;
  }

  recordEvent(message: string): void {
    this.events.push(message);
  }

  identity(): string {
    return this.#identity;
  }

  describe(): string {
    return "default/fake";
  }
}
