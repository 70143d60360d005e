/**
 * Bounded work on untrusted input: integer, Duration and Timestamp text longer than any valid value is refused by its
 * length, before BigInt (super-linear in the digits: 16 M digits blocked the event loop for ~9 s) or a regex sees it.
 * No timing here: the issues themselves show that the length was checked first, since a parse would have ended in a
 * different message ("is out of range…", "is outside the Duration range…").
 */
import { describe, expect, test, vi } from "vitest";
import { Order, Order_Line } from "../../generated/shop/v1/order_lakehouse.js";
import {
  decodeJson,
  encodeJson,
  type RecordDescriptor,
  RecordEncodeError,
  type RecordIssue,
  toArrow,
} from "../../runtime/src/index.js";
import { field, Wide } from "./records.testdata.js";

// The generated classes import the runtime package, i.e. the last build (dist); these tests are about the runtime's
// source, so the package is its source here (and the error classes are the ones imported above).
vi.mock("@lakehouse-contracts/runtime", () => import("../../runtime/src/index.js"));

/** 16 million digits: one JSON line of ~16 MB, which a reader of JSON Lines accepts. */
const DIGITS = "1".repeat(16_000_000);
/** How renderValue shows DIGITS as a JSON string: 60 characters, the last one an ellipsis. */
const SHOWN = `"${"1".repeat(58)}…`;

function orderIssues(json: unknown): readonly RecordIssue[] {
  const result = Order.safeFromJson(json);
  if (result.ok) throw new Error("Order.safeFromJson accepted the input");
  return result.error.issues;
}

function issuesOf(d: RecordDescriptor, json: unknown): readonly RecordIssue[] {
  const result = decodeJson(d, json);
  if (result.ok) throw new Error("decodeJson accepted the input");
  return result.error.issues;
}

function encodeIssues(encode: () => unknown): readonly RecordIssue[] {
  try {
    encode();
  } catch (e) {
    expect(e).toBeInstanceOf(RecordEncodeError);
    return (e as RecordEncodeError).issues;
  }
  throw new Error("encoding accepted the input");
}

describe("decoding refuses over-long number text by its length", () => {
  test("int64 (jstype string), uint64, uint32 in a nested list and an Int64Value wrapper", () => {
    expect(
      orderIssues({
        legacyId: DIGITS,
        sequenceNumber: DIGITS,
        lines: [{ quantity: DIGITS }],
        customerSnapshot: { loyaltyPoints: `-${DIGITS}` },
      }),
    ).toEqual([
      { path: "legacyId", message: "is too long for int64 (16000000 characters; at most 64)", value: SHOWN },
      { path: "sequenceNumber", message: "is too long for uint64 (16000000 characters; at most 64)", value: SHOWN },
      {
        path: "lines[0].quantity",
        message: "is too long for uint32 (16000000 characters; at most 64)",
        value: SHOWN,
      },
      {
        path: "customerSnapshot.loyaltyPoints",
        message: "is too long for int64 (16000001 characters; at most 64)",
        value: `"-${"1".repeat(57)}…`,
      },
    ]);
  });

  test("int32 and sint32 (no generated contract has one: the hand-written Wide descriptor does)", () => {
    expect(issuesOf(Wide, { i32: DIGITS, s32: DIGITS })).toEqual([
      { path: "i32", message: "is too long for int32 (16000000 characters; at most 64)", value: SHOWN },
      { path: "s32", message: "is too long for sint32 (16000000 characters; at most 64)", value: SHOWN },
    ]);
  });

  test("a map<int64, Line> key", () => {
    const issues = orderIssues({ linesById: { [DIGITS]: {} } });
    // The path holds the key as it came (16 MB); compared as a boolean so that a failure does not print it.
    expect(issues.map((i) => i.path === `linesById[${JSON.stringify(DIGITS)}]`)).toEqual([true]);
    expect(issues.map((i) => i.message)).toEqual(["key is too long for int64 (16000000 characters; at most 64)"]);
  });

  test("a Duration with 16 M digits of seconds, with and without a fraction", () => {
    expect(orderIssues({ deliveryWindow: `${DIGITS}s` })).toEqual([
      {
        path: "deliveryWindow",
        message: "is too long for a Duration (16000001 characters; at most 64)",
        value: SHOWN,
      },
    ]);
    expect(orderIssues({ delivery_window: `-${DIGITS}.5s` })).toEqual([
      {
        path: "delivery_window",
        message: "is too long for a Duration (16000004 characters; at most 64)",
        value: `"-${"1".repeat(57)}…`,
      },
    ]);
  });

  test("a Timestamp with 16 M fraction digits", () => {
    const text = `2024-01-31T12:00:00.${DIGITS}Z`;
    expect(orderIssues({ placedAt: text })).toEqual([
      {
        path: "placedAt",
        message: `is too long for a Timestamp (${text.length} characters; at most 64)`,
        value: `"2024-01-31T12:00:00.${"1".repeat(38)}…`,
      },
    ]);
  });

  test("the values of sensitive fields and the keys of sensitive maps stay redacted", () => {
    const Secret: RecordDescriptor = {
      typeName: "t.Secret",
      fields: [
        field("pin", 1, { kind: "scalar", scalar: "int64" }, { sensitive: true }),
        field(
          "codes",
          2,
          { kind: "map", key: "uint64", value: { kind: "scalar", scalar: "string" } },
          { sensitive: true },
        ),
        field("hold", 3, { kind: "duration" }, { nullable: true, sensitive: true }),
      ],
      oneofs: [],
    };
    expect(issuesOf(Secret, { pin: DIGITS, codes: { [DIGITS]: "x" }, hold: `${DIGITS}s` })).toEqual([
      { path: "pin", message: "is too long for int64 (16000000 characters; at most 64)", value: "[redacted]" },
      { path: "codes[[redacted]]", message: "key is too long for uint64 (16000000 characters; at most 64)" },
      { path: "hold", message: "is too long for a Duration (16000001 characters; at most 64)", value: "[redacted]" },
    ]);
  });
});

