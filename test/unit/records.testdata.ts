/**
 * Hand-written record descriptors (what protoc-gen-lakehouse emits) and sample records for the records runtime
 * tests: one wide table with every field kind, nested messages, lists of messages, maps, a oneof, and extremes.
 */
import type { EnumDescriptor, FieldDescriptor, FieldType, RecordDescriptor } from "../../runtime/src/index.js";

/** A field whose names follow protobuf's conventions from one snake_case name. */
export function field(
  protoName: string,
  number: number,
  type: FieldType,
  extra: Partial<Omit<FieldDescriptor, "protoName" | "number" | "type">> = {},
): FieldDescriptor {
  const camel = protoName.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return { name: camel, protoName, jsonName: camel, number, column: protoName, type, nullable: false, ...extra };
}

export const Status: EnumDescriptor = {
  typeName: "test.v1.Status",
  values: [
    { name: "STATUS_UNSPECIFIED", number: 0 },
    { name: "STATUS_ACTIVE", number: 1 },
    { name: "STATUS_CLOSED", number: 2 },
  ],
};

export const Money: RecordDescriptor = {
  typeName: "test.v1.Money",
  fields: [
    field("amount", 1, { kind: "decimal", precision: 18, scale: 2 }),
    field("currency", 2, { kind: "scalar", scalar: "string" }, { comment: "ISO 4217 code" }),
  ],
  oneofs: [],
};

export const LineItem: RecordDescriptor = {
  typeName: "test.v1.LineItem",
  fields: [
    field("sku", 1, { kind: "scalar", scalar: "string" }),
    field("quantity", 2, { kind: "scalar", scalar: "uint32" }),
    field("price", 3, { kind: "message", record: () => Money }, { nullable: true }),
    field("tags", 4, { kind: "list", element: { kind: "scalar", scalar: "string" } }),
  ],
  oneofs: [],
};

export const Address: RecordDescriptor = {
  typeName: "test.v1.Address",
  fields: [
    field("street", 1, { kind: "scalar", scalar: "string" }),
    field("city", 2, { kind: "scalar", scalar: "string" }, { comment: "City name" }),
    field("zip", 3, { kind: "scalar", scalar: "string" }, { nullable: true }),
  ],
  oneofs: [],
};

/** Every field kind, as one Delta table. */
export const Wide: RecordDescriptor = {
  typeName: "test.v1.Wide",
  comment: "Every field kind",
  table: {
    name: "wide",
    schema: "test",
    primaryKey: ["id"],
    partitionBy: ["day"],
    clusterBy: [],
    comment: "All the types, it's wide",
  },
  fields: [
    field("id", 1, { kind: "scalar", scalar: "int64" }, { comment: "Row id: it's \\unique\\" }),
    field("i32", 2, { kind: "scalar", scalar: "int32" }),
    field("s32", 3, { kind: "scalar", scalar: "sint32" }),
    field("sf32", 4, { kind: "scalar", scalar: "sfixed32" }),
    field("i64_str", 5, { kind: "scalar", scalar: "int64", int64As: "string" }),
    field("i64_num", 6, { kind: "scalar", scalar: "sint64", int64As: "number" }),
    field("sf64", 7, { kind: "scalar", scalar: "sfixed64" }),
    field("u32", 8, { kind: "scalar", scalar: "uint32" }),
    field("fx32", 9, { kind: "scalar", scalar: "fixed32" }),
    field("u64", 10, { kind: "scalar", scalar: "uint64" }),
    field("fx64", 11, { kind: "scalar", scalar: "fixed64", int64As: "string" }),
    field("flt", 12, { kind: "scalar", scalar: "float" }),
    field("dbl", 13, { kind: "scalar", scalar: "double" }),
    field("flag", 14, { kind: "scalar", scalar: "bool" }),
    field("name", 15, { kind: "scalar", scalar: "string" }, { nullable: true }),
    field("data", 16, { kind: "scalar", scalar: "bytes" }),
    field("status", 17, { kind: "enum", enum: Status }),
    field("status_code", 18, { kind: "enum", enum: Status, asInt: true }),
    field("created_at", 19, { kind: "timestamp" }, { nullable: true, role: "created_at" }),
    field("day", 20, { kind: "date" }),
    field("ttl", 21, { kind: "duration" }, { nullable: true }),
    field("maybe_count", 22, { kind: "wrapper", scalar: "int32" }, { nullable: true }),
    field("maybe_total", 23, { kind: "wrapper", scalar: "uint64" }, { nullable: true }),
    field("attrs", 24, { kind: "json", wellKnown: "Struct" }, { nullable: true }),
    field("value", 25, { kind: "json", wellKnown: "Value" }, { nullable: true }),
    field("price", 26, { kind: "decimal", precision: 10, scale: 2 }),
    field("big", 27, { kind: "decimal", precision: 38, scale: 10 }, { nullable: true }),
    field("items", 28, { kind: "list", element: { kind: "message", record: () => LineItem } }),
    field("scores", 29, { kind: "list", element: { kind: "scalar", scalar: "double" } }),
    field("labels", 30, { kind: "map", key: "string", value: { kind: "scalar", scalar: "string" } }),
    field("prices_by_id", 31, { kind: "map", key: "int64", value: { kind: "message", record: () => Money } }),
    field("address", 32, { kind: "message", record: () => Address }, { nullable: true }),
    field("email", 33, { kind: "scalar", scalar: "string" }, { nullable: true, oneof: "contact" }),
    field(
      "phone_number",
      34,
      { kind: "scalar", scalar: "string" },
      { nullable: true, oneof: "contact", column: "phone" },
    ),
    field("secret", 35, { kind: "scalar", scalar: "string" }, { sensitive: true }),
    field("ingest_id", 36, { kind: "scalar", scalar: "string" }, { role: "ingest_id" }),
  ],
  oneofs: [{ name: "contact", protoName: "contact", fields: ["email", "phoneNumber"] }],
};

