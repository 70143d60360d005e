/**
 * The soak's records: `shop.v1.Order`s generated from their index alone (deterministic, valid by the contract), and
 * the per-partition checksums of what was sent, computed while generating so the generator holds nothing.
 */
import { Order } from "../../generated/shop/v1/order_lakehouse.js";

export const CHANNELS = ["SALES_CHANNEL_WEB", "SALES_CHANNEL_APP", "SALES_CHANNEL_STORE"] as const;
const STATUSES = ["STATUS_PLACED", "STATUS_PAID", "STATUS_SHIPPED", "STATUS_CANCELLED"] as const;
const CITIES = ["Dublin", "Lisbon", "Tallinn", "Ghent", "Porto", "Turku"] as const;

/** What the table must hold for one sales channel: row count, distinct ids, Σ total_amount (cents), Σ quantities. */
export interface PartitionSum {
  rows: number;
  totalCents: bigint;
  quantity: bigint;
}

export type Checksums = Record<string, PartitionSum>;

export function emptyChecksums(): Checksums {
  return Object.fromEntries(CHANNELS.map((c) => [c, { rows: 0, totalCents: 0n, quantity: 0n }]));
}

export function cents(amount: bigint): string {
  const sign = amount < 0n ? "-" : "";
  const abs = amount < 0n ? -amount : amount;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
}

/** Order number `i` of a run tagged `run`; adds it to `sums`. */
export function makeOrder(run: string, i: number, sums: Checksums): Order {
  const channel = CHANNELS[i % CHANNELS.length] as (typeof CHANNELS)[number];
  const lineCount = 1 + (i % 3);
  let total = 0n;
  let quantity = 0n;
  const lines = Array.from({ length: lineCount }, (_, l) => {
    const q = 1 + ((i + l) % 5);
    const price = BigInt(100 + ((i * 37 + l * 11) % 10_000));
    total += BigInt(q) * price;
    quantity += BigInt(q);
    return {
      lineId: BigInt(l + 1),
      sku: `sku-${(i * 7 + l) % 5000}`,
      quantity: q,
      unitPrice: { amount: cents(price), currency: "CURRENCY_EUR" as const },
      giftMessages: l === 0 && i % 4 === 0 ? [`for order ${i}, with love`] : [],
    };
  });
  const sum = sums[channel] as PartitionSum;
  sum.rows++;
  sum.totalCents += total;
  sum.quantity += quantity;
  return new Order({
    orderId: `ord_${run}_${i}`,
    customerId: `cus_${i % 100_000}`,
    status: STATUSES[i % STATUSES.length] ?? "STATUS_PLACED",
    salesChannel: channel,
    lines,
    total: cents(total),
    currency: "CURRENCY_EUR",
    shippingAddress: {
      lines: [`${1 + (i % 200)} Harbour Road`],
      city: CITIES[i % CITIES.length] ?? "",
      postalCode: `P${i % 10_000}`,
      countryCode: "IE",
    },
    payment:
      i % 2 === 0
        ? { case: "card", value: { last4: "4242", network: "visa" } }
        : { case: "voucherCode", value: `VOUCHER${String(i % 1e8).padStart(8, "0")}` },
    sequenceNumber: BigInt(i),
    quantitiesBySku: new Map(lines.map((l) => [l.sku, l.quantity])),
    placedAt: new Date(Date.UTC(2026, 0, 1) + (i % 31_536_000) * 1000),
    ingestSource: "soak",
  });
}
