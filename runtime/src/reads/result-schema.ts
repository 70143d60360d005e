/**
 * Checks a query result's schema (Spark's, from AnalyzePlan) against a shape, column by column: every field of the
 * shape is a column of the result, of the Spark type the contract gives it (as `sparkSchema` has it: the type of its
 * table's column), and may be NULL only where the field may be — a nullable column of the result into a required
 * field is a difference, however rarely it is NULL in fact (a LEFT JOIN's side, `sum(…)`, a CASE without ELSE).
 * A NOT NULL column into a nullable field is fine. Every difference is listed, in words.
 *
 * Names are matched exactly, as the Arrow decoder matches them (Spark resolves names case-insensitively, its results
 * keep the case the query wrote). Columns of the result the shape has no field for are differences too, unless the
 * caller says `extraColumns: "ignore"`: a query that reads more than its shape holds is usually a mistake (`SELECT *`
 * into a report), and reading a column only to drop it costs the scan.
 */
import type { SparkDataType, SparkStructType } from "@lakehouse-contracts/schema";
import type { DataType } from "../gen/spark/connect/types_pb.js";
import type { RecordDescriptor } from "../records/descriptor.js";
import { sparkSchema } from "../records/spark-schema.js";
import { typeString } from "../tables/schema-diff.js";

export interface ResultSchemaOptions {
  /** Columns of the result that the shape has no field for: "reject" (default) lists them, "ignore" reads past them. */
  extraColumns?: "reject" | "ignore";
}

/** Every difference between the result's schema and the shape's columns; empty when the shape can read the result. */
export function diffResultSchema(d: RecordDescriptor, result: DataType, options: ResultSchemaOptions = {}): string[] {
  if (result.kind.case !== "struct") return [`the result is a ${typeString(result)}, not rows of columns`];
  const actual = result.kind.value.fields;
  const expected: SparkStructType = sparkSchema(d);
  const lines: string[] = [];
  for (const want of expected.fields) {
    const found = actual.filter((a) => a.name === want.name);
    if (found.length > 1) {
      lines.push(`${want.name}: the result has ${found.length} columns of this name (alias them apart)`);
      continue;
    }
    const have = found[0];
    if (have === undefined) {
      const other = actual.find((a) => a.name.toLowerCase() === want.name.toLowerCase());
      lines.push(
        other === undefined
          ? `${want.name}: missing from the result (the shape wants ${jsonTypeString(want.type)}${want.nullable ? "" : ", not nullable"})`
          : `${want.name}: missing from the result, which has "${other.name}" (names are matched exactly)`,
      );
      continue;
    }
    const got = typeString(have.dataType);
    const type = jsonTypeString(want.type);
    if (got !== type) {
      lines.push(`${want.name}: the result has ${got}, the shape wants ${type}`);
      continue;
    }
    if (have.nullable && !want.nullable) lines.push(`${want.name}: the result's column is nullable, the field is not`);
    nestedNulls(want.type, have.dataType, want.name, lines);
  }
  if (options.extraColumns !== "ignore") {
    const names = new Set(expected.fields.map((f) => f.name));
    for (const a of actual) {
      if (!names.has(a.name)) lines.push(`${a.name} ${typeString(a.dataType)}: in the result, not in the shape`);
    }
  }
  return lines;
}

/** Spark's simple type string (as `typeString` writes a DataType proto) of a type in Spark's JSON form. */
export function jsonTypeString(t: SparkDataType): string {
  if (typeof t === "string") return ATOMIC[t] ?? t;
  switch (t.type) {
    case "array":
      return `array<${jsonTypeString(t.elementType)}>`;
    case "map":
      return `map<${jsonTypeString(t.keyType)},${jsonTypeString(t.valueType)}>`;
    case "struct":
      return `struct<${t.fields.map((f) => `${f.name}:${jsonTypeString(f.type)}`).join(",")}>`;
  }
}

/** JSON names whose simple string differs (`DataType.json` vs `simpleString`). */
const ATOMIC: Readonly<Record<string, string>> = { long: "bigint", integer: "int", short: "smallint", byte: "tinyint" };

/** NULLs the result allows inside a column (struct fields, elements, map values) where the shape's type does not. */
function nestedNulls(want: SparkDataType, have: DataType | undefined, path: string, lines: string[]): void {
  const kind = have?.kind;
  if (typeof want === "string" || kind === undefined) return;
  if (want.type === "array" && kind.case === "array") {
    if (kind.value.containsNull && !want.containsNull) lines.push(`${path}: the result's elements may be NULL`);
    nestedNulls(want.elementType, kind.value.elementType, `${path}.element`, lines);
  } else if (want.type === "map" && kind.case === "map") {
    if (kind.value.valueContainsNull && !want.valueContainsNull) lines.push(`${path}: the result's values may be NULL`);
    nestedNulls(want.valueType, kind.value.valueType, `${path}.value`, lines);
  } else if (want.type === "struct" && kind.case === "struct") {
    for (const field of want.fields) {
      const child = kind.value.fields.find((f) => f.name === field.name);
      if (child === undefined) continue;
      const at = `${path}.${field.name}`;
      if (child.nullable && !field.nullable) lines.push(`${at}: the result's field is nullable, the shape's is not`);
      nestedNulls(field.type, child.dataType, at, lines);
    }
  }
}
