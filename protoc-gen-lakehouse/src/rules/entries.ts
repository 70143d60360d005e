/**
 * A field's protovalidate rules as flat `path → value` entries (`string.min_len → 3`, `required → true`), read from
 * the `(buf.validate.field)` option, so that a rule can be said in words (the catalogue, emit/docs.ts) and two
 * contract versions can be compared rule by rule (@lakehouse-contracts/review). Values are their proto3 JSON text.
 */
import { type DescField, type DescOneof, getOption, hasOption, toJson } from "@bufbuild/protobuf";
import { FieldRulesSchema, field as fieldRules, oneof as oneofRules } from "../gen/buf/validate/validate_pb.js";

export type RuleEntries = ReadonlyMap<string, string>;

/** The rules of a field; a oneof member also carries its oneof's `required` as `oneof.required`. */
export function fieldRuleEntries(field: DescField): RuleEntries {
  const out = new Map<string, string>();
  if (hasOption(field, fieldRules)) {
    const json = toJson(FieldRulesSchema, getOption(field, fieldRules), { useProtoFieldName: true });
    flatten(json, "", out);
  }
  const oneof: DescOneof | undefined = field.oneof;
  if (oneof !== undefined && hasOption(oneof, oneofRules) && getOption(oneof, oneofRules).required) {
    out.set("oneof.required", "true");
  }
  return out;
}

function flatten(json: unknown, prefix: string, out: Map<string, string>): void {
  if (json !== null && typeof json === "object" && !Array.isArray(json)) {
    for (const [key, value] of Object.entries(json)) flatten(value, prefix === "" ? key : `${prefix}.${key}`, out);
    return;
  }
  if (prefix !== "") out.set(prefix, JSON.stringify(json));
}

const WORDS: Readonly<Record<string, (v: string) => string>> = {
  required: () => "required (not empty)",
  min_len: (v) => `at least ${v} characters`,
  max_len: (v) => `at most ${v} characters`,
  len: (v) => `exactly ${v} characters`,
  min_bytes: (v) => `at least ${v} bytes`,
  max_bytes: (v) => `at most ${v} bytes`,
  min_items: (v) => `at least ${v} items`,
  max_items: (v) => `at most ${v} items`,
  min_pairs: (v) => `at least ${v} entries`,
  max_pairs: (v) => `at most ${v} entries`,
  unique: () => "items unique",
  gt: (v) => `greater than ${v}`,
  gte: (v) => `at least ${v}`,
  lt: (v) => `less than ${v}`,
  lte: (v) => `at most ${v}`,
  const: (v) => `always ${v}`,
  in: (v) => `one of ${v}`,
  not_in: (v) => `none of ${v}`,
  prefix: (v) => `starts with ${v}`,
  suffix: (v) => `ends with ${v}`,
  contains: (v) => `contains ${v}`,
  not_contains: (v) => `does not contain ${v}`,
  pattern: (v) => `matches \`${JSON.parse(v) as string}\``,
  email: () => "an email address",
  uri: () => "a URI",
  uuid: () => "a UUID",
  hostname: () => "a host name",
  ip: () => "an IP address",
  defined_only: () => "a defined enum value",
  finite: () => "finite",
};

/** Rules whose words depend on more than their last part. */
const WORDS_BY_PATH: Readonly<Record<string, (v: string) => string>> = {
  "oneof.required": () => "one member of the oneof must be set",
  "field_mask.in": (v) => `only paths in or under ${v}`,
  "field_mask.not_in": (v) => `no paths in or under ${v}`,
};

/** `string.min_len`, `3` → `at least 3 characters`; `repeated.items.string.min_len` → `each item: at least …`. */
export function ruleInWords(path: string, value: string): string {
  const parts = path.split(".");
  const scope: string[] = [];
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] === "items") scope.push("each item");
    if (parts[i] === "keys") scope.push("each key");
    if (parts[i] === "values") scope.push("each value");
  }
  const last = parts[parts.length - 1] ?? path;
  // 64-bit numbers are JSON strings: say them as numbers.
  const shown = /^"-?\d+(\.\d+)?"$/.test(value) ? value.slice(1, -1) : value;
  const words = WORDS_BY_PATH[path.replace(/^(repeated\.items\.|map\.(keys|values)\.)+/, "")] ?? WORDS[last];
  const text = words === undefined ? `${path} = ${shown}` : words(shown);
  return scope.length === 0 ? text : `${scope.join(", ")}: ${text}`;
}
