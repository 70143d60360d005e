/**
 * TypeScript types, defaults and init conversions of columns, per the type decisions of the schema package's
 * descriptor.ts: int64 → bigint (jstype honoured), enum → string-literal union, Timestamp → Date,
 * google.type.Date → "YYYY-MM-DD" string, Duration → bigint µs, wrapper → T | undefined, decimal → string,
 * FieldMask → its paths as string[] (undefined when unset, like every message field).
 */
import type { ImportSymbol } from "@bufbuild/protoplugin";
import { isFieldMask, type JsonWellKnown, type ScalarKind, zeroEnumValue } from "@lakehouse-contracts/schema";
import type { ColumnType } from "../mapping/column-type.js";
import type { ColumnModel } from "../model/record.js";
import type { EmitContext } from "./context.js";

type Code = (string | ImportSymbol)[];

export function scalarTsType(scalar: ScalarKind, int64As: "bigint" | "string" | "number" = "bigint"): string {
  switch (scalar) {
    case "int32":
    case "sint32":
    case "sfixed32":
    case "uint32":
    case "fixed32":
    case "float":
    case "double":
      return "number";
    case "int64":
    case "sint64":
    case "sfixed64":
    case "uint64":
    case "fixed64":
      return int64As;
    case "bool":
      return "boolean";
    case "string":
      return "string";
    case "bytes":
      return "Uint8Array";
  }
}

/** The type of a value of `type` in a record (nested records as their classes). */
export function valueType(ctx: EmitContext, type: ColumnType): Code {
  switch (type.kind) {
    case "scalar":
      return [scalarTsType(type.scalar, type.int64As)];
    case "enum":
      return [ctx.enumOf(type.enum)];
    case "message":
      return [ctx.classOf(type.record)];
    case "timestamp":
      return ["Date"];
    case "date":
    case "decimal":
      return ["string"];
    case "duration":
      return ["bigint"];
    case "wrapper":
      return [scalarTsType(type.scalar)];
    case "json":
      return jsonType(ctx, type.wellKnown);
    case "list":
      return type.element.kind === "wrapper"
        ? ["(", ...elementType(ctx, type.element, valueType), ")[]"]
        : [...valueType(ctx, type.element), "[]"];
    case "map":
      return ["Map<", scalarTsType(type.key), ", ", ...elementType(ctx, type.value, valueType), ">"];
  }
}

/** The type a value of `type` is given as in an `<Name>Init` (nested records as their init types). */
export function initType(ctx: EmitContext, type: ColumnType): Code {
  switch (type.kind) {
    case "message":
      return [ctx.initOf(type.record)];
    case "list":
      return type.element.kind === "wrapper"
        ? ["readonly (", ...elementType(ctx, type.element, initType), ")[]"]
        : ["readonly ", ...initType(ctx, type.element), "[]"];
    case "map":
      return ["ReadonlyMap<", scalarTsType(type.key), ", ", ...elementType(ctx, type.value, initType), ">"];
    default:
      return valueType(ctx, type);
  }
}

function jsonType(ctx: EmitContext, wellKnown: JsonWellKnown): Code {
  switch (wellKnown) {
    case "Struct":
    case "Any":
      return [ctx.runtime("JsonObject", true)];
    case "Value":
      return [ctx.runtime("JsonValue", true)];
    case "ListValue":
      return [ctx.runtime("JsonValue", true), "[]"];
  }
}

/** A list element or map value: wrapper-typed ones may be absent. */
function elementType(ctx: EmitContext, type: ColumnType, of: (ctx: EmitContext, type: ColumnType) => Code): Code {
  return type.kind === "wrapper" ? [...of(ctx, type), " | undefined"] : of(ctx, type);
}

/** Whether the record property can be undefined (nullable columns; ingest timestamps are always set). */
export function propertyIsOptional(column: ColumnModel): boolean {
  if (column.role === "created_at" || column.role === "updated_at") return false;
  return column.nullable;
}

/** The property's type in the class. */
export function propertyType(ctx: EmitContext, column: ColumnModel): Code {
  const type = valueType(ctx, column.type);
  return propertyIsOptional(column) ? [...type, " | undefined"] : type;
}

/**
 * The zero value of a non-nullable column (proto3 defaults). A decimal defaults to zero written with its scale
 * ("0.00" for scale 2), the form it reads back from the table in; "" is not a number.
 */
export function zeroValue(type: ColumnType): string {
  switch (type.kind) {
    case "scalar":
      switch (scalarTsType(type.scalar, type.int64As)) {
        case "number":
          return "0";
        case "bigint":
          return "0n";
        case "boolean":
          return "false";
        case "Uint8Array":
          return "new Uint8Array(0)";
        default:
          return is64BitString(type) ? '"0"' : '""';
      }
    case "enum":
      return JSON.stringify(zeroEnumValue(type.enum));
    case "decimal":
      return JSON.stringify(type.scale > 0 ? `0.${"0".repeat(type.scale)}` : "0");
    case "date":
      return '"1970-01-01"';
    case "duration":
      return "0n";
    case "timestamp":
      return "new Date(0)";
    case "list":
      // A FieldMask is a message field: unset, like every message field.
      return isFieldMask(type) ? "undefined" : "[]";
    case "map":
      return "new Map()";
    case "message":
    case "wrapper":
    case "json":
      return "undefined";
  }
}

function is64BitString(type: Extract<ColumnType, { kind: "scalar" }>): boolean {
  return type.int64As === "string";
}

/**
 * The expression converting an init value (`source`, possibly undefined) of `type` to the record's value: nested
 * records become class instances, arrays and maps are copied. Undefined if the init value is used as it is.
 */
export function convertDefined(ctx: EmitContext, type: ColumnType, source: string): Code | undefined {
  switch (type.kind) {
    case "message":
      return ["new ", ctx.classOf(type.record), `(${source})`];
    case "list": {
      const element = convertDefined(ctx, type.element, "v");
      return element === undefined ? [`[...${source}]`] : [`${source}.map((v) => `, ...element, ")"];
    }
    case "map": {
      const value = convertDefined(ctx, type.value, "v");
      return value === undefined
        ? [`new Map(${source})`]
        : [`new Map(Array.from(${source}, ([k, v]) => [k, `, ...value, "] as const))"];
    }
    default:
      return undefined;
  }
}
