/**
 * Every dependency from outside the runtime is imported here and only here, so each can be swapped
 * for its `@std` twin in one line when JSR becomes reachable.
 *
 * @module
 */
export { parse as parseYaml, stringify as stringifyYaml } from "npm:yaml@^2.9.1";
