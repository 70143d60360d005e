/**
 * Filters and bound SQL parameters as Spark literals (issue 17, items 3, 4 and 6): a filter's literal takes its
 * column's type (DOUBLE and FLOAT columns get DOUBLE and FLOAT literals whatever the number), a bound JS number that
 * is not a safe integer is a DOUBLE, and a filter that means nothing (an unknown operator, a non-boolean `isNull`,
 * a comparison on a whole message) is an `InvalidArgumentError` naming the field and the operator.
 */
import { describe, expect, test } from "vitest";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import {
  type Filter,
  isInvalidArgumentError,
  type RecordDescriptor,
  RecordTable,
  type SparkSession,
  toLiteral,
} from "../../runtime/src/index.js";
import { sqlRelation } from "../../runtime/src/spark/relations.js";
import { filterExpression } from "../../runtime/src/tables/filter.js";
import { Wide } from "./records.testdata.js";

type Expr = { exprType?: { case?: string; value?: unknown } };

/** The literal cases of a filter's expression tree, in order. */
function literals(expr: unknown): { case: string | undefined; value: unknown }[] {
  const e = expr as Expr;
  if (e.exprType?.case === "literal") {
    const lit = (e.exprType.value as { literalType?: { case?: string; value?: unknown } }).literalType;
    return [{ case: lit?.case, value: lit?.value }];
  }
  if (e.exprType?.case === "unresolvedFunction") {
    return (e.exprType.value as { arguments: unknown[] }).arguments.flatMap(literals);
  }
  return [];
}

/** The function names of a filter's expression tree, in order. */
function functions(expr: unknown): string[] {
  const e = expr as Expr;
  if (e.exprType?.case !== "unresolvedFunction") return [];
  const f = e.exprType.value as { functionName: string; arguments: unknown[] };
  return [f.functionName, ...f.arguments.flatMap(functions)];
}

const where = (filter: Record<string, unknown>) => filterExpression(Wide, filter as Filter<object>);

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("item 3: a filter's literal takes its column's type", () => {
  test.each([
    ["a DOUBLE column, beyond 2^53", { dbl: { gt: 1e16 } }, [{ case: "double", value: 1e16 }]],
    ["a DOUBLE column, the largest double", { dbl: Number.MAX_VALUE }, [{ case: "double", value: Number.MAX_VALUE }]],
    ["a DOUBLE column, an integer", { dbl: 3 }, [{ case: "double", value: 3 }]],
    ["a DOUBLE column, in", { dbl: { in: [1, 2 ** 60] } }, [1, 2 ** 60].map((value) => ({ case: "double", value }))],
    ["a DoubleValue wrapper column", { maybeDouble: { lt: 1e300 } }, [{ case: "double", value: 1e300 }]],
    ["a FLOAT column, beyond 2^53", { flt: { gte: 2 ** 60 } }, [{ case: "float", value: 2 ** 60 }]],
  ])("%s", (_what, filter, expected) => {
    expect(literals(filterExpression(Doubles, filter as Filter<object>))).toEqual(expected);
  });

  test("an INT column keeps its integer literal; a BIGINT column its long", () => {
    expect(literals(where({ i32: 5 }))).toEqual([{ case: "integer", value: 5 }]);
    expect(literals(where({ id: 5n }))).toEqual([{ case: "long", value: 5n }]);
  });
});

describe("item 3: a bound JS number that is not a safe integer is a DOUBLE", () => {
  test.each([
    [1e20, 1e20],
    [Number.MAX_VALUE, Number.MAX_VALUE],
    [2 ** 53, 2 ** 53],
    [-(2 ** 60), -(2 ** 60)],
    [1.5, 1.5],
  ])("%s", (value, expected) => {
    expect(toLiteral(value).literalType).toEqual({ case: "double", value: expected });
    const relation = sqlRelation("SELECT :x", { x: value }) as {
      relType: { value: { namedArguments: Record<string, unknown> } };
    };
    expect(literals(relation.relType.value.namedArguments.x)).toEqual([{ case: "double", value: expected }]);
  });

  test("a safe integer keeps its INT or BIGINT literal", () => {
    expect(toLiteral(2 ** 53 - 1).literalType).toEqual({ case: "long", value: 2n ** 53n - 1n });
    expect(toLiteral(7).literalType).toEqual({ case: "integer", value: 7 });
  });
});

