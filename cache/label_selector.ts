/**
 * Label selectors in the syntax of `kubectl -l` and client-go's `labels.Parse`:
 * `app=web,tier in (a,b),!canary,env!=prod,x notin (y),has`.
 *
 * @module
 */
import { CacheError } from "./cache_error.ts";

/**
 * The operator of a {@linkcode Requirement}, spelled as in apimachinery's `selection.Operator`:
 * "=", "==", "!=", "in", "notin", "exists", "!" (does not exist), "gt", "lt".
 */
export type SelectorOperator = "=" | "==" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

/** One condition of a selector on one label key. */
export interface Requirement {
  /** The label key. */
  readonly key: string;
  /** The operator. */
  readonly operator: SelectorOperator;
  /** The values (sorted, without duplicates): one for "=", "==", "!=", "gt", "lt"; none for "exists", "!". */
  readonly values: readonly string[];
}

/**
 * A parsed label selector: all its requirements must hold for a set of labels to match.
 *
 * @example
 * ```ts
 * import { parseSelector } from "@kubeweb/client/cache";
 *
 * const s = parseSelector("app=web,tier in (frontend,backend),!canary");
 * console.log(s.matches({ app: "web", tier: "backend" })); // true
 * console.log(s.matches({ app: "web", tier: "backend", canary: "1" })); // false
 * ```
 */
export interface Selector {
  /** True when every requirement holds for `labels` (missing labels are `{}`). */
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  /** True for the selector that matches everything (no requirements). */
  empty(): boolean;
  /** The requirements, sorted by key. */
  requirements(): readonly Requirement[];
  /** The canonical text of the selector (requirements sorted by key). */
  toString(): string;
}

const NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const INTEGER_RE = /^[+-]?\d+$/;

/** Why `key` is not a valid label key (a qualified name), or undefined when it is. */
function labelKeyProblem(key: string): string | undefined {
  const parts = key.split("/");
  let name = key;
  if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) return "the prefix before '/' must not be empty";
    if (prefix.length > 253) return "the prefix must be no more than 253 characters";
    if (!DNS1123_SUBDOMAIN_RE.test(prefix)) {
      return "the prefix must be a lowercase DNS subdomain (letters, digits, '-' and '.')";
    }
  } else if (parts.length > 2) {
    return "a key has at most one '/'";
  }
  if (name.length === 0) return "the name part must not be empty";
  if (name.length > 63) return "the name part must be no more than 63 characters";
  if (!NAME_RE.test(name)) {
    return "the name part must consist of alphanumerics, '-', '_' or '.', and start and end with an alphanumeric";
  }
  return undefined;
}

/** Why `value` is not a valid label value, or undefined when it is. */
function labelValueProblem(value: string): string | undefined {
  if (value === "") return undefined;
  if (value.length > 63) return "a value must be no more than 63 characters";
  if (!NAME_RE.test(value)) {
    return "a value must be empty or consist of alphanumerics, '-', '_' or '.', and start and end with an alphanumeric";
  }
  return undefined;
}

class LabelRequirement implements Requirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
  #set: ReadonlySet<string>;
  #int: number;

  constructor(key: string, operator: SelectorOperator, values: string[]) {
    this.key = key;
    this.operator = operator;
    this.values = [...new Set(values)].sort();
    this.#set = new Set(this.values);
    this.#int = operator === "gt" || operator === "lt" ? Number(this.values[0]) : NaN;
  }

  matches(labels: Readonly<Record<string, string>>): boolean {
    const has = Object.hasOwn(labels, this.key);
    switch (this.operator) {
      case "=":
      case "==":
      case "in":
        return has && this.#set.has(labels[this.key]);
      case "!=":
      case "notin":
        return !has || !this.#set.has(labels[this.key]);
      case "exists":
        return has;
      case "!":
        return !has;
      case "gt":
      case "lt": {
        if (!has) return false;
        const v = labels[this.key];
        if (!INTEGER_RE.test(v)) return false;
        const n = Number(v);
        return this.operator === "gt" ? n > this.#int : n < this.#int;
      }
    }
  }

  toString(): string {
    switch (this.operator) {
      case "!":
        return "!" + this.key;
      case "exists":
        return this.key;
      case "in":
      case "notin":
        return `${this.key} ${this.operator} (${this.values.join(",")})`;
      case "gt":
        return `${this.key}>${this.values[0]}`;
      case "lt":
        return `${this.key}<${this.values[0]}`;
      default:
        return `${this.key}${this.operator}${this.values[0]}`;
    }
  }
}

class LabelSelector implements Selector {
  #reqs: LabelRequirement[];

  constructor(reqs: LabelRequirement[]) {
    this.#reqs = reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  matches(labels: Readonly<Record<string, string>> | undefined): boolean {
    const ls = labels ?? {};
    for (let i = 0; i < this.#reqs.length; i++) if (!this.#reqs[i].matches(ls)) return false;
    return true;
  }

  empty(): boolean {
    return this.#reqs.length === 0;
  }

  requirements(): readonly Requirement[] {
    return this.#reqs;
  }

  toString(): string {
    return this.#reqs.map((r) => r.toString()).join(",");
  }
}

type TokenKind =
  | "identifier"
  | "!"
  | "!="
  | "="
  | "=="
  | ">"
  | "<"
  | "("
  | ")"
  | ","
  | "end";

interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
}

