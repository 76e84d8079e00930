/**
 * The meta/v1 types shared by every group (object metadata, lists, status, times and quantities).
 * They live in `@kubeweb/client/meta/v1`; this module re-exports them so that imports of
 * `@kubeweb/client/clientset/meta/v1` keep working.
 *
 * @module
 */
export * from "../../../meta/v1/mod.ts";
