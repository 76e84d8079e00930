/**
 * Informers, reflectors, queues, indexed caches and listers: the machinery of client-go's
 * `tools/cache`, to client-go's contracts.
 *
 * @example An indexed cache
 * ```ts
 * import { newIndexer, deletionHandlingMetaNamespaceKeyFunc, metaNamespaceIndexFunc, NAMESPACE_INDEX } from "@kubeweb/client/cache";
 *
 * const indexer = newIndexer(deletionHandlingMetaNamespaceKeyFunc, { [NAMESPACE_INDEX]: metaNamespaceIndexFunc });
 * indexer.add({ metadata: { namespace: "default", name: "web" } });
 * console.log(indexer.byIndex(NAMESPACE_INDEX, "default").length); // 1
 * ```
 *
 * @module
 */
export { CacheError, CacheSyncError, FIFOClosedError } from "./cache_error.ts";
export type { CacheLogger } from "./cache_logger.ts";
export { DeletedFinalStateUnknown } from "./deleted_final_state_unknown.ts";
export {
  deletionHandlingMetaNamespaceKeyFunc,
  type KeyFunc,
  metaNamespaceKeyFunc,
  newIndexer,
  newStore,
  type ObjectName,
  splitMetaNamespaceKey,
  type Store,
} from "./store.ts";
export {
  type Indexer,
  type Indexers,
  type IndexFunc,
  metaNamespaceIndexFunc,
  NAMESPACE_INDEX,
} from "./index.ts";
export { newThreadSafeStore, type ThreadSafeStore } from "./thread_safe_store.ts";
export type {
  Delta,
  Deltas,
  DeltaType,
  KeyListerGetter,
  PopProcessFunc,
  Queue,
  ReflectorStore,
  TransformFunc,
} from "./queue.ts";
export { DeltaFIFO, type DeltaFIFOOptions } from "./delta_fifo.ts";
export { RealFIFO, type RealFIFOOptions } from "./real_fifo.ts";
export {
  parseSelector,
  type Requirement,
  type Selector,
  selectorFromSet,
  type SelectorOperator,
} from "./label_selector.ts";
export { type GroupResource, type Lister, type NamespaceLister, newLister } from "./lister.ts";
export {
  type ListerWatcher,
  type ListWatchClient,
  listWatchFromClient,
  type ListWatchFromClientOptions,
  type ListWatchFromRestClientOptions,
  type ListWatchRequest,
  type ListWatchRestClient,
  newListWatchFromRestClient,
  type TweakListOptionsFunc,
} from "./listwatch.ts";
export {
  defaultWatchErrorHandler,
  INITIAL_EVENTS_ANNOTATION_KEY,
  Reflector,
  type ReflectorInfo,
  type ReflectorOptions,
  type ServerVersion,
  type WatchErrorHandler,
} from "./reflector.ts";
export type { Clock, Timer } from "../_internal/clock.ts";
export {
  DEFAULT_HANDLER_BACKLOG_WARNING_THRESHOLD,
  type HandlerOptions,
  MINIMUM_RESYNC_PERIOD_MS,
  newSharedIndexInformer,
  type ResourceEventHandler,
  type ResourceEventHandlerRegistration,
  type SharedIndexInformer,
  type SharedIndexInformerOptions,
} from "./shared_informer.ts";
export { waitForCacheSync, type WaitForCacheSyncOptions } from "./wait_for_cache_sync.ts";
export {
  type GenericInformer,
  type InformerFactory,
  informerKey,
  newSharedInformerFactory,
  type SharedInformerFactory,
  type SharedInformerFactoryOptions,
} from "./informer_factory.ts";
export type * from "./informer_groups.ts";
export {
  type DynamicSharedInformerFactory,
  newDynamicSharedInformerFactory,
} from "./dynamic_informer_factory.ts";
export {
  type MetadataSharedInformerFactory,
  newMetadataSharedInformerFactory,
} from "./metadata_informer_factory.ts";
export { transformStripManagedFields } from "./transform.ts";