const enc = new TextEncoder();

/** Extremes at the top of every range. */
export const wideMax = {
  id: 9223372036854775807n,
  i32: 2147483647,
  s32: -2147483648,
  sf32: 2147483647,
  i64Str: "-9223372036854775808",
  i64Num: 9007199254740991,
  sf64: -9223372036854775808n,
  u32: 4294967295,
  fx32: 0,
  u64: 18446744073709551615n,
  fx64: "18446744073709551615",
  flt: Number.POSITIVE_INFINITY,
  dbl: Number.NaN,
  flag: true,
  name: "héllo wörld 🌍 日本語 ‮",
  data: new Uint8Array([0, 1, 2, 253, 254, 255]),
  status: "STATUS_CLOSED",
  statusCode: "STATUS_ACTIVE",
  createdAt: new Date("9999-12-31T23:59:59.999Z"),
  day: "9999-12-31",
  ttl: 315576000000999999n,
  maybeCount: 2147483647,
  maybeTotal: 18446744073709551615n,
  attrs: { nested: { list: [1, "two", null, true] }, "key with space": "v" },
  value: null,
  price: "99999999.99",
  big: "9999999999999999999999999999.9999999999",
  items: [
    { sku: "A-1", quantity: 4294967295, price: { amount: "9999999999999999.99", currency: "EUR" }, tags: ["x", ""] },
    { sku: "", quantity: 0, tags: [] },
  ],
  scores: [Number.NEGATIVE_INFINITY, 0.1, Number.MAX_VALUE, Number.MIN_VALUE],
  labels: new Map([
    ["", "empty key"],
    ["ключ", "значение"],
  ]),
  pricesById: new Map([[9223372036854775807n, { amount: "-0.01", currency: "" }]]),
  address: { street: "1 Main St", city: "Zürich" },
  contact: { case: "email", value: "a@example.com" },
  secret: "hunter2",
  ingestId: "0190f1c4-5b2e-7a3c-9f1d-2b6e8c4a1f07",
};

/** Extremes at the bottom of every range, and every nullable field absent. */
export const wideMin = {
  id: -9223372036854775808n,
  i32: -2147483648,
  s32: 0,
  sf32: -2147483648,
  i64Str: "9223372036854775807",
  i64Num: -9007199254740991,
  sf64: 9223372036854775807n,
  u32: 0,
  fx32: 4294967295,
  u64: 0n,
  fx64: "0",
  flt: Number.NEGATIVE_INFINITY,
  dbl: Number.POSITIVE_INFINITY,
  flag: false,
  data: new Uint8Array(0),
  status: "STATUS_UNSPECIFIED",
  statusCode: "STATUS_UNSPECIFIED",
  day: "0001-01-01",
  price: "-99999999.99",
  items: [],
  scores: [],
  labels: new Map(),
  pricesById: new Map(),
  secret: "",
  ingestId: "",
};

/** Ordinary values. */
export const wideTypical = {
  id: 42n,
  i32: -7,
  s32: 7,
  sf32: 1,
  i64Str: "12345678901234",
  i64Num: -42,
  sf64: 0n,
  u32: 3000000000,
  fx32: 1,
  u64: 9223372036854775808n,
  fx64: "1",
  flt: 1.5,
  dbl: -2.25,
  flag: true,
  name: "",
  data: enc.encode("bytes"),
  status: "STATUS_ACTIVE",
  statusCode: "STATUS_CLOSED",
  createdAt: new Date("0001-01-01T00:00:00.000Z"),
  day: "2024-02-29",
  ttl: -1500000n,
  maybeCount: 0,
  maybeTotal: 0n,
  attrs: {},
  value: [1, { a: "b" }],
  price: "0.10",
  big: "-0.0000000001",
  items: [{ sku: "B-2", quantity: 3, price: { amount: "12.30", currency: "USD" }, tags: ["sale"] }],
  scores: [1, 2, 3],
  labels: new Map([["k", "v"]]),
  pricesById: new Map([
    [-1n, { amount: "1.00", currency: "USD" }],
    [2n, { amount: "2.00", currency: "EUR" }],
  ]),
  address: { street: "", city: "", zip: "8000" },
  contact: { case: "phoneNumber", value: "+41 44 000 00 00" },
  secret: "s3cr3t",
  ingestId: "id",
};

export const wideRecords = [wideMax, wideMin, wideTypical];

/** A message that contains itself: allowed in proto, impossible as a Spark column. */
export const TreeNode: RecordDescriptor = {
  typeName: "test.v1.TreeNode",
  fields: [
    field("label", 1, { kind: "scalar", scalar: "string" }),
    field("children", 2, { kind: "list", element: { kind: "message", record: () => TreeNode } }),
  ],
  oneofs: [],
};

export const Forest: RecordDescriptor = {
  typeName: "test.v1.Forest",
  fields: [field("root", 1, { kind: "message", record: () => TreeNode }, { nullable: true })],
  oneofs: [],
};
