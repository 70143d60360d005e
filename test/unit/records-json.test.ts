/** decodeJson/encodeJson: the proto3 JSON mapping, strictly, with every problem reported and sensitive values hidden. */
import { describe, expect, test } from "vitest";
import {
  decodeJson,
  encodeJson,
  JsonDecodeError,
  PreciseTimestamp,
  type RecordDescriptor,
  RecordEncodeError,
} from "../../runtime/src/index.js";
import { field, LineItem, Status, Wide, wideRecords, wideTypical } from "./records.testdata.js";

const Order: RecordDescriptor = {
  typeName: "t.Order",
  fields: [
    field("order_id", 1, { kind: "scalar", scalar: "int64" }),
    field("status", 2, { kind: "enum", enum: Status }),
    field("items", 3, { kind: "list", element: { kind: "message", record: () => LineItem } }),
    field("placed_at", 4, { kind: "timestamp" }, { nullable: true }),
    field("card", 5, { kind: "scalar", scalar: "string" }, { nullable: true, sensitive: true }),
    field("qty_by_sku", 6, { kind: "map", key: "string", value: { kind: "scalar", scalar: "uint32" } }),
    field("ttl", 7, { kind: "duration" }, { nullable: true }),
    field("day", 8, { kind: "date" }, { nullable: true }),
    field("blob", 9, { kind: "scalar", scalar: "bytes" }, { nullable: true }),
    field("ratio", 10, { kind: "scalar", scalar: "float" }, { nullable: true }),
    field("email", 11, { kind: "scalar", scalar: "string" }, { nullable: true, oneof: "contact" }),
    field("phone", 12, { kind: "scalar", scalar: "string" }, { nullable: true, oneof: "contact" }),
  ],
  oneofs: [{ name: "contact", protoName: "contact", fields: ["email", "phone"] }],
};

function issues(d: RecordDescriptor, json: unknown) {
  const result = decodeJson(d, json);
  if (result.ok) throw new Error("decodeJson accepted the input");
  expect(result.error).toBeInstanceOf(JsonDecodeError);
  expect(result.error.code).toBe("json_decode");
  return result.error.issues;
}

