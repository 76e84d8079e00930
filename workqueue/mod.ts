/**
 * Work queues for controllers, to client-go's `util/workqueue` contracts: a queue that collapses
 * duplicates and never hands one item to two workers, a delaying queue with one timer for all delayed
 * items, a rate-limiting queue, and composable rate limiters. Every queue takes a clock and a metrics
 * provider in its options.
 *
 * @example A rate-limited worker
 * ```ts
 * import { defaultControllerRateLimiter, newRateLimitingQueue } from "@kubeweb/client/workqueue";
 *
 * const queue = newRateLimitingQueue<string>(defaultControllerRateLimiter(), { name: "pods" });
 * queue.add("default/web");
 * for (;;) {
 *   const { item, shutdown } = await queue.get();
 *   if (shutdown) break;
 *   try {
 *     console.log("reconcile", item);
 *     queue.forget(item);
 *   } catch {
 *     queue.addRateLimited(item);
 *   } finally {
 *     queue.done(item);
 *   }
 *   if (queue.len() === 0) queue.shutDown();
 * }
 * ```
 *
 * @module
 */
export * from "./queue.ts";
export * from "./delaying_queue.ts";
export * from "./rate_limiting_queue.ts";
export * from "./rate_limiter.ts";
export * from "./item_exponential_failure_rate_limiter.ts";
export * from "./item_fast_slow_rate_limiter.ts";
export * from "./bucket_rate_limiter.ts";
export * from "./max_of_rate_limiter.ts";
export * from "./default_controller_rate_limiter.ts";
export * from "./metrics.ts";