describe("item 4: a FLOAT column compares with a FLOAT literal", () => {
  test("0.1 on a FLOAT column is the float 0.1, not the double", () => {
    expect(literals(where({ flt: 0.1 }))).toEqual([{ case: "float", value: 0.1 }]);
    expect(literals(where({ flt: { in: [0.1, 0.2] } }))).toEqual([
      { case: "float", value: 0.1 },
      { case: "float", value: 0.2 },
    ]);
  });

  test("a number beyond FLOAT's range stays a DOUBLE (every float is a double: the comparison stays exact)", () => {
    expect(literals(where({ flt: { lt: 1e39 } }))).toEqual([{ case: "double", value: 1e39 }]);
    expect(literals(where({ flt: Number.POSITIVE_INFINITY }))).toEqual([
      { case: "float", value: Number.POSITIVE_INFINITY },
    ]);
  });
});

describe("item 6: a filter that means nothing is an InvalidArgumentError naming the field and the operator", () => {
  test.each([
    ["toString", { i32: { toString: 1 } }, /i32.*"toString"/],
    ["constructor", { i32: { constructor: 1 } }, /i32.*"constructor"/],
    ["hasOwnProperty", { name: { hasOwnProperty: "x" } }, /name.*"hasOwnProperty"/],
    ["__proto__", { i32: JSON.parse('{"__proto__": 1}') }, /i32.*"__proto__"/],
    ["valueOf", { dbl: { valueOf: 1 } }, /dbl.*"valueOf"/],
  ])("an Object.prototype member as an operator: %s", (_what, filter, message) => {
    const error = thrown(() => where(filter));
    expect(isInvalidArgumentError(error)).toBe(true);
    expect(error.message).toMatch(message);
  });

  test.each([["yes"], [1], [null], ["true"]])("isNull: %j is not a boolean", (value) => {
    const error = thrown(() => where({ name: { isNull: value } }));
    expect(isInvalidArgumentError(error)).toBe(true);
    expect(error.message).toMatch(/name.*"isNull".*true or false/);
  });

  test.each([
    ["{}", { address: {} }, /address.*message.*\{\}/],
    ["a value", { address: "x" }, /address.*message/],
    ["a nested field", { address: { city: "Paris" } }, /address.*"city"/],
    ["eq", { address: { eq: { city: "Paris" } } }, /address.*"eq"/],
    ["a list", { items: { eq: [] } }, /items.*list.*"eq"/],
    ["a map", { labels: {} }, /labels.*map/],
    ["a JSON value", { attrs: { eq: "{}" } }, /attrs.*"eq"/],
  ])("a whole-message (or list, map, JSON) field: %s", (_what, filter, message) => {
    const error = thrown(() => where(filter));
    expect(isInvalidArgumentError(error)).toBe(true);
    expect(error.message).toMatch(message);
  });

  test("isNull on a message, list or map field is still a test of the column", () => {
    expect(functions(where({ address: { isNull: true } }))).toEqual(["isnull"]);
    expect(functions(where({ items: { isNull: false } }))).toEqual(["isnotnull"]);
  });

  test("in must be a list; and/or a list of filters", () => {
    expect(thrown(() => where({ i32: { in: 5 } })).message).toMatch(/i32.*"in".*list/);
    expect(isInvalidArgumentError(thrown(() => where({ and: { i32: 1 } })))).toBe(true);
  });

  test("the known operators still work", () => {
    expect(functions(where({ i32: { gt: 1, lte: 5, ne: 3 } }))).toEqual(["and", "and", ">", "<=", "not", "=="]);
  });
});

describe("item 6: insertRecordsSql says which columns it cannot bind", () => {
  test("Order: its list, map, message and JSON columns by name, in words", async () => {
    const session = { endpoint: "sc://localhost:15002" } as unknown as SparkSession;
    const table = new RecordTable(session, Order, { tableName: "shop.orders" });
    const order = new Order({
      orderId: "ord_1",
      customerId: "c1",
      status: "STATUS_PLACED",
      lines: [{ sku: "SKU-1", quantity: 2 }],
      payment: { case: "voucherCode", value: "ABCD1234" },
    });
    const error = await table.insertRecordsSql([order]).catch((e: unknown) => e as Error);
    expect(isInvalidArgumentError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^insertRecordsSql binds scalar columns only: lines is a list, /);
    expect((error as Error).message).toContain("shippingAddress is a message");
    expect((error as Error).message).toContain("quantitiesBySku is a map");
    expect((error as Error).message).toContain("checkoutMetadata is a JSON value");
    expect((error as Error).message).toMatch(/; use insertRecords$/);
    expect((error as Error).message).not.toMatch(/filtered/);
  });
});

/** FLOAT and DOUBLE columns, plain and wrapped. */
const Doubles: RecordDescriptor = {
  typeName: "t.Doubles",
  fields: [
    ...Wide.fields.filter((f) => f.name === "flt" || f.name === "dbl"),
    {
      name: "maybeDouble",
      protoName: "maybe_double",
      jsonName: "maybeDouble",
      number: 3,
      column: "maybe_double",
      type: { kind: "wrapper", scalar: "double" },
      nullable: true,
    },
  ],
  oneofs: [],
};
