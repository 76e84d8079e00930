/**
 * The bodies of the four patch types, typed after the object they patch: a JSON patch is a list of
 * operations, a merge or strategic merge patch a partial object (`null` deletes a field), an apply
 * patch an apply configuration (the fields its manager owns).
 *
 * @module
 */

/** The patch formats: JSON patch, JSON merge patch, strategic merge patch, server-side apply. */
export type PatchType = "json" | "merge" | "strategic" | "apply";

/** One operation of a JSON patch (RFC 6902); `path` and `from` are JSON pointers ("/spec/replicas"). */
export type JsonPatchOperation =
  | {
    /** Adds, replaces or tests the value at `path`. */
    op: "add" | "replace" | "test";
    /** Where (a JSON pointer). */
    path: string;
    /** The value. */
    value: unknown;
  }
  | {
    /** Removes the value at `path`. */
    op: "remove";
    /** Where (a JSON pointer). */
    path: string;
  }
  | {
    /** Moves or copies the value at `from` to `path`. */
    op: "move" | "copy";
    /** From where (a JSON pointer). */
    from: string;
    /** To where (a JSON pointer). */
    path: string;
  };

/** A JSON merge patch (RFC 7386) of `T`: any subset of its fields, at any depth; `null` deletes a field. */
export type MergePatch<T> = T extends readonly unknown[] ? T
  : T extends object ? { [K in keyof T]?: MergePatch<T[K]> | null }
  : T;

/**
 * A strategic merge patch of `T`: like a merge patch, but lists with a merge key (containers by
 * name, ...) merge by key; `$patch`, `$retainKeys` and `$setElementOrder/<field>` directives are
 * allowed.
 */
export type StrategicMergePatch<T> = T extends readonly (infer E)[]
  ? (StrategicMergePatch<E> | { $patch?: string })[]
  : T extends object
    ? { [K in keyof T]?: StrategicMergePatch<T[K]> | null } & { [directive: `$${string}`]: unknown }
  : T;

/**
 * Every field optional, at any depth: the shape of a server-side apply configuration (client-go's
 * generated `ApplyConfiguration` types), which names only the fields its manager owns.
 */
export type ApplyConfiguration<T> = T extends readonly (infer E)[] ? ApplyConfiguration<E>[]
  : T extends object ? { [K in keyof T]?: ApplyConfiguration<T[K]> }
  : T;

/**
 * The body of a patch of type `P` of an object `T`: JSON patch operations, a merge patch, a strategic
 * merge patch or an apply configuration.
 */
export type PatchBody<T, P extends PatchType> = P extends "json" ? JsonPatchOperation[]
  : P extends "merge" ? MergePatch<T>
  : P extends "strategic" ? StrategicMergePatch<T>
  : ApplyConfiguration<T>;

/** A patch body already encoded: JSON text or bytes, sent as they are. */
export type RawPatch = string | Uint8Array;
