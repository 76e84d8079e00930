/**
 * JSON patch (RFC 6902) and JSON merge patch (RFC 7386), as the API server applies them (a JSON
 * patch that does not apply is answered 422 Invalid, without saying why, as the server does).
 *
 * @module
 */
import { badRequest, StatusError, statusError } from "./_status.ts";
import type { Obj } from "./_store.ts";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** RFC 7386: merges `patch` into `target` (null deletes). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function unescape(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

function parsePointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw new Error(`invalid JSON pointer "${path}"`);
  return path.slice(1).split("/").map(unescape);
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

/** The value with object keys sorted, for comparisons. */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

class PatchFailure extends Error {}

function parentOf(doc: Obj, tokens: string[], op: string, path: string): [Obj, string] {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) {
      const i = Number(t);
      if (!Number.isInteger(i) || i < 0 || i >= cur.length) {
        throw new PatchFailure(
          `${op} operation does not apply: doc is missing path: "${path}": missing value`,
        );
      }
      cur = cur[i];
    } else if (isObject(cur) && Object.hasOwn(cur, t)) cur = cur[t];
    else {throw new PatchFailure(
        `${op} operation does not apply: doc is missing path: "${path}": missing value`,
      );}
  }
  return [cur, tokens[tokens.length - 1]];
}

function getAt(doc: Obj, path: string, op: string): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return doc;
  const [parent, last] = parentOf(doc, tokens, op, path);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) {
      throw new PatchFailure(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
    }
    return parent[i];
  }
  if (!isObject(parent) || !Object.hasOwn(parent, last)) {
    throw new PatchFailure(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  }
  return parent[last];
}

function removeAt(doc: Obj, path: string, op: string): unknown {
  const tokens = parsePointer(path);
  const [parent, last] = parentOf(doc, tokens, op, path);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) {
      throw new PatchFailure(`Unable to remove nonexistent key: ${last}: missing value`);
    }
    return parent.splice(i, 1)[0];
  }
  if (!isObject(parent) || !Object.hasOwn(parent, last)) {
    throw new PatchFailure(`Unable to remove nonexistent key: ${last}: missing value`);
  }
  const v = parent[last];
  delete parent[last];
  return v;
}

function addAt(doc: Obj, path: string, value: unknown, op: string, replace: boolean): Obj {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return structuredClone(value);
  const [parent, last] = parentOf(doc, tokens, op, path);
  if (Array.isArray(parent)) {
    const i = last === "-" ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length || (replace && i >= parent.length)) {
      throw new PatchFailure(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
    }
    if (replace) parent[i] = structuredClone(value);
    else parent.splice(i, 0, structuredClone(value));
  } else if (isObject(parent)) {
    if (replace && !Object.hasOwn(parent, last)) {
      throw new PatchFailure(`replace operation does not apply: doc is missing key: ${path}: missing value`);
    }
    parent[last] = structuredClone(value);
  } else {
    throw new PatchFailure(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  }
  return doc;
}

/** RFC 6902: applies the operations to a copy of `doc`. Failures are StatusErrors as the server answers. */
export function jsonPatch(doc: Obj, ops: unknown): Obj {
  if (!Array.isArray(ops)) {
    throw badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  }
  let out = structuredClone(doc);
  try {
    for (const raw of ops) {
      if (!isObject(raw)) throw new PatchFailure("invalid JSON patch operation");
      const op = String(raw.op ?? "");
      const path = String(raw.path ?? "");
      switch (op) {
        case "add":
          out = addAt(out, path, raw.value, op, false);
          break;
        case "replace":
          out = addAt(out, path, raw.value, op, true);
          break;
        case "remove":
          removeAt(out, path, op);
          break;
        case "move": {
          const v = removeAt(out, String(raw.from), op);
          out = addAt(out, path, v, op, false);
          break;
        }
        case "copy":
          out = addAt(out, path, getAt(out, String(raw.from), op), op, false);
          break;
        case "test": {
          const v = getAt(out, path, op);
          if (!deepEqual(v, raw.value)) throw new PatchFailure(`testing value ${path} failed: test failed`);
          break;
        }
        default:
          throw new PatchFailure(`Unexpected kind: ${op}`);
      }
    }
  } catch (e) {
    // the server answers every failed JSON patch the same way, without the reason
    if (e instanceof StatusError) throw e;
    throw statusError(422, "Invalid", "the server rejected our request due to an error in our request", {});
  }
  return out;
}
