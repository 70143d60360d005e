/**
 * The data that generated record classes carry about themselves (`RecordDescriptor`: fields, their proto and column
 * types, table options) is the schema package's type model (@lakehouse-contracts/schema, descriptor.ts, with the
 * type decisions); the runtime derives everything else from it (Arrow/Parquet/Spark schemas, DDL, columnar
 * encoding, strict JSON decoding). Re-exported here for the runtime's modules and its public API.
 */
export type {
  EnumDescriptor,
  FieldDescriptor,
  FieldType,
  IngestRole,
  Int64Representation,
  OneofDescriptor,
  RecordDescriptor,
  ScalarKind,
  TableDescriptor,
} from "@lakehouse-contracts/schema";