describe("the limit is on absurd lengths only", () => {
  // Leading zeros are valid proto3 JSON integers for protobuf-es and Go (see MAX_INTEGER_TEXT in numbers.ts).
  const padded = (digits: string, width: number): string => digits.padStart(width, "0");

  test("64 characters of zero-padded integer are accepted; 65 are refused", () => {
    const result = decodeJson(Wide, {
      id: padded("9223372036854775807", 64),
      i32: `-${padded("2147483648", 63)}`,
      u64: "0000000000000000000000001",
    });
    expect(result.ok && [result.value.id, result.value.i32, result.value.u64]).toEqual([
      9223372036854775807n,
      -2147483648,
      1n,
    ]);
    expect(issuesOf(Wide, { id: padded("1", 65) })).toEqual([
      {
        path: "id",
        message: "is too long for int64 (65 characters; at most 64)",
        value: `"${"0".repeat(58)}…`,
      },
    ]);
  });

  test("values within 64 characters but beyond the range still get the range message", () => {
    expect(issuesOf(Wide, { id: "9".repeat(64) })).toEqual([
      {
        path: "id",
        message: "is out of range for int64 (-9223372036854775808 to 9223372036854775807)",
        value: `"${"9".repeat(58)}…`,
      },
    ]);
  });

  test("zero-padded map keys and Durations within 64 characters are accepted", () => {
    const result = Order.safeFromJson({
      linesById: { [padded("42", 64)]: {} },
      deliveryWindow: `${padded("315576000000", 50)}.999999s`,
    });
    expect(result.ok && [[...result.value.linesById.keys()], result.value.deliveryWindow]).toEqual([
      [42n],
      315576000000999999n,
    ]);
  });
});

describe("encoding refuses over-long integer text too", () => {
  test("encodeJson of an int64 held as a string (jstype string)", () => {
    expect(encodeIssues(() => encodeJson(Order.descriptor, new Order({ legacyId: DIGITS })))).toEqual([
      { path: "legacyId", message: "is too long for int64 (16000000 characters; at most 64)", value: SHOWN },
    ]);
  });

  test("toArrow of an int64 map given as a plain object (its keys are text)", () => {
    const order = { ...new Order(), linesById: { [DIGITS]: new Order_Line() } };
    const issues = encodeIssues(() => toArrow(Order.descriptor, [order]));
    expect(issues.map((i) => i.message)).toContain("key is too long for int64 (16000000 characters; at most 64)");
  });
});

describe("FieldMask paths of untrusted length", () => {
  test("millions of dotted segments decode (or not) without a RangeError from the regex engine", async () => {
    const { Customer } = await import("../../generated/shop/v1/customer_lakehouse.js");
    const path = Array.from({ length: 8_000_000 }, () => "a").join(".");
    const valid = Customer.safeFromJson({ verifiedFields: `email,${path}` });
    expect(valid.ok).toBe(true);
    const invalid = Customer.safeFromJson({ verifiedFields: `email,${path}.` });
    expect(invalid.ok).toBe(false);
    if (!invalid.ok) expect(invalid.error.issues.map((i) => i.path)).toEqual(["verifiedFields"]);
  });
});
