/**
 * The conformance harness: runs a scenario against a target (the real API server or the fake),
 * recording every answer (status code, content type, Warning header, body; watch events), then
 * normalises them with the one list in `_normalise.ts` for comparison.
 *
 * @module
 */
import { Normaliser } from "./_normalise.ts";
import type { Transport } from "../../rest/runtime/runtime.ts";

/** One recorded answer. */
export interface Observation {
  label: string;
  value: unknown;
}

/** Where scenarios run. */
export interface Target {
  name: "real" | "fake";
  host: string;
  transport: Transport;
  /** Compacts the store's history at the current revision (etcd compaction; the fake's `compact()`). */
  compact(): Promise<void>;
}

/** Options of a request. */
export interface ReqOptions {
  /** Content type of the body (default application/json). */
  contentType?: string;
  /** Record under this label (default "METHOD path"). */
  label?: string;
  /** Do not record (setup steps). */
  quiet?: boolean;
  /** Send the body as text (YAML apply). */
  raw?: boolean;
}

/** A watch opened by a scenario. */
export interface WatchHandle {
  /** Collects events until `count` arrived (or the stream ended, or `timeoutMs` passed), records and returns them. */
  take(count: number, timeoutMs?: number): Promise<unknown[]>;
  /**
   * Like `take`, with the events ordered by namespace and name: the watch cache sends the initial
   * state of a watch in no fixed order.
   */
  takeSorted(count: number, timeoutMs?: number): Promise<unknown[]>;
  /** Reads until the stream ends (server timeout), records and returns all events. */
  untilEnd(timeoutMs?: number): Promise<unknown[]>;
}

// deno-lint-ignore no-explicit-any
type Obj = any;

/** The context of one scenario run. */
export class Ctx {
  readonly observations: Observation[] = [];
  readonly normaliser: Normaliser = new Normaliser();
  readonly #t: Target;
  /** Namespace of the scenario (same name on both targets). */
  readonly ns: string;
  /** Unique suffix of cluster-scoped names (same on both targets). */
  readonly run: string;

  constructor(target: Target, ns: string, run: string) {
    this.#t = target;
    this.ns = ns;
    this.run = run;
  }

  /** Which target (scenarios must not branch on it; only the harness does). */
  get target(): string {
    return this.#t.name;
  }

  #path(p: string): string {
    return p.replaceAll("{ns}", this.ns).replaceAll("{run}", this.run);
  }

  #fill(v: unknown): unknown {
    return JSON.parse(JSON.stringify(v ?? null).replaceAll("{ns}", this.ns).replaceAll("{run}", this.run));
  }

  /** A label with the resourceVersions and generated names in it normalised. */
  #label(label: string): string {
    const withRv = label.replace(
      /resourceVersion=(\d+)/g,
      (_m, rv) => (rv === "0" || rv === "1" ? _m : "resourceVersion=<rv>"),
    );
    return String(
      this.normaliser.normalise(
        withRv.replace(
          /\/([a-z0-9-]+-)([a-z0-9]{5})(\b|$)/g,
          (m, p, _s) => this.normaliser.generatePrefixes.has(p) ? `/"${m.slice(1)}"` : m,
        ),
      ),
    );
  }

  /** Compacts the history of the target's store (older continue tokens and exact lists expire). */
  async compact(): Promise<void> {
    await this.#t.compact();
  }

  /** Records a value the scenario computed. */
  note(label: string, value: unknown): void {
    this.observations.push({ label, value: this.normaliser.normalise(value) });
  }

  /** Sends a request and records the answer; returns the parsed body. */
  async req(method: string, path: string, body?: unknown, options: ReqOptions = {}): Promise<Obj> {
    const url = `${this.#t.host}${this.#path(path)}`;
    const headers: Record<string, string> = { "user-agent": "conformance/1.0", accept: "application/json" };
    let payload: string | undefined;
    if (body !== undefined) {
      headers["content-type"] = options.contentType ?? "application/json";
      payload = options.raw ? this.#path(String(body)) : JSON.stringify(this.#fill(body));
      const gn = (this.#fill(body) as Obj)?.metadata?.generateName;
      if (typeof gn === "string") this.normaliser.generatePrefixes.add(gn);
    }
    const res = await this.#t.transport.fetch(url, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch { /* not JSON */ }
    if (!options.quiet) {
      const value: Record<string, unknown> = {
        code: res.status,
        contentType: res.headers.get("content-type"),
        body: parsed,
      };
      const warning = res.headers.get("warning");
      if (warning) value.warning = warning;
      this.observations.push({
        label: this.#label(options.label ?? `${method} ${path}`),
        value: this.normaliser.normalise(value),
      });
    }
    return parsed;
  }

  /** Opens a watch (path with query); events are read when asked. */
  async watch(path: string, label?: string): Promise<WatchHandle> {
    const url = `${this.#t.host}${this.#path(path)}`;
    const ac = new AbortController();
    const res = await this.#t.transport.fetch(url, {
      method: "GET",
      headers: { "user-agent": "conformance/1.0", accept: "application/json" },
      signal: ac.signal,
    });
    const events: unknown[] = [];
    let ended = false;
    let wake: (() => void) | undefined;
    const reading = (async () => {
      if (res.status !== 200) {
        events.push({ httpCode: res.status, body: JSON.parse(await res.text()) });
        return;
      }
      let buf = "";
      try {
        for await (const chunk of res.body!.pipeThrough(new TextDecoderStream())) {
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf("\n")) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (line) events.push(JSON.parse(line));
            wake?.();
          }
        }
      } catch { /* aborted */ }
    })().finally(() => {
      ended = true;
      wake?.();
    });
    const record = (evs: unknown[]) => {
      this.observations.push({
        label: this.#label(label ?? `WATCH ${path}`),
        value: this.normaliser.normalise(evs),
      });
      return evs;
    };
    const waitUntil = async (done: () => boolean, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!done() && !ended && Date.now() < deadline) {
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
    };
    return {
      take: async (count, timeoutMs = 5000) => {
        await waitUntil(() => events.length >= count, timeoutMs);
        ac.abort();
        await reading;
        return record(events.slice(0, count));
      },
      takeSorted: async (count, timeoutMs = 5000) => {
        await waitUntil(() => events.length >= count, timeoutMs);
        ac.abort();
        await reading;
        const key = (e: Obj) => `${e?.object?.metadata?.namespace}/${e?.object?.metadata?.name}`;
        return record(events.slice(0, count).sort((a, b) => key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      },
      untilEnd: async (timeoutMs = 15000) => {
        await waitUntil(() => false, timeoutMs);
        ac.abort();
        await reading;
        return record([...events]);
      },
    };
  }
}

/** A scenario: written once, run on both targets. */
export interface Scenario {
  name: string;
  run(t: Ctx): Promise<void>;
}
