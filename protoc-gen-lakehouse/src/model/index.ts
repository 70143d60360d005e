/**
 * `@lakehouse-contracts/protoc-gen-lakehouse/model`: the model the plugin generates from, for tools that must see a
 * contract exactly as `buf generate` does (contract review, `@lakehouse-contracts/review`): the record and table
 * model of a message, its column types, their Spark types and DDL, and each field's validation rules as entries.
 * Pure functions over protobuf-es descriptors; no I/O.
 */
export { formatProblem, type Problem } from "../errors.js";
export { type ColumnType, type ScalarKind, zeroEnumValue } from "../mapping/column-type.js";
export {
  type AtomicName,
  quoteIdentifier,
  type SparkType,
  type StructField,
  sparkTypeOf,
  sparkTypeSql,
  sqlString,
} from "../mapping/spark-type.js";
export { fieldRuleEntries, type RuleEntries } from "../rules/entries.js";
export {
  buildRecord,
  type ColumnModel,
  type IngestRole,
  isTableMessage,
  messagesOf,
  type RecordModel,
  type TableModel,
} from "./record.js";
