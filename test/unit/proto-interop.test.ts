/**
 * Interop with protoc-gen-es: protoc-gen-es code for contracts/ is generated into a temporary directory with buf and
 * loaded, and records of every contract convert to its messages and back (`toProto(schema)` /
 * `fromProto(schema, message)`), equal field for field both ways. A second contract, generated with both plugins,
 * has `google.type.Decimal` and `google.type.Date` fields. Needs `npm run build` (the runtime's dist and the plugin).
 */
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { create, type DescMessage, type Message, type MessageInitShape, toJson } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  InvalidArgumentError,
  JsonDecodeError,
  type RecordDescriptor,
  RecordEncodeError,
} from "@lakehouse-contracts/runtime";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import { Address, Money } from "../../generated/shop/v1/common_lakehouse.js";
import { Customer } from "../../generated/shop/v1/customer_lakehouse.js";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import { buf, optionsProtoDir, runWithBin } from "./plugin-harness.js";
import {
  basicRecords,
  customerRecords,
  GOOGLE_TYPE_PROTOS,
  INVOICE_PROTO,
  orderRecords,
} from "./proto-interop.testdata.js";
import { expectSameRecord } from "./proto-interop-compare.js";
import {
  type EsModules,
  generateEsModules,
  linkNodeModules,
  type EsModule as Module,
  schemaOf,
} from "./protoc-gen-es-harness.js";

let es: EsModules;
let out: string;

beforeAll(async () => {
  es = await generateEsModules();
  out = es.dir;
}, 120_000);
afterAll(() => es?.remove());

/** What the tests use of a record class: the descriptor and the two interop methods. */
interface InteropClass {
  readonly descriptor: RecordDescriptor;
  new (init?: object): { toProto(schema: DescMessage): Message };
  fromProto(schema: DescMessage, message: Message): { toProto(schema: DescMessage): Message };
}

/** record → message → record, field for field against the message, and equal to the record at the end. */
function expectRecordRoundTrip(cls: InteropClass, schema: DescMessage, record: object): void {
  const message = (record as { toProto(schema: DescMessage): Message }).toProto(schema);
  expect(message.$typeName).toBe(schema.typeName);
  expectSameRecord(cls.descriptor, record, message);
  const back = cls.fromProto(schema, message);
  expect(back).toBeInstanceOf(cls);
  expect(back).toEqual(record);
}

/** message → record → message, field for field against the record, and equal to the message at the end. */
function expectMessageRoundTrip(cls: InteropClass, schema: DescMessage, message: Message): void {
  const record = cls.fromProto(schema, message);
  expectSameRecord(cls.descriptor, record, message);
  expect(record.toProto(schema)).toEqual(message);
}

describe("records → protobuf-es messages → records", () => {
  test.each(basicRecords.map((r, i) => [i, r] as const))("BasicTestRecord #%i", (_, record) => {
    expectRecordRoundTrip(BasicTestRecord, schemaOf(es.basic, "BasicTestRecord"), record);
  });
  test("Money and Address (common.proto, used by the others)", () => {
    expectRecordRoundTrip(
      Money,
      schemaOf(es.common, "Money"),
      new Money({ amount: "-0.10", currency: "CURRENCY_GBP" }),
    );
    expectRecordRoundTrip(Money, schemaOf(es.common, "Money"), new Money({ amount: "0.00" }));
    const address = new Address({ lines: ["", "2"], city: "Kraków", postalCode: "30-001", countryCode: "PL" });
    expectRecordRoundTrip(Address, schemaOf(es.common, "Address"), address);
    expectRecordRoundTrip(Address, schemaOf(es.common, "Address"), new Address());
  });
  test.each(customerRecords.map((r, i) => [i, r] as const))("Customer #%i", (_, record) => {
    expectRecordRoundTrip(Customer, schemaOf(es.customer, "Customer"), record);
  });
  test.each(orderRecords.map((r, i) => [i, r] as const))("Order #%i", (_, record) => {
    expectRecordRoundTrip(Order, schemaOf(es.order, "Order"), record);
  });
});

