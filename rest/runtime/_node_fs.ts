/**
 * Folder listing through `node:fs/promises`, shared by the Node and Bun runtimes.
 *
 * @module
 */
import type * as NodeFs from "node:fs/promises";
import type { DirEntry } from "./runtime.ts";
import { nodeBuiltin } from "./_node_https.ts";
import { folderError } from "./_errors.ts";

/** Lists a folder with `node:fs/promises` (Node and Bun). */
export async function nodeReadDir(path: string): Promise<DirEntry[]> {
  const fs = nodeBuiltin<typeof NodeFs>("node:fs/promises")!;
  try {
    const entries = await fs.readdir(path, { withFileTypes: true });
    return entries.map((e) => ({ name: String(e.name), isDirectory: e.isDirectory(), isFile: e.isFile() }));
  } catch (e) {
    throw folderError(path, e);
  }
}
