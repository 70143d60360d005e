/**
 * A typed read: the orders that were paid or shipped (optionally since a date, or of one channel), streamed from the
 * table as `Order` records with a filter the server applies, summed per sales channel.
 */
import { type Filter, RecordTable, type SparkSession } from "@lakehouse-contracts/runtime";
import { Order, type SalesChannel } from "../../generated/shop/v1/order_lakehouse.js";

export interface ReportOptions {
  readonly location?: string;
  readonly tableName?: string;
  /** Only orders placed at or after this time. */
  readonly since?: Date;
  readonly channel?: SalesChannel;
}

export interface ChannelRow {
  readonly channel: SalesChannel;
  readonly orders: number;
  /** Items ordered: the sum of the lines' quantities. */
  readonly units: number;
  /** The sum of the orders' totals, exactly (DECIMAL(18,2) text in, decimal text out). */
  readonly revenue: string;
}

/** "12.34" → 1234n (the contract's totals have two decimals). */
function cents(amount: string): bigint {
  const [whole = "0", fraction = ""] = amount.split(".");
  const sign = whole.startsWith("-") ? -1n : 1n;
  return sign * (BigInt(whole.replace("-", "")) * 100n + BigInt(fraction.padEnd(2, "0").slice(0, 2)));
}

function amount(cents: bigint): string {
  const sign = cents < 0n ? "-" : "";
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
}

export async function report(spark: SparkSession, options: ReportOptions = {}): Promise<ChannelRow[]> {
  const orders = new RecordTable(spark, Order, {
    ...(options.location === undefined ? {} : { location: options.location }),
    ...(options.tableName === undefined ? {} : { tableName: options.tableName }),
  });
  // Typed: a field name or a value the contract does not have is a compile error.
  const filter: Filter<Order> = {
    status: { in: ["STATUS_PAID", "STATUS_SHIPPED"] },
    ...(options.since === undefined ? {} : { placedAt: { gte: options.since } }),
    ...(options.channel === undefined ? {} : { salesChannel: options.channel }),
  };
  const rows = new Map<SalesChannel, { orders: number; units: number; cents: bigint }>();
  for await (const order of orders.stream(filter)) {
    const row = rows.get(order.salesChannel) ?? { orders: 0, units: 0, cents: 0n };
    row.orders++;
    row.units += order.lines.reduce((sum, line) => sum + line.quantity, 0);
    row.cents += cents(order.total);
    rows.set(order.salesChannel, row);
  }
  return [...rows]
    .map(([channel, r]) => ({ channel, orders: r.orders, units: r.units, revenue: amount(r.cents) }))
    .sort((a, b) => (cents(b.revenue) > cents(a.revenue) ? 1 : cents(b.revenue) < cents(a.revenue) ? -1 : 0));
}

/** The report as a small table. */
export function reportText(rows: readonly ChannelRow[]): string {
  const lines = rows.map((r) =>
    [r.channel.padEnd(22), String(r.orders).padStart(7), String(r.units).padStart(7), r.revenue.padStart(12)].join(""),
  );
  const total = rows.reduce((sum, r) => sum + cents(r.revenue), 0n);
  return [
    `${"channel".padEnd(22)}${"orders".padStart(7)}${"units".padStart(7)}${"revenue".padStart(12)}`,
    ...lines,
    `${"total".padEnd(22)}${String(rows.reduce((s, r) => s + r.orders, 0)).padStart(7)}${String(rows.reduce((s, r) => s + r.units, 0)).padStart(7)}${amount(total).padStart(12)}`,
  ].join("\n");
}
