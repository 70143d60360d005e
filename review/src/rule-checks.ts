/**
 * A tightened rule as a SQL check over existing rows: `SELECT COUNT(*) AS violations FROM t WHERE <violates>`, for
 * the rules whose meaning SQL says plainly; others get no check (review says so). Unset fields with presence are
 * skipped, as protovalidate skips them, unless the rule is `required`. A rule on a field of a nested message is
 * checked where the message is present: `s.f` inside a struct, `exists(lines, e -> …)` for the records of a list,
 * `exists(map_values(m), v -> …)` for those of a map.
 */
import { quoteIdentifier, ruleEntrySql, type SparkType } from "@lakehouse-contracts/schema";
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

/**
 * The predicate that is true for a row violating `rule` (with `value`, proto3 JSON text), or undefined: the schema
 * package's translation (`ruleEntrySql`), the same SQL as the table's CHECK constraint, so a rule the table cannot
 * enforce exactly (a pattern, a format, custom CEL) gets no check here either.
 */
export function violationPredicate(
  column: string,
  type: SparkType,
  nullable: boolean,
  rule: string,
  value: string | undefined,
): string | undefined {
  if (value === undefined) return undefined;
  // Review's snapshots carry no enum values: enum rules stay a manual check.
  if (rule.startsWith("enum.") || /\.enum\./.test(rule)) return undefined;
  // Review's steps carry no presence: a string, bytes, list or map counts as empty when NULL (as a record reads it).
  const emptyIsZero =
    type.kind === "array" || type.kind === "map" || (type.kind === "atomic" && /^(STRING|BINARY)$/.test(type.name));
  const sql = ruleEntrySql(column, type, { presence: nullable && !emptyIsZero, nullable }, rule, value);
  return sql.kind === "sql" ? sql.violated : undefined;
}