const SPECIAL = new Set(["=", "!", "(", ")", ",", ">", "<"]);
const WHITESPACE = new Set([" ", "\t", "\r", "\n"]);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (WHITESPACE.has(ch)) {
      i++;
      continue;
    }
    if (SPECIAL.has(ch)) {
      const two = input.slice(i, i + 2);
      if (two === "!=" || two === "==") {
        tokens.push({ kind: two, text: two, pos: i });
        i += 2;
      } else {
        tokens.push({ kind: ch as TokenKind, text: ch, pos: i });
        i++;
      }
      continue;
    }
    const start = i;
    while (i < input.length && !WHITESPACE.has(input[i]) && !SPECIAL.has(input[i])) i++;
    tokens.push({ kind: "identifier", text: input.slice(start, i), pos: start });
  }
  tokens.push({ kind: "end", text: "", pos: input.length });
  return tokens;
}

/**
 * Parses a label selector. The empty string selects everything. Throws {@linkcode CacheError} naming
 * the position and what was expected when the text is not a valid selector, or when a key or value
 * is not a valid label key or value.
 *
 * Grammar: requirements separated by ","; each is `key`, `!key`, `key=value`, `key==value`,
 * `key!=value`, `key in (v1,v2)`, `key notin (v1,v2)`, `key>int` or `key<int`.
 *
 * @example
 * ```ts
 * import { parseSelector } from "@kubeweb/client/cache";
 *
 * const s = parseSelector("env!=prod,x notin (y),has");
 * console.log(s.matches({ has: "" })); // true
 * console.log(s.toString()); // "env!=prod,has,x notin (y)"
 * ```
 */
export function parseSelector(selector: string): Selector {
  const fail = (msg: string): never => {
    throw new CacheError(`Invalid label selector ${JSON.stringify(selector)}: ${msg}`);
  };
  const tokens = tokenize(selector);
  let p = 0;
  const describe = (t: Token): string => (t.kind === "end" ? "end of string" : `"${t.text}"`);
  const expected = (t: Token, what: string): never =>
    fail(`found ${describe(t)} at position ${t.pos}, expected ${what}`);

  const reqs: LabelRequirement[] = [];
  if (tokens[0].kind === "end") return new LabelSelector(reqs);
  for (;;) {
    reqs.push(parseRequirement());
    const t = tokens[p++];
    if (t.kind === "end") break;
    if (t.kind !== ",") expected(t, "',' or end of string");
    const next = tokens[p];
    if (next.kind !== "identifier" && next.kind !== "!") expected(next, "a label key after ','");
  }
  return new LabelSelector(reqs);

  function parseRequirement(): LabelRequirement {
    let t = tokens[p++];
    let negated = false;
    if (t.kind === "!") {
      negated = true;
      t = tokens[p++];
    }
    if (t.kind !== "identifier") expected(t, negated ? "a label key after '!'" : "'!' or a label key");
    const key = t.text;
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) fail(`invalid label key "${key}": ${keyProblem}`);
    const next = tokens[p];
    if (next.kind === "end" || next.kind === ",") {
      return new LabelRequirement(key, negated ? "!" : "exists", []);
    }
    if (negated) expected(next, "',' or end of string after a '!key' requirement");
    const op = tokens[p++];
    let operator: SelectorOperator;
    let values: string[];
    if (op.kind === "identifier" && (op.text === "in" || op.text === "notin")) {
      operator = op.text;
      values = parseValueSet();
      if (values.length === 0) fail(`"${operator}" needs at least one value`);
    } else if (op.kind === "=" || op.kind === "==" || op.kind === "!=") {
      operator = op.kind;
      values = [parseExactValue()];
    } else if (op.kind === ">" || op.kind === "<") {
      operator = op.kind === ">" ? "gt" : "lt";
      const v = parseExactValue();
      if (!INTEGER_RE.test(v)) fail(`the value of "${op.kind}" must be an integer, found "${v}"`);
      values = [v];
    } else {
      return expected(op, "one of '=', '==', '!=', 'in', 'notin', '>', '<'");
    }
    for (const v of values) {
      const problem = labelValueProblem(v);
      if (problem) fail(`invalid value "${v}" for key "${key}": ${problem}`);
    }
    return new LabelRequirement(key, operator, values);
  }

  function parseExactValue(): string {
    const t = tokens[p];
    if (t.kind === "end" || t.kind === ",") return "";
    p++;
    if (t.kind !== "identifier") expected(t, "a value");
    return t.text;
  }

  function parseValueSet(): string[] {
    const open = tokens[p++];
    if (open.kind !== "(") expected(open, "'('");
    const values: string[] = [];
    // Values separated by ","; an empty entry (as in "()", "(a,)" or "(,a)") is the value "".
    let current: string | undefined;
    for (;;) {
      const t = tokens[p++];
      if (t.kind === "identifier") {
        if (current !== undefined) expected(t, "',' or ')'");
        current = t.text;
      } else if (t.kind === ",") {
        values.push(current ?? "");
        current = undefined;
      } else if (t.kind === ")") {
        values.push(current ?? "");
        return values;
      } else {
        return expected(t, "a value, ',' or ')'");
      }
    }
  }
}

/**
 * The selector that matches exactly the given labels (every key equal to its value); an empty set
 * selects everything. Throws {@linkcode CacheError} for an invalid key or value.
 *
 * @example
 * ```ts
 * import { selectorFromSet } from "@kubeweb/client/cache";
 *
 * const s = selectorFromSet({ app: "web" });
 * console.log(s.toString(), s.matches({ app: "web", x: "y" })); // "app=web" true
 * ```
 */
export function selectorFromSet(labels: Readonly<Record<string, string>>): Selector {
  const reqs: LabelRequirement[] = [];
  for (const key of Object.keys(labels)) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) throw new CacheError(`Invalid label key "${key}": ${keyProblem}`);
    const valueProblem = labelValueProblem(labels[key]);
    if (valueProblem) {
      throw new CacheError(`Invalid value "${labels[key]}" for label key "${key}": ${valueProblem}`);
    }
    reqs.push(new LabelRequirement(key, "=", [labels[key]]));
  }
  return new LabelSelector(reqs);
}
