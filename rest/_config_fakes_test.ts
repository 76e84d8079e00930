// Test doubles shared by the configuration tests: an in-memory Runtime and a tiny Deno-backed one.
import type { Runtime, SpawnOptions, SpawnResult, Transport, WriteFileOptions } from "./runtime/runtime.ts";
import { stringifyYaml } from "../_internal/deps.ts";
import { encodeBase64 } from "./_config_util.ts";

/** Secrets planted in test configurations; no error message may contain any of them. */
export const TOKEN = "tok-SECRET-123";
export const PASSWORD = "pw-SECRET-456";
export const KEY_PEM = "-----BEGIN EC PRIVATE KEY-----\nKEY-SECRET-789\n-----END EC PRIVATE KEY-----\n";
export const ENV_SECRET = "env-SECRET-000";
export const CERT_PEM = "-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----\n";
export const CA_PEM = "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n";
export const SECRETS: string[] = [TOKEN, PASSWORD, "KEY-SECRET-789", ENV_SECRET, encodeBase64(KEY_PEM)];

/** Throws when any planted secret appears in the error, its message, its inspection or its causes. */
export function assertNoSecrets(e: unknown, extra: string[] = []): void {
  const texts = [String(e), (e as Error)?.message ?? "", Deno.inspect(e, { depth: 10 })];
  for (const secret of [...SECRETS, ...extra]) {
    for (const t of texts) {
      if (t.includes(secret)) throw new Error(`A secret leaked into an error: ${t}`);
    }
  }
}

/** A scripted spawn: each call is recorded and answered by `respond`. */
export interface SpawnCall {
  command: string;
  options: SpawnOptions;
}

/** Options of {@linkcode FakeRuntime}. */
export interface FakeRuntimeOptions {
  files?: Record<string, string>;
  env?: Record<string, string>;
  home?: string;
  cwd?: string;
  unreadable?: string[];
  spawn?: (command: string, options: SpawnOptions) => Promise<SpawnResult>;
  name?: string;
}

function ioError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** An in-memory runtime: files, environment, home folder and (optionally) a fake spawn. */
export class FakeRuntime implements Runtime {
  readonly name: string;
  readonly files: Map<string, string>;
  readonly vars: Map<string, string>;
  readonly reads: string[] = [];
  readonly calls: SpawnCall[] = [];
  home: string | undefined;
  workingDir: string | undefined;
  unreadable: Set<string>;
  /** Permission bits of each file written. */
  readonly modes: Map<string, number> = new Map();
  /** Every write, rename and removal, in order ("write /a", "rename /a.tmp /a", "remove /a"). */
  readonly ops: string[] = [];
  /** Paths whose rename fails (the destination stays as it was). */
  failRename: Set<string> = new Set();
  spawn?: (command: string, options: SpawnOptions) => Promise<SpawnResult>;

  constructor(options: FakeRuntimeOptions = {}) {
    this.name = options.name ?? "fake";
    this.files = new Map(Object.entries(options.files ?? {}));
    this.vars = new Map(Object.entries(options.env ?? {}));
    this.home = options.home;
    this.workingDir = options.cwd;
    this.unreadable = new Set(options.unreadable ?? []);
    const respond = options.spawn;
    if (respond) {
      this.spawn = (command, opts) => {
        this.calls.push({ command, options: opts });
        return respond(command, opts);
      };
    }
  }

  createTransport(): Transport {
    throw new Error("not used by configuration tests");
  }

  readTextFile = (path: string): Promise<string> => {
    this.reads.push(path);
    if (this.unreadable.has(path)) {
      return Promise.reject(ioError(`Cannot read file ${path}: permission denied`, "EACCES"));
    }
    const text = this.files.get(path);
    if (text === undefined) {
      return Promise.reject(ioError(`Cannot read file ${path}: no such file`, "ENOENT"));
    }
    return Promise.resolve(text);
  };

  writeTextFile = (path: string, text: string, options: WriteFileOptions = {}): Promise<void> => {
    this.ops.push(`write ${path}`);
    if (options.createNew && this.files.has(path)) {
      return Promise.reject(ioError(`Cannot write file ${path}: the file exists`, "EEXIST"));
    }
    this.files.set(path, text);
    this.modes.set(path, options.mode ?? 0o600);
    return Promise.resolve();
  };

  rename = (from: string, to: string): Promise<void> => {
    this.ops.push(`rename ${from} ${to}`);
    const text = this.files.get(from);
    if (text === undefined) {
      return Promise.reject(ioError(`Cannot replace file ${to}: no such file`, "ENOENT"));
    }
    if (this.failRename.has(to)) {
      return Promise.reject(ioError(`Cannot replace file ${to}: permission denied`, "EACCES"));
    }
    this.files.set(to, text);
    this.modes.set(to, this.modes.get(from) ?? 0o600);
    this.files.delete(from);
    this.modes.delete(from);
    return Promise.resolve();
  };

  removeFile = (path: string): Promise<void> => {
    this.ops.push(`remove ${path}`);
    if (!this.files.delete(path)) {
      return Promise.reject(ioError(`Cannot remove file ${path}: no such file`, "ENOENT"));
    }
    this.modes.delete(path);
    return Promise.resolve();
  };

  makeDir = (path: string): Promise<void> => {
    this.ops.push(`mkdir ${path}`);
    return Promise.resolve();
  };

  cwd = (): string | undefined => this.workingDir;

  env = (name: string): string | undefined => this.vars.get(name);

  homeDir = (): string | undefined => this.home;
}

/** A runtime that reads real files through Deno, with a given environment and home folder. */
export function denoFileRuntime(env: Record<string, string> = {}, home?: string): Runtime {
  return {
    name: "deno-files",
    createTransport(): Transport {
      throw new Error("not used by configuration tests");
    },
    readTextFile: (path) => Deno.readTextFile(path),
    env: (name) => env[name],
    homeDir: () => home,
  };
}

/** Kubeconfig YAML from a plain object (kubeconfig field names). */
export function yaml(doc: unknown): string {
  return stringifyYaml(doc, { version: "1.1" });
}

/**
 * A kubeconfig with one cluster and four users (token, basic auth, client certificate, exec), each
 * with a context `prod-<user>`; the current context is `prod-alice`.
 */
// deno-lint-ignore no-explicit-any
export function baseDoc(): Record<string, any> {
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{
      name: "prod",
      cluster: {
        server: "https://prod.example.com:6443",
        "certificate-authority-data": encodeBase64(CA_PEM),
      },
    }],
    users: [
      { name: "alice", user: { token: TOKEN } },
      { name: "bob", user: { username: "bob", password: PASSWORD } },
      {
        name: "carol",
        user: { "client-certificate-data": encodeBase64(CERT_PEM), "client-key-data": encodeBase64(KEY_PEM) },
      },
      {
        name: "dave",
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1",
            command: "get-token",
            env: [{ name: "SECRET_ENV", value: ENV_SECRET }],
            interactiveMode: "Never",
          },
        },
      },
    ],
    contexts: ["alice", "bob", "carol", "dave"].map((u) => ({
      name: `prod-${u}`,
      context: { cluster: "prod", user: u },
    })),
    "current-context": "prod-alice",
  };
}
