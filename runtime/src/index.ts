/**
 * @lakehouse-contracts/runtime: a Spark Connect client for Node.js, and the runtime that protoc-gen-lakehouse's
 * generated record classes call.
 */
export { batchToRows, type Row } from "./arrow/rows.js";
export { Decimal } from "./decimal.js";
export {
  AuthError,
  CancelledError,
  ConnectionError,
  ConnectionStringError,
  type ConstraintViolation,
  ConstraintViolationError,
  DeltaConflictError,
  InvalidArgumentError,
  isAuthError,
  isCancelledError,
  isConnectionError,
  isConnectionStringError,
  isConstraintViolationError,
  isDeltaConflictError,
  isInvalidArgumentError,
  isLakehouseError,
  isProtocolError,
  isSparkError,
  isTimeoutError,
  LakehouseError,
  type LakehouseErrorCode,
  ProtocolError,
  SparkError,
  TimeoutError,
} from "./errors.js";
export { isResultShapeMismatchError, ResultShapeMismatchError } from "./reads/errors.js";
export type { ResultSchemaOptions } from "./reads/result-schema.js";
export { type FieldKey, pickShape, type RecordShape } from "./reads/shape.js";
export { type IntoOptions, TypedResult } from "./reads/typed-result.js";
export * from "./records/index.js";
export { Secret } from "./secret.js";
export { ArtifactManager } from "./spark/artifacts.js";
export type { SparkClient } from "./spark/client.js";
export type { ClientEvent } from "./spark/client-context.js";
export { RuntimeConfig } from "./spark/config.js";
export {
  type ConnectionConfig,
  DEFAULT_PORT,
  describeConnection,
  parseConnectionString,
} from "./spark/connection-string.js";
export { type DatabricksOAuthOptions, databricksClientCredentials, databricksRemote } from "./spark/databricks.js";
export { DataFrame, type QueryOptions } from "./spark/dataframe.js";
export type { ExecuteOptions } from "./spark/execute.js";
export { GrpcTransport, type GrpcTransportOptions } from "./spark/grpc-transport.js";
export { FloatingPoint, type SqlValue, toLiteral } from "./spark/literals.js";
export type { SqlParams } from "./spark/relations.js";
export { DEFAULT_RETRY_POLICY, NO_BACKOFF_RETRY_POLICY, type RetryPolicy } from "./spark/retry.js";
export {
  type CreateDataFrameOptions,
  type SessionOptions,
  type SparkErrorDetail,
  SparkSession,
} from "./spark/session.js";
export { SqlResult } from "./spark/sql-result.js";
export {
  CachedToken,
  type CachedTokenOptions,
  DEFAULT_REFRESH_TIMEOUT_MS,
  type IssuedToken,
  type TokenProvider,
} from "./spark/token-provider.js";
export { type CallConfig, DEFAULT_TIMEOUTS, type RpcMethod, type Timeouts, type Transport } from "./spark/transport.js";
export { DataFrameWriter, type SaveMode } from "./spark/writer.js";
export { DataFrameWriterV2 } from "./spark/writer-v2.js";
export {
  isObjectStoreError,
  type ObjectStore,
  ObjectStoreError,
  type ObjectStoreProblem,
  type S3StoreOptions,
  type StoredObject,
  s3Store,
} from "./staging/object-store.js";
export {
  IdempotencyConflictError,
  isIdempotencyConflictError,
  isRecordsRejectedError,
  isTableSchemaMismatchError,
  isWriteCancelledError,
  RecordsRejectedError,
  TableSchemaMismatchError,
  WriteCancelledError,
} from "./tables/errors.js";
export type { Comparison, Filter } from "./tables/filter.js";
export type { RecordClass } from "./tables/record-class.js";
export {
  type IdempotencyKey,
  type InsertOptions,
  type InsertResult,
  type InsertStreamOptions,
  type InsertStreamResult,
  type ProjectionOptions,
  type ReadOptions,
  RecordTable,
  type RecordTableOptions,
  type StageResult,
  type UpsertResult,
} from "./tables/record-table.js";
export {
  isWriterClosedError,
  isWriterQueueFullError,
  RecordWriter,
  type RecordWriterOptions,
  type WriteOptions,
  type WriteResult,
  WriterClosedError,
  WriterQueueFullError,
} from "./tables/record-writer.js";
export type { StagingOptions } from "./tables/stager.js";
export type { TableLocation } from "./tables/table-target.js";
export * from "./validate/index.js";
