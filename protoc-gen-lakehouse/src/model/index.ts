/**
 * `@lakehouse-contracts/protoc-gen-lakehouse/model`: the model the plugin generates from, for tools that must see a
 * contract exactly as `buf generate` does (contract review, `@lakehouse-contracts/review`): the record and table
 * model of a message, its column types (the schema's field types over protobuf-es descriptors) and the way to its
 * nested records for the schema's Spark mapping (`recordColumns`), and each field's validation rules as entries.
 * Pure functions over protobuf-es descriptors; no I/O. The type model itself (Spark types, DDL, quoting) is
 * `@lakehouse-contracts/schema`.
 */
export { formatProblem, type Problem } from "../errors.js";
export type { ColumnType, ProtoRefs } from "../mapping/column-type.js";
export { fieldRuleEntries, type RuleEntries } from "../rules/entries.js";
export {
  buildRecord,
  type ColumnModel,
  fieldProperty,
  type IngestRole,
  isTableMessage,
  messagesOf,
  oneofProperty,
  type RecordModel,
  recordColumns,
  type TableModel,
} from "./record.js";
