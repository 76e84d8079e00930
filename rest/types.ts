/**
 * The handful of API machinery types every module shares (apimachinery's metav1 in client-go):
 * object and list metadata, Status, watch events and the options of list and watch calls.
 *
 * The generated clientset has the full, spec-derived versions of these types; the ones here are
 * structurally compatible subsets, so hand-written modules do not depend on generated code.
 *
 * @module
 */

/** Standard object metadata (metav1.ObjectMeta), the fields kubeweb's machinery reads. */
export interface ObjectMeta {
  /** Name, unique within a namespace. */
  name?: string;
  /** Prefix the server uses to generate a unique name when `name` is empty. */
  generateName?: string;
  /** Namespace of a namespaced object. */
  namespace?: string;
  /** Unique id the server assigns. */
  uid?: string;
  /** Opaque version for optimistic concurrency and watches. */
  resourceVersion?: string;
  /** Sequence number of spec changes. */
  generation?: number;
  /** Creation time (RFC 3339). */
  creationTimestamp?: string;
  /** Time after which the object will be deleted (RFC 3339), set on graceful deletion. */
  deletionTimestamp?: string;
  /** Seconds allowed for graceful termination. */
  deletionGracePeriodSeconds?: number;
  /** Labels, matched by label selectors. */
  labels?: Record<string, string>;
  /** Annotations: non-identifying metadata. */
  annotations?: Record<string, string>;
  /** Objects this one depends on (garbage collection follows them). */
  ownerReferences?: {
    /** API version of the owner. */
    apiVersion: string;
    /** Kind of the owner. */
    kind: string;
    /** Name of the owner. */
    name: string;
    /** UID of the owner. */
    uid: string;
    /** True when the owner is the managing controller. */
    controller?: boolean;
    /** True when the owner cannot be deleted before this object. */
    blockOwnerDeletion?: boolean;
  }[];
  /** Finalizers that must be removed before deletion completes. */
  finalizers?: string[];
  /** Field ownership for server-side apply. */
  managedFields?: unknown[];
}

/** Any Kubernetes object: apiVersion, kind and metadata, plus whatever else its kind has. */
export interface KubeObject {
  /** API version, for example `v1` or `apps/v1`. */
  apiVersion?: string;
  /** Kind, for example `Pod`. */
  kind?: string;
  /** Standard object metadata. */
  metadata?: ObjectMeta;
}

/** List metadata (metav1.ListMeta). */
export interface ListMeta {
  /** Version of the list, to start a watch from. */
  resourceVersion?: string;
  /** Token to fetch the next page of a paginated list. */
  continue?: string;
  /** Number of items after this page, when the server knows it. */
  remainingItemCount?: number;
  /** Deprecated link to the object. */
  selfLink?: string;
}

/** A list of objects (for example `PodList`). */
export interface KubeList<T = KubeObject> {
  /** API version, for example `v1` or `apps/v1`. */
  apiVersion?: string;
  /** Kind, for example `Pod`. */
  kind?: string;
  /** List metadata. */
  metadata?: ListMeta;
  /** The objects. */
  items: T[];
}

/** A cause inside {@linkcode StatusDetails}. */
export interface StatusCause {
  /** Machine-readable reason of this cause. */
  reason?: string;
  /** Human-readable description of this cause. */
  message?: string;
  /** Path of the field that caused the error, for example `spec.replicas`. */
  field?: string;
}

/** Details of a failed request (metav1.StatusDetails). */
export interface StatusDetails {
  /** Name of the object the status is about. */
  name?: string;
  /** API group of the resource. */
  group?: string;
  /** Kind of the object the status is about. */
  kind?: string;
  /** UID of the object the status is about. */
  uid?: string;
  /** Individual causes, for example one per invalid field. */
  causes?: StatusCause[];
  /** Seconds the client should wait before retrying. */
  retryAfterSeconds?: number;
}

/** The reasons the API server gives in a Status (metav1.StatusReason). */
export type StatusReason =
  | ""
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Gone"
  | "Invalid"
  | "ServerTimeout"
  | "StoreReadError"
  | "Timeout"
  | "TooManyRequests"
  | "BadRequest"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "RequestEntityTooLarge"
  | "UnsupportedMediaType"
  | "InternalError"
  | "Expired"
  | "ServiceUnavailable"
  | (string & Record<never, never>);

/** The API server's answer to a failed call (metav1.Status). */
export interface Status {
  /** API version, for example `v1` or `apps/v1`. */
  apiVersion?: string;
  /** Always `Status`. */
  kind?: "Status" | string;
  /** List metadata. */
  metadata?: ListMeta;
  /** `Success` or `Failure`. */
  status?: "Success" | "Failure" | string;
  /** Human-readable message. */
  message?: string;
  /** Machine-readable reason; empty when unknown. */
  reason?: StatusReason;
  /** Extra details of the failure. */
  details?: StatusDetails;
  /** HTTP status code. */
  code?: number;
}

/** The event types of a watch stream. */
export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

/**
 * The object of a BOOKMARK event: not a whole object, only the resource version to resume the watch
 * from (and annotations, such as the end of the initial events of a streaming list).
 */
export interface BookmarkObject {
  /** API version of the watched kind. */
  apiVersion?: string;
  /** The watched kind. */
  kind?: string;
  /** The resource version to resume from, and annotations. */
  metadata?: { resourceVersion?: string; annotations?: Record<string, string> };
}

/**
 * One event of a watch. For ERROR the object is a {@linkcode Status}; for BOOKMARK a
 * {@linkcode BookmarkObject} (only `metadata.resourceVersion` and annotations are set).
 */
export type WatchEvent<T = KubeObject> =
  | { type: "ADDED" | "MODIFIED" | "DELETED"; object: T }
  | { type: "BOOKMARK"; object: BookmarkObject }
  | { type: "ERROR"; object: Status };

/** Options of list calls (metav1.ListOptions). */
export interface ListOptions {
  /** Label selector, for example `app=web,tier in (a,b)`. */
  labelSelector?: string;
  /** Field selector, for example `metadata.name=x`. */
  fieldSelector?: string;
  /** Maximum number of items per page. */
  limit?: number;
  /** Continue token of the previous page. */
  continue?: string;
  /** Resource version the list or watch starts at ("0": any, from the watch cache). */
  resourceVersion?: string;
  /** How `resourceVersion` applies to a list. */
  resourceVersionMatch?: "NotOlderThan" | "Exact" | string;
  /** Server-side timeout of a list or watch. */
  timeoutSeconds?: number;
  /** Ask the server for BOOKMARK events. */
  allowWatchBookmarks?: boolean;
  /** Streaming list: the watch starts with the current state as ADDED events. */
  sendInitialEvents?: boolean;
}
