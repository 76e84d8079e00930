/**
 * Lists and watches the pods bound to one node (`fieldSelector=spec.nodeName=NODE`), resuming from the last
 * resource version and listing again after `410 Gone` or any failure, with a capped back-off.
 *
 * @module
 */
import { ApiError } from "./api_client.ts";
import type { ApiClient } from "./api_client.ts";
import type { Pod, PodList, Status } from "./types.ts";

/** What the watcher reports: the current version of a pod, or that it is gone. */
export interface PodHandler {
  upsert(pod: Pod): void;
  remove(uid: string): void;
}

/** A list+watch loop for one node's pods. */
export class PodWatcher {
  #api: ApiClient;
  #node: string;
  #handler: PodHandler;
  #log: (msg: string) => void;
  #abort = new AbortController();
  #known = new Set<string>();
  #loop?: Promise<void>;

  constructor(options: { api: ApiClient; node: string; handler: PodHandler; log: (msg: string) => void }) {
    this.#api = options.api;
    this.#node = options.node;
    this.#handler = options.handler;
    this.#log = options.log;
  }

  /** Lists once (so the caller knows the node's pods) and keeps watching in the background. */
  async start(): Promise<void> {
    const rv = await this.#list();
    this.#loop = this.#watchLoop(rv);
  }

  async #list(): Promise<string> {
    const sel = encodeURIComponent(`spec.nodeName=${this.#node}`);
    const list = await this.#api.request<PodList>("GET", `/api/v1/pods?fieldSelector=${sel}`, undefined, {
      signal: this.#abort.signal,
    });
    const seen = new Set<string>();
    for (const pod of list.items) {
      seen.add(pod.metadata.uid!);
      this.#handler.upsert(pod);
    }
    for (const uid of this.#known) if (!seen.has(uid)) this.#handler.remove(uid);
    this.#known = seen;
    return list.metadata.resourceVersion;
  }

  async #watchLoop(rv: string): Promise<void> {
    const signal = this.#abort.signal;
    const sel = encodeURIComponent(`spec.nodeName=${this.#node}`);
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (!rv) rv = await this.#list();
        const seconds = 240 + Math.floor(Math.random() * 60);
        const path = `/api/v1/pods?fieldSelector=${sel}&watch=1&allowWatchBookmarks=true` +
          `&resourceVersion=${rv}&timeoutSeconds=${seconds}`;
        for await (const ev of this.#api.watch<Pod | Status>(path, signal, (seconds + 30) * 1000)) {
          failures = 0;
          if (ev.type === "ERROR") {
            const st = ev.object as Status;
            if (st.code === 410) rv = "";
            else throw new ApiError(`watch error: ${st.message}`, st.code ?? 500, st.reason ?? "");
            break;
          }
          const pod = ev.object as Pod;
          rv = pod.metadata.resourceVersion ?? rv;
          if (ev.type === "BOOKMARK") continue;
          if (ev.type === "DELETED") {
            this.#known.delete(pod.metadata.uid!);
            this.#handler.remove(pod.metadata.uid!);
          } else {
            this.#known.add(pod.metadata.uid!);
            this.#handler.upsert(pod);
          }
        }
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof ApiError && e.status === 410) rv = "";
        failures++;
        const delay = Math.min(200 * 2 ** failures, 2000);
        if (failures > 1) {
          this.#log(`node ${this.#node}: pod watch failed (retry in ${delay} ms): ${(e as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, delay));
        if (failures > 3) rv = "";
      }
    }
  }

  /** Ends the watch. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop?.catch(() => {});
  }
}
