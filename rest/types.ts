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
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }[];
  finalizers?: string[];
  managedFields?: unknown[];
}

/** Any Kubernetes object: apiVersion, kind and metadata, plus whatever else its kind has. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** List metadata (metav1.ListMeta). */
export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  selfLink?: string;
}

/** A list of objects (for example `PodList`). */
export interface KubeList<T = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata?: ListMeta;
  items: T[];
}

/** A cause inside {@linkcode StatusDetails}. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** Details of a failed request (metav1.StatusDetails). */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
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
  apiVersion?: string;
  kind?: "Status" | string;
  metadata?: ListMeta;
  status?: "Success" | "Failure" | string;
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code?: number;
}

/** The event types of a watch stream. */
export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

/**
 * One event of a watch. For ERROR the object is a {@linkcode Status}; for BOOKMARK only
 * `metadata.resourceVersion` (and annotations) are set.
 */
export type WatchEvent<T = KubeObject> =
  | { type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK"; object: T }
  | { type: "ERROR"; object: Status };

/** Options of list calls (metav1.ListOptions). */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: "NotOlderThan" | "Exact" | string;
  timeoutSeconds?: number;
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
}
