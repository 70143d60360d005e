/**
 * How a field's protovalidate rule changed between two contract versions, entry by entry (the entries are the
 * plugin's `fieldRuleEntries`: `string.min_len → 3`): tightened rules need a row check before migrating, relaxed
 * ones are safe.
 */

export type RuleChange = "tightened" | "relaxed";

const LOWER_BOUNDS = /(^|\.)(min_len|min_bytes|min_items|min_pairs|gt|gte)$/;
const UPPER_BOUNDS = /(^|\.)(max_len|max_bytes|max_items|max_pairs|lt|lte)$/;

/**
 * How a rule changed between versions: a new rule, or a bound moved inward, is `tightened` (rows written under the
 * old contract may violate it); a removed rule or a bound moved outward is `relaxed`. Any other change of value
 * (a new pattern, another `in` list) counts as tightened: review cannot prove it admits every old value.
 */
export function ruleChange(path: string, before: string | undefined, after: string | undefined): RuleChange {
  if (after === undefined) return "relaxed";
  if (before === undefined) return after === "false" ? "relaxed" : "tightened";
  const a = Number(JSON.parse(before));
  const b = Number(JSON.parse(after));
  if (Number.isFinite(a) && Number.isFinite(b)) {
    if (LOWER_BOUNDS.test(path)) return b > a ? "tightened" : "relaxed";
    if (UPPER_BOUNDS.test(path)) return b < a ? "tightened" : "relaxed";
  }
  if (before === "true" && after === "false") return "relaxed";
  return "tightened";
}
