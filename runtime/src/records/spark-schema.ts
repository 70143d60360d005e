/**
 * The Spark schema of a record, as the Delta table created by `createTableSql` reports it: a StructType in Spark's
 * JSON form (what `DataType.json` prints and Delta stores as `schemaString`) and as a DDL column list.
 *
 * Two Delta/Spark facts shape it:
 * - Spark DDL has no syntax for non-null array elements or map values, so `ARRAY<T>` is `containsNull: true` and
 *   `MAP<K, V>` is `valueContainsNull: true`.
 * - Delta rejects NOT NULL inside arrays and maps (`DELTA_NESTED_NOT_NULL_CONSTRAINT`), and it checks a nested
 *   NOT NULL field even when its struct is NULL (`DELTA_NOT_NULL_CONSTRAINT_VIOLATED` for `address.street` when
 *   `address` is NULL). So a field is NOT NULL only if it and every struct above it are not nullable and it is not
 *   inside an array or map; in practice the top-level proto3 scalars, since message fields are nullable.
 *   (The Arrow data is stricter: `toArrow` never writes a null element, key or value, nor a missing NOT NULL field
 *   of a struct that is present.)
 */
import type { FieldDescriptor, FieldType, RecordDescriptor, ScalarKind } from "./descriptor.js";
import { checkDescriptor } from "./descriptor-check.js";
import { quoteIdentifier, sqlString } from "./sql-text.js";

export type SparkDataType = string | SparkArrayType | SparkMapType | SparkStructType;

export interface SparkArrayType {
  type: "array";
  elementType: SparkDataType;
  containsNull: boolean;
}

export interface SparkMapType {
  type: "map";
  keyType: SparkDataType;
  valueType: SparkDataType;
  valueContainsNull: boolean;
}

export interface SparkStructField {
  name: string;
  type: SparkDataType;
  nullable: boolean;
  /** `{ comment }` when the field has a comment, else empty (as Spark writes it). */
  metadata: { comment?: string };
}

export interface SparkStructType {
  type: "struct";
  fields: SparkStructField[];
}

/** The StructType JSON of the record's table: `{ type: "struct", fields: [{ name, type, nullable, metadata }] }`. */
export function sparkSchema(d: RecordDescriptor): SparkStructType {
  checkDescriptor(d);
  return structType(d.fields, false);
}

/**
 * The column list in Spark DDL, for `CREATE TABLE t (…)` or as a `createDataFrame` schema:
 * `` `id` BIGINT NOT NULL COMMENT 'Order id', `tags` ARRAY<STRING> ``.
 */
export function sparkDdl(d: RecordDescriptor): string {
  checkDescriptor(d);
  return d.fields.map((f) => columnDdl(f, false, " ")).join(", ");
}

/** `relaxed`: NOT NULL cannot be declared here (inside an array or map, or under a nullable struct). */
function structType(fields: readonly FieldDescriptor[], relaxed: boolean): SparkStructType {
  return {
    type: "struct",
    fields: fields.map((f) => ({
      name: f.column,
      type: sparkType(f.type, relaxed || f.nullable),
      nullable: relaxed || f.nullable,
      metadata: f.comment === undefined ? {} : { comment: f.comment },
    })),
  };
}

export function sparkType(type: FieldType, relaxed: boolean): SparkDataType {
  switch (type.kind) {
    case "scalar":
    case "wrapper":
      return scalarSparkType(type.scalar);
    case "enum":
      return type.asInt ? "integer" : "string";
    case "message":
      return structType(type.record().fields, relaxed);
    case "timestamp":
      return "timestamp";
    case "date":
      return "date";
    case "duration":
      return "long";
    case "json":
      return "string";
    case "decimal":
      return `decimal(${type.precision},${type.scale})`;
    case "list":
      return { type: "array", elementType: sparkType(type.element, true), containsNull: true };
    case "map":
      return {
        type: "map",
        keyType: scalarSparkType(type.key),
        valueType: sparkType(type.value, true),
        valueContainsNull: true,
      };
  }
}

function scalarSparkType(kind: ScalarKind): string {
  switch (kind) {
    case "int32":
    case "sint32":
    case "sfixed32":
      return "integer";
    case "int64":
    case "sint64":
    case "sfixed64":
    case "uint32":
    case "fixed32":
      return "long";
    case "uint64":
    case "fixed64":
      return "decimal(20,0)";
    case "float":
      return "float";
    case "double":
      return "double";
    case "bool":
      return "boolean";
    case "string":
      return "string";
    case "bytes":
      return "binary";
  }
}

/** `` `name` TYPE [NOT NULL] [COMMENT '…'] ``; struct fields use `": "` between name and type. */
function columnDdl(field: FieldDescriptor, relaxed: boolean, separator: " " | ": "): string {
  const notNull = !relaxed && !field.nullable ? " NOT NULL" : "";
  const comment = field.comment === undefined ? "" : ` COMMENT ${sqlString(field.comment)}`;
  const type = ddlType(field.type, relaxed || field.nullable);
  return `${quoteIdentifier(field.column)}${separator}${type}${notNull}${comment}`;
}

export function ddlType(type: FieldType, relaxed: boolean): string {
  switch (type.kind) {
    case "message":
      return `STRUCT<${type
        .record()
        .fields.map((f) => columnDdl(f, relaxed, ": "))
        .join(", ")}>`;
    case "list":
      return `ARRAY<${ddlType(type.element, true)}>`;
    case "map":
      return `MAP<${scalarDdlType(type.key)}, ${ddlType(type.value, true)}>`;
    case "scalar":
    case "wrapper":
      return scalarDdlType(type.scalar);
    default: {
      const json = sparkType(type, relaxed);
      return typeof json === "string" ? ddlName(json) : "";
    }
  }
}

function scalarDdlType(kind: ScalarKind): string {
  return ddlName(scalarSparkType(kind));
}

/** Spark's JSON type names in DDL spelling: `integer` → `INT`, `long` → `BIGINT`, `decimal(20,0)` → `DECIMAL(20,0)`. */
function ddlName(json: string): string {
  return json === "integer" ? "INT" : json === "long" ? "BIGINT" : json.toUpperCase();
}
