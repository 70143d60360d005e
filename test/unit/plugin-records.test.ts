/**
 * The generated record classes (generated/, committed): construction with proto3 defaults, ingest metadata, and
 * nested plain init objects turned into classes. Loads the runtime package (for newIngestId), so it needs the
 * records runtime built (`npm run build`).
 */
import { expect, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import { Address, Money } from "../../generated/shop/v1/common_lakehouse.js";
import { Customer } from "../../generated/shop/v1/customer_lakehouse.js";
import { Order, Order_BankTransfer, Order_Card, Order_Line } from "../../generated/shop/v1/order_lakehouse.js";

test("a record without init has proto3 defaults and fresh ingest metadata", () => {
  const before = Date.now();
  const record = new BasicTestRecord();
  expect(record.id).toBe(0n);
  expect(record.name).toBe("");
  expect(record.value).toBe(0);
  expect(record.isActive).toBe(false);
  expect(record.ingestSource).toBe("");
  expect(record.ingestId).not.toBe("");
  expect(record.createdAt).toBeInstanceOf(Date);
  expect(record.createdAt.getTime()).toBeGreaterThanOrEqual(before);
  expect(record.updatedAt).toEqual(record.createdAt);
});

test("ingest ids are unique and time-ordered", async () => {
  const ids = Array.from({ length: 50 }, () => new BasicTestRecord().ingestId);
  expect(new Set(ids).size).toBe(ids.length);
  await new Promise((resolve) => setTimeout(resolve, 2));
  const later = new BasicTestRecord().ingestId;
  expect(ids.every((id) => id < later)).toBe(true);
});

test("given values, ingest metadata included, are kept", () => {
  const createdAt = new Date("2020-01-02T03:04:05.678Z");
  const record = BasicTestRecord.create({
    id: 42n,
    name: "answer",
    value: 0.5,
    isActive: true,
    ingestId: "given-id",
    ingestSource: "test",
    createdAt,
  });
  expect(record).toMatchObject({ id: 42n, name: "answer", value: 0.5, isActive: true, ingestId: "given-id" });
  expect(record.ingestSource).toBe("test");
  expect(record.createdAt).toBe(createdAt);
  expect(record.updatedAt).not.toBe(createdAt);
  expect(record).toBeInstanceOf(BasicTestRecord);
});

test("nested plain init objects become class instances; lists and maps are copied", () => {
  const order = new Order({
    lines: [{ sku: "sku-1", quantity: 2, unitPrice: { amount: "9.99", currency: "CURRENCY_EUR" } }],
    shippingAddress: { city: "Lyon", lines: ["1 rue X"] },
    customerSnapshot: { customerId: "c1", attributes: new Map([["k", "v"]]) },
    payment: { case: "card", value: { last4: "4242" } },
    linesById: new Map([[7n, { sku: "sku-7" }]]),
    quantitiesBySku: new Map([["sku-1", 2]]),
    customerNote: "leave at the door",
  });
  const line = order.lines[0];
  expect(line).toBeInstanceOf(Order_Line);
  expect(line?.unitPrice).toBeInstanceOf(Money);
  expect(line?.unitPrice?.amount).toBe("9.99");
  expect(line?.giftMessages).toEqual([]);
  expect(line?.discount).toBeUndefined();
  expect(order.shippingAddress).toBeInstanceOf(Address);
  expect(order.customerSnapshot).toBeInstanceOf(Customer);
  expect(order.customerSnapshot?.attributes.get("k")).toBe("v");
  expect(order.customerSnapshot?.tier).toBe("TIER_UNSPECIFIED");
  expect(order.payment.case).toBe("card");
  expect(order.payment.value).toBeInstanceOf(Order_Card);
  expect(order.linesById.get(7n)).toBeInstanceOf(Order_Line);
  expect(order.quantitiesBySku.get("sku-1")).toBe(2);
  expect(order.customerNote).toBe("leave at the door");
  expect(order.status).toBe("STATUS_UNSPECIFIED");
  expect(order.total).toBe("0.00"); // zero with the column's scale, as it reads back
  expect(order.legacyId).toBe("0");
  expect(order.sequenceNumber).toBe(0n);
  expect(order.signature).toEqual(new Uint8Array(0));
  expect(order.placedAt).toBeUndefined();
  expect(order.discountRate).toBeUndefined();

  const copy = new Order({ ...order, lines: order.lines });
  expect(copy.lines).not.toBe(order.lines);
  expect(copy.ingestId).toBe(order.ingestId);
});

test("oneofs: scalar members are kept, message members converted, unset is { case: undefined }", () => {
  expect(new Order().payment).toEqual({ case: undefined });
  expect(new Order({ payment: { case: "voucherCode", value: "GIFT" } }).payment).toEqual({
    case: "voucherCode",
    value: "GIFT",
  });
  const paid = new Order({ payment: { case: "bankTransfer", value: { iban: "DE00" } } });
  expect(paid.payment.value).toBeInstanceOf(Order_BankTransfer);
});

test("descriptors are data, tables carry their options", () => {
  expect(Order.table).toEqual({
    name: "orders",
    primaryKey: ["order_id"],
    partitionBy: ["sales_channel"],
    clusterBy: [],
    comment: "Orders as placed, one row per order.",
    // The rules the table enforces (issue 21), as CHECK constraints.
    checks: expect.arrayContaining([
      {
        name: "order_id_string_prefix",
        expression: "startswith(`order_id`, 'ord_')",
        field: "order_id",
        rule: "string.prefix",
      },
    ]),
  });
  expect(Customer.table).toMatchObject({ name: "customers", catalog: "main", schema: "shop" });
  expect(Order.descriptor.table).toBe(Order.table);
  const total = Order.descriptor.fields.find((f) => f.name === "total");
  expect(total).toMatchObject({ column: "total_amount", type: { kind: "decimal", precision: 18, scale: 2 } });
  const lines = Order.descriptor.fields.find((f) => f.name === "lines");
  expect(lines?.type.kind === "list" && lines.type.element.kind === "message" && lines.type.element.record()).toBe(
    Order_Line.descriptor,
  );
  expect(Order.descriptor.oneofs).toEqual([
    { name: "payment", protoName: "payment", fields: ["card", "voucherCode", "bankTransfer"] },
  ]);
});
