/**
 * The Arrow schema of a record, stated exactly instead of inferred: apache-arrow's inference gives ms timestamps,
 * dictionary strings and float64 numbers, none of which is the Spark column type. Only types Spark's
 * `ArrowUtils.fromArrowType` accepts are used: signed ints, Timestamp(µs, "UTC"), DateDay, Decimal128, List (not
 * LargeList), Map and Struct. List elements, map keys and map values are never null (proto has no null elements),
 * so those child fields are not nullable. Child names follow Spark's own Arrow output: `element`, `entries`,
 * `key`, `value`.
 */
import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  Decimal,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  Map_,
  Schema,
  Struct,
  TimestampMicrosecond,
  Utf8,
} from "apache-arrow";
import type { FieldDescriptor, FieldType, RecordDescriptor, ScalarKind } from "./descriptor.js";
import { checkDescriptor } from "./descriptor-check.js";

export const LIST_ELEMENT = "element";
export const MAP_ENTRIES = "entries";
export const TIMESTAMP_ZONE = "UTC";

/** The apache-arrow `Schema` of the record's columns, in field order. */
export function arrowSchema(d: RecordDescriptor): Schema {
  checkDescriptor(d);
  return new Schema(d.fields.map(arrowField));
}

export function arrowField(field: FieldDescriptor): Field {
  return new Field(field.column, arrowType(field.type), field.nullable);
}

export function arrowType(type: FieldType): DataType {
  switch (type.kind) {
    case "scalar":
    case "wrapper":
      return scalarArrowType(type.scalar);
    case "enum":
      return type.asInt ? new Int32() : new Utf8();
    case "message":
      return new Struct(type.record().fields.map(arrowField));
    case "timestamp":
      return new TimestampMicrosecond(TIMESTAMP_ZONE);
    case "date":
      return new DateDay();
    case "duration":
      return new Int64();
    case "json":
      return new Utf8();
    case "decimal":
      return new Decimal(type.scale, type.precision, 128);
    case "list":
      return new List(new Field(LIST_ELEMENT, arrowType(type.element), false));
    case "map":
      return new Map_(
        new Field(
          MAP_ENTRIES,
          new Struct<{ key: DataType; value: DataType }>([
            new Field("key", scalarArrowType(type.key), false),
            new Field("value", arrowType(type.value), false),
          ]),
          false,
        ),
        false,
      );
  }
}

export function scalarArrowType(kind: ScalarKind): DataType {
  switch (kind) {
    case "int32":
    case "sint32":
    case "sfixed32":
      return new Int32();
    case "int64":
    case "sint64":
    case "sfixed64":
    case "uint32":
    case "fixed32":
      return new Int64();
    case "uint64":
    case "fixed64":
      return new Decimal(0, 20, 128);
    case "float":
      return new Float32();
    case "double":
      return new Float64();
    case "bool":
      return new Bool();
    case "string":
      return new Utf8();
    case "bytes":
      return new Binary();
  }
}
