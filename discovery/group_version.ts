/**
 * The group / version / resource / kind identifiers, which moved to `meta/group_version.ts` (below
 * discovery, dynamic and cache, which all use them). Kept so that existing imports keep working.
 *
 * @module
 */
export * from "../meta/group_version.ts";
