/**
 * Typed filters on a record's fields, turned into Spark Connect expressions with literal values — never SQL text.
 * `{ status: "PAID", amount: { gte: "10.00" }, or: [{ id: 1n }, { id: { in: [2n, 3n] } }] }`.
 */
import { Decimal } from "../decimal.js";
import { InvalidArgumentError } from "../errors.js";
import type { FieldDescriptor, FieldType, RecordDescriptor } from "../records/descriptor.js";
import { FLOAT32_MAX } from "../records/numbers.js";
import { FloatingPoint, literalExpression, type SqlValue } from "../spark/literals.js";
import { call, column, type ExpressionInit } from "../spark/relations.js";

export interface Comparison<V> {
  eq?: V;
  ne?: V;
  gt?: V;
  gte?: V;
  lt?: V;
  lte?: V;
  in?: readonly V[];
  /** true: IS NULL; false: IS NOT NULL. */
  isNull?: boolean;
}

/** Filterable fields are the scalar-valued ones; nested messages, lists and maps are not filterable here. */
type Scalar = string | number | bigint | boolean | Date;
type FilterFields<T> = {
  [K in keyof T as NonNullable<T[K]> extends Scalar ? K : never]?: NonNullable<T[K]> | Comparison<NonNullable<T[K]>>;
};

export type Filter<T> = FilterFields<T> & {
  and?: readonly Filter<T>[];
  or?: readonly Filter<T>[];
  not?: Filter<T>;
};

const OPERATORS = { eq: "==", gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;
/** Every key a comparison may have. Looked up as own properties only: `toString` is not an operator. */
const COMPARISONS = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "isNull"] as const;
const IS_NULL_ONLY = "only { isNull: true } or { isNull: false } tests it";

/** The expression for `filter`, or undefined for an empty filter (everything). */
export function filterExpression<T>(d: RecordDescriptor, filter: Filter<T> | undefined): ExpressionInit | undefined {
  if (filter === undefined) return undefined;
  const byName = new Map(d.fields.map((f) => [f.name, f]));
  const terms: ExpressionInit[] = [];
  for (const [key, condition] of Object.entries(filter as Record<string, unknown>)) {
    if (condition === undefined) continue;
    if (key === "and" || key === "or") {
      if (!Array.isArray(condition)) {
        throw new InvalidArgumentError(`filter: "${key}" must be a list of filters, not ${describe(condition)}`);
      }
      const parts = (condition as Filter<T>[])
        .map((f) => filterExpression(d, f))
        .filter((e): e is ExpressionInit => e !== undefined);
      if (parts.length > 0) terms.push(combine(key, parts));
      continue;
    }
    if (key === "not") {
      if (!isComparison(condition)) {
        throw new InvalidArgumentError(`filter: "not" must be a filter, not ${describe(condition)}`);
      }
      const inner = filterExpression(d, condition as Filter<T>);
      if (inner) terms.push(call("not", [inner]));
      continue;
    }
    const field = byName.get(key);
    if (!field) throw new InvalidArgumentError(`${d.typeName} has no field "${key}" to filter on`);
    terms.push(...fieldTerms(field, condition));
  }
  return terms.length === 0 ? undefined : combine("and", terms);
}

function combine(op: "and" | "or", terms: ExpressionInit[]): ExpressionInit {
  return terms.reduce((left, right) => call(op, [left, right]));
}

function isComparison(value: unknown): value is Comparison<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array) &&
    !Array.isArray(value)
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : JSON.stringify(String(value)).slice(0, 40);
}

/**
 * What a column that holds no single comparable value is, in words ("a list", "a message (shop.v1.Address)"), or
 * undefined for the columns a literal compares with. Those columns are only tested for NULL, and cannot be bound as
 * a parameter (`insertRecordsSql`).
 */
export function notScalar(type: FieldType): string | undefined {
  switch (type.kind) {
    case "list":
      return "a list";
    case "map":
      return "a map";
    case "message":
      return `a message (${type.record().typeName})`;
    case "json":
      return `a JSON value (${type.wellKnown})`;
    default:
      return undefined;
  }
}

