/**
 * Comparing two Spark types of a column across contract versions: the same type (`typeShape`), and whether Delta
 * changes one into the other in place (`isDeltaWidening`). The types come from the schema package's mapping
 * (`sparkTypeOf`); these decisions are review's, so they live here and not beside that mapping.
 */
import { type AtomicName, type SparkType, sparkTypeSql } from "@lakehouse-contracts/schema";

/** The type's shape without names and comments, for "same type?" comparisons. */
export function typeShape(type: SparkType): string {
  switch (type.kind) {
    case "atomic":
    case "decimal":
      return sparkTypeSql(type);
    case "array":
      return `ARRAY<${typeShape(type.element)}>`;
    case "map":
      return `MAP<${typeShape(type.key)}, ${typeShape(type.value)}>`;
    case "struct":
      return `STRUCT<${type.fields.map((f) => `${f.name}: ${typeShape(f.type)}`).join(", ")}>`;
  }
}

/**
 * Whether Delta's type widening (`delta.enableTypeWidening`) changes `from` to `to` in place with
 * `ALTER COLUMN … TYPE`: INT → BIGINT/DOUBLE, FLOAT → DOUBLE, INT/BIGINT → DECIMAL with enough integer digits,
 * DECIMAL(p, s) → DECIMAL(p + k, s + j) with k ≥ j (all checked against Delta 4.4 in
 * test/integration/review-migrations.test.ts). https://docs.delta.io/latest/delta-type-widening.html
 */
export function isDeltaWidening(from: SparkType, to: SparkType): boolean {
  if (from.kind === "atomic" && to.kind === "atomic") {
    const allowed: Partial<Record<AtomicName, readonly AtomicName[]>> = {
      INT: ["BIGINT", "DOUBLE"],
      FLOAT: ["DOUBLE"],
      DATE: [],
    };
    return allowed[from.name]?.includes(to.name) ?? false;
  }
  if (from.kind === "atomic" && to.kind === "decimal") {
    const digits = from.name === "INT" ? 10 : from.name === "BIGINT" ? 20 : undefined;
    return digits !== undefined && to.precision - to.scale >= digits;
  }
  if (from.kind === "decimal" && to.kind === "decimal") {
    return to.scale >= from.scale && to.precision - to.scale >= from.precision - from.scale;
  }
  return false;
}
