/**
 * The runtime of generated record classes: pure functions over a `RecordDescriptor` (plain data the generator
 * emits), so generated code stays short wiring and the algorithms live here once.
 */
export type { JsonObject, JsonValue } from "@bufbuild/protobuf";
export { fromArrow } from "./arrow-decode.js";
export { toArrow } from "./arrow-encode.js";
export { arrowSchema } from "./arrow-schema.js";
export type * from "./descriptor.js";
export {
  IssuesError,
  isIssuesError,
  isJsonDecodeError,
  isRecordDecodeError,
  isRecordEncodeError,
  isRecordSchemaError,
  isSchemaMismatchError,
  JsonDecodeError,
  type JsonDecodeIssue,
  RecordDecodeError,
  RecordEncodeError,
  type RecordIssue,
  RecordSchemaError,
  type RejectedRecord,
  SchemaMismatchError,
} from "./errors.js";
export { newIngestId } from "./ingest-id.js";
export { decodeJson, type JsonDecodeResult } from "./json-decode.js";
export { encodeJson } from "./json-encode.js";
export { parquetSchema } from "./parquet-schema.js";
export { toParquet } from "./parquet-write.js";
export { epochMicrosOf, PreciseTimestamp } from "./precise-timestamp.js";
export {
  fromProtoMessage,
  type ProtoInteropOptions,
  type ProtoMessage,
  type ProtoSchema,
  toProtoMessage,
} from "./proto-interop.js";
export { hasSensitiveFields, redactJson } from "./redact-json.js";
export {
  type SparkArrayType,
  type SparkDataType,
  type SparkMapType,
  type SparkStructField,
  type SparkStructType,
  sparkDdl,
  sparkSchema,
} from "./spark-schema.js";
export { parseTableName, type TableName } from "./sql-text.js";
export { type CreateTableOptions, createTableSql } from "./table-sql.js";