describe("protobuf-es messages → records → messages", () => {
  const ingest = (ms: number) => ({
    ingestId: "01J00000000000000000000000",
    createdAt: timestampFromDate(new Date(ms)),
    updatedAt: timestampFromDate(new Date(ms + 1)),
  });

  test("BasicTestRecord", () => {
    const schema = schemaOf(es.basic, "BasicTestRecord");
    const init = { id: -5n, name: "from es", value: 0.1, isActive: true, ingestSource: "es", ...ingest(0) };
    expectMessageRoundTrip(BasicTestRecord, schema, create(schema, init as MessageInitShape<DescMessage>));
  });

  test("Order, with every field set and each oneof case", () => {
    const schema = schemaOf(es.order, "Order");
    const money = { amount: "0.01", currency: 2 };
    const line = { lineId: 7n, sku: "SKU", quantity: 3, unitPrice: money, discount: 0.5, giftMessages: ["x"] };
    const base = {
      orderId: "ord_es",
      customerId: "cus_es",
      status: 4,
      salesChannel: 3,
      lines: [line, { sku: "min" }],
      total: "-99999999.99",
      currency: 1,
      shippingAddress: { lines: ["a", "b"], city: "c", postalCode: "d", countryCode: "FR" },
      customerSnapshot: {
        customerId: "cus_es",
        attributes: { k: "v" },
        loyaltyPoints: -1n,
        tier: 2,
        lifetimeValue: money,
        ...ingest(1000),
      },
      sequenceNumber: 18446744073709551615n,
      legacyId: "9223372036854775807",
      deliveryWindow: { seconds: -3n, nanos: -250_000_000 },
      customerNote: "note",
      checkoutMetadata: { a: [1, { b: null }], c: "d" },
      quantitiesBySku: { SKU: 3, other: 0 },
      linesById: { "7": line, "-9223372036854775808": { sku: "neg" } },
      discountRate: 0,
      signature: new Uint8Array([255, 0]),
      placedAt: timestampFromDate(new Date("1970-01-01T00:00:00.001Z")),
      ingestSource: "es",
      ...ingest(1_700_000_000_000),
    };
    const payments = [
      { case: "card", value: { last4: "0000", network: "amex" } },
      { case: "voucherCode", value: "FREE" },
      { case: "bankTransfer", value: { iban: "X", receivedAt: timestampFromDate(new Date(0)) } },
      { case: undefined },
    ];
    for (const payment of payments) {
      const message = create(schema, { ...base, payment } as MessageInitShape<DescMessage>);
      expectMessageRoundTrip(Order, schema, message);
    }
  });

  test("a message whose values do not fit the record is an error listing all of them", () => {
    const schema = schemaOf(es.order, "Order");
    const message = create(schema, {
      total: "12.345",
      lines: [{ unitPrice: { amount: "not a number" } }],
      ...ingest(0),
    } as MessageInitShape<DescMessage>);
    expect(() => Order.fromProto(schema, message)).toThrow(JsonDecodeError);
    expect(() => Order.fromProto(schema, message)).toThrow(/lines\[0\]\.unitPrice\.amount: must be a decimal number/);
    expect(() => Order.fromProto(schema, message)).toThrow(/total: has more than 2 digits after the point/);
  });

  test("the field-for-field comparison notices a difference", () => {
    const schema = schemaOf(es.order, "Order");
    const record = orderRecords[0] as Order;
    const message = record.toProto(schema) as Message & { lines: { quantity: number }[]; status: number };
    message.status = 1;
    expect(() => expectSameRecord(Order.descriptor, record, message)).toThrow(/shop\.v1\.Order\.status/);
    message.status = 2;
    (message.lines[1] as { quantity: number }).quantity = 1;
    expect(() => expectSameRecord(Order.descriptor, record, message)).toThrow(/shop\.v1\.Order\.lines\[1\]\.quantity/);
  });

  test('a "__proto__" key of a map or Struct is refused, not dropped as protobuf-es would', () => {
    const schema = schemaOf(es.order, "Order");
    const quantities = new Map([["__proto__", 1]]);
    const order = new Order({ quantitiesBySku: quantities, checkoutMetadata: JSON.parse('{"__proto__": {"a": 1}}') });
    expect(() => order.toProto(schema)).toThrow(RecordEncodeError);
    expect(() => order.toProto(schema)).toThrow(/checkoutMetadata\["__proto__"\].*quantitiesBySku\["__proto__"\]/s);
  });

  test("another message type's schema is refused, naming both types", () => {
    const customer = schemaOf(es.customer, "Customer");
    expect(() => new Order().toProto(customer)).toThrow(InvalidArgumentError);
    expect(() => new Order().toProto(customer)).toThrow(/shop\.v1\.Order .*shop\.v1\.Customer/);
    expect(() => Order.fromProto(customer, create(customer))).toThrow(InvalidArgumentError);
  });
});

