/**
 * The type model of a record contract, as data: field types, fields, oneofs, tables and records. Generated code
 * declares one `RecordDescriptor` per record message (plain data, no logic) and the runtime derives everything else
 * from it; the plugin holds the same field types over protobuf-es descriptors while it generates (`TypeRefs`).
 *
 * Type decisions (documented in the README's type table):
 * - 64-bit integers are `bigint` in TypeScript (`jstype = JS_STRING` → `string`, `JS_NUMBER` → `number`);
 *   uint32/fixed32 → BIGINT column, uint64/fixed64 → DECIMAL(20,0) column.
 * - enums are string-literal unions of the value names, STRING columns (option: INT of the number).
 * - google.protobuf.Timestamp → `Date` (the runtime reads µs back as its `PreciseTimestamp`, a `Date`), TIMESTAMP
 *   column (Arrow timestamp µs, UTC).
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

import type { CheckConstraint } from "./check-constraints.js";

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

/** The well-known types held as JSON values (STRING columns of their proto3 JSON). */
export type JsonWellKnown = "Struct" | "Value" | "ListValue" | "Any";

export interface EnumDescriptor {
  /** Fully-qualified proto name, e.g. `shop.v1.Status`. */
  readonly typeName: string;
  readonly values: readonly { readonly name: string; readonly number: number }[];
}

/**
 * What a field type refers to for its enums and nested records. Generated descriptors hold data
 * (`DescriptorRefs`); the plugin, while it generates, holds protobuf-es's `DescEnum` and `DescMessage`.
 */
export interface TypeRefs {
  readonly enum: unknown;
  readonly record: unknown;
}

/**
 * The references of generated descriptors: the enum's values, and a thunk for a nested record, so that recursive
 * and mutually recursive messages can be declared.
 */
export interface DescriptorRefs {
  readonly enum: EnumDescriptor;
  readonly record: () => RecordDescriptor;
}

export type FieldType<R extends TypeRefs = DescriptorRefs> =
  | { readonly kind: "scalar"; readonly scalar: ScalarKind; readonly int64As?: Int64Representation }
  | { readonly kind: "enum"; readonly enum: R["enum"]; readonly asInt?: boolean }
  /** A nested record message. */
  | { readonly kind: "message"; readonly record: R["record"] }
  | { readonly kind: "timestamp" }
  | { readonly kind: "date" }
  | { readonly kind: "duration" }
  | { readonly kind: "wrapper"; readonly scalar: ScalarKind }
  | { readonly kind: "json"; readonly wellKnown: JsonWellKnown }
  /**
   * DECIMAL(precision, scale). `carrier` is the proto type holding the decimal text (a `string` field or a
   * `google.type.Decimal` message): the plugin knows it, generated descriptors leave it out.
   */
  | {
      readonly kind: "decimal";
      readonly precision: number;
      readonly scale: number;
      readonly carrier?: "string" | "message";
    }
  /** `wellKnown: "FieldMask"`: a google.protobuf.FieldMask, its paths as a list of strings (JSON: one string). */
  | { readonly kind: "list"; readonly element: FieldType<R>; readonly wellKnown?: "FieldMask" }
  | { readonly kind: "map"; readonly key: ScalarKind; readonly value: FieldType<R> };

export type IngestRole = "ingest_id" | "ingest_source" | "created_at" | "updated_at";

/**
 * A field as a column of its record's table: what every view of a contract has of it (a generated
 * `FieldDescriptor`, the plugin's column model), and all that its Spark type and DDL are derived from.
 */
export interface ColumnDescriptor<R extends TypeRefs = DescriptorRefs> {
  /** The proto field number: a column's identity across contract versions. */
  readonly number: number;
  /** The column name in Arrow, Parquet and Spark (the proto name unless overridden by an option). */
  readonly column: string;
  readonly type: FieldType<R>;
  /** Whether the column is nullable (proto3 `optional`, message, wrapper and oneof fields are). */
  readonly nullable: boolean;
  /** Column comment: the option, else the proto comment. */
  readonly comment?: string;
  /** Values of sensitive fields are redacted in errors and logs. */
  readonly sensitive?: boolean;
  readonly role?: IngestRole;
}

export interface FieldDescriptor extends ColumnDescriptor {
  /** The TypeScript property name (protobuf-es's `localName`, camelCase). */
  readonly name: string;
  /** The field's name in the .proto file. */
  readonly protoName: string;
  /** The proto3 JSON name. */
  readonly jsonName: string;
  /** The oneof this field belongs to (its TypeScript property name), if any. */
  readonly oneof?: string;
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
  /**
   * The Delta CHECK constraints of the table: the record's rules that Spark SQL says exactly
   * (`recordCheckConstraints`), unless the contract opts out (`check_constraints: false`). Absent: none.
   */
  readonly checks?: readonly CheckConstraint[];
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
