/**
 * Bun preload plugin for running kubeweb's source unbundled: Bun does not resolve `npm:` specifiers
 * (oven-sh/bun#6987), which `_internal/deps.ts` uses so that Deno resolves them without an import map.
 * This maps `npm:<name>@<range>[/<subpath>]` to the package installed in node_modules, and fails with
 * a clear error when the installed version does not satisfy the range.
 *
 * Users on Bun do not need it: they install the JSR package through npm (`bunx jsr add
 * @kubeweb/client`), where JSR has already turned `npm:` specifiers into ordinary dependencies.
 *
 * Usage: `bun --preload ./tests/runtimes/bun/npm_specifiers.ts program.ts`
 *
 * @module
 */

/** The parts of an `npm:` specifier. */
export interface NpmSpecifier {
  /** Package name, with its scope if any (`yaml`, `@scope/pkg`). */
  name: string;
  /** Version range; empty when the specifier has none. */
  range: string;
  /** Subpath inside the package with its leading slash (`/util`), or empty. */
  subpath: string;
}

/** Splits `npm:yaml@^2.9.1/util` into name, range and subpath; throws on anything else. */
export function parseNpmSpecifier(specifier: string): NpmSpecifier {
  const m = /^npm:\/?((?:@[^/@]+\/)?[^/@]+)(?:@([^/]*))?(\/.*)?$/.exec(specifier);
  if (!m) throw new Error(`not an npm: specifier: "${specifier}"`);
  return { name: m[1], range: m[2] ?? "", subpath: m[3] ?? "" };
}

// The slice of Bun's API this plugin uses (declared here: the file is also type-checked by Deno).
interface BunApi {
  plugin(p: {
    name: string;
    setup(build: {
      onResolve(
        options: { filter: RegExp; namespace?: string },
        cb: (args: { path: string; importer: string }) => { path: string },
      ): void;
    }): void;
  }): void;
  resolveSync(specifier: string, from: string): string;
  semver: { satisfies(version: string, range: string): boolean };
}

/** The version of the installed package `name` whose files include `entry`, read from its package.json. */
function installedVersion(name: string, entry: string): string {
  // Walk up from the resolved entry to the package's own folder: node_modules/<name>/.
  const marker = `/node_modules/${name}/`;
  const at = entry.lastIndexOf(marker);
  if (at < 0) throw new Error(`npm:${name} resolved outside node_modules: ${entry}`);
  const manifest = `${entry.slice(0, at + marker.length)}package.json`;
  const pkg = JSON.parse(new TextDecoder().decode(readFileSync(manifest))) as { version?: string };
  if (typeof pkg.version !== "string") throw new Error(`${manifest} has no version`);
  return pkg.version;
}

// node:fs is always available on Bun; reached at run time so that Deno's type-check needs no types.
function readFileSync(path: string): Uint8Array {
  const fs = (globalThis as unknown as {
    process: { getBuiltinModule(id: string): { readFileSync(p: string): Uint8Array } };
  }).process.getBuiltinModule("node:fs");
  return fs.readFileSync(path);
}

const bun = (globalThis as unknown as { Bun?: BunApi }).Bun;
if (bun) {
  bun.plugin({
    name: "npm: specifiers from node_modules",
    setup(build) {
      // Bun reads `npm:yaml@^2` as the path `yaml@^2` in the namespace `npm`.
      build.onResolve({ filter: /.*/, namespace: "npm" }, (args) => {
        const path = `npm:${args.path}`;
        const importer = args.importer;
        const { name, range, subpath } = parseNpmSpecifier(path);
        const from = importer.slice(0, importer.lastIndexOf("/") + 1);
        let resolved: string;
        try {
          resolved = bun.resolveSync(`${name}${subpath}`, from);
        } catch (e) {
          throw new Error(`"${path}" (imported by ${importer}): ${name} is not installed in node_modules`, {
            cause: e,
          });
        }
        const version = installedVersion(name, resolved);
        if (range && !bun.semver.satisfies(version, range)) {
          throw new Error(
            `"${path}" (imported by ${importer}) wants ${name}@${range}, node_modules has ${version}`,
          );
        }
        return { path: resolved };
      });
    },
  });
}
