/**
 * Proto field → column type: the adapter from protobuf-es's descriptors into the schema's `FieldType`
 * (@lakehouse-contracts/schema), holding descriptors (`DescMessage`, `DescEnum`) where the generated code will hold
 * references (the emitter writes those, emit/descriptor.ts). Pure functions, one exhaustive switch per proto field
 * kind; problems are returned, never thrown, so the caller can name the field.
 */
import { type DescEnum, type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { FieldOptions_JSType } from "@bufbuild/protobuf/wkt";
import {
  FIELD_MASK_TYPE,
  type FieldType,
  type Int64Representation,
  is64Bit,
  type JsonWellKnown,
  type ScalarKind,
} from "@lakehouse-contracts/schema";

/** What the plugin's field types refer to: protobuf-es's descriptors of the enum and of the nested message. */
export interface ProtoRefs {
  readonly enum: DescEnum;
  readonly record: DescMessage;
}

/** A field's column type while the plugin generates: the schema's `FieldType` over protobuf-es descriptors. */
export type ColumnType = FieldType<ProtoRefs>;

/** The column options that change a field's type. */
export interface TypeOptions {
  readonly decimal?: { readonly precision: number; readonly scale: number };
  readonly enumAsInt: boolean;
}

export type MappingResult =
  | { readonly ok: true; readonly type: ColumnType }
  | { readonly ok: false; readonly problem: string };

export function scalarKind(scalar: ScalarType): ScalarKind {
  switch (scalar) {
    case ScalarType.INT32:
      return "int32";
    case ScalarType.SINT32:
      return "sint32";
    case ScalarType.SFIXED32:
      return "sfixed32";
    case ScalarType.INT64:
      return "int64";
    case ScalarType.SINT64:
      return "sint64";
    case ScalarType.SFIXED64:
      return "sfixed64";
    case ScalarType.UINT32:
      return "uint32";
    case ScalarType.FIXED32:
      return "fixed32";
    case ScalarType.UINT64:
      return "uint64";
    case ScalarType.FIXED64:
      return "fixed64";
    case ScalarType.FLOAT:
      return "float";
    case ScalarType.DOUBLE:
      return "double";
    case ScalarType.BOOL:
      return "bool";
    case ScalarType.STRING:
      return "string";
    case ScalarType.BYTES:
      return "bytes";
  }
}

const WRAPPERS: Readonly<Record<string, ScalarKind>> = {
  "google.protobuf.DoubleValue": "double",
  "google.protobuf.FloatValue": "float",
  "google.protobuf.Int64Value": "int64",
  "google.protobuf.UInt64Value": "uint64",
  "google.protobuf.Int32Value": "int32",
  "google.protobuf.UInt32Value": "uint32",
  "google.protobuf.BoolValue": "bool",
  "google.protobuf.StringValue": "string",
  "google.protobuf.BytesValue": "bytes",
};

const JSON_TYPES: Readonly<Record<string, JsonWellKnown>> = {
  "google.protobuf.Struct": "Struct",
  "google.protobuf.Value": "Value",
  "google.protobuf.ListValue": "ListValue",
  "google.protobuf.Any": "Any",
};

export const DECIMAL_MESSAGE = "google.type.Decimal";

/** The column type of a field (for list and map fields, of the whole field). */
export function columnTypeOf(field: DescField, options: TypeOptions): MappingResult {
  switch (field.fieldKind) {
    case "scalar":
      return scalarColumn(field.scalar, int64As(field), options);
    case "enum":
      return enumColumn(field.enum, options);
    case "message":
      return messageColumn(field.message, options);
    case "list": {
      const element =
        field.listKind === "scalar"
          ? scalarColumn(field.scalar, int64As(field), options)
          : field.listKind === "enum"
            ? enumColumn(field.enum, options)
            : messageColumn(field.message, options);
      return element.ok ? { ok: true, type: { kind: "list", element: element.type } } : element;
    }
    case "map": {
      const value =
        field.mapKind === "scalar"
          ? scalarColumn(field.scalar, "bigint", options)
          : field.mapKind === "enum"
            ? enumColumn(field.enum, options)
            : messageColumn(field.message, options);
      return value.ok ? { ok: true, type: { kind: "map", key: scalarKind(field.mapKey), value: value.type } } : value;
    }
  }
}

/** protobuf's `jstype` of a 64-bit integer field. */
function int64As(field: DescField): Int64Representation {
  switch (field.proto.options?.jstype) {
    case FieldOptions_JSType.JS_STRING:
      return "string";
    case FieldOptions_JSType.JS_NUMBER:
      return "number";
    default:
      return "bigint";
  }
}

function scalarColumn(scalar: ScalarType, as: Int64Representation, options: TypeOptions): MappingResult {
  const kind = scalarKind(scalar);
  if (options.enumAsInt) return { ok: false, problem: `enum_as_int is set on a ${kind} field, not an enum` };
  if (options.decimal !== undefined) {
    if (kind !== "string") {
      return { ok: false, problem: `the decimal option needs a string or ${DECIMAL_MESSAGE} field, not ${kind}` };
    }
    return decimalColumn(options.decimal, "string");
  }
  return {
    ok: true,
    type: is64Bit(kind) ? { kind: "scalar", scalar: kind, int64As: as } : { kind: "scalar", scalar: kind },
  };
}

function enumColumn(desc: DescEnum, options: TypeOptions): MappingResult {
  if (options.decimal !== undefined) {
    return {
      ok: false,
      problem: `the decimal option needs a string or ${DECIMAL_MESSAGE} field, not enum ${desc.typeName}`,
    };
  }
  return { ok: true, type: { kind: "enum", enum: desc, asInt: options.enumAsInt } };
}

function messageColumn(desc: DescMessage, options: TypeOptions): MappingResult {
  if (options.enumAsInt) return { ok: false, problem: `enum_as_int is set on a ${desc.typeName} field, not an enum` };
  if (desc.typeName === DECIMAL_MESSAGE) {
    if (options.decimal === undefined) {
      return { ok: false, problem: `a ${DECIMAL_MESSAGE} field needs the decimal option (precision and scale)` };
    }
    return decimalColumn(options.decimal, "message");
  }
  if (options.decimal !== undefined) {
    return {
      ok: false,
      problem: `the decimal option needs a string or ${DECIMAL_MESSAGE} field, not ${desc.typeName}`,
    };
  }
  const wrapped = WRAPPERS[desc.typeName];
  if (wrapped !== undefined) return { ok: true, type: { kind: "wrapper", scalar: wrapped } };
  const json = JSON_TYPES[desc.typeName];
  if (json !== undefined) return { ok: true, type: { kind: "json", wellKnown: json } };
  switch (desc.typeName) {
    case "google.protobuf.Timestamp":
      return { ok: true, type: { kind: "timestamp" } };
    case "google.protobuf.Duration":
      return { ok: true, type: { kind: "duration" } };
    case "google.type.Date":
      return { ok: true, type: { kind: "date" } };
    case "google.protobuf.FieldMask":
      // Its paths: the list form every codec of the runtime reads (only JSON and CEL look at `wellKnown`).
      return { ok: true, type: FIELD_MASK_TYPE };
  }
  if (desc.typeName.startsWith("google.protobuf.")) {
    return { ok: false, problem: `${desc.typeName} has no column type` };
  }
  return { ok: true, type: { kind: "message", record: desc } };
}

/** DECIMAL(p, s) as Spark and Delta allow it: 1 ≤ p ≤ 38, 0 ≤ s ≤ p. */
function decimalColumn(decimal: { precision: number; scale: number }, carrier: "string" | "message"): MappingResult {
  const { precision, scale } = decimal;
  if (precision < 1 || precision > 38) {
    return { ok: false, problem: `decimal precision must be 1 to 38, got ${precision}` };
  }
  if (scale > precision) {
    return { ok: false, problem: `decimal scale ${scale} is larger than its precision ${precision}` };
  }
  return { ok: true, type: { kind: "decimal", precision, scale, carrier } };
}
