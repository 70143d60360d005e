/**
 * shop.v1.Order rows: the wide nested contract (lists of structs, maps, a oneof, decimals, uint64, bytes,
 * timestamps). Every field the TypeScript side sets has the same SQL expression below; unset messages are NULL.
 */
import { Order, type Order_LineInit } from "../../generated/shop/v1/order_lakehouse.js";
import type { BenchContract } from "./contract.js";

const STATUSES = ["STATUS_PLACED", "STATUS_PAID", "STATUS_SHIPPED", "STATUS_CANCELLED"] as const;
const CHANNELS = ["SALES_CHANNEL_WEB", "SALES_CHANNEL_APP", "SALES_CHANNEL_STORE"] as const;
const EPOCH_S = 1_700_000_000;
const encoder = new TextEncoder();

/** Cents as exact decimal text ("12.05"). */
function money(cents: number): string {
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

function line(i: number, k: number): Order_LineInit {
  return {
    lineId: BigInt(i * 2 + k),
    sku: `SKU-${i % 100}-${k}`,
    quantity: 1 + ((i + k) % 5),
    unitPrice: { amount: money((i % 10000) + 100 * k), currency: "CURRENCY_EUR" },
    discount: k === 1 ? 0.1 : undefined,
    giftMessages: i % 10 === 0 ? [`gift ${i}`] : [],
  };
}

function orderRow(i: number): Order {
  const lines = [line(i, 0), line(i, 1)];
  const placedAt = new Date((EPOCH_S + i) * 1000);
  return new Order({
    orderId: `ord_${i}`,
    customerId: `cus_${i % 1000}`,
    status: STATUSES[i % 4],
    salesChannel: CHANNELS[i % 3],
    lines,
    total: money(i % 100000),
    currency: "CURRENCY_EUR",
    shippingAddress: {
      lines: [`${i} Main Street`],
      city: `City ${i % 50}`,
      postalCode: String(i % 100000).padStart(5, "0"),
      countryCode: "DE",
    },
    payment:
      i % 3 === 0
        ? { case: "card", value: { last4: String(i % 10000).padStart(4, "0"), network: "visa" } }
        : i % 3 === 1
          ? { case: "voucherCode", value: `V${String(i % 100000000).padStart(8, "0")}` }
          : { case: "bankTransfer", value: { iban: `DE${String(i).padStart(20, "0")}`, receivedAt: placedAt } },
    sequenceNumber: BigInt(i),
    legacyId: String(i * 7),
    deliveryWindow: 86_400_000_000n * BigInt(1 + (i % 3)),
    customerNote: i % 5 === 0 ? `note ${i}` : undefined,
    quantitiesBySku: new Map(lines.map((l) => [l.sku as string, l.quantity as number])),
    linesById: new Map([[BigInt(i * 2), lines[0] as Order_LineInit]]),
    discountRate: i % 4 === 0 ? undefined : (i % 100) / 100,
    signature: encoder.encode(`sig${i}`),
    placedAt,
    ingestSource: "bench",
  });
}

const s = (expr: string) => `CAST(${expr} AS STRING)`;
const pick = (values: readonly string[], modulo: number) =>
  `element_at(array(${values.map((v) => `'${v}'`).join(", ")}), CAST(id % ${modulo} AS INT) + 1)`;
const moneySql = (cents: string) => `CAST(${cents} AS DECIMAL(20,0)) / 100`;
const skuSql = (k: number) => `concat('SKU-', ${s("id % 100")}, '-${k}')`;
const quantitySql = (k: number) => `1 + (id + ${k}) % 5`;
const lineSql = (k: number) =>
  `named_struct('line_id', id * 2 + ${k}, 'sku', ${skuSql(k)}, 'quantity', ${quantitySql(k)}, ` +
  `'unit_price', named_struct('amount', ${moneySql(`id % 10000 + ${100 * k}`)}, 'currency', 'CURRENCY_EUR'), ` +
  `'discount', ${k === 1 ? "0.1D" : "CAST(NULL AS DOUBLE)"}, ` +
  `'gift_messages', IF(id % 10 = 0, array(concat('gift ', ${s("id")})), CAST(array() AS ARRAY<STRING>)))`;
const placedAtSql = `timestamp_seconds(${EPOCH_S} + id)`;

export const order: BenchContract<Order> = {
  name: "order",
  recordClass: Order,
  row: orderRow,
  sqlColumns: [
    ["order_id", `concat('ord_', ${s("id")})`],
    ["customer_id", `concat('cus_', ${s("id % 1000")})`],
    ["status", pick(STATUSES, 4)],
    ["sales_channel", pick(CHANNELS, 3)],
    ["lines", `array(${lineSql(0)}, ${lineSql(1)})`],
    ["total_amount", moneySql("id % 100000")],
    ["currency", "'CURRENCY_EUR'"],
    [
      "shipping_address",
      `named_struct('lines', array(concat(${s("id")}, ' Main Street')), 'city', concat('City ', ${s("id % 50")}), ` +
        `'postal_code', lpad(${s("id % 100000")}, 5, '0'), 'country_code', 'DE')`,
    ],
    ["customer_snapshot", "NULL"],
    ["card", `IF(id % 3 = 0, named_struct('last4', lpad(${s("id % 10000")}, 4, '0'), 'network', 'visa'), NULL)`],
    ["voucher_code", `IF(id % 3 = 1, concat('V', lpad(${s("id % 100000000")}, 8, '0')), NULL)`],
    [
      "bank_transfer",
      `IF(id % 3 = 2, named_struct('iban', concat('DE', lpad(${s("id")}, 20, '0')), 'received_at', ${placedAtSql}), NULL)`,
    ],
    ["sequence_number", "CAST(id AS DECIMAL(20,0))"],
    ["legacy_id", "id * 7"],
    ["delivery_window", "86400000000 * (1 + id % 3)"],
    ["customer_note", `IF(id % 5 = 0, concat('note ', ${s("id")}), NULL)`],
    ["checkout_metadata", "NULL"],
    ["quantities_by_sku", `map(${skuSql(0)}, ${quantitySql(0)}, ${skuSql(1)}, ${quantitySql(1)})`],
    ["lines_by_id", `map(id * 2, ${lineSql(0)})`],
    ["discount_rate", "IF(id % 4 = 0, NULL, (id % 100) / 100)"],
    ["signature", `encode(concat('sig', ${s("id")}), 'UTF-8')`],
    ["placed_at", placedAtSql],
    ["ingest_id", "uuid()"],
    ["ingest_source", "'bench'"],
    ["created_at", "current_timestamp()"],
    ["updated_at", "current_timestamp()"],
  ],
  checksumColumns: [
    "order_id",
    "customer_id",
    "status",
    "sales_channel",
    "lines",
    "total_amount",
    "currency",
    "shipping_address",
    "to_json(customer_snapshot)",
    "card",
    "voucher_code",
    "bank_transfer",
    "sequence_number",
    "legacy_id",
    "delivery_window",
    "customer_note",
    "checkout_metadata",
    "map_entries(quantities_by_sku)",
    "map_entries(lines_by_id)",
    "discount_rate",
    "signature",
    "placed_at",
    "ingest_source",
  ],
};
