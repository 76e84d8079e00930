/**
 * Watch streams of the fake: initial events (no resourceVersion, "0" or sendInitialEvents), replay of
 * the history after a resourceVersion (ERROR 410 Expired when it is older than the history, as the
 * watch cache answers), selector transitions (an object leaving the selection is DELETED, one
 * entering it ADDED), bookmarks when asked and the server-side timeout.
 *
 * @module
 */
import type { Clock, Timer } from "../_internal/clock.ts";
import type { Obj, Store, StoreEvent } from "./_store.ts";
import { StatusError } from "./_status.ts";

/** What a watch selects and how it streams. */
export interface WatchSpec {
  key: string;
  namespace?: string;
  matches: (obj: Obj) => boolean;
  /** Decorates an object as served (apiVersion, kind). */
  serve: (obj: Obj) => Obj;
  /** "", "0" or a number. */
  resourceVersion: string;
  sendInitialEvents: boolean;
  allowBookmarks: boolean;
  timeoutMs?: number;
  /** Interval of periodic bookmarks (the watch cache: one a minute; and 2 s before the timeout). */
  bookmarkIntervalMs: number;
  /** The store's bookmark trigger: dropping the watch from fault injection. */
  signal?: AbortSignal;
  /** The kind of bookmark objects. */
  kind: string;
  apiVersion: string;
}

const enc = new TextEncoder();

/** Opens a watch: a streaming response of newline-delimited JSON events. */
export function openWatch(store: Store, clock: Clock, spec: WatchSpec, onClose: () => void): Response {
  let unsubscribe: (() => void) | undefined;
  const timers: Timer[] = [];
  let closed = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    for (const t of timers) t.cancel();
    try {
      controller.close();
    } catch { /* already closed */ }
    onClose();
  };
  const send = (type: string, object: Obj) => {
    if (closed) return;
    try {
      controller.enqueue(enc.encode(JSON.stringify({ type, object }) + "\n"));
    } catch {
      close();
    }
  };
  let lastRv = store.lastRv(spec.key);
  const bookmark = (annotations?: Record<string, string>) => {
    const metadata: Obj = { resourceVersion: String(lastRv) };
    if (annotations) metadata.annotations = annotations;
    send("BOOKMARK", { kind: spec.kind, apiVersion: spec.apiVersion, metadata });
  };
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      close();
    },
  });
  queueMicrotask(() => {
    if (closed) return;
    const inNs = (o: Obj) => spec.namespace === undefined || o.metadata?.namespace === spec.namespace;
    const listener = (e: StoreEvent) => {
      lastRv = e.rv;
      const now = inNs(e.object) && spec.matches(e.object);
      if (e.type === "MODIFIED") {
        const before = e.previous !== undefined && inNs(e.previous) && spec.matches(e.previous);
        if (now && before) send("MODIFIED", spec.serve(e.object));
        else if (now) send("ADDED", spec.serve(e.object));
        else if (before) {
          // leaving the selection: the previous state, at the change's resourceVersion
          const last = structuredClone(e.previous);
          last.metadata.resourceVersion = String(e.rv);
          send("DELETED", spec.serve(last));
        }
      } else if (now) send(e.type, spec.serve(e.object));
    };
    const rv = spec.resourceVersion;
    let from: number;
    if (rv === "" || rv === "0" || spec.sendInitialEvents) {
      for (const o of store.list(spec.key, spec.namespace)) if (spec.matches(o)) send("ADDED", spec.serve(o));
      from = store.rv;
      lastRv = spec.sendInitialEvents ? from : store.lastRv(spec.key);
      // the end of the initial events is a bookmark, sent only to watches that accept bookmarks
      if (spec.sendInitialEvents && spec.allowBookmarks) bookmark({ "k8s.io/initial-events-end": "true" });
    } else {
      from = Number(rv);
    }
    try {
      unsubscribe = store.subscribe(spec.key, from, listener);
    } catch (e) {
      if (e instanceof StatusError) {
        send("ERROR", e.status);
        close();
        return;
      }
      throw e;
    }
    if (spec.timeoutMs !== undefined) timers.push(clock.setTimer(close, spec.timeoutMs));
    if (spec.allowBookmarks) {
      const schedule = (elapsed: number) => {
        const next = spec.bookmarkIntervalMs;
        if (spec.timeoutMs !== undefined && elapsed + next >= spec.timeoutMs) return;
        timers.push(clock.setTimer(() => {
          bookmark();
          schedule(elapsed + next);
        }, next));
      };
      schedule(0);
    }
  });
  spec.signal?.addEventListener("abort", close, { once: true });
  return new Response(body, {
    status: 200,
    headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
  });
}
