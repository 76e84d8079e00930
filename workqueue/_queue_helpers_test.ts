/**
 * Test helpers of the work queue unit tests: a promise's outcome within one turn of the event loop,
 * and the next item of a queue that has not shut down.
 *
 * @module
 */
import assert from "node:assert/strict";
import { flushTasks } from "../_internal/clock.ts";
import type { GetResult } from "./mod.ts";

/** The promise's outcome so far: "pending" unless it settled within one turn of the event loop. */
export async function peek<T>(p: Promise<T>): Promise<T | "pending"> {
  let out: T | "pending" = "pending";
  p.then((v) => (out = v));
  await flushTasks();
  return out;
}

/** The next item of `q`, asserting the queue has not shut down. */
export async function getItem<T>(q: { get(): Promise<GetResult<T>> }): Promise<T> {
  const r = await q.get();
  assert.equal(r.shutdown, false);
  return r.item as T;
}
