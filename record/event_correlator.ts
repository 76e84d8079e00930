/**
 * The event correlator (client-go's `EventCorrelator`): before an event is written it is aggregated
 * with similar events, deduplicated against identical ones (which become count patches), and run
 * through a per-source, per-object spam filter.
 *
 * @module
 */
import { type Clock, REAL_CLOCK } from "../_internal/clock.ts";
import { LruCache } from "./_lru.ts";
import { formatTime, NanoStamps } from "./_time.ts";
import { TokenBucket } from "../_internal/token_bucket.ts";
import type { Event } from "./event.ts";

/** Entries in each of the correlator's LRU caches (client-go's `maxLruCacheEntries`). */
export const DEFAULT_LRU_CACHE_SIZE = 4096;
/** Similar events (same aggregate key, distinct messages) before they are combined. */
export const DEFAULT_AGGREGATE_MAX_EVENTS = 10;
/** Seconds of silence after which an aggregate key starts counting afresh. */
export const DEFAULT_AGGREGATE_INTERVAL_SECONDS = 600;
/** Events a source may send about one object in a burst. */
export const DEFAULT_SPAM_BURST = 25;
/** Tokens per second refilling the spam filter: one event every 5 minutes. */
export const DEFAULT_SPAM_QPS: number = 1 / 300;

/** Options of an {@linkcode EventCorrelator} (client-go's `CorrelatorOptions`); zero means default. */
export interface EventCorrelatorOptions {
  /** Size of each LRU cache (default 4096). */
  lruCacheSize?: number;
  /** Spam filter burst (default 25). */
  burstSize?: number;
  /** Spam filter refill per second (default 1/300). */
  qps?: number;
  /** Distinct messages per aggregate key before combining (default 10). */
  maxEvents?: number;
  /** Window of the aggregate count in seconds (default 600). */
  maxIntervalInSeconds?: number;
  /** Returns the aggregate key and the local key (default {@linkcode eventAggregatorByReasonFunc}). */
  keyFunc?: (event: Event) => [aggregateKey: string, localKey: string];
  /** Message of a combined event (default {@linkcode eventAggregatorByReasonMessageFunc}). */
  messageFunc?: (event: Event) => string;
  /** Key of the spam filter (default {@linkcode getSpamKey}: source, involved object and type). */
  spamKeyFunc?: (event: Event) => string;
  /** Clock for timestamps and the spam filter (default: the real clock). */
  clock?: Clock;
}

/** What {@linkcode EventCorrelator.eventCorrelate} decided. */
export interface EventCorrelateResult {
  /** The event to write (possibly the combined one, with its count); undefined when skipped. */
  event?: Event;
  /** For a repeat of an event already written: the JSON merge patch of count, lastTimestamp, message. */
  patch?: string;
  /** True when the spam filter drops the event. */
  skip: boolean;
}

function join(parts: (string | undefined)[]): string {
  return parts.map((p) => p ?? "").join("");
}

/** The key of identical events: source, involved object, type, reason and message. */
export function getEventKey(event: Event): string {
  const o = event.involvedObject ?? {};
  return join([
    event.source?.component,
    event.source?.host,
    o.kind,
    o.namespace,
    o.name,
    o.fieldPath,
    o.uid,
    o.apiVersion,
    event.type,
    event.reason,
    event.message,
  ]);
}

/** The spam filter's key: source, involved object and type. */
export function getSpamKey(event: Event): string {
  const o = event.involvedObject ?? {};
  return join([
    event.source?.component,
    event.source?.host,
    o.kind,
    o.namespace,
    o.name,
    o.uid,
    o.apiVersion,
    event.type,
  ]);
}

/**
 * The default aggregation: events with the same source, involved object, type, reason and reporting
 * component/instance are similar; the message tells them apart.
 */
export function eventAggregatorByReasonFunc(event: Event): [string, string] {
  const o = event.involvedObject ?? {};
  return [
    join([
      event.source?.component,
      event.source?.host,
      o.kind,
      o.namespace,
      o.name,
      o.uid,
      o.apiVersion,
      event.type,
      event.reason,
      event.reportingComponent,
      event.reportingInstance,
    ]),
    event.message ?? "",
  ];
}

/** The default message of a combined event: "(combined from similar events): " + message. */
export function eventAggregatorByReasonMessageFunc(event: Event): string {
  return "(combined from similar events): " + (event.message ?? "");
}

interface AggregateRecord {
  localKeys: Set<string>;
  lastTimestamp: number;
}

interface EventLog {
  count: number;
  firstTimestamp: string | undefined;
  name: string | undefined;
  resourceVersion: string | undefined;
}

/**
 * Aggregates, deduplicates and spam-filters events, with client-go's defaults: LRU caches of 4096
 * entries; the 10th distinct message with one aggregate key within 600 s turns into a combined event
 * "(combined from similar events): ..."; a repeat of an event already written becomes a patch of its
 * count; each source may send 25 events about one object at once, then one every 5 minutes.
 *
 * @example
 * ```ts
 * import { EventCorrelator } from "@kubeweb/client/record";
 *
 * const correlator = new EventCorrelator();
 * const event = {
 *   metadata: { name: "web.1", namespace: "default" },
 *   involvedObject: { kind: "Pod", namespace: "default", name: "web" },
 *   type: "Normal", reason: "Pulled", message: "pulled image", count: 1,
 * };
 * const first = correlator.eventCorrelate(event);
 * correlator.updateState(first.event!);
 * const again = correlator.eventCorrelate(event);
 * console.log(again.event?.count, again.patch); // 2, {"count":2,...}
 * ```
 */
