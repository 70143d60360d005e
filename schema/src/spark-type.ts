/**
 * The Spark (Delta) type of a field type: one mapping for the plugin (its catalogue), contract review (which
 * compares and migrates these types) and the runtime (its StructType JSON and DDL, spark-schema.ts, table-sql.ts).
 *
 * Two Delta/Spark facts shape it:
 * - Spark DDL has no syntax for non-null array elements or map values, so they are always nullable
 *   (`containsNull: true`, `valueContainsNull: true` in the JSON form).
 * - Delta rejects NOT NULL inside arrays and maps (`DELTA_NESTED_NOT_NULL_CONSTRAINT`), and it checks a nested
 *   NOT NULL field even when its struct is NULL (`DELTA_NOT_NULL_CONSTRAINT_VIOLATED` for `address.street` when
 *   `address` is NULL). So a field is NOT NULL only if it and every struct above it are not nullable and it is not
 *   inside an array or map; in practice the top-level proto3 scalars, since message fields are nullable.
 */
import type { ColumnDescriptor, FieldType, ScalarKind, TypeRefs } from "./descriptor.js";
import { quoteIdentifier, sqlString } from "./sql-text.js";

export type AtomicName = "INT" | "BIGINT" | "FLOAT" | "DOUBLE" | "BOOLEAN" | "STRING" | "BINARY" | "TIMESTAMP" | "DATE";

/** A column of a table, or a field of a struct, as Spark sees it. */
export interface SparkColumn {
  readonly name: string;
  readonly type: SparkType;
  /** Whether it may be NULL; never false below a nullable struct, an array or a map (see above). */
  readonly nullable: boolean;
  readonly comment?: string;
}

export interface StructField extends SparkColumn {
  /** The proto field number, the identity of a struct field across contract versions. */
  readonly number: number;
}

export type SparkType =
  | { readonly kind: "atomic"; readonly name: AtomicName }
  | { readonly kind: "decimal"; readonly precision: number; readonly scale: number }
  | { readonly kind: "array"; readonly element: SparkType }
  | { readonly kind: "map"; readonly key: SparkType; readonly value: SparkType }
  | { readonly kind: "struct"; readonly typeName: string; readonly fields: readonly StructField[] };

/** A nested record as the Spark mapping needs it: its name and its columns. */
export interface RecordColumns<R extends TypeRefs> {
  readonly typeName: string;
  readonly fields: readonly ColumnDescriptor<R>[];
}

/**
 * How the mapping reaches the record a `message` field type refers to: for generated descriptors, calling its
 * thunk (`descriptorRecords`); for the plugin, modelling the protobuf-es message.
 */
export type RecordResolver<R extends TypeRefs> = (record: R["record"]) => RecordColumns<R>;

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

/**
 * The Spark type of a field type; nested records become structs (reached through `records`). `inNullable`: the
 * value sits in a nullable column or struct field, so no field below it can be NOT NULL (the default; a column
 * passes its own `nullable`).
 */
export function sparkTypeOf<R extends TypeRefs>(
  type: FieldType<R>,
  records: RecordResolver<R>,
  inNullable = true,
): SparkType {
  switch (type.kind) {
    case "scalar":
    case "wrapper":
      return scalarSparkType(type.scalar);
    case "enum":
      return atomic(type.asInt ? "INT" : "STRING");
    case "message": {
      const record = records(type.record);
      return { kind: "struct", typeName: record.typeName, fields: structFields(record.fields, records, inNullable) };
    }
    case "timestamp":
      return atomic("TIMESTAMP");
    case "date":
      return atomic("DATE");
    case "duration":
      return atomic("BIGINT");
    case "json":
      return atomic("STRING");
    case "decimal":
      return { kind: "decimal", precision: type.precision, scale: type.scale };
    case "list":
      return { kind: "array", element: sparkTypeOf(type.element, records, true) };
    case "map":
      return { kind: "map", key: scalarSparkType(type.key), value: sparkTypeOf(type.value, records, true) };
  }
}

/**
 * The columns of a record as struct fields (a table's columns: `inNullable` false), each with its Spark type;
 * under a nullable parent every field is nullable.
 */
export function structFields<R extends TypeRefs>(
  columns: readonly ColumnDescriptor<R>[],
  records: RecordResolver<R>,
  inNullable = false,
): StructField[] {
  return columns.map((c) => {
    const nullable = inNullable || c.nullable;
    return {
      name: c.column,
      number: c.number,
      type: sparkTypeOf(c.type, records, nullable),
      nullable,
      ...(c.comment === undefined ? {} : { comment: c.comment }),
    };
  });
}

/** Spark DDL of a type: `DECIMAL(18,2)`, `ARRAY<STRING>`, `MAP<STRING, INT>`, `` STRUCT<`a`: INT COMMENT '…'> ``. */
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
      return `STRUCT<${type.fields.map((f) => columnSql(f, ": ")).join(", ")}>`;
  }
}

/** A type as people read it: `ARRAY<STRUCT<line_id: BIGINT, sku: STRING>>` (no quotes, no comments, no NOT NULL). */
export function sparkTypeText(type: SparkType): string {
  switch (type.kind) {
    case "atomic":
    case "decimal":
      return sparkTypeSql(type);
    case "array":
      return `ARRAY<${sparkTypeText(type.element)}>`;
    case "map":
      return `MAP<${sparkTypeText(type.key)}, ${sparkTypeText(type.value)}>`;
    case "struct":
      return `STRUCT<${type.fields.map((f) => `${f.name}: ${sparkTypeText(f.type)}`).join(", ")}>`;
  }
}

/** `` `name` TYPE [NOT NULL] [COMMENT '…'] ``: a column of CREATE TABLE (`" "`) or a struct field (`": "`). */
export function columnSql(column: SparkColumn, separator: " " | ": " = " "): string {
  const notNull = column.nullable ? "" : " NOT NULL";
  const comment = column.comment === undefined ? "" : ` COMMENT ${sqlString(column.comment)}`;
  return `${quoteIdentifier(column.name)}${separator}${sparkTypeSql(column.type)}${notNull}${comment}`;
}
