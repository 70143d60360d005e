/**
 * proto3 JSON edge cases (issue 17, item 5), with protobuf-es's `fromJson` as the oracle: exponent and decimal forms
 * of 32-bit integers (quoted or not) are accepted, as protobuf's conformance suite requires; a double that overflows
 * to ±Infinity is refused; a map key with a lone surrogate is refused at decoding; a `__proto__` map key survives
 * decode → toJson.
 */
import { fromJson } from "@bufbuild/protobuf";
import { DoubleValueSchema, FloatValueSchema, Int32ValueSchema, UInt32ValueSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, test } from "vitest";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import { decodeJson, encodeJson, type RecordDescriptor } from "../../runtime/src/index.js";
import { field } from "./records.testdata.js";

const Scalars: RecordDescriptor = {
  typeName: "t.Scalars",
  fields: [
    field("i32", 1, { kind: "scalar", scalar: "int32" }, { nullable: true }),
    field("u32", 2, { kind: "scalar", scalar: "uint32" }, { nullable: true }),
    field("dbl", 3, { kind: "scalar", scalar: "double" }, { nullable: true }),
    field("flt", 4, { kind: "scalar", scalar: "float" }, { nullable: true }),
    field("s32", 5, { kind: "scalar", scalar: "sint32" }, { nullable: true }),
    field("labels", 6, { kind: "map", key: "string", value: { kind: "scalar", scalar: "string" } }),
    field("by_int", 7, { kind: "map", key: "int32", value: { kind: "scalar", scalar: "string" } }),
    field("attrs", 8, { kind: "json", wellKnown: "Struct" }, { nullable: true }),
  ],
  oneofs: [],
};

const oracles = {
  i32: Int32ValueSchema,
  u32: UInt32ValueSchema,
  dbl: DoubleValueSchema,
  flt: FloatValueSchema,
} as const;

/** protobuf-es's reading of a wrapper's JSON: the value, or undefined when it refuses it. */
function oracle(kind: keyof typeof oracles, json: unknown): number | undefined {
  try {
    return fromJson(oracles[kind], json as never).value;
  } catch {
    return undefined;
  }
}

function ours(kind: keyof typeof oracles | "s32", json: unknown): number | undefined {
  const result = decodeJson(Scalars, { [kind]: json });
  return result.ok ? (result.value[kind] as number) : undefined;
}

/**
 * JSON number text as the proto3 JSON mapping allows it, quoted or not (https://protobuf.dev/programming-guides/json/:
 * "Exponent notation (such as 1e2) is also accepted in both quoted and unquoted forms"). protobuf-es also takes
 * what `Number()` takes ("+1", "0x10", "0b1"), which is not JSON number text: refused here on purpose.
 */
const INPUTS: unknown[] = [
  "1e5",
  "1E5",
  "1e+5",
  "1.0",
  "1.",
  "5.",
  "1.e2",
  "100e-2",
  "1.0e0",
  "-0",
  "-0.0",
  "0.0",
  "00012",
  "2147483647.0",
  "2147483648.0",
  "-2147483648.0",
  "4294967295e0",
  "1e10",
  "1.5",
  ".5",
  "-.5",
  "1e-2",
  "1e309",
  "-1e309",
  "1e39",
  "NaN",
  "Infinity",
  "-Infinity",
  "",
  " 1",
  "1 ",
  "\t1",
  "1e",
  "e5",
  "1_000",
  "9007199254740993",
  "123456789012345678901234567890e-20",
  1e5,
  1.0,
  1.5,
  2.147483647e9,
  4.294967295e9,
  -0,
  1e10,
  1e39,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];
const NOT_JSON_NUMBERS = ["+1", "0x10", "0b1", "0o7"];

