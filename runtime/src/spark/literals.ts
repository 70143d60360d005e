/**
 * JavaScript values as Spark literals, for bound SQL parameters and expressions. Values are always sent as typed
 * literals (`named_arguments`/`pos_arguments`), never spliced into SQL text.
 *
 * | JS                         | Spark                                                   |
 * |----------------------------|---------------------------------------------------------|
 * | string                     | STRING                                                  |
 * | number, integral, int32    | INT                                                     |
 * | number, safe integer       | BIGINT                                                  |
 * | number, any other          | DOUBLE (fractional, beyond 2^53, NaN, ±∞)               |
 * | FloatingPoint              | FLOAT or DOUBLE, as it says, whatever the number        |
 * | bigint                     | BIGINT (must fit in 64 bits)                            |
 * | boolean                    | BOOLEAN                                                 |
 * | Date, PreciseTimestamp     | TIMESTAMP (µs since the epoch, UTC, exact)              |
 * | null / undefined           | NULL                                                    |
 * | Uint8Array                 | BINARY                                                  |
 * | Decimal                    | DECIMAL(p, s) of the value's own precision and scale    |
 * | Array                      | ARRAY of the first non-null element's type              |
 *
 * A number is typed by its value because a bound parameter has no column to take a type from: an integer the
 * caller wrote exactly (a safe integer) stays an integer, anything else is a double — including an integral double
 * beyond 2^53 (`1e20`, `Number.MAX_VALUE`), which is as exact as a double is and which Spark reads as one. Where
 * there is a column (filters, `insertRecordsSql`), its type decides instead (`toSparkValue` in tables/filter.ts).
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Decimal } from "../decimal.js";
import { InvalidArgumentError } from "../errors.js";
import type { Expression_LiteralSchema, ExpressionSchema } from "../gen/spark/connect/expressions_pb.js";
import type { DataTypeSchema } from "../gen/spark/connect/types_pb.js";
import { epochMicrosOf } from "../records/precise-timestamp.js";

export type LiteralInit = MessageInitShape<typeof Expression_LiteralSchema>;
export type DataTypeInit = MessageInitShape<typeof DataTypeSchema>;
export type SqlValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | null
  | undefined
  | Uint8Array
  | Decimal
  | FloatingPoint
  | readonly SqlValue[];

/**
 * A number sent as a FLOAT or a DOUBLE literal whatever its value: the literal of a FLOAT or DOUBLE column. FLOAT is
 * what makes a FLOAT column match the number it was given: Spark compares a FLOAT column with a DOUBLE literal as
 * doubles, and `0.1` stored as FLOAT is 0.100000001490116…, never the double 0.1.
 * @example await spark.sql("SELECT * FROM t WHERE ratio = :r", { r: FloatingPoint.float(0.1) })
 */
export class FloatingPoint {
  private constructor(
    readonly type: "float" | "double",
    readonly value: number,
  ) {
    if (typeof value !== "number") {
      throw new InvalidArgumentError(`a ${type.toUpperCase()} literal needs a number, not a ${describe(value)}`);
    }
  }

  /** A FLOAT (32-bit) literal: the nearest float to `value` (protobuf writes Spark's literal as a 32-bit float). */
  static float(value: number): FloatingPoint {
    return new FloatingPoint("float", value);
  }

  /** A DOUBLE literal, also for integral numbers of any magnitude. */
  static double(value: number): FloatingPoint {
    return new FloatingPoint("double", value);
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

const simple = (
  kind: "null" | "binary" | "boolean" | "integer" | "long" | "float" | "double" | "string" | "timestamp",
) => ({ kind: { case: kind, value: {} } }) as DataTypeInit;

export function toLiteral(value: SqlValue, where = "value"): LiteralInit {
  if (value === null || value === undefined) return { literalType: { case: "null", value: simple("null") } };
  switch (typeof value) {
    case "string":
      return { literalType: { case: "string", value } };
    case "boolean":
      return { literalType: { case: "boolean", value } };
    case "bigint":
      if (value < INT64_MIN || value > INT64_MAX) {
        throw new InvalidArgumentError(`${where}: ${value} does not fit in BIGINT; pass a Decimal instead`);
      }
      return { literalType: { case: "long", value } };
    case "number":
      if (Number.isInteger(value)) {
        if (value >= INT32_MIN && value <= INT32_MAX) return { literalType: { case: "integer", value } };
        if (Number.isSafeInteger(value)) return { literalType: { case: "long", value: BigInt(value) } };
      }
      return { literalType: { case: "double", value } };
  }
  if (value instanceof FloatingPoint) return { literalType: { case: value.type, value: value.value } };
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new InvalidArgumentError(`${where}: an invalid Date`);
    return { literalType: { case: "timestamp", value: epochMicrosOf(value) } };
  }
  if (value instanceof Uint8Array) return { literalType: { case: "binary", value } };
  if (value instanceof Decimal) {
    return {
      literalType: {
        case: "decimal",
        value: { value: value.value, precision: value.precision, scale: value.scale },
      },
    };
  }
  if (Array.isArray(value)) return arrayLiteral(value, where);
  throw new InvalidArgumentError(`${where}: a ${describe(value)} cannot be sent to Spark as a literal`);
}

function arrayLiteral(values: readonly SqlValue[], where: string): LiteralInit {
  const elements = values.map((v, i) => toLiteral(v, `${where}[${i}]`));
  const elementType = elements.map(literalType).find((t) => t.kind?.case !== "null") ?? simple("null");
  return {
    literalType: { case: "array", value: { elementType, elements } },
    dataType: { kind: { case: "array", value: { elementType, containsNull: true } } },
  };
}

/** The Spark type of a literal built by `toLiteral`. */
function literalType(literal: LiteralInit): DataTypeInit {
  const t = literal.literalType;
  if (t === undefined) return simple("null");
  switch (t.case) {
    case "decimal":
      return { kind: { case: "decimal", value: { precision: t.value.precision, scale: t.value.scale } } };
    case "array":
      return literal.dataType ?? simple("null");
    case "null":
    case undefined:
      return simple("null");
    default:
      return simple(t.case as "binary" | "boolean" | "integer" | "long" | "float" | "double" | "string" | "timestamp");
  }
}

function describe(value: unknown): string {
  if (typeof value !== "object" || value === null) return typeof value;
  return value.constructor?.name ?? "object";
}

export function literalExpression(value: SqlValue, where?: string): MessageInitShape<typeof ExpressionSchema> {
  return { exprType: { case: "literal", value: toLiteral(value, where) } };
}
