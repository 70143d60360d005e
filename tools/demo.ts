/**
 * `npm run demo`, the main job: contracts → generated classes (`npm run generate` ran before this) → a real
 * Spark Connect + Delta server (started here unless SPARK_REMOTE names one) → bad records rejected at the door
 * with their reasons, good ones written in one atomic commit → upsert → typed query and stream back.
 */
import { join } from "node:path";
import { type RecordIssue, RecordTable, SparkSession } from "@lakehouse-contracts/runtime";
import { Order } from "../generated/shop/v1/order_lakehouse.js";
import { start } from "./spark/server.js";

const say = (text = "") => console.log(text);
const step = (text: string) => say(`\n▸ ${text}`);

step("Spark Connect server");
const remote = process.env.SPARK_REMOTE ?? (await start({ log: (line) => say(`  ${line}`) })).remote;
const spark = await SparkSession.connect(remote);
say(`  connected to Spark ${await spark.version()}`);

try {
  const warehouse = (await spark.conf.get("spark.sql.warehouse.dir"))?.replace(/^file:/, "") ?? "/tmp";
  const orders = new RecordTable(spark, Order, { location: join(warehouse, `demo_orders_${Date.now()}`) });
  step(`Delta table for shop.v1.Order (partitioned by sales_channel): ${await orders.ensureTable()}`);

  // Untrusted input, as it would arrive from an API or a queue.
  const incoming: unknown[] = [
    order("ord_1001", "SALES_CHANNEL_WEB", "STATUS_PLACED", "59.90", [
      { sku: "TEE-RED-M", quantity: 2, price: "29.95" },
    ]),
    order("ord_1002", "SALES_CHANNEL_APP", "STATUS_PAID", "12.00", [{ sku: "MUG-01", quantity: 1, price: "12.00" }]),
    order("ord_1003", "SALES_CHANNEL_STORE", "STATUS_PAID", "5.00", [{ sku: "PEN", quantity: 5, price: "1.00" }]),
    { ...order("1004", "SALES_CHANNEL_WEB", "STATUS_PLACED", "10.00", [{ sku: "X", quantity: 0, price: "10.00" }]) },
    { orderId: "ord_1005", status: "STATUS_LOST", total: "12.345.6", shippedBy: "drone" },
  ];

  step(`validating ${incoming.length} incoming orders`);
  const good: Order[] = [];
  incoming.forEach((json, i) => {
    const decoded = Order.safeFromJson(json);
    const issues: readonly RecordIssue[] = decoded.ok ? (checker()?.(decoded.value) ?? []) : decoded.error.issues;
    if (decoded.ok && issues.length === 0) {
      good.push(decoded.value);
      return;
    }
    say(`  ✗ order #${i} rejected:`);
    for (const issue of issues)
      say(`      ${issue.path || "(record)"}: ${issue.message}${issue.value ? ` (got ${issue.value})` : ""}`);
  });
  say(`  ✓ ${good.length} valid`);

  step("inserting the valid orders: one atomic, idempotent Delta commit");
  const inserted = await orders.insertRecords(good);
  say(`  ${inserted.inserted} orders written as Delta version ${inserted.version}`);

  step("upsert: ord_1001 has been paid");
  const paid = new Order({ ...(good[0] as Order), status: "STATUS_PAID", updatedAt: new Date() });
  const upsert = await orders.upsertRecords([paid]);
  say(`  ${upsert.updated} updated, ${upsert.inserted} inserted (created_at kept, updated_at set)`);

  step("typed query: paid orders from the web (Spark prunes the other sales_channel partitions)");
  for (const o of await orders.query({ salesChannel: "SALES_CHANNEL_WEB", status: "STATUS_PAID" })) {
    say(
      `  ${o.orderId}  ${o.status}  ${o.total} ${o.currency}  ${o.lines.length} line(s), first sku ${o.lines[0]?.sku}`,
    );
  }

  step("streamed back, typed, with back-pressure");
  let n = 0;
  for await (const o of orders.stream())
    say(`  ${++n}. ${o.orderId} via ${o.salesChannel} placed ${o.placedAt?.toISOString()}`);
  say(`\nDone: ${await orders.count()} orders in ${orders.target}.`);
} finally {
  await spark.close();
}
if (!process.env.SPARK_REMOTE) say("The local server keeps running; stop it with: npm run spark -- stop");

function order(
  id: string,
  channel: string,
  status: string,
  total: string,
  lines: { sku: string; quantity: number; price: string }[],
) {
  return {
    orderId: id,
    customerId: "cus_42",
    status,
    salesChannel: channel,
    total,
    currency: "CURRENCY_EUR",
    placedAt: "2026-11-25T10:15:00Z",
    lines: lines.map((l, i) => ({
      lineId: String(i + 1),
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: { amount: l.price, currency: "CURRENCY_EUR" },
    })),
    shippingAddress: { lines: ["1 Main St"], city: "Dublin", postalCode: "D01", countryCode: "IE" },
    card: { last4: "4242", network: "visa" },
  };
}

/** The contract's compiled validator (protovalidate rules), when the generator emitted one. */
function checker(): ((o: Order) => readonly RecordIssue[]) | undefined {
  const check = (Order as unknown as { check?: (o: Order) => readonly RecordIssue[] }).check;
  return check?.bind(Order);
}
