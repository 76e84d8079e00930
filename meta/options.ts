/**
 * The options of resource client calls (apimachinery's metav1 `GetOptions`, `ListOptions`,
 * `CreateOptions`, `UpdateOptions`, `PatchOptions`, `ApplyOptions`, `DeleteOptions`, and core/v1's
 * `PodLogOptions`), each with a `signal` that cancels the call.
 *
 * @module
 */
import type { ListOptions as RestListOptions } from "../rest/types.ts";

export type { PatchType } from "./patch.ts";

/** What every call takes: cancellation and a per-call timeout. */
export interface CallOptions {
  /** Aborts the call (client-go's `context.Context`). */
  signal?: AbortSignal;
  /** Timeout of this call in milliseconds (overrides the configuration's). */
  timeoutMs?: number;
}

/** Options of `get` (metav1.GetOptions). */
export interface GetOptions extends CallOptions {
  /**
   * Read at this resource version: "" (or unset) reads the latest from etcd; "0" allows any version
   * (served from the watch cache).
   */
  resourceVersion?: string;
}

/** Options of `list` (metav1.ListOptions). */
export interface ListOptions extends RestListOptions, CallOptions {}

/** Options of `watch` (metav1.ListOptions with `watch=true`). */
export interface WatchOptions extends CallOptions {
  /** Only objects whose labels match. */
  labelSelector?: string;
  /** Only objects whose fields match. */
  fieldSelector?: string;
  /** Start after this resource version ("" or unset: from now, with synthetic ADDED events for what exists). */
  resourceVersion?: string;
  /** "NotOlderThan" (required with `sendInitialEvents`) or "Exact". */
  resourceVersionMatch?: "NotOlderThan" | "Exact" | string;
  /** Server-side timeout of the watch in seconds. */
  timeoutSeconds?: number;
  /** Ask for BOOKMARK events. */
  allowWatchBookmarks?: boolean;
  /** Stream the current state as ADDED events first, then a bookmark (WatchList, servers >= 1.27). */
  sendInitialEvents?: boolean;
}

/** "All": process every dry-run stage without persisting. */
export type DryRun = "All";

/** How the server treats unknown or duplicate fields in a request body. */
export type FieldValidation = "Ignore" | "Warn" | "Strict";

/** Options shared by calls that write (create, update, patch, apply). */
export interface WriteOptions extends CallOptions {
  /** Validate and process the request without persisting it (`["All"]`). */
  dryRun?: DryRun[];
  /** Name of the actor making the change (recorded in managedFields). */
  fieldManager?: string;
  /** How to treat unknown or duplicate fields: "Ignore", "Warn" (server default) or "Strict". */
  fieldValidation?: FieldValidation;
}

/** Options of `create` (metav1.CreateOptions). */
export type CreateOptions = WriteOptions;

/** Options of `update` and `updateStatus` (metav1.UpdateOptions). */
export type UpdateOptions = WriteOptions;

/** Options of `patch` (metav1.PatchOptions). */
export interface PatchOptions extends WriteOptions {
  /** Take ownership of conflicting fields (apply patches only). */
  force?: boolean;
}

/** Options of `apply` and `applyStatus` (metav1.ApplyOptions): a field manager is required. */
export interface ApplyOptions extends CallOptions {
  /** Name of the actor applying (required by server-side apply). */
  fieldManager: string;
  /** Take ownership of fields another manager owns instead of failing with a 409 Conflict. */
  force?: boolean;
  /** Validate and process the request without persisting it (`["All"]`). */
  dryRun?: DryRun[];
  /** How to treat unknown or duplicate fields. */
  fieldValidation?: FieldValidation;
}

/**
 * A patch body of any type: an object or array (JSON-encoded), or text or bytes sent as they are.
 * Typed clients take the body typed by patch type instead (`PatchBody`).
 */
export type PatchData = object | string | Uint8Array;

/** How dependents are deleted: in the background, before the owner (foreground), or orphaned. */
export type PropagationPolicy = "Background" | "Foreground" | "Orphan";

/** Options of `delete` and `deleteCollection` (metav1.DeleteOptions, sent as the request body). */
export interface DeleteOptions extends CallOptions {
  /** Seconds before the object is deleted (0: immediately; unset: the kind's default). */
  gracePeriodSeconds?: number;
  /** Delete only if the object still has this UID and/or resource version. */
  preconditions?: { uid?: string; resourceVersion?: string };
  /** Whether and how dependents are garbage-collected. */
  propagationPolicy?: PropagationPolicy;
  /** Deprecated: use `propagationPolicy: "Orphan"`. */
  orphanDependents?: boolean;
  /** Validate and process the request without persisting it (`["All"]`). */
  dryRun?: DryRun[];
  /** Delete even if the object cannot be decoded (dangerous; needs a special permission). */
  ignoreStoreReadErrorWithClusterBreakingPotential?: boolean;
}

/** Options of `getLogs` and `streamLogs` (core/v1 PodLogOptions). */
export interface PodLogOptions extends CallOptions {
  /** The container to read (required when the pod has more than one). */
  container?: string;
  /** Keep the stream open and follow new output. */
  follow?: boolean;
  /** The previous terminated instance of the container. */
  previous?: boolean;
  /** Only the output of the last seconds. */
  sinceSeconds?: number;
  /** Only the output after this RFC 3339 time. */
  sinceTime?: string;
  /** Prefix each line with an RFC 3339 timestamp. */
  timestamps?: boolean;
  /** Only this many lines from the end. */
  tailLines?: number;
  /** Stop after this many bytes. */
  limitBytes?: number;
  /** Do not verify the kubelet's certificate. */
  insecureSkipTLSVerifyBackend?: boolean;
  /** "All", "Stdout" or "Stderr" (servers >= 1.32 with PodLogsQuerySplitStreams). */
  stream?: "All" | "Stdout" | "Stderr";
}
