/**
 * The apache-arrow way to turn the same records into Arrow, written as its users would: map each record to the
 * plain values apache-arrow's builders take (bigint for Int64, 128-bit words for Decimal, Date for timestamps,
 * objects for structs, Maps for maps), then `vectorFromArray(values, type)` per column with the contract's own
 * explicit schema, assembled into a Table.
 */
import {
  type Data,
  type Field,
  makeData,
  RecordBatch,
  type Schema,
  Struct,
  Table,
  vectorFromArray,
} from "apache-arrow";
import type { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import type { Address, Money } from "../../generated/shop/v1/common_lakehouse.js";
import type { Order, Order_Line } from "../../generated/shop/v1/order_lakehouse.js";

type Plain = Record<string, unknown>;

/** Decimal text → the unscaled value as four little-endian 32-bit words (two's complement), as Arrow stores it. */
export function decimalWords(text: string, scale: number): Uint32Array {
  const negative = text.startsWith("-");
  const [whole = "0", fraction = ""] = (negative ? text.slice(1) : text).split(".");
  let v = BigInt(whole + fraction.padEnd(scale, "0").slice(0, scale));
  if (negative) v = (1n << 128n) - v;
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) words[i] = Number((v >> BigInt(32 * i)) & 0xffffffffn);
  return words;
}

const money = (m: Money | undefined) =>
  m === undefined ? null : { amount: decimalWords(m.amount, 2), currency: m.currency };
const address = (a: Address | undefined) =>
  a === undefined ? null : { lines: a.lines, city: a.city, postal_code: a.postalCode, country_code: a.countryCode };
const line = (l: Order_Line) => ({
  line_id: l.lineId,
  sku: l.sku,
  quantity: BigInt(l.quantity),
  unit_price: money(l.unitPrice),
  discount: l.discount ?? null,
  gift_messages: l.giftMessages,
});

export function basicPlain(r: BasicTestRecord): Plain {
  return {
    id: r.id,
    name: r.name,
    value: r.value,
    is_active: r.isActive,
    ingest_id: r.ingestId,
    ingest_source: r.ingestSource,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

export function orderPlain(r: Order): Plain {
  const p = r.payment;
  const c = r.customerSnapshot;
  return {
    order_id: r.orderId,
    customer_id: r.customerId,
    status: r.status,
    sales_channel: r.salesChannel,
    lines: r.lines.map(line),
    total_amount: decimalWords(r.total, 2),
    currency: r.currency,
    shipping_address: address(r.shippingAddress),
    customer_snapshot:
      c === undefined
        ? null
        : {
            customer_id: c.customerId,
            email: c.email,
            display_name: c.displayName,
            billing_address: address(c.billingAddress),
            country_code: c.countryCode,
            tags: c.tags,
            attributes: c.attributes,
            loyalty_points: c.loyaltyPoints ?? null,
            tier: ["TIER_UNSPECIFIED", "TIER_SILVER", "TIER_GOLD"].indexOf(c.tier),
            lifetime_value: money(c.lifetimeValue),
            ingest_id: c.ingestId,
            created_at: c.createdAt,
            updated_at: c.updatedAt,
          },
    card: p.case === "card" ? { last4: p.value.last4, network: p.value.network } : null,
    voucher_code: p.case === "voucherCode" ? p.value : null,
    bank_transfer: p.case === "bankTransfer" ? { iban: p.value.iban, received_at: p.value.receivedAt ?? null } : null,
    sequence_number: decimalWords(r.sequenceNumber.toString(), 0),
    legacy_id: BigInt(r.legacyId),
    delivery_window: r.deliveryWindow ?? null,
    customer_note: r.customerNote ?? null,
    checkout_metadata: r.checkoutMetadata === undefined ? null : JSON.stringify(r.checkoutMetadata),
    quantities_by_sku: new Map([...r.quantitiesBySku].map(([k, v]) => [k, BigInt(v)])),
    lines_by_id: new Map([...r.linesById].map(([k, v]) => [k, line(v)])),
    discount_rate: r.discountRate ?? null,
    signature: r.signature,
    placed_at: r.placedAt ?? null,
    ingest_id: r.ingestId,
    ingest_source: r.ingestSource,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

/** Plain rows → one Arrow Table with exactly `schema`: one vectorFromArray per column. */
export function tableFromPlain(schema: Schema, rows: readonly Plain[]): Table {
  const children: Data[] = schema.fields.map((field: Field) => {
    const vector = vectorFromArray(
      rows.map((r) => r[field.name]),
      field.type,
    );
    if (vector.data.length !== 1) throw new Error(`${field.name}: expected one chunk, got ${vector.data.length}`);
    return vector.data[0] as Data;
  });
  const data = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children });
  return new Table([new RecordBatch(schema, data as Data<Struct>)]);
}
