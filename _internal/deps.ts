/**
 * Every dependency from outside the runtime is imported here and only here, so each can be swapped
 * for its `@std` twin in one line when JSR becomes reachable.
 *
 * @module
 */
export {
  isMap as yamlIsMap,
  isSeq as yamlIsSeq,
  parse as parseYaml,
  parseDocument as parseYamlDocument,
  stringify as stringifyYaml,
} from "npm:yaml@^2.9.1";
export type { Document as YamlDocument, YAMLMap as YamlMap, YAMLSeq as YamlSeq } from "npm:yaml@^2.9.1";
