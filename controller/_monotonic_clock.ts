/**
 * The monotonic clock of the controller runtime and its leader elector (kept in `_internal/clock.ts`
 * beside the wall clock, whose timers it shares).
 *
 * @module
 */
export { MONOTONIC_CLOCK } from "../_internal/clock.ts";
