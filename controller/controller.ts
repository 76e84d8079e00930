/**
 * {@linkcode newController}: declares a controller of one primary resource, the children it
 * {@linkcode Controller.owns}, the other resources it {@linkcode Controller.watches}, and its
 * reconciler. A {@linkcode Manager} runs it.
 *
 * @module
 */
import type { GenericInformer } from "../cache/informer_factory.ts";
import type { KubeObject } from "../rest/types.ts";
import type { RateLimiter } from "../workqueue/rate_limiter.ts";
import { ControllerError } from "./controller_error.ts";
import type { Predicate } from "./predicates.ts";
import type { Reconciler, ReconcileRequest, ReconcileResult } from "./reconcile.ts";

/** Picks a resource's informer and lister out of the manager's informer factory. */
export type InformerSource<T extends KubeObject, F> = (factory: F) => GenericInformer<T>;

/** Maps an object of a watched resource to the primary objects to reconcile. */
export type MapFunc<W extends KubeObject> = (
  obj: W,
) => ReconcileRequest | readonly ReconcileRequest[] | undefined | null;

/** Options of {@linkcode Controller.owns} and {@linkcode Controller.watches}. */
export interface WatchOptions<W extends KubeObject> {
  /** Events of this resource that all predicates drop enqueue nothing. */
  predicates?: readonly Predicate<W>[];
}

/** Options of {@linkcode newController}. */
export interface ControllerOptions<T extends KubeObject, F> {
  /** The controller's name: in logs, metrics (`controller` label) and as the workqueue's name. */
  name: string;
  /** The primary resource: `(factory) => factory.core().v1().configMaps()`. */
  for: InformerSource<T, F>;
  /** Makes the world match one primary object. */
  reconcile: Reconciler<T>;
  /** Events of the primary resource that all predicates drop enqueue nothing. */
  predicates?: readonly Predicate<T>[];
  /** How many keys are reconciled at once (default 1). One key is never reconciled twice at once. */
  concurrency?: number;
  /**
   * Makes the rate limiter of failed keys, once per leadership term (default:
   * `defaultControllerRateLimiter()`: 5 ms doubling to 1000 s per key, overall 10 qps burst 100).
   */
  rateLimiter?: () => RateLimiter<string>;
  /**
   * What a thrown error leads to (default: `Result.REQUEUE`, through the rate limiter). Return
   * `Result.DONE` for errors that retrying cannot fix.
   */
  errorPolicy?: (error: unknown, request: ReconcileRequest) => ReconcileResult;
}

/** One watched resource of a controller (internal). */
export interface WatchSpec<F> {
  /** `owns`: mapped through controller references; `watches`: through `map`. */
  kind: "owns" | "watches";
  /** The watched resource. */
  source: InformerSource<KubeObject, F>;
  /** For `watches`: what to reconcile for a changed object. */
  map?: MapFunc<KubeObject>;
  /** Events all predicates drop enqueue nothing. */
  predicates: readonly Predicate<KubeObject>[];
}

/**
 * A controller's declaration: what it reconciles, what it owns and watches. Add it to a
 * {@linkcode Manager}, which runs it; a controller may belong to one manager.
 */
export class Controller<T extends KubeObject = KubeObject, F = unknown> {
  /** The controller's name. */
  readonly name: string;
  /** The options it was made with. */
  readonly options: Readonly<ControllerOptions<T, F>>;
  /** The resources it owns and watches, in the order declared. */
  readonly watched: readonly WatchSpec<F>[] = [];

  /** Use {@linkcode newController}. */
  constructor(options: ControllerOptions<T, F>) {
    this.options = { ...options };
    this.name = options.name;
  }

  /**
   * Reconciles the controlling owner of each changed child: a child whose `ownerReferences` has an
   * entry with `controller: true` naming an object of the primary kind enqueues that object. The
   * primary's kind and group are read from the primary informer's objects.
   */
  owns<C extends KubeObject>(child: InformerSource<C, F>, options: WatchOptions<C> = {}): this {
    if (typeof child !== "function") {
      throw new ControllerError(`${this.name}: owns() needs an informer source function`);
    }
    (this.watched as WatchSpec<F>[]).push({
      kind: "owns",
      source: child as unknown as InformerSource<KubeObject, F>,
      predicates: (options.predicates ?? []) as readonly Predicate<KubeObject>[],
    });
    return this;
  }

  /** Reconciles what `map` returns for each changed object of another resource (old and new state). */
  watches<W extends KubeObject>(
    resource: InformerSource<W, F>,
    map: MapFunc<W>,
    options: WatchOptions<W> = {},
  ): this {
    if (typeof resource !== "function" || typeof map !== "function") {
      throw new ControllerError(`${this.name}: watches() needs an informer source and a map function`);
    }
    (this.watched as WatchSpec<F>[]).push({
      kind: "watches",
      source: resource as unknown as InformerSource<KubeObject, F>,
      map: map as unknown as MapFunc<KubeObject>,
      predicates: (options.predicates ?? []) as readonly Predicate<KubeObject>[],
    });
    return this;
  }
}

/**
 * Declares a controller (controller-runtime's builder): the primary resource, its reconciler and
 * options; chain {@linkcode Controller.owns} and {@linkcode Controller.watches}, then add it to a
 * {@linkcode Manager}. Throws {@linkcode ControllerError} on bad options.
 *
 * @example
 * ```ts
 * import { newController, Result } from "@kubeweb/client/controller";
 * import type { SharedInformerFactory } from "@kubeweb/client/cache";
 *
 * // The types of the objects come from the informer `for` picks out of the factory.
 * const controller = newController({
 *   name: "configmap-mirror",
 *   for: (f: SharedInformerFactory) => f.core().v1().configMaps(),
 *   reconcile: (request, context) => {
 *     context.log.info("Reconciling", { exists: context.object !== undefined });
 *     return Result.DONE;
 *   },
 * }).owns((f) => f.core().v1().configMaps());
 * console.log(controller.name);
 * ```
 */
export function newController<T extends KubeObject = KubeObject, F = unknown>(
  options: ControllerOptions<T, F>,
): Controller<T, F> {
  if (!options || typeof options !== "object") throw new ControllerError("Controller options are required");
  if (typeof options.name !== "string" || options.name === "") {
    throw new ControllerError("Controller name is empty");
  }
  if (typeof options.for !== "function") {
    throw new ControllerError(
      `${options.name}: "for" must be a function picking the primary informer from the factory`,
    );
  }
  if (typeof options.reconcile !== "function") {
    throw new ControllerError(`${options.name}: reconcile must be a function`);
  }
  const c = options.concurrency;
  if (c !== undefined && !(Number.isInteger(c) && c >= 1)) {
    throw new ControllerError(`${options.name}: concurrency must be a whole number of at least 1, got ${c}`);
  }
  return new Controller(options);
}
