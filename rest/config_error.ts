/**
 * The error every configuration loader of kubeweb throws: kubeconfig parsing, building a
 * {@linkcode RestConfig}, in-cluster discovery and exec credential plugins.
 *
 * @module
 */

/** Where a {@linkcode ConfigError} comes from and what caused it. */
export interface ConfigErrorOptions {
  /** The kubeconfig (or other) file the problem is in. */
  file?: string;
  /** The field within that file, as a path such as `users[alice].user.client-key-data`. */
  field?: string;
  /** The underlying error (never one whose message holds a secret). */
  cause?: unknown;
  /**
   * True when the problem is that the configuration source does not exist at all (a missing
   * kubeconfig file, an unset variable) rather than that it is wrong.
   */
  notFound?: boolean;
}

/**
 * A configuration that cannot be used. The message names the file, the field and what is wrong; it
 * never contains a secret (token, password, private key, exec environment values).
 *
 * @example Catching a configuration error
 * ```ts
 * import { ConfigError } from "@kubeweb/client/rest";
 * import { loadKubeConfig } from "@kubeweb/client/rest";
 *
 * try {
 *   await loadKubeConfig({ text: "clusters: 3\n", path: "/tmp/broken-config" });
 * } catch (e) {
 *   if (!(e instanceof ConfigError)) throw e;
 *   console.log(e.file, e.field); // "/tmp/broken-config" "clusters"
 * }
 * ```
 */
export class ConfigError extends Error {
  /** The file the problem is in, when known. */
  readonly file?: string;
  /** The field the problem is in, when known. */
  readonly field?: string;
  /** True when the configuration source does not exist at all, as opposed to being wrong. */
  readonly notFound: boolean;

  /**
   * Creates the error. `message` says what is wrong; the file is prefixed to it when given.
   *
   * @param message What is wrong, in sentence case, without secrets.
   * @param options The file, the field and the cause.
   */
  constructor(message: string, options: ConfigErrorOptions = {}) {
    super(
      options.file === undefined ? message : `${options.file}: ${message}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "ConfigError";
    if (options.file !== undefined) this.file = options.file;
    if (options.field !== undefined) this.field = options.field;
    this.notFound = options.notFound ?? false;
  }
}

/**
 * Receives a problem in the configuration that does not stop it from being used (client-go logs
 * these). The message never contains a secret.
 */
export type ConfigWarningHandler = (message: string) => void;

/**
 * The default {@linkcode ConfigWarningHandler}: writes the message to `console.warn`.
 *
 * @example
 * ```ts
 * import { defaultConfigWarning } from "@kubeweb/client/rest";
 *
 * defaultConfigWarning("The service account CA file is missing; going on without it");
 * ```
 *
 * @param message The warning.
 */
export function defaultConfigWarning(message: string): void {
  console.warn(`kubeweb: ${message}`);
}
