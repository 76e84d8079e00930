/**
 * Leader election (client-go's `tools/leaderelection`): several replicas of a controller compete for a
 * lock, a coordination.k8s.io/v1 Lease by default; exactly one leads at a time, renews the lock while
 * it works, and steps down when it cannot renew within the renew deadline. Expiry is judged on each
 * candidate's local clock, never by comparing timestamps across machines.
 *
 * @example Running a controller on one replica only
 * ```ts
 * import { LeaseLock, runLeaderElection } from "@kubeweb/client/leaderelection";
 * import type { Clientset } from "@kubeweb/client/clientset";
 *
 * declare const clientset: Clientset;
 * const controller = new AbortController();
 * await runLeaderElection({
 *   lock: new LeaseLock({
 *     client: clientset.coordinationV1(),
 *     namespace: "kube-system",
 *     name: "my-controller",
 *     identity: `${Deno.hostname()}_${crypto.randomUUID()}`,
 *   }),
 *   leaseDurationMs: 15_000,
 *   renewDeadlineMs: 10_000,
 *   retryPeriodMs: 2_000,
 *   releaseOnCancel: true,
 *   callbacks: {
 *     onStartedLeading: (signal) => console.log("start work; stop when", signal, "aborts"),
 *     onStoppedLeading: () => console.log("stopped leading"),
 *     onNewLeader: (identity) => console.log("leader:", identity),
 *   },
 * }, controller.signal);
 * ```
 *
 * @module
 */
export {
  JITTER_FACTOR,
  type LeaderCallbacks,
  type LeaderElectionConfig,
  type LeaderElectionLogger,
  type LeaderElectionMetrics,
  LeaderElector,
  runLeaderElection,
} from "./leader_elector.ts";
export { LeaderElectionError } from "./leader_election_error.ts";
export {
  type Lease,
  type LeaseCallOptions,
  LeaseLock,
  type LeaseLockOptions,
  type LeaseMeta,
  type LeasesClient,
  type LeasesGetter,
  type LeaseSpec,
  type LockEventRecorder,
} from "./lease_lock.ts";
export type { LeaderElectionRecord, LockCallOptions, LockGetResult, ResourceLock } from "./resource_lock.ts";
export type { Clock, Timer } from "../_internal/clock.ts";
