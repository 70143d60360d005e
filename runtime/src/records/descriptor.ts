/**
 * The data that generated record classes carry about themselves: fields, their proto and column types, table
 * options. Generated code declares one `RecordDescriptor` per record message (plain data, no logic); the runtime
 * derives everything else from it (Arrow/Parquet/Spark schemas, DDL, columnar encoding, strict JSON decoding).
 *
 * Type decisions (documented in the README's type table):
 * - 64-bit integers are `bigint` in TypeScript (`jstype = JS_STRING` → `string`, `JS_NUMBER` → `number`);
 *   uint32/fixed32 → BIGINT column, uint64/fixed64 → DECIMAL(20,0) column.
 * - enums are string-literal unions of the value names, STRING columns (option: INT of the number).
 * - google.protobuf.Timestamp → `Date`, TIMESTAMP column (Arrow timestamp µs, UTC).
 * - google.type.Date → `string` "YYYY-MM-DD", DATE column.
 * - google.protobuf.Duration → `bigint` microseconds, BIGINT column (Delta has no interval type).
 * - wrapper types (google.protobuf.*Value) → `T | undefined`, nullable scalar column.
 * - google.protobuf.Struct/Value/ListValue/Any → JSON value, STRING column holding its proto3 JSON.
 * - google.protobuf.FieldMask → its paths, `string[]` (undefined when unset), a nullable ARRAY<STRING> column: a list
 *   of strings marked `wellKnown: "FieldMask"`, which only its proto3 JSON form (`"a.b,cD"`) and CEL look at.
 * - decimal fields (a `string` or google.type.Decimal field with the decimal option) → `string` decimal text,
 *   DECIMAL(p,s) column.
 * - repeated → array / ARRAY; map → `Map<K, V>` / MAP; message → its record class / STRUCT.
 * - oneof → a discriminated union property `{ case, value }`; each member is its own nullable column.
 * - absent values are `undefined` in TypeScript and NULL in columns.
 */

export type ScalarKind =
  | "int32"
  | "sint32"
  | "sfixed32"
  | "int64"
  | "sint64"
  | "sfixed64"
  | "uint32"
  | "fixed32"
  | "uint64"
  | "fixed64"
  | "float"
  | "double"
  | "bool"
  | "string"
  | "bytes";

/** How a 64-bit integer is represented in TypeScript (protobuf's `jstype`). */
export type Int64Representation = "bigint" | "string" | "number";

export interface EnumDescriptor {
  /** Fully-qualified proto name, e.g. `shop.v1.Status`. */
  readonly typeName: string;
  readonly values: readonly { readonly name: string; readonly number: number }[];
}

export type FieldType =
  | { readonly kind: "scalar"; readonly scalar: ScalarKind; readonly int64As?: Int64Representation }
  | { readonly kind: "enum"; readonly enum: EnumDescriptor; readonly asInt?: boolean }
  /** A nested record message; a thunk so that recursive and mutually recursive messages can be declared. */
  | { readonly kind: "message"; readonly record: () => RecordDescriptor }
  | { readonly kind: "timestamp" }
  | { readonly kind: "date" }
  | { readonly kind: "duration" }
  | { readonly kind: "wrapper"; readonly scalar: ScalarKind }
  | { readonly kind: "json"; readonly wellKnown: "Struct" | "Value" | "ListValue" | "Any" }
  | { readonly kind: "decimal"; readonly precision: number; readonly scale: number }
  /** `wellKnown: "FieldMask"`: a google.protobuf.FieldMask, its paths as a list of strings (JSON: one string). */
  | { readonly kind: "list"; readonly element: FieldType; readonly wellKnown?: "FieldMask" }
  | { readonly kind: "map"; readonly key: ScalarKind; readonly value: FieldType };

export type IngestRole = "ingest_id" | "ingest_source" | "created_at" | "updated_at";

export interface FieldDescriptor {
  /** The TypeScript property name (protobuf-es's `localName`, camelCase). */
  readonly name: string;
  /** The field's name in the .proto file. */
  readonly protoName: string;
  /** The proto3 JSON name. */
  readonly jsonName: string;
  readonly number: number;
  /** The column name in Arrow, Parquet and Spark (the proto name unless overridden by an option). */
  readonly column: string;
  readonly type: FieldType;
  /** Whether the column is nullable (proto3 `optional`, message, wrapper and oneof fields are). */
  readonly nullable: boolean;
  /** The oneof this field belongs to (its TypeScript property name), if any. */
  readonly oneof?: string;
  /** Column comment: the option, else the proto comment. */
  readonly comment?: string;
  /** Values of sensitive fields are redacted in errors and logs. */
  readonly sensitive?: boolean;
  readonly role?: IngestRole;
}

export interface OneofDescriptor {
  /** TypeScript property name of the discriminated union. */
  readonly name: string;
  readonly protoName: string;
  /** Property names of the member fields. */
  readonly fields: readonly string[];
}

export interface TableDescriptor {
  readonly name: string;
  readonly catalog?: string;
  readonly schema?: string;
  /** Column names of the primary key, in order. */
  readonly primaryKey: readonly string[];
  readonly partitionBy: readonly string[];
  readonly clusterBy: readonly string[];
  readonly comment?: string;
}

export interface RecordDescriptor {
  /** Fully-qualified proto name, e.g. `shop.v1.Order`. */
  readonly typeName: string;
  readonly fields: readonly FieldDescriptor[];
  readonly oneofs: readonly OneofDescriptor[];
  /** Present for messages that are tables (they carry the table option). */
  readonly table?: TableDescriptor;
  readonly comment?: string;
}