describe("numbers, against protobuf-es's fromJson", () => {
  for (const kind of Object.keys(oracles) as (keyof typeof oracles)[]) {
    const cases = INPUTS.map((json) => [typeof json === "string" ? JSON.stringify(json) : String(json), json] as const);
    test.each(cases)(`${kind}: %s`, (_label, json) => {
      const expected = oracle(kind, json);
      const actual = ours(kind, json);
      // -0 and 0 are one value of a 32-bit integer; for floats the sign is kept, as protobuf-es keeps it.
      if (expected === undefined) expect(actual).toBeUndefined();
      else expect(actual).toStrictEqual(kind === "i32" || kind === "u32" ? expected + 0 : expected);
    });
  }

  test("the conformance suite's forms: quoted exponent and decimal 32-bit integers", () => {
    expect(ours("i32", "1e5")).toBe(100000);
    expect(ours("i32", "1.0")).toBe(1);
    expect(ours("s32", "-2.147483648e9")).toBe(-2147483648);
    expect(ours("u32", "4.294967295e9")).toBe(4294967295);
    expect(ours("i32", 1e5)).toBe(100000);
    expect(ours("i32", 1.0)).toBe(1);
  });

  test("not an integer, or out of range, is still refused with its reason", () => {
    const issues = (json: unknown) => {
      const result = decodeJson(Scalars, { i32: json });
      return result.ok ? [] : result.error.issues.map((i) => i.message);
    };
    expect(issues("1.5")).toEqual(["must be an integer (int32)"]);
    expect(issues("1e10")).toEqual(["is out of range for int32 (-2147483648 to 2147483647)"]);
  });

  test.each(NOT_JSON_NUMBERS)("%s is not JSON number text: refused (protobuf-es takes it)", (json) => {
    expect(oracle("i32", json)).toBeDefined();
    expect(ours("i32", json)).toBeUndefined();
    expect(ours("dbl", json)).toBeUndefined();
  });

  test('quoted "1e309" is not a double: refused, as by protobuf-es', () => {
    // 1e309 unquoted: what JSON.parse makes of it.
    for (const json of ["1e309", "-1e309", JSON.parse("1e309") as number]) {
      const result = decodeJson(Scalars, { dbl: json });
      expect(result.ok, String(json)).toBe(false);
      if (!result.ok) expect(result.error.issues[0]?.message).toMatch(/out of range for DOUBLE/);
    }
    // The proto3 JSON spellings of the infinities are still read.
    expect(ours("dbl", "Infinity")).toBe(Number.POSITIVE_INFINITY);
    expect(ours("flt", "-Infinity")).toBe(Number.NEGATIVE_INFINITY);
  });

  test("32-bit integer map keys take the same number text as the values", () => {
    const result = decodeJson(Scalars, { byInt: { "1e2": "a", "-0": "b" } });
    expect(result.ok && [...(result.value.byInt as Map<number, string>)]).toEqual([
      [100, "a"],
      [0, "b"],
    ]);
  });
});

describe("map keys", () => {
  test("a lone surrogate in a map key is refused at decoding, naming the field, as in a string value", () => {
    const result = decodeJson(Scalars, { labels: { ok: "1", "bad\ud800": "2" }, attrs: {} });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues).toEqual([
      { path: 'labels["bad\\ud800"]', message: "key contains a lone surrogate (not valid UTF-8)" },
    ]);
    // The generated class says so too, before validation or encoding.
    expect(() => Order.fromJson({ quantitiesBySku: { "\udfff": 1 } })).toThrow(/quantitiesBySku.*lone surrogate/);
  });

  test("a __proto__ map key survives decode → toJson", () => {
    const json = JSON.parse('{"labels": {"__proto__": "x", "a": "y"}, "byInt": {}}') as unknown;
    const result = decodeJson(Scalars, json);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const back = encodeJson(Scalars, result.value) as { labels: object };
    expect(Object.keys(back.labels)).toEqual(["__proto__", "a"]);
    expect(Object.getPrototypeOf(back.labels)).toBe(Object.prototype);
    expect(JSON.stringify(back)).toBe('{"labels":{"__proto__":"x","a":"y"},"byInt":{}}');

    const order = Order.fromJson(JSON.parse('{"quantitiesBySku": {"__proto__": 2}}'));
    expect([...order.quantitiesBySku]).toEqual([["__proto__", 2]]);
    expect(JSON.stringify(order.toJson())).toContain('"quantitiesBySku":{"__proto__":2}');
  });

  test("a __proto__ key of a Struct survives too", () => {
    const json = JSON.parse('{"attrs": {"__proto__": {"x": 1}}}') as unknown;
    const result = decodeJson(Scalars, json);
    expect(result.ok && JSON.stringify(encodeJson(Scalars, result.value))).toBe('{"attrs":{"__proto__":{"x":1}}}');
  });
});