describe("decodeJson", () => {
  test("accepts JSON names and proto names, int64 as string or number, enum names or numbers, null as absent", () => {
    const result = decodeJson(Order, {
      orderId: "9223372036854775807",
      status: 2,
      items: [{ sku: "A", quantity: "4294967295", price: { amount: "1.5", currency: "EUR" }, tags: [] }],
      placed_at: "2024-02-29T23:30:00.123456000+01:00",
      card: null,
      qty_by_sku: { a: 1 },
      ttl: "-1.000500s",
      day: { year: 1, month: 1, day: 1 },
      blob: "AAEC_-8",
      ratio: "NaN",
      phone: "123",
    });
    expect(result).toEqual({
      ok: true,
      value: {
        orderId: 9223372036854775807n,
        status: "STATUS_CLOSED",
        items: [{ sku: "A", quantity: 4294967295, price: { amount: "1.50", currency: "EUR" }, tags: [] }],
        placedAt: PreciseTimestamp.fromEpochMicros(1_709_245_800_123_456n),
        qtyBySku: new Map([["a", 1]]),
        ttl: -1000500n,
        day: "0001-01-01",
        blob: new Uint8Array([0, 1, 2, 255, 239]),
        ratio: Number.NaN,
        contact: { case: "phone", value: "123" },
      },
    });
    expect(decodeJson(Order, { order_id: -5, day: "9999-12-31" })).toEqual({
      ok: true,
      value: { orderId: -5n, day: "9999-12-31" },
    });
  });

  test("reports every problem with its path, not just the first", () => {
    expect(
      issues(Order, {
        orderId: "9223372036854775808",
        order_id: "1",
        status: "STATUS_NOPE",
        items: [
          { sku: "ok", quantity: 1 },
          { sku: "ok", quantity: -1 },
          { sku: 7, quantity: 1.5, colour: "red" },
        ],
        placedAt: "2024-13-01T00:00:00Z",
        qtyBySku: { a: null },
        ttl: "1.000000001s",
        day: { year: 2023, month: 2, day: 29 },
        blob: "not base64!",
        ratio: 1e39,
        email: "a@b",
        phone: "1",
        extra: true,
      }),
    ).toEqual([
      {
        path: "orderId",
        message: "is out of range for int64 (-9223372036854775808 to 9223372036854775807)",
        value: '"9223372036854775808"',
      },
      { path: "order_id", message: 'is the same field as "orderId"' },
      { path: "status", message: "is not a value of enum test.v1.Status", value: '"STATUS_NOPE"' },
      { path: "items[1].quantity", message: "is out of range for uint32 (0 to 4294967295)", value: "-1" },
      { path: "items[2].sku", message: "must be a string", value: "7" },
      { path: "items[2].quantity", message: "must be an integer (uint32)", value: "1.5" },
      { path: "items[2].colour", message: "is not a field of test.v1.LineItem" },
      { path: "placedAt", message: "month must be 1 to 12", value: '"2024-13-01T00:00:00Z"' },
      { path: 'qtyBySku["a"]', message: "is null; map values cannot be null" },
      { path: "ttl", message: "has nanoseconds; durations are stored in microseconds", value: '"1.000000001s"' },
      { path: "day", message: "day is not in the month", value: "object" },
      { path: "blob", message: "must be base64 text", value: '"not base64!"' },
      { path: "ratio", message: "is out of range for FLOAT (32-bit)", value: "1e+39" },
      { path: "phone", message: "oneof contact has a value already (email)" },
      { path: "extra", message: "is not a field of t.Order" },
    ]);
  });

  test("int64 numbers beyond 2^53 lost precision already and must come as strings", () => {
    expect(issues(Order, JSON.parse(`{"orderId": 9007199254740993}`))).toEqual([
      { path: "orderId", message: "loses precision as a JSON number; send it as a string", value: "9007199254740992" },
    ]);
  });

  test("the root must be an object; bad RFC 3339 and wrong container types", () => {
    expect(issues(Order, [1])).toEqual([{ path: "", message: "must be a JSON object (t.Order)", value: "array(1)" }]);
    expect(issues(Order, { placedAt: "2024-01-01 10:00:00", items: {}, qtyBySku: [] })).toEqual([
      {
        path: "placedAt",
        message: 'must be an RFC 3339 timestamp like "2024-01-31T12:00:00Z"',
        value: '"2024-01-01 10:00:00"',
      },
      { path: "items", message: "must be a JSON array", value: "object" },
      { path: "qtyBySku", message: "must be a JSON object (a map)", value: "array(0)" },
    ]);
    const result = decodeJson(Order, null);
    expect(!result.ok && result.error.message).toBe(
      "invalid JSON for t.Order: (record): must be a JSON object (t.Order) (value: null)",
    );
  });

  test("values of sensitive fields never appear in issues or messages", () => {
    const result = decodeJson(Order, { card: 4111111111111111 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues).toEqual([{ path: "card", message: "must be a string", value: "[redacted]" }]);
    expect(result.error.message).not.toContain("4111");
  });
});

describe("encodeJson", () => {
  test("writes proto3 JSON: JSON names, int64 as strings, enum names, RFC 3339, base64, NaN as a string", () => {
    expect(
      encodeJson(Order, {
        orderId: -1n,
        status: "STATUS_ACTIVE",
        items: [{ sku: "A", quantity: 2, tags: ["x"] }],
        placedAt: new Date("0001-01-01T00:00:00Z"),
        qtyBySku: new Map([["a", 3]]),
        ttl: 1500n,
        day: "2024-02-29",
        blob: new Uint8Array([255, 254]),
        ratio: Number.NEGATIVE_INFINITY,
        contact: { case: "email", value: "a@b" },
      }),
    ).toEqual({
      orderId: "-1",
      status: "STATUS_ACTIVE",
      items: [{ sku: "A", quantity: 2, tags: ["x"] }],
      placedAt: "0001-01-01T00:00:00Z",
      qtyBySku: { a: 3 },
      ttl: "0.001500s",
      day: { year: 2024, month: 2, day: 29 },
      blob: "//4=",
      ratio: "-Infinity",
      email: "a@b",
    });
  });

  test("round-trips every field kind through decodeJson", () => {
    for (const record of wideRecords) {
      expect(decodeJson(Wide, JSON.parse(JSON.stringify(encodeJson(Wide, record))))).toEqual({
        ok: true,
        value: record,
      });
    }
  });

  test("throws a RecordEncodeError listing every value that does not fit, sensitive ones redacted", () => {
    let error: unknown;
    try {
      encodeJson(Wide, { ...wideTypical, u64: -1n, secret: 42, items: [null], day: "2024-1-1" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RecordEncodeError);
    expect((error as RecordEncodeError).issues).toEqual([
      { path: "u64", message: "is out of range for uint64 (0 to 18446744073709551615)", value: "-1n" },
      { path: "day", message: 'must be a date like "2024-01-31"', value: '"2024-1-1"' },
      { path: "items[0]", message: "is missing; list elements cannot be null" },
      { path: "secret", message: "must be a string", value: "[redacted]" },
    ]);
  });
});

describe("google.protobuf.FieldMask", () => {
  const Patch: RecordDescriptor = {
    typeName: "t.Patch",
    fields: [
      field(
        "mask",
        1,
        { kind: "list", element: { kind: "scalar", scalar: "string" }, wellKnown: "FieldMask" },
        { nullable: true },
      ),
    ],
    oneofs: [],
  };

  test("is one string of lowerCamelCase paths joined by commas, both ways", () => {
    const record = { mask: ["user.display_name", "photo", "a1.b_c.d"] };
    expect(encodeJson(Patch, record)).toEqual({ mask: "user.displayName,photo,a1.bC.d" });
    expect(decodeJson(Patch, { mask: "user.displayName,photo,a1.bC.d" })).toEqual({ ok: true, value: record });
    expect(encodeJson(Patch, { mask: [] })).toEqual({ mask: "" });
    expect(decodeJson(Patch, { mask: "" })).toEqual({ ok: true, value: { mask: [] } });
    expect(decodeJson(Patch, { mask: null })).toEqual({ ok: true, value: {} });
    expect(encodeJson(Patch, {})).toEqual({});
  });

  test("strict decoding rejects anything but lowerCamelCase field paths, with the field's path", () => {
    expect(issues(Patch, { mask: ["a", "b"] })).toEqual([
      { path: "mask", message: 'must be a string of comma-separated paths, e.g. "a.b,cD"', value: "array(2)" },
    ]);
    for (const bad of ["user.display_name", "a,,b", "a.", ".a", "a b", "a,"]) {
      const [issue] = issues(Patch, { mask: bad });
      expect(issue?.path).toBe("mask");
      expect(issue?.message).toMatch(/^has path ".*"; paths must be lowerCamelCase field names joined by dots$/);
    }
  });

  test("paths without a reversible JSON form cannot be written", () => {
    expect(() => encodeJson(Patch, { mask: ["displayName"] })).toThrow(
      /mask: has path "displayName", whose lowerCamelCase JSON form \(displayName\) reads back differently/,
    );
    expect(() => encodeJson(Patch, { mask: ["a__b"] })).toThrow(RecordEncodeError);
    expect(() => encodeJson(Patch, { mask: ["a-b"] })).toThrow(/which is not field names joined by dots/);
  });
});
