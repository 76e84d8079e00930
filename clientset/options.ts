/**
 * The options of resource client calls, which moved to `meta/options.ts` (below the clientset and
 * discovery, which both use them). Kept so that existing imports of this file keep working.
 *
 * @module
 */
export type * from "../meta/options.ts";
