/**
 * Test helper that moved to `rest/_fake_transport.ts` (tests of several modules use it). Kept so
 * that existing imports of this file keep working.
 *
 * @module
 */
export * from "../rest/_fake_transport.ts";