export class EventCorrelator {
  #clock: Clock;
  #stamps = new NanoStamps();
  #maxEvents: number;
  #maxIntervalMs: number;
  #keyFunc: (event: Event) => [string, string];
  #messageFunc: (event: Event) => string;
  #spamKeyFunc: (event: Event) => string;
  #burst: number;
  #qps: number;
  #aggregates: LruCache<string, AggregateRecord>;
  #logs: LruCache<string, EventLog>;
  #spam: LruCache<string, TokenBucket>;

  /** Creates a correlator; unset or zero options take client-go's defaults. */
  constructor(options: EventCorrelatorOptions = {}) {
    this.#clock = options.clock ?? REAL_CLOCK;
    const size = options.lruCacheSize || DEFAULT_LRU_CACHE_SIZE;
    this.#maxEvents = options.maxEvents || DEFAULT_AGGREGATE_MAX_EVENTS;
    this.#maxIntervalMs = (options.maxIntervalInSeconds || DEFAULT_AGGREGATE_INTERVAL_SECONDS) * 1000;
    this.#keyFunc = options.keyFunc ?? eventAggregatorByReasonFunc;
    this.#messageFunc = options.messageFunc ?? eventAggregatorByReasonMessageFunc;
    this.#spamKeyFunc = options.spamKeyFunc ?? getSpamKey;
    this.#burst = options.burstSize || DEFAULT_SPAM_BURST;
    this.#qps = options.qps || DEFAULT_SPAM_QPS;
    this.#aggregates = new LruCache(size);
    this.#logs = new LruCache(size);
    this.#spam = new LruCache(size);
  }

  /**
   * Decides what to write for `event`: itself, a combined event, or a count patch of an earlier one;
   * or nothing when the spam filter drops it. Does not modify `event`.
   */
  eventCorrelate(event: Event): EventCorrelateResult {
    const [aggregated, key] = this.#aggregate(event);
    const [observed, patch] = this.#observe(aggregated, key);
    if (this.#filter(observed)) return { skip: true };
    return patch === undefined ? { event: observed, skip: false } : { event: observed, patch, skip: false };
  }

  /** Remembers what the server returned for a written event (its name, resourceVersion and count). */
  updateState(event: Event): void {
    this.#logs.add(getEventKey(event), {
      count: event.count ?? 0,
      firstTimestamp: event.firstTimestamp,
      name: event.metadata?.name,
      resourceVersion: event.metadata?.resourceVersion,
    });
  }

  #aggregate(event: Event): [Event, string] {
    const nowMs = this.#clock.now();
    const eventKey = getEventKey(event);
    const [aggregateKey, localKey] = this.#keyFunc(event);
    let record = this.#aggregates.get(aggregateKey);
    if (!record || nowMs - record.lastTimestamp > this.#maxIntervalMs) {
      record = { localKeys: new Set(), lastTimestamp: nowMs };
    }
    record.localKeys.add(localKey);
    record.lastTimestamp = nowMs;
    this.#aggregates.add(aggregateKey, record);
    if (record.localKeys.size < this.#maxEvents) return [event, eventKey];

    // Do not let the set of messages grow past the limit.
    const any = record.localKeys.values().next().value!;
    record.localKeys.delete(any);
    const now = formatTime(nowMs);
    const name = event.involvedObject?.name ?? "";
    const combined: Event = {
      apiVersion: event.apiVersion,
      kind: event.kind,
      metadata: {
        name: `${name}.${this.#stamps.next(nowMs).toString(16)}`,
        namespace: event.metadata?.namespace,
      },
      count: 1,
      firstTimestamp: now,
      involvedObject: event.involvedObject,
      lastTimestamp: now,
      message: this.#messageFunc(event),
      type: event.type,
      reason: event.reason,
      source: event.source,
    };
    if (combined.apiVersion === undefined) delete combined.apiVersion;
    if (combined.kind === undefined) delete combined.kind;
    return [combined, aggregateKey];
  }

  #observe(event: Event, key: string): [Event, string | undefined] {
    const observed: Event = { ...event, metadata: { ...event.metadata } };
    const last = this.#logs.get(key);
    let patch: string | undefined;
    if (last && last.count > 0) {
      observed.metadata!.name = last.name;
      observed.metadata!.resourceVersion = last.resourceVersion;
      observed.firstTimestamp = last.firstTimestamp;
      observed.count = last.count + 1;
      patch = JSON.stringify({
        count: observed.count,
        lastTimestamp: observed.lastTimestamp,
        message: observed.message,
      });
    }
    this.#logs.add(key, {
      count: observed.count ?? 0,
      firstTimestamp: observed.firstTimestamp,
      name: observed.metadata!.name,
      resourceVersion: observed.metadata!.resourceVersion,
    });
    return [observed, patch];
  }

  #filter(event: Event): boolean {
    const key = this.#spamKeyFunc(event);
    const nowMs = this.#clock.now();
    let bucket = this.#spam.get(key);
    if (!bucket) bucket = new TokenBucket(this.#qps, this.#burst, nowMs);
    const accepted = bucket.tryTake(nowMs);
    this.#spam.add(key, bucket);
    return !accepted;
  }
}
