/**
 * File writing for the Node and Bun runtimes through `node:fs/promises` (reached with
 * `process.getBuiltinModule`, never a static import).
 *
 * @module
 */
import type * as NodeFs from "node:fs/promises";
import type { Runtime } from "./runtime.ts";
import { nodeBuiltin } from "./_node_https.ts";
import { fileError } from "./_errors.ts";

function fs(): typeof NodeFs {
  const mod = nodeBuiltin<typeof NodeFs>("node:fs/promises");
  if (!mod) throw new Error("node:fs/promises is not available");
  return mod;
}

interface NodeProcessCwd {
  cwd?: () => string;
}

/** `writeTextFile`, `rename`, `removeFile`, `makeDir` and `cwd` on `node:fs/promises` and `process`. */
export const nodeFileWriting: Pick<Runtime, "writeTextFile" | "rename" | "removeFile" | "makeDir" | "cwd"> = {
  async writeTextFile(path, text, options = {}): Promise<void> {
    try {
      await fs().writeFile(path, text, {
        encoding: "utf8",
        mode: options.mode ?? 0o600,
        flag: options.createNew ? "wx" : "w",
      });
    } catch (e) {
      throw fileError(path, e, "write");
    }
  },
  async rename(from: string, to: string): Promise<void> {
    try {
      await fs().rename(from, to);
    } catch (e) {
      throw fileError(to, e, "replace");
    }
  },
  async removeFile(path: string): Promise<void> {
    try {
      await fs().unlink(path);
    } catch (e) {
      throw fileError(path, e, "remove");
    }
  },
  async makeDir(path: string): Promise<void> {
    try {
      await fs().mkdir(path, { recursive: true, mode: 0o755 });
    } catch (e) {
      throw fileError(path, e, "create the folder of");
    }
  },
  cwd(): string | undefined {
    try {
      return (globalThis as { process?: NodeProcessCwd }).process?.cwd?.();
    } catch {
      return undefined;
    }
  },
};
