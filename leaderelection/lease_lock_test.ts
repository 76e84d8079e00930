import assert from "node:assert/strict";
import { ApiError, isConflict, isNotFound } from "../rest/errors.ts";
import { type Lease, type LeaseCallOptions, LeaseLock, type LeasesClient } from "./lease_lock.ts";
import { LeaderElectionError } from "./leader_election_error.ts";
import type { LeaderElectionRecord } from "./resource_lock.ts";

/** An in-memory Leases API with resourceVersion checks, recording every request. */
class FakeLeases implements LeasesClient {
  objects = new Map<string, Lease>();
  requests: { verb: string; namespace: string; body?: Lease; signal?: AbortSignal }[] = [];
  #rv = 100;
  constructor(readonly namespace: string) {}

  get(name: string, options?: LeaseCallOptions): Promise<Lease> {
    this.requests.push({ verb: "get", namespace: this.namespace, signal: options?.signal });
    const lease = this.objects.get(name);
    if (!lease) {
      return Promise.reject(
        new ApiError({ kind: "Status", code: 404, reason: "NotFound", message: "not found" }),
      );
    }
    return Promise.resolve(structuredClone(lease));
  }
  create(lease: Lease, options?: LeaseCallOptions): Promise<Lease> {
    this.requests.push({
      verb: "create",
      namespace: this.namespace,
      body: structuredClone(lease),
      signal: options?.signal,
    });
    const stored = {
      ...structuredClone(lease),
      metadata: { ...lease.metadata, resourceVersion: String(++this.#rv) },
    };
    this.objects.set(lease.metadata!.name!, stored);
    return Promise.resolve(structuredClone(stored));
  }
  update(lease: Lease, options?: LeaseCallOptions): Promise<Lease> {
    this.requests.push({
      verb: "update",
      namespace: this.namespace,
      body: structuredClone(lease),
      signal: options?.signal,
    });
    const current = this.objects.get(lease.metadata!.name!);
    if (current?.metadata?.resourceVersion !== lease.metadata?.resourceVersion) {
      return Promise.reject(
        new ApiError({ kind: "Status", code: 409, reason: "Conflict", message: "conflict" }),
      );
    }
    const stored = {
      ...structuredClone(lease),
      metadata: { ...lease.metadata, resourceVersion: String(++this.#rv) },
    };
    this.objects.set(lease.metadata!.name!, stored);
    return Promise.resolve(structuredClone(stored));
  }
}

function setup(): { leases: FakeLeases; lock: LeaseLock; events: unknown[][] } {
  const leases = new FakeLeases("kube-system");
  const events: unknown[][] = [];
  const lock = new LeaseLock({
    client: {
      leases: (ns) => {
        assert.equal(ns, "kube-system");
        return leases;
      },
    },
    namespace: "kube-system",
    name: "ctrl",
    identity: "node-1_abc",
    eventRecorder: { eventf: (...args: unknown[]) => events.push(args) },
  });
  return { leases, lock, events };
}

const RECORD: LeaderElectionRecord = {
  holderIdentity: "node-1_abc",
  leaseDurationSeconds: 15,
  acquireTime: "2026-01-01T00:00:00.123000Z",
  renewTime: "2026-01-01T00:00:05.456000Z",
  leaderTransitions: 2,
};

Deno.test("LeaseLock: identity and describe", () => {
  const { lock } = setup();
  assert.equal(lock.identity(), "node-1_abc");
  assert.equal(lock.describe(), "kube-system/ctrl");
});

Deno.test("LeaseLock: get of a missing Lease rejects with NotFound", async () => {
  const { lock } = setup();
  await assert.rejects(lock.get(), (e) => isNotFound(e));
});

Deno.test("LeaseLock: create writes a coordination.k8s.io/v1 Lease with the record as spec", async () => {
  const { lock, leases } = setup();
  const signal = new AbortController().signal;
  await lock.create(RECORD, { signal });
  assert.deepEqual(leases.requests[0].body, {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name: "ctrl", namespace: "kube-system" },
    spec: {
      holderIdentity: "node-1_abc",
      leaseDurationSeconds: 15,
      acquireTime: "2026-01-01T00:00:00.123000Z",
      renewTime: "2026-01-01T00:00:05.456000Z",
      leaseTransitions: 2,
    },
  });
  assert.equal(leases.requests[0].signal, signal);
});

Deno.test("LeaseLock: get decodes the spec; raw changes exactly when the record changes", async () => {
  const { lock, leases } = setup();
  leases.objects.set("ctrl", {
    metadata: { name: "ctrl", namespace: "kube-system", resourceVersion: "7" },
    spec: { holderIdentity: "x", leaseDurationSeconds: 10, renewTime: "2026-01-01T00:00:01.000001Z" },
  });
  const first = await lock.get();
  assert.deepEqual(first.record, {
    holderIdentity: "x",
    leaseDurationSeconds: 10,
    acquireTime: "",
    renewTime: "2026-01-01T00:00:01.000001Z",
    leaderTransitions: 0,
  });
  const again = await lock.get();
  assert.equal(again.raw, first.raw);
  // A renewal one microsecond later is a change.
  leases.objects.get("ctrl")!.spec!.renewTime = "2026-01-01T00:00:01.000002Z";
  const third = await lock.get();
  assert.notEqual(third.raw, first.raw);
  // An empty spec decodes to an empty holder.
  leases.objects.set("ctrl", { metadata: { name: "ctrl", resourceVersion: "8" } });
  assert.equal((await lock.get()).record.holderIdentity, "");
});

Deno.test("LeaseLock: update writes over the version last read; a stale version conflicts", async () => {
  const { lock, leases } = setup();
  await assert.rejects(lock.update(RECORD), LeaderElectionError);
  assert.equal(leases.requests.length, 0);
  await lock.create(RECORD);
  await lock.update({ ...RECORD, renewTime: "2026-01-01T00:00:07.000000Z" });
  const sent = leases.requests[1].body!;
  assert.equal(sent.metadata?.resourceVersion, "101");
  assert.equal(sent.spec?.renewTime, "2026-01-01T00:00:07.000000Z");
  assert.equal(sent.kind, "Lease");
  // Someone else writes; our next update is over a stale version.
  leases.objects.get("ctrl")!.metadata!.resourceVersion = "500";
  await assert.rejects(lock.update(RECORD), (e) => isConflict(e));
  await lock.get();
  await lock.update({ ...RECORD, holderIdentity: "", leaseDurationSeconds: 1 });
  assert.equal(leases.objects.get("ctrl")!.spec!.holderIdentity, "");
  assert.equal(leases.objects.get("ctrl")!.spec!.leaseDurationSeconds, 1);
});

Deno.test("LeaseLock: recordEvent is a Normal LeaderElection event on the Lease", async () => {
  const { lock, events } = setup();
  lock.recordEvent("became leader");
  await lock.create(RECORD);
  lock.recordEvent("stopped leading");
  assert.equal(events.length, 2);
  const [subject, type, reason, format, ...args] = events[1] as [Lease, string, string, string, ...unknown[]];
  assert.equal(subject.kind, "Lease");
  assert.equal(subject.apiVersion, "coordination.k8s.io/v1");
  assert.equal(subject.metadata?.name, "ctrl");
  assert.equal(subject.metadata?.namespace, "kube-system");
  assert.equal(subject.metadata?.resourceVersion, "101");
  assert.deepEqual([type, reason, format, args], ["Normal", "LeaderElection", "%v %v", [
    "node-1_abc",
    "stopped leading",
  ]]);
  assert.equal((events[0][0] as Lease).metadata?.name, "ctrl");
});

Deno.test("LeaseLock: without a recorder recordEvent does nothing", () => {
  const lock = new LeaseLock({
    client: { leases: () => new FakeLeases("default") },
    namespace: "default",
    name: "x",
    identity: "me",
  });
  lock.recordEvent("became leader");
});

Deno.test("LeaseLock: a missing or empty name, namespace, identity or client is refused at construction", () => {
  const client = { leases: () => new FakeLeases("ns") };
  const good = { client, namespace: "ns", name: "ctrl", identity: "me" };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...good, name: undefined }, /LeaseLock needs the name of its Lease/],
    [{ ...good, name: "" }, /LeaseLock needs the name of its Lease/],
    [{ ...good, namespace: undefined }, /LeaseLock needs the namespace of its Lease/],
    [{ ...good, namespace: "" }, /LeaseLock needs the namespace of its Lease/],
    [{ ...good, name: 7 }, /LeaseLock needs the name of its Lease \(a string, got number\)/],
    [{ ...good, identity: undefined }, /LeaseLock needs an identity/],
    [{ ...good, client: undefined }, /LeaseLock needs a client/],
    [{ ...good, client: {} }, /LeaseLock needs a client/],
  ];
  for (const [options, message] of cases) {
    assert.throws(
      () => new LeaseLock(options as never),
      (e) => e instanceof LeaderElectionError && message.test(e.message),
      JSON.stringify(options, (_k, v) => v === undefined ? "<undefined>" : v),
    );
  }
  assert.throws(() => new LeaseLock(undefined as never), LeaderElectionError);
  assert.equal(new LeaseLock(good).describe(), "ns/ctrl");
});
