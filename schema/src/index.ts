/**
 * `@lakehouse-contracts/schema`: the type model of Protobuf record contracts, written once. Field types, record and
 * table descriptors, ingest roles (descriptor.ts); facts about field types (field-type.ts); the members generated
 * record classes inherit (record-members.ts); Spark SQL quoting and table names (sql-text.ts); the Spark (Delta) type
 * of a field type and its DDL (spark-type.ts); a record's StructType JSON and column list (spark-schema.ts); CREATE
 * TABLE (table-sql.ts); protovalidate rules as SQL, the table's CHECK constraints (check-constraints.ts). Pure functions over plain data: no dependency, no I/O. protoc-gen-lakehouse maps protobuf-es
 * descriptors into it, its runtime and contract review build on it.
 */
export {
  type CheckConstraint,
  type ClientOnlyRule,
  constraintName,
  type RecordChecks,
  type RuleEnum,
  type RuleField,
  type RuleRecord,
  type RuleSql,
  recordCheckConstraints,
  ruleEntrySql,
} from "./check-constraints.js";
export type {
  ColumnDescriptor,
  DescriptorRefs,
  EnumDescriptor,
  FieldDescriptor,
  FieldType,
  IngestRole,
  Int64Representation,
  JsonWellKnown,
  OneofDescriptor,
  RecordDescriptor,
  ScalarKind,
  TableDescriptor,
  TypeRefs,
} from "./descriptor.js";
export {
  defaultNullable,
  FIELD_MASK_TYPE,
  is64Bit,
  isFieldMask,
  referencedRecord,
  zeroEnumValue,
} from "./field-type.js";
export { CODEGEN_SEAM, RECORD_INSTANCE_MEMBERS, recordPropertyName } from "./record-members.js";
export {
  columnListSql,
  descriptorRecords,
  type SparkArrayType,
  type SparkDataType,
  type SparkMapType,
  type SparkStructField,
  type SparkStructType,
  sparkDdl,
  sparkSchema,
  sparkTypeJson,
} from "./spark-schema.js";
export {
  type AtomicName,
  columnSql,
  type RecordColumns,
  type RecordResolver,
  type SparkColumn,
  type SparkType,
  type StructField,
  scalarSparkType,
  sparkTypeOf,
  sparkTypeSql,
  sparkTypeText,
  structFields,
} from "./spark-type.js";
export {
  qualifiedName,
  quoteIdentifier,
  safeParseTableName,
  sqlString,
  type TableName,
  type TableNameResult,
} from "./sql-text.js";
export { type CreateTableStatement, checkConstraintProperties, createTableStatement } from "./table-sql.js";
