import { describe, expect, test } from "vitest";
import { Decimal, InvalidArgumentError, toLiteral } from "../../runtime/src/index.js";

describe("toLiteral", () => {
  test.each([
    ["it's", { case: "string", value: "it's" }],
    [true, { case: "boolean", value: true }],
    [42, { case: "integer", value: 42 }],
    [-(2 ** 31), { case: "integer", value: -(2 ** 31) }],
    [2 ** 31, { case: "long", value: 2n ** 31n }],
    [1.5, { case: "double", value: 1.5 }],
    [2 ** 60, { case: "double", value: 2 ** 60 }],
    [Number.NaN, { case: "double", value: Number.NaN }],
    [2n ** 63n - 1n, { case: "long", value: 2n ** 63n - 1n }],
    [new Date(1_700_000_000_123), { case: "timestamp", value: 1_700_000_000_123_000n }],
  ] as const)("%s", (value, expected) => {
    expect(toLiteral(value).literalType).toEqual(expected);
  });

  test("null, bytes and decimals", () => {
    expect(toLiteral(null).literalType?.case).toBe("null");
    expect(toLiteral(undefined).literalType?.case).toBe("null");
    expect(toLiteral(new Uint8Array([1, 2])).literalType).toEqual({ case: "binary", value: new Uint8Array([1, 2]) });
    expect(toLiteral(new Decimal("-0012.340")).literalType).toEqual({
      case: "decimal",
      value: { value: "-12.340", precision: 5, scale: 3 },
    });
  });

  test("arrays carry their element type", () => {
    const literal = toLiteral([null, 1n, 2n]);
    expect(literal.literalType?.case).toBe("array");
    expect(literal.dataType).toEqual({
      kind: { case: "array", value: { elementType: { kind: { case: "long", value: {} } }, containsNull: true } },
    });
  });

  test.each([
    [2n ** 63n, /does not fit in BIGINT/],
    [new Date(Number.NaN), /invalid Date/],
    [{ a: 1 } as unknown as string, /Object cannot be sent/],
  ])("rejects %s", (value, message) => {
    expect(() => toLiteral(value)).toThrow(InvalidArgumentError);
    expect(() => toLiteral(value)).toThrow(message);
  });
});

describe("Decimal", () => {
  test.each([
    ["0", "0", 1, 0],
    ["-0.00", "0.00", 2, 2],
    ["12.30", "12.30", 4, 2],
    ["0.001", "0.001", 3, 3],
    ["99999999999999999999999999999999999999", "99999999999999999999999999999999999999", 38, 0],
  ])("%s", (input, value, precision, scale) => {
    expect(new Decimal(input)).toMatchObject({ value, precision, scale });
  });

  test("rejects non-numbers and more than 38 digits", () => {
    expect(() => new Decimal("1e5")).toThrow(/not a decimal/);
    expect(() => new Decimal("1".repeat(39))).toThrow(/more than 38 digits/);
    expect(() => new Decimal(Number.POSITIVE_INFINITY)).toThrow(/not a decimal/);
  });
});
