/**
 * The Spark schema of a record, as the Delta table created by `createTableSql` reports it: a StructType in Spark's
 * JSON form (what `DataType.json` prints and Delta stores as `schemaString`) and as a DDL column list. The mapping is
 * the schema package's (@lakehouse-contracts/schema, spark-type.ts, with the Delta facts that shape nullability);
 * this module checks the descriptor first. (The Arrow data is stricter than the schema: `toArrow` never writes a null
 * element, key or value, nor a missing NOT NULL field of a struct that is present.)
 */
import { type SparkStructType, sparkDdl as schemaDdl, sparkSchema as schemaJson } from "@lakehouse-contracts/schema";
import type { RecordDescriptor } from "./descriptor.js";
import { checkDescriptor } from "./descriptor-check.js";

export type {
  SparkArrayType,
  SparkDataType,
  SparkMapType,
  SparkStructField,
  SparkStructType,
} from "@lakehouse-contracts/schema";

/** The StructType JSON of the record's table: `{ type: "struct", fields: [{ name, type, nullable, metadata }] }`. */
export function sparkSchema(d: RecordDescriptor): SparkStructType {
  checkDescriptor(d);
  return schemaJson(d);
}

/**
 * The column list in Spark DDL, for `CREATE TABLE t (…)` or as a `createDataFrame` schema:
 * `` `id` BIGINT NOT NULL COMMENT 'Order id', `tags` ARRAY<STRING> ``.
 */
export function sparkDdl(d: RecordDescriptor): string {
  checkDescriptor(d);
  return schemaDdl(d);
}
