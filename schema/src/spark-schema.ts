/**
 * A record's Spark schema in Spark's JSON form (what `DataType.json` prints and Delta stores as `schemaString`), and
 * as a DDL column list: both from the Spark types of spark-type.ts.
 */
import type { ColumnDescriptor, DescriptorRefs, RecordDescriptor, TypeRefs } from "./descriptor.js";
import {
  type AtomicName,
  columnSql,
  type RecordResolver,
  type SparkColumn,
  type SparkType,
  structFields,
} from "./spark-type.js";

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

/** The records of generated descriptors: each nested record's thunk, called. */
export const descriptorRecords: RecordResolver<DescriptorRefs> = (record) => record();

/** What the schema of a record is made of: its columns. */
type Columns<R extends TypeRefs> = { readonly fields: readonly ColumnDescriptor<R>[] };

/** A record's columns as the StructType JSON of its table: `{ type: "struct", fields: [{ name, type, … }] }`. */
export function sparkSchema(record: RecordDescriptor): SparkStructType;
export function sparkSchema<R extends TypeRefs>(record: Columns<R>, records: RecordResolver<R>): SparkStructType;
export function sparkSchema(
  record: Columns<TypeRefs>,
  records: RecordResolver<TypeRefs> = descriptorRecords as RecordResolver<TypeRefs>,
): SparkStructType {
  return structJson(structFields(record.fields, records));
}

/**
 * A record's columns in Spark DDL, for `CREATE TABLE t (…)` or as a `createDataFrame` schema:
 * `` `id` BIGINT NOT NULL COMMENT 'Order id', `tags` ARRAY<STRING> ``.
 */
export function sparkDdl(record: RecordDescriptor): string;
export function sparkDdl<R extends TypeRefs>(record: Columns<R>, records: RecordResolver<R>): string;
export function sparkDdl(
  record: Columns<TypeRefs>,
  records: RecordResolver<TypeRefs> = descriptorRecords as RecordResolver<TypeRefs>,
): string {
  return columnListSql(structFields(record.fields, records));
}

/** Columns as the list between CREATE TABLE's parentheses. */
export function columnListSql(columns: readonly SparkColumn[]): string {
  return columns.map((c) => columnSql(c)).join(", ");
}

/** A Spark type in Spark's JSON form: `"long"`, `"decimal(20,0)"`, `{ type: "array", elementType, containsNull }`. */
export function sparkTypeJson(type: SparkType): SparkDataType {
  switch (type.kind) {
    case "atomic":
      return JSON_NAMES[type.name];
    case "decimal":
      return `decimal(${type.precision},${type.scale})`;
    case "array":
      return { type: "array", elementType: sparkTypeJson(type.element), containsNull: true };
    case "map":
      return {
        type: "map",
        keyType: sparkTypeJson(type.key),
        valueType: sparkTypeJson(type.value),
        valueContainsNull: true,
      };
    case "struct":
      return structJson(type.fields);
  }
}

function structJson(fields: readonly SparkColumn[]): SparkStructType {
  return {
    type: "struct",
    fields: fields.map((f) => ({
      name: f.name,
      type: sparkTypeJson(f.type),
      nullable: f.nullable,
      metadata: f.comment === undefined ? {} : { comment: f.comment },
    })),
  };
}

/** Spark's JSON names of the atomic types (the `AtomicName`s are their DDL names). */
const JSON_NAMES: Readonly<Record<AtomicName, string>> = {
  INT: "integer",
  BIGINT: "long",
  FLOAT: "float",
  DOUBLE: "double",
  BOOLEAN: "boolean",
  STRING: "string",
  BINARY: "binary",
  TIMESTAMP: "timestamp",
  DATE: "date",
};
