/**
 * Name validation as the API server does it (apimachinery's validation.IsDNS1123Subdomain and
 * friends), with the same messages in the Invalid causes.
 *
 * @module
 */
import type { StatusCause } from "../rest/types.ts";

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Which rule a resource's names follow. */
export type NameRule = "subdomain" | "label" | "dns1035" | "path";

const LABEL_RESOURCES = new Set(["namespaces"]);
const DNS1035_RESOURCES = new Set(["services"]);

/** The rule of a resource's names. */
export function nameRuleFor(resource: string): NameRule {
  if (LABEL_RESOURCES.has(resource)) return "label";
  if (DNS1035_RESOURCES.has(resource)) return "dns1035";
  return "subdomain";
}

/** The causes of an invalid name (empty when the name is valid). */
export function validateName(name: string, rule: NameRule, field = "metadata.name"): StatusCause[] {
  const msgs: string[] = [];
  const q = JSON.stringify(name);
  if (rule === "subdomain") {
    if (name.length > 253) msgs.push("must be no more than 253 characters");
    if (!SUBDOMAIN.test(name)) {
      msgs.push(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      );
    }
  } else if (rule === "label") {
    if (name.length > 63) msgs.push("must be no more than 63 characters");
    if (!LABEL.test(name)) {
      msgs.push(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      );
    }
  } else if (rule === "dns1035") {
    if (name.length > 63) msgs.push("must be no more than 63 characters");
    if (!DNS1035.test(name)) {
      msgs.push(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      );
    }
  } else {
    if (name === "." || name === ".." || name.includes("/") || name.includes("%")) {
      msgs.push("may not contain '/' or '%'");
    }
  }
  if (msgs.length === 0) return [];
  return [{ reason: "FieldValueInvalid", message: `Invalid value: ${q}: ${msgs.join(", ")}`, field }];
}

/** The cause of a missing name. */
export function nameRequired(): StatusCause {
  return {
    reason: "FieldValueRequired",
    message: "Required value: name or generateName is required",
    field: "metadata.name",
  };
}

/** Label key/value validation of metadata.labels (qualified names and label values). */
export function validateLabels(labels: Record<string, unknown> | undefined): StatusCause[] {
  const out: StatusCause[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (typeof v !== "string" || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v) || v.length > 63) {
      out.push({
        reason: "FieldValueInvalid",
        message: `Invalid value: ${
          JSON.stringify(v)
        }: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
        field: `metadata.labels`,
      });
    }
    void k;
  }
  return out;
}
