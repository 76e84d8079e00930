/**
 * Label and field selectors as the API server parses and matches them (apimachinery's
 * labels.Parse and fields.ParseSelector), with the server's BadRequest messages.
 *
 * @module
 */
import { badRequest } from "./_status.ts";

/** One requirement of a label selector. */
interface LabelRequirement {
  key: string;
  op: "=" | "!=" | "in" | "notin" | "exists" | "!";
  values: string[];
}

/** A parsed label selector: matches a label set. */
export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Parses a label selector; throws a BadRequest StatusError when it does not parse. */
export function parseLabelSelector(selector: string): LabelMatcher {
  const reqs: LabelRequirement[] = [];
  const text = selector.trim();
  if (text !== "") {
    for (const raw of splitTopLevel(text)) {
      const part = raw.trim();
      let m: RegExpMatchArray | null;
      if ((m = part.match(/^(\S+?)\s+(in|notin)\s+\((.*)\)$/))) {
        reqs.push({
          key: m[1],
          op: m[2] as "in" | "notin",
          values: m[3].split(",").map((v) => v.trim()).filter((v) => v !== ""),
        });
      } else if ((m = part.match(/^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/))) {
        reqs.push({ key: m[1], op: m[2] === "!=" ? "!=" : "=", values: [m[3]] });
      } else if ((m = part.match(/^!\s*(\S+)$/))) {
        reqs.push({ key: m[1], op: "!", values: [] });
      } else if ((m = part.match(/^(\S+)$/)) && !/[=!()]/.test(part)) {
        reqs.push({ key: m[1], op: "exists", values: [] });
      } else {
        throw badRequest(`unable to parse requirement: found '${part}', expected: identifier`);
      }
    }
    for (const r of reqs) {
      if (!KEY.test(r.key) || r.key.length > 316) {
        throw badRequest(
          `unable to parse requirement: invalid label key "${r.key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
        );
      }
    }
  }
  return (labels) => {
    const l = labels ?? {};
    return reqs.every((r) => {
      const has = Object.hasOwn(l, r.key);
      switch (r.op) {
        case "=":
          return has && l[r.key] === r.values[0];
        case "!=":
          return !has || l[r.key] !== r.values[0];
        case "in":
          return has && r.values.includes(l[r.key]);
        case "notin":
          return !has || !r.values.includes(l[r.key]);
        case "exists":
          return has;
        case "!":
          return !has;
      }
    });
  };
}

/** One term of a field selector. */
export interface FieldTerm {
  field: string;
  op: "=" | "!=";
  value: string;
}

/** Parses a field selector into its terms; throws BadRequest when a term has no operator. */
export function parseFieldSelector(selector: string): FieldTerm[] {
  const text = selector.trim();
  if (text === "") return [];
  return text.split(",").map((raw) => {
    const part = raw.trim();
    const m = part.match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    return { field: m[1], op: m[2] === "!=" ? "!=" : "=", value: m[3] };
  });
}

// deno-lint-ignore no-explicit-any
type Obj = any;

/** The selectable fields of each resource besides metadata.name and metadata.namespace. */
const FIELDS: Record<string, Record<string, (o: Obj) => string>> = {
  pods: {
    "spec.nodeName": (o) => o.spec?.nodeName ?? "",
    "spec.restartPolicy": (o) => o.spec?.restartPolicy ?? "",
    "spec.schedulerName": (o) => o.spec?.schedulerName ?? "",
    "spec.serviceAccountName": (o) => o.spec?.serviceAccountName ?? "",
    "status.phase": (o) => o.status?.phase ?? "",
    "status.podIP": (o) => o.status?.podIP ?? "",
    "status.nominatedNodeName": (o) => o.status?.nominatedNodeName ?? "",
  },
  secrets: { type: (o) => o.type ?? "" },
  namespaces: { "status.phase": (o) => o.status?.phase ?? "" },
  nodes: { "spec.unschedulable": (o) => String(o.spec?.unschedulable ?? false) },
  replicasets: { "status.replicas": (o) => String(o.status?.replicas ?? 0) },
  replicationcontrollers: { "status.replicas": (o) => String(o.status?.replicas ?? 0) },
  jobs: { "status.successful": (o) => String(o.status?.succeeded ?? 0) },
  events: {
    "involvedObject.kind": (o) => o.involvedObject?.kind ?? "",
    "involvedObject.namespace": (o) => o.involvedObject?.namespace ?? "",
    "involvedObject.name": (o) => o.involvedObject?.name ?? "",
    "involvedObject.uid": (o) => o.involvedObject?.uid ?? "",
    "involvedObject.apiVersion": (o) => o.involvedObject?.apiVersion ?? "",
    "involvedObject.resourceVersion": (o) => o.involvedObject?.resourceVersion ?? "",
    "involvedObject.fieldPath": (o) => o.involvedObject?.fieldPath ?? "",
    reason: (o) => o.reason ?? "",
    reportingComponent: (o) => o.reportingComponent ?? "",
    source: (o) => o.source?.component ?? "",
    type: (o) => o.type ?? "",
  },
};

/** A matcher of objects for a field selector on a resource; BadRequest for unsupported fields. */
export function fieldMatcher(
  selector: string,
  resource: { group: string; version: string; resource: string; namespaced: boolean },
  labelSelector: string,
): (obj: Obj) => boolean {
  const terms = parseFieldSelector(selector);
  const extra = resource.group === "" ? FIELDS[resource.resource] ?? {} : {};
  const getters: ((o: Obj) => string)[] = [];
  for (const t of terms) {
    let g: ((o: Obj) => string) | undefined;
    if (t.field === "metadata.name") g = (o) => o.metadata?.name ?? "";
    else if (t.field === "metadata.namespace" && resource.namespaced) g = (o) => o.metadata?.namespace ?? "";
    else if (t.field === "metadata.namespace") g = () => "";
    else g = extra[t.field];
    if (g === undefined && Object.keys(extra).length === 0) {
      throw badRequest(
        `${
          JSON.stringify(t.field)
        } is not a known field selector: only "metadata.name", "metadata.namespace"`,
      );
    }
    if (g === undefined) {
      throw badRequest(
        `Unable to find {${JSON.stringify(resource.group)} ${JSON.stringify(resource.version)} ${
          JSON.stringify(resource.resource)
        }} that match label selector ${JSON.stringify(labelSelector)}, field selector ${
          JSON.stringify(selector)
        }: field label not supported: ${t.field}`,
      );
    }
    getters.push(g);
  }
  return (o) => terms.every((t, i) => (getters[i](o) === t.value) === (t.op === "="));
}
