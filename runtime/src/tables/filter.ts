/**
 * Typed filters on a record's fields, turned into Spark Connect expressions with literal values — never SQL text.
 * `{ status: "PAID", amount: { gte: "10.00" }, or: [{ id: 1n }, { id: { in: [2n, 3n] } }] }`.
 */
import { Decimal } from "../decimal.js";
import { InvalidArgumentError } from "../errors.js";
import type { FieldDescriptor, FieldType, RecordDescriptor } from "../records/descriptor.js";
import { literalExpression, type SqlValue } from "../spark/literals.js";
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

/** The expression for `filter`, or undefined for an empty filter (everything). */
export function filterExpression<T>(d: RecordDescriptor, filter: Filter<T> | undefined): ExpressionInit | undefined {
  if (filter === undefined) return undefined;
  const byName = new Map(d.fields.map((f) => [f.name, f]));
  const terms: ExpressionInit[] = [];
  for (const [key, condition] of Object.entries(filter as Record<string, unknown>)) {
    if (condition === undefined) continue;
    if (key === "and" || key === "or") {
      const parts = (condition as Filter<T>[])
        .map((f) => filterExpression(d, f))
        .filter((e): e is ExpressionInit => e !== undefined);
      if (parts.length > 0) terms.push(combine(key, parts));
      continue;
    }
    if (key === "not") {
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

function fieldTerms(field: FieldDescriptor, condition: unknown): ExpressionInit[] {
  const col = column(field.column);
  const lit = (value: unknown) => literalExpression(toSparkValue(field, value), `filter on ${field.name}`);
  if (!isComparison(condition)) return [call("==", [col, lit(condition)])];
  const terms: ExpressionInit[] = [];
  for (const [op, value] of Object.entries(condition)) {
    if (value === undefined) continue;
    if (op === "isNull") terms.push(call(value ? "isnull" : "isnotnull", [col]));
    else if (op === "ne") terms.push(call("not", [call("==", [col, lit(value)])]));
    else if (op === "in") {
      const values = value as readonly unknown[];
      // An empty IN matches nothing; Spark's parser rejects `IN ()`, the plan form accepts it.
      terms.push(values.length === 0 ? literalExpression(false) : call("in", [col, ...values.map(lit)]));
    } else if (op in OPERATORS) terms.push(call(OPERATORS[op as keyof typeof OPERATORS], [col, lit(value)]));
    else throw new InvalidArgumentError(`unknown comparison "${op}" on ${field.name}`);
  }
  return terms;
}

/** A field value as the literal of its column's type (e.g. uint64 → DECIMAL(20,0), decimal text → DECIMAL). */
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
      throw new InvalidArgumentError(`${name}: a ${type.kind} column cannot be filtered on`);
  }
}
