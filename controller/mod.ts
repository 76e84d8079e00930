/**
 * A controller runtime on kubeweb's informers, workqueue, leader election and event recorder (what
 * controller-runtime and kube-rs's runtime give Go and Rust): declare a controller of one primary
 * resource with {@linkcode newController}, the children it `owns` and the resources it `watches`,
 * and run it in a {@linkcode Manager}. The manager guarantees: no reconcile before every cache has
 * synced; one key is never reconciled twice at once; a key changed during its reconcile is reconciled
 * again afterwards; a thrown error requeues with backoff (5 ms doubling to 1000 s) and success forgets
 * it; stopping lets running reconciles finish (bounded), then stops informers, then releases the lease.
 *
 * Write children with server-side apply (`client.apply(obj, { fieldManager, force: true })`) and
 * {@linkcode setControllerReference}: it is idempotent and never needs a read-modify-write loop.
 *
 * @example
 * ```ts
 * import { Manager, newController, onShutdownSignal, Result } from "@kubeweb/client/controller";
 * import { newSharedInformerFactory, type SharedInformerFactory } from "@kubeweb/client/cache";
 * import { newClientset } from "@kubeweb/client/clientset";
 * import { loadRestConfig } from "@kubeweb/client/rest";
 *
 * const clientset = newClientset(await loadRestConfig());
 * const manager = new Manager<SharedInformerFactory>({
 *   informerFactory: newSharedInformerFactory(clientset, { namespace: "default" }),
 * });
 * manager.add(newController({
 *   name: "hello",
 *   for: (f: SharedInformerFactory) => f.core().v1().configMaps(),
 *   reconcile: (request, context) => {
 *     context.log.info(context.object ? "Exists" : "Gone");
 *     return Result.DONE;
 *   },
 * }));
 * await manager.run(onShutdownSignal());
 * ```
 *
 * @module
 */
export {
  Controller,
  type ControllerOptions,
  type InformerSource,
  type MapFunc,
  newController,
  type WatchOptions,
  type WatchSpec,
} from "./controller.ts";
export { ControllerError, LeaseLostError } from "./controller_error.ts";
export { finalizer, type FinalizerClient, type FinalizerEvent, type FinalizerOptions } from "./finalizer.ts";
export {
  type ControllerLogger,
  jsonLogSink,
  type LogLevel,
  type LogRecord,
  type LogSink,
  newLogger,
} from "./logger.ts";
export {
  type ManagedInformerFactory,
  Manager,
  type ManagerHealth,
  type ManagerLeaderElection,
  type ManagerOptions,
} from "./manager.ts";
export { MetricsRegistry, RECONCILE_TIME_BUCKETS, WORKQUEUE_BUCKETS } from "./metrics.ts";
export {
  controllerRefFor,
  getControllerOf,
  isControlledBy,
  type OwnerReference,
  setControllerReference,
} from "./owner_references.ts";
export {
  annotationsChanged,
  any,
  generationChanged,
  labelsChanged,
  type Predicate,
  predicate,
  resourceVersionChanged,
} from "./predicates.ts";
export {
  type ReconcileContext,
  type Reconciler,
  type ReconcileRequest,
  type ReconcileResult,
  requestFromKey,
  requestKey,
  Result,
} from "./reconcile.ts";
export { onShutdownSignal, type ProcessSignal, type ShutdownSignalOptions } from "./shutdown_signal.ts";