describe("google.type.Decimal and google.type.Date fields", () => {
  let invoice: { schema: DescMessage; cls: InteropClass };

  beforeAll(async () => {
    const ws = join(out, "invoice");
    for (const [path, source] of Object.entries({ ...GOOGLE_TYPE_PROTOS, "interop/v1/invoice.proto": INVOICE_PROTO })) {
      mkdirSync(dirname(join(ws, "proto", path)), { recursive: true });
      writeFileSync(join(ws, "proto", path), source);
    }
    cpSync(optionsProtoDir, join(ws, "options"), { recursive: true });
    writeFileSync(join(ws, "buf.yaml"), "version: v2\nmodules:\n  - path: proto\n  - path: options\n");
    writeFileSync(
      join(ws, "buf.gen.yaml"),
      [
        "version: v2",
        "inputs:",
        "  - directory: proto",
        "plugins:",
        "  - local: protoc-gen-es",
        "    out: es",
        "    include_imports: true",
        "    opt: [target=ts, import_extension=js]",
        "  - local: protoc-gen-lakehouse",
        "    out: lakehouse",
        "    opt: [target=ts, import_extension=js]",
        "",
      ].join("\n"),
    );
    linkNodeModules(ws);
    runWithBin(buf, ["generate", "--path", "proto/interop"], ws);
    const esModule = (await import(join(ws, "es/interop/v1/invoice_pb.ts"))) as Module;
    const lakehouse = (await import(join(ws, "lakehouse/interop/v1/invoice_lakehouse.ts"))) as Module;
    invoice = { schema: schemaOf(esModule, "Invoice"), cls: lakehouse.Invoice as InteropClass };
  }, 120_000);

  test("a record's decimal text becomes the message's { value } and comes back", () => {
    const { schema, cls } = invoice;
    const record = new cls({
      invoiceId: "inv_1",
      amount: "1234567890.12",
      taxes: ["0.00", "-1.50"],
      fees: new Map([["late", "10.00"]]),
      due: "2024-02-29",
      part: { share: "0.3333", since: "0001-01-01" },
    });
    const message = record.toProto(schema);
    expect(toJson(schema, message)).toEqual({
      invoiceId: "inv_1",
      amount: { value: "1234567890.12" },
      taxes: [{ value: "0.00" }, { value: "-1.50" }],
      fees: { late: { value: "10.00" } },
      due: { year: 2024, month: 2, day: 29 },
      part: { share: { value: "0.3333" }, since: { year: 1, month: 1, day: 1 } },
    });
    expectRecordRoundTrip(cls, schema, record);
  });

  test("a message's Decimal values are checked against precision and scale", () => {
    const { schema, cls } = invoice;
    const message = create(schema, {
      amount: { value: "1.005" },
      part: { share: { value: "10.0000" } },
    } as MessageInitShape<DescMessage>);
    expect(() => cls.fromProto(schema, message)).toThrow(/amount: .*part\.share: /s);
    const ok = create(schema, {
      amount: { value: "7.10" },
      due: { year: 9999, month: 12, day: 31 },
    } as MessageInitShape<DescMessage>);
    expectMessageRoundTrip(cls, schema, ok);
  });
});