function fieldTerms(field: FieldDescriptor, condition: unknown): ExpressionInit[] {
  const col = column(field.column);
  const where = `filter on ${field.name}`;
  const lit = (value: unknown) => literalExpression(toSparkValue(field, value), where);
  // A message, list, map or JSON column: a test for NULL is all that means something (`{}` would match every row).
  const whole = notScalar(field.type);
  const wholeWhere = `${where}, ${whole}`;
  if (!isComparison(condition)) {
    if (whole !== undefined) {
      throw new InvalidArgumentError(`${wholeWhere}: it is not compared with a value; ${IS_NULL_ONLY}`);
    }
    return [call("==", [col, lit(condition)])];
  }
  const entries = Object.entries(condition);
  if (whole !== undefined && entries.length === 0) {
    throw new InvalidArgumentError(`${wholeWhere}: {} would match every row; ${IS_NULL_ONLY}`);
  }
  const terms: ExpressionInit[] = [];
  for (const [op, value] of entries) {
    if (!(COMPARISONS as readonly string[]).includes(op)) {
      throw new InvalidArgumentError(`${where}: unknown comparison "${op}"; use ${COMPARISONS.join(", ")}`);
    }
    if (value === undefined) continue;
    if (op === "isNull") {
      if (typeof value !== "boolean") {
        throw new InvalidArgumentError(`${where}: "isNull" must be true or false, not ${describe(value)}`);
      }
      terms.push(call(value ? "isnull" : "isnotnull", [col]));
    } else if (whole !== undefined) {
      throw new InvalidArgumentError(`${wholeWhere}: "${op}" cannot compare it; ${IS_NULL_ONLY}`);
    } else if (op === "ne") terms.push(call("not", [call("==", [col, lit(value)])]));
    else if (op === "in") {
      if (!Array.isArray(value)) {
        throw new InvalidArgumentError(`${where}: "in" must be a list of values, not ${describe(value)}`);
      }
      // An empty IN matches nothing; Spark's parser rejects `IN ()`, the plan form accepts it.
      terms.push(value.length === 0 ? literalExpression(false) : call("in", [col, ...value.map(lit)]));
    } else terms.push(call(OPERATORS[op as keyof typeof OPERATORS], [col, lit(value)]));
  }
  return terms;
}

/**
 * A field value as the literal of its column's type (e.g. uint64 → DECIMAL(20,0), decimal text → DECIMAL, a
 * DOUBLE column's number → DOUBLE whatever its magnitude, a FLOAT column's → FLOAT).
 */
export function toSparkValue(field: FieldDescriptor, value: unknown): SqlValue {
  return convert(field.type, value, field.name);
}

function convert(type: FieldType, value: unknown, name: string): SqlValue {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case "decimal":
      return new Decimal(value as string);
    case "scalar":
    case "wrapper":
      if (type.scalar === "float" || type.scalar === "double") return floating(type.scalar, value, name);
      if ((type.scalar === "uint64" || type.scalar === "fixed64") && typeof value !== "boolean") {
        return new Decimal(value as bigint | string | number);
      }
      if (typeof value === "number" && /64$/.test(type.scalar)) return BigInt(value);
      return value as SqlValue;
    case "duration":
      return BigInt(value as bigint | number);
    case "date":
      // DATE columns compare with the ISO date text; Spark casts the string literal.
      return value as string;
    case "timestamp":
    case "enum":
      return value as SqlValue;
    default:
      throw new InvalidArgumentError(`${name}: ${notScalar(type)} has no literal value`);
  }
}

/**
 * The literal of a FLOAT or DOUBLE column. A bare number would be typed by its value (an integer as INT or BIGINT),
 * and a FLOAT column compared with a DOUBLE literal is compared as doubles: the FLOAT 0.1 (0.100000001490116…) never
 * equals the double 0.1. A number beyond FLOAT's range stays a DOUBLE: every float is a double, so that comparison
 * is exact, where the float literal would be ±Infinity.
 */
function floating(scalar: "float" | "double", value: unknown, name: string): FloatingPoint {
  if (typeof value !== "number") {
    throw new InvalidArgumentError(`${name}: a ${scalar} column takes a number, not ${describe(value)}`);
  }
  const beyondFloat = Number.isFinite(value) && Math.abs(value) > FLOAT32_MAX;
  return scalar === "float" && !beyondFloat ? FloatingPoint.float(value) : FloatingPoint.double(value);
}
