/**
 * Fixtures of proto-interop.test.ts: records of every contract in generated/ (typical values, extremes, nulls,
 * unicode, every oneof case), and a contract with `google.type.Decimal` and `google.type.Date` fields (which
 * contracts/ does not have) with minimal copies of those two googleapis protos.
 */
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import { Address, Money } from "../../generated/shop/v1/common_lakehouse.js";
import { Customer } from "../../generated/shop/v1/customer_lakehouse.js";
import { Order, Order_Line } from "../../generated/shop/v1/order_lakehouse.js";

const farPast = new Date("0001-01-01T00:00:00.000Z");
const farFuture = new Date("9999-12-31T23:59:59.999Z");
const unicode = "héllo wörld 🌍 日本語 ‮";

export const basicRecords = [
  new BasicTestRecord({
    id: 42n,
    name: "typical",
    value: 3.25,
    isActive: true,
    ingestSource: "unit-test",
    createdAt: new Date("2024-02-29T12:34:56.789Z"),
  }),
  new BasicTestRecord({
    id: 9223372036854775807n,
    name: unicode,
    value: Number.NaN,
    isActive: false,
    ingestSource: "",
    createdAt: farFuture,
    updatedAt: farFuture,
  }),
  new BasicTestRecord({
    id: -9223372036854775808n,
    name: "",
    value: Number.NEGATIVE_INFINITY,
    createdAt: farPast,
    updatedAt: farPast,
  }),
  new BasicTestRecord({ value: Number.MAX_VALUE }),
];

export const customerRecords = [
  new Customer({
    customerId: "cus_1",
    email: "ada@example.com",
    displayName: unicode,
    billingAddress: { lines: ["1 Main St", ""], city: "Zürich", postalCode: "8001", countryCode: "CH" },
    countryCode: "CH",
    tags: ["vip", "", unicode],
    attributes: new Map([
      ["crm", "sf-001"],
      ["", "empty key"],
    ]),
    loyaltyPoints: 9223372036854775807n,
    tier: "TIER_GOLD",
    lifetimeValue: { amount: "9999999999999999.99", currency: "CURRENCY_GBP" },
    verifiedFields: ["email", "billing_address.postal_code", "display_name"],
  }),
  new Customer({ customerId: "cus_2", loyaltyPoints: 0n, lifetimeValue: { amount: "-0.01" }, verifiedFields: [] }),
  new Customer(),
];

const line = (lineId: bigint, sku: string): Order_Line =>
  new Order_Line({
    lineId,
    sku,
    quantity: 4294967295,
    unitPrice: new Money({ amount: "12.50", currency: "CURRENCY_EUR" }),
    discount: 0.125,
    giftMessages: ["for you", unicode, ""],
  });

export const orderRecords = [
  new Order({
    orderId: "ord_01J",
    customerId: "cus_1",
    status: "STATUS_PAID",
    salesChannel: "SALES_CHANNEL_WEB",
    lines: [line(1n, "SKU-1"), line(-9223372036854775808n, "SKU-2"), new Order_Line({ sku: "bare" })],
    total: "9999999999999999.99",
    currency: "CURRENCY_USD",
    shippingAddress: new Address({ lines: ["Flat 2"], city: unicode, postalCode: "", countryCode: "GB" }),
    customerSnapshot: customerRecords[0],
    payment: { case: "card", value: { last4: "4242", network: "visa" } },
    sequenceNumber: 18446744073709551615n,
    legacyId: "-9223372036854775808",
    deliveryWindow: 315576000000999999n,
    customerNote: unicode,
    checkoutMetadata: { utm: { source: "mail", ids: [1, 2.5, "x", null, true, { deep: [] }] }, empty: {} },
    quantitiesBySku: new Map([
      ["SKU-1", 4294967295],
      ["SKU-2", 0],
    ]),
    linesById: new Map([
      [9223372036854775807n, line(9223372036854775807n, "max")],
      [-1n, line(-1n, "neg")],
    ]),
    discountRate: Number.POSITIVE_INFINITY,
    signature: new Uint8Array([0, 1, 2, 253, 254, 255]),
    placedAt: farPast,
    ingestSource: "checkout",
    createdAt: farFuture,
    updatedAt: new Date("2024-06-01T00:00:00.001Z"),
  }),
  new Order({
    orderId: "ord_2",
    total: "0.00",
    payment: { case: "voucherCode", value: "" },
    deliveryWindow: -1_500_000n,
    discountRate: Number.NaN,
    checkoutMetadata: {},
  }),
  new Order({
    orderId: "ord_3",
    total: "-12.30",
    payment: { case: "bankTransfer", value: { iban: "DE89370400440532013000", receivedAt: farFuture } },
    customerNote: "",
    discountRate: -0.5,
  }),
  new Order({ total: "0.00", payment: { case: "bankTransfer", value: {} } }),
];

/** Minimal copies of googleapis' google/type/decimal.proto and date.proto (same package, names and numbers). */
export const GOOGLE_TYPE_PROTOS: Readonly<Record<string, string>> = {
  "google/type/decimal.proto": `syntax = "proto3";
package google.type;
message Decimal {
  string value = 1;
}
`,
  "google/type/date.proto": `syntax = "proto3";
package google.type;
message Date {
  int32 year = 1;
  int32 month = 2;
  int32 day = 3;
}
`,
};

/** A contract whose decimals are google.type.Decimal messages: their JSON is `{ "value": "…" }`, not a string. */
export const INVOICE_PROTO = `syntax = "proto3";
package interop.v1;

import "google/type/date.proto";
import "google/type/decimal.proto";
import "lakehouse/v1/options.proto";

message Invoice {
  string invoice_id = 1;
  google.type.Decimal amount = 2 [(lakehouse.v1.field).decimal = {precision: 12, scale: 2}];
  repeated google.type.Decimal taxes = 3 [(lakehouse.v1.field).decimal = {precision: 12, scale: 2}];
  map<string, google.type.Decimal> fees = 4 [(lakehouse.v1.field).decimal = {precision: 12, scale: 2}];
  google.type.Date due = 5;
  Part part = 6;

  message Part {
    google.type.Decimal share = 1 [(lakehouse.v1.field).decimal = {precision: 5, scale: 4}];
    google.type.Date since = 2;
  }
}
`;
