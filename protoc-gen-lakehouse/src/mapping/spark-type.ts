/**
 * The Spark (Delta) type of a column as the catalogue (emit/docs.ts) prints it and contract review
 * (@lakehouse-contracts/review) compares it: a structured twin of the runtime's DDL types
 * (runtime/src/records/spark-schema.ts), built from the plugin's ColumnType so the plugin needs no runtime, with the
 * SQL quoting its DDL uses (a twin of runtime/src/records/sql-text.ts). Nested struct fields are always nullable in
 * the table (Delta checks a nested NOT NULL even under a NULL struct).
 */
import { buildRecord } from "../model/record.js";
import { fieldRuleEntries, type RuleEntries } from "../rules/entries.js";
import type { ColumnType, ScalarKind } from "./column-type.js";

export type AtomicName = "INT" | "BIGINT" | "FLOAT" | "DOUBLE" | "BOOLEAN" | "STRING" | "BINARY" | "TIMESTAMP" | "DATE";

export interface StructField {
  readonly name: string;
  /** The proto field number, the identity of a struct field across contract versions. */
  readonly number: number;
  readonly type: SparkType;
  readonly comment?: string;
  /**
   * The field's protovalidate rules, as a top-level column carries them (`ColumnSnapshot.rules`), so review diffs
   * the rules of struct fields and of the fields of the records of lists and maps; absent when it has none. Not part
   * of the type's shape or DDL.
   */
  readonly rules?: RuleEntries;
}

export type SparkType =
  | { readonly kind: "atomic"; readonly name: AtomicName }
  | { readonly kind: "decimal"; readonly precision: number; readonly scale: number }
  | { readonly kind: "array"; readonly element: SparkType }
  | { readonly kind: "map"; readonly key: SparkType; readonly value: SparkType }
  | { readonly kind: "struct"; readonly typeName: string; readonly fields: readonly StructField[] };

const atomic = (name: AtomicName): SparkType => ({ kind: "atomic", name });

export function scalarSparkType(kind: ScalarKind): SparkType {
  switch (kind) {
    case "int32":
    case "sint32":
    case "sfixed32":
      return atomic("INT");
    case "int64":
    case "sint64":
    case "sfixed64":
    case "uint32":
    case "fixed32":
      return atomic("BIGINT");
    case "uint64":
    case "fixed64":
      return { kind: "decimal", precision: 20, scale: 0 };
    case "float":
      return atomic("FLOAT");
    case "double":
      return atomic("DOUBLE");
    case "bool":
      return atomic("BOOLEAN");
    case "string":
      return atomic("STRING");
    case "bytes":
      return atomic("BINARY");
  }
}

/** The Spark type of a column type; nested record messages become structs (their model built on the way). */
export function sparkTypeOf(type: ColumnType): SparkType {
  switch (type.kind) {
    case "scalar":
    case "wrapper":
      return scalarSparkType(type.scalar);
    case "enum":
      return atomic(type.asInt ? "INT" : "STRING");
    case "message": {
      // Problems of nested records are reported where the record itself is modelled; here only the shape counts.
      const record = buildRecord(type.message, []);
      return {
        kind: "struct",
        typeName: type.message.typeName,
        fields: record.columns.map((c) => {
          const rules = fieldRuleEntries(c.field);
          return {
            name: c.column,
            number: c.field.number,
            type: sparkTypeOf(c.type),
            ...(c.comment === undefined ? {} : { comment: c.comment }),
            ...(rules.size === 0 ? {} : { rules }),
          };
        }),
      };
    }
    case "timestamp":
      return atomic("TIMESTAMP");
    case "date":
      return atomic("DATE");
    case "duration":
      return atomic("BIGINT");
    case "json":
      return atomic("STRING");
    case "fieldMask":
      return { kind: "array", element: atomic("STRING") };
    case "decimal":
      return { kind: "decimal", precision: type.precision, scale: type.scale };
    case "list":
      return { kind: "array", element: sparkTypeOf(type.element) };
    case "map":
      return { kind: "map", key: scalarSparkType(type.key), value: sparkTypeOf(type.value) };
  }
}

/** Spark DDL of a type, as the runtime's `sparkDdl` writes it (`STRUCT<`a`: INT COMMENT '…'>`). */
export function sparkTypeSql(type: SparkType): string {
  switch (type.kind) {
    case "atomic":
      return type.name;
    case "decimal":
      return `DECIMAL(${type.precision},${type.scale})`;
    case "array":
      return `ARRAY<${sparkTypeSql(type.element)}>`;
    case "map":
      return `MAP<${sparkTypeSql(type.key)}, ${sparkTypeSql(type.value)}>`;
    case "struct":
      return `STRUCT<${type.fields
        .map(
          (f) =>
            `${quoteIdentifier(f.name)}: ${sparkTypeSql(f.type)}${f.comment === undefined ? "" : ` COMMENT ${sqlString(f.comment)}`}`,
        )
        .join(", ")}>`;
  }
}

/** `` `a``b` `` for the identifier ``a`b``: backquotes doubled, as Spark's parser expects (like the runtime's). */
export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll("`", "``")}\``;
}

/** A Spark SQL string literal, escaped like the runtime's `sqlString` (backslash escapes, one line). */
export function sqlString(text: string): string {
  const escaped = text
    .replaceAll("\\", "\\\\")
    .replaceAll("'", "\\'")
    .replaceAll("\n", "\\n")
    .replaceAll("\r", "\\r")
    .replaceAll("\t", "\\t");
  return `'${escaped}'`;
}
