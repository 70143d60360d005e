/**
 * A tightened rule as a SQL check over existing rows: `SELECT COUNT(*) AS violations FROM t WHERE <violates>`, for
 * the rules whose meaning SQL says plainly; others get no check (review says so). Unset fields with presence are
 * skipped, as protovalidate skips them, unless the rule is `required`. A rule on a field of a nested message is
 * checked where the message is present: `s.f` inside a struct, `exists(lines, e -> …)` for the records of a list,
 * `exists(map_values(m), v -> …)` for those of a map.
 */
import { quoteIdentifier, type SparkType, sqlString } from "@lakehouse-contracts/schema";
import { lambdaName, type Step } from "./nested-sql.js";

/**
 * The predicate that is true for a row violating `rule` on the column or nested field reached by `steps` (of the
 * old table), or undefined when SQL cannot say the rule. Nested fields are nullable in the table; `nullable` is the
 * top-level column's. A field's `required` counts only where its message is present: protovalidate does not
 * validate the fields of an absent message.
 */
export function violationPredicateAt(
  steps: readonly Step[],
  nullable: boolean,
  rule: string,
  value: string | undefined,
): string | undefined {
  const walk = (source: string | undefined, at: number, depth: number): string | undefined => {
    const step = steps[at];
    if (step === undefined) return undefined;
    if (step.kind !== "field") {
      // `source` is the list or map; the rest of the path is checked on each element or value.
      const name = lambdaName(step.kind === "element" ? "e" : "v", depth);
      const inner = walk(name, at + 1, depth + 1);
      if (inner === undefined || source === undefined) return undefined;
      const items = step.kind === "element" ? source : `map_values(${source})`;
      return `exists(${items}, ${name} -> ${inner})`;
    }
    const expr = source === undefined ? quoteIdentifier(step.part) : `${source}.${quoteIdentifier(step.part)}`;
    if (at + 1 < steps.length) return walk(expr, at + 1, depth);
    const predicate = violationPredicate(expr, step.type, nullable || steps.length > 1, rule, value);
    if (predicate === undefined || source === undefined) return predicate;
    const required = (rule.split(".").at(-1) ?? rule) === "required";
    return required ? `(${source} IS NOT NULL AND ${predicate})` : predicate;
  };
  return walk(undefined, 0, 0);
}

/** The predicate that is true for a row violating `rule` (with `value`, proto3 JSON text), or undefined. */
export function violationPredicate(
  column: string,
  type: SparkType,
  nullable: boolean,
  rule: string,
  value: string | undefined,
): string | undefined {
  const parsed: unknown = value === undefined ? undefined : JSON.parse(value);
  const name = rule.split(".").at(-1) ?? rule;
  const text = typeof parsed === "string" ? parsed : undefined;
  const num =
    typeof parsed === "number" || (typeof parsed === "string" && /^-?\d+(\.\d+)?$/.test(parsed))
      ? String(parsed)
      : undefined;
  if (rule.includes(".items.") || rule.includes(".keys.") || rule.includes(".values.")) return undefined;
  let predicate: string | undefined;
  if (name === "required") {
    if (parsed !== true) return undefined;
    if (type.kind === "atomic" && type.name === "STRING") return `(${column} IS NULL OR ${column} = '')`;
    if (type.kind === "atomic" && type.name === "BINARY") return `(${column} IS NULL OR length(${column}) = 0)`;
    if (type.kind === "array" || type.kind === "map") return `size(${column}) = 0`;
    return `${column} IS NULL`;
  }
  const isString = type.kind === "atomic" && type.name === "STRING";
  const isBytes = type.kind === "atomic" && type.name === "BINARY";
  const length = isString ? `char_length(${column})` : isBytes ? `length(${column})` : undefined;
  switch (name) {
    case "min_len":
      predicate = length && num ? `${length} < ${num}` : undefined;
      break;
    case "max_len":
      predicate = length && num ? `${length} > ${num}` : undefined;
      break;
    case "len":
      predicate = length && num ? `${length} <> ${num}` : undefined;
      break;
    case "min_items":
    case "min_pairs":
      predicate = num ? `size(${column}) < ${num}` : undefined;
      break;
    case "max_items":
    case "max_pairs":
      predicate = num ? `size(${column}) > ${num}` : undefined;
      break;
    case "gt":
      predicate = num && !isString ? `${column} <= ${num}` : undefined;
      break;
    case "gte":
      predicate = num && !isString ? `${column} < ${num}` : undefined;
      break;
    case "lt":
      predicate = num && !isString ? `${column} >= ${num}` : undefined;
      break;
    case "lte":
      predicate = num && !isString ? `${column} > ${num}` : undefined;
      break;
    case "prefix":
      predicate = isString && text !== undefined ? `NOT startswith(${column}, ${sqlString(text)})` : undefined;
      break;
    case "suffix":
      predicate = isString && text !== undefined ? `NOT endswith(${column}, ${sqlString(text)})` : undefined;
      break;
    case "contains":
      predicate = isString && text !== undefined ? `NOT contains(${column}, ${sqlString(text)})` : undefined;
      break;
    case "pattern":
      // Java regular expressions, not RE2: equal for the usual patterns, stricter-or-looser for exotic ones.
      predicate = isString && text !== undefined ? `NOT (${column} RLIKE ${sqlString(text)})` : undefined;
      break;
    case "in":
      predicate =
        Array.isArray(parsed) && parsed.length > 0 && rule.split(".").length === 2 && !rule.startsWith("enum.")
          ? `${column} NOT IN (${parsed.map((v) => (typeof v === "string" && isString ? sqlString(v) : String(v))).join(", ")})`
          : undefined;
      break;
  }
  if (predicate === undefined) return undefined;
  return nullable ? `(${column} IS NOT NULL AND ${predicate})` : predicate;
}
