/**
 * Type imports of one generated file: resolves a type's location to the name usable in the file,
 * aliasing names that collide, and renders the `import type` lines.
 *
 * @module
 */

/** Where a named type is declared: a folder of the output ("apps/v1") and its name there. */
export interface TypeLocation {
  folder: string;
  name: string;
}

/** "autoscaling/v1" -> "AutoscalingV1", "meta/v1" -> "MetaV1". */
export function pascalFolder(folder: string): string {
  return folder.split(/[/._-]/).filter((p) => p !== "").map((p) => p[0].toUpperCase() + p.slice(1)).join("");
}

/** The imports of one file; `specifierFor` maps a target folder to the module to import from. */
export class ImportSet {
  #self: string;
  #local: Set<string>;
  #specifierFor: (folder: string) => string;
  #byOrigin = new Map<string, string>(); // "folder\0name" -> local alias
  #used = new Set<string>();
  #imports = new Map<string, Map<string, string>>(); // specifier -> name -> alias

  /** `self` is the folder of the file, `local` the names it declares itself. */
  constructor(self: string, local: Iterable<string>, specifierFor: (folder: string) => string) {
    this.#self = self;
    this.#local = new Set(local);
    this.#specifierFor = specifierFor;
    for (const n of this.#local) this.#used.add(n);
  }

  /** The name to write for a type at `loc` (imported, and aliased on a collision). */
  ref(loc: TypeLocation): string {
    if (loc.folder === this.#self) return loc.name;
    const key = `${loc.folder}\0${loc.name}`;
    const known = this.#byOrigin.get(key);
    if (known !== undefined) return known;
    let alias = loc.name;
    if (this.#used.has(alias)) alias = pascalFolder(loc.folder) + loc.name;
    let n = 2;
    while (this.#used.has(alias)) alias = `${pascalFolder(loc.folder)}${loc.name}${n++}`;
    this.#used.add(alias);
    this.#byOrigin.set(key, alias);
    const spec = this.#specifierFor(loc.folder);
    let names = this.#imports.get(spec);
    if (names === undefined) this.#imports.set(spec, names = new Map());
    names.set(loc.name, alias);
    return alias;
  }

  /** Registers a value or type import that is not a generated type (e.g. from the runtime library). */
  named(specifier: string, name: string, typeOnly = true): string {
    const key = `${specifier}\0${name}\0${typeOnly}`;
    const known = this.#byOrigin.get(key);
    if (known !== undefined) return known;
    let names = this.#imports.get(specifier);
    if (names === undefined) this.#imports.set(specifier, names = new Map());
    names.set(typeOnly ? name : `\0value\0${name}`, name);
    this.#used.add(name);
    this.#byOrigin.set(key, name);
    return name;
  }

  /** The import declarations, sorted by specifier and name. */
  render(): string {
    const lines: string[] = [];
    for (const spec of [...this.#imports.keys()].sort()) {
      const entries = [...this.#imports.get(spec)!.entries()];
      const values = entries.filter(([n]) => n.startsWith("\0value\0")).map(([, a]) => a);
      const types = entries.filter(([n]) => !n.startsWith("\0value\0"))
        .map(([n, a]) => n === a ? n : `${n} as ${a}`);
      if (values.length === 0) {
        lines.push(`import type { ${types.sort(byName).join(", ")} } from ${JSON.stringify(spec)};`);
      } else {
        const parts = [...values, ...types.filter((t) => !values.includes(t)).map((t) => `type ${t}`)];
        lines.push(`import { ${parts.sort(byName).join(", ")} } from ${JSON.stringify(spec)};`);
      }
    }
    return lines.join("\n");
  }
}

function strip(s: string): string {
  return s.startsWith("type ") ? s.slice(5) : s;
}

function byName(a: string, b: string): number {
  const x = strip(a), y = strip(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The relative module specifier from a file in folder `from` to `file` (both relative to one root). */
export function relativeSpecifier(from: string, file: string): string {
  const a = from === "" ? [] : from.split("/");
  const b = file.split("/");
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  const up = a.length - i;
  const rest = b.slice(i).join("/");
  return up === 0 ? `./${rest}` : `${"../".repeat(up)}${rest}`;
}
