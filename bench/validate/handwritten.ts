/**
 * The same protovalidate rules as the contracts (shop/v1/*.proto, lakehouse/test/v1/basic.proto), checked by hand
 * the way a careful developer would write them without a generator: plain loops, JavaScript RegExp, every
 * violation collected with its field path and rule id. The yardstick for "within 3× of hand-written".
 */
import type { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import type { Address, Money } from "../../generated/shop/v1/common_lakehouse.js";
import type { Customer } from "../../generated/shop/v1/customer_lakehouse.js";
import type { Order, Order_Line } from "../../generated/shop/v1/order_lakehouse.js";

export interface HandViolation {
  path: string;
  rule: string;
  message: string;
}

type Out = HandViolation[];

const VOUCHER = /^[A-Z0-9]{8,16}$/;
const LAST4 = /^[0-9]{4}$/;
const COUNTRY = /^[A-Z]{2}$/;
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const CURRENCIES = new Set(["CURRENCY_UNSPECIFIED", "CURRENCY_EUR", "CURRENCY_USD", "CURRENCY_GBP"]);
const TIERS = new Set(["TIER_UNSPECIFIED", "TIER_SILVER", "TIER_GOLD"]);
const NETWORKS = new Set(["visa", "mastercard", "amex"]);

/** Length in Unicode code points, as protovalidate counts string lengths. */
function len(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) i++;
    n++;
  }
  return n;
}

export function checkBasic(r: BasicTestRecord): Out {
  const out: Out = [];
  if (!(r.id > 0n)) out.push({ path: "id", rule: "int64.gt", message: "must be greater than 0" });
  if (len(r.name) > 200) out.push({ path: "name", rule: "string.max_len", message: "must be at most 200 characters" });
  if (!Number.isFinite(r.value)) out.push({ path: "value", rule: "double.finite", message: "must be finite" });
  return out;
}

function money(m: Money, at: string, out: Out): void {
  if (!CURRENCIES.has(m.currency))
    out.push({ path: `${at}currency`, rule: "enum.defined_only", message: "must be defined" });
}

function address(a: Address, at: string, out: Out): void {
  if (a.lines.length > 4) out.push({ path: `${at}lines`, rule: "repeated.max_items", message: "at most 4 items" });
  if (len(a.postalCode) > 16) out.push({ path: `${at}postal_code`, rule: "string.max_len", message: "at most 16" });
  if (len(a.countryCode) !== 2) out.push({ path: `${at}country_code`, rule: "string.len", message: "exactly 2" });
}

function line(l: Order_Line, at: string, out: Out): void {
  if (len(l.sku) < 3) out.push({ path: `${at}sku`, rule: "string.min_len", message: "at least 3 characters" });
  if (!(l.quantity > 0)) out.push({ path: `${at}quantity`, rule: "uint32.gt", message: "must be greater than 0" });
  if (l.unitPrice !== undefined) money(l.unitPrice, `${at}unit_price.`, out);
  if (l.discount !== undefined) {
    if (!(l.discount >= 0)) out.push({ path: `${at}discount`, rule: "double.gte", message: "must be ≥ 0" });
    if (!Number.isFinite(l.discount))
      out.push({ path: `${at}discount`, rule: "double.finite", message: "must be finite" });
  }
  l.giftMessages.forEach((g, i) => {
    if (len(g) > 500) out.push({ path: `${at}gift_messages[${i}]`, rule: "string.max_len", message: "at most 500" });
  });
}

function customer(c: Customer, at: string, out: Out): void {
  if (len(c.customerId) < 1) out.push({ path: `${at}customer_id`, rule: "string.min_len", message: "at least 1" });
  if (c.email === "") out.push({ path: `${at}email`, rule: "string.email_empty", message: "value is empty" });
  else if (!EMAIL.test(c.email)) out.push({ path: `${at}email`, rule: "string.email", message: "not an email" });
  if (c.billingAddress !== undefined) address(c.billingAddress, `${at}billing_address.`, out);
  if (!COUNTRY.test(c.countryCode))
    out.push({ path: `${at}country_code`, rule: "string.pattern", message: "^[A-Z]{2}$" });
  if (c.tags.length > 20) out.push({ path: `${at}tags`, rule: "repeated.max_items", message: "at most 20" });
  if (new Set(c.tags).size !== c.tags.length)
    out.push({ path: `${at}tags`, rule: "repeated.unique", message: "unique" });
  c.tags.forEach((t, i) => {
    const n = len(t);
    if (n < 1 || n > 40) out.push({ path: `${at}tags[${i}]`, rule: "string.len", message: "1 to 40 characters" });
  });
  for (const k of c.attributes.keys()) {
    const n = len(k);
    if (n < 1 || n > 64) out.push({ path: `${at}attributes["${k}"]`, rule: "string.len", message: "key of 1 to 64" });
  }
  if (c.loyaltyPoints !== undefined && c.loyaltyPoints < 0n)
    out.push({ path: `${at}loyalty_points`, rule: "int64.gte", message: "must be ≥ 0" });
  if (!TIERS.has(c.tier)) out.push({ path: `${at}tier`, rule: "enum.defined_only", message: "must be defined" });
  if (c.lifetimeValue !== undefined) money(c.lifetimeValue, `${at}lifetime_value.`, out);
}

export function checkOrder(r: Order): Out {
  const out: Out = [];
  if (!r.orderId.startsWith("ord_")) out.push({ path: "order_id", rule: "string.prefix", message: "needs ord_" });
  if (r.customerId === "") out.push({ path: "customer_id", rule: "required", message: "value is required" });
  if (r.status === "STATUS_UNSPECIFIED") out.push({ path: "status", rule: "enum.not_in", message: "must not be 0" });
  if (r.lines.length < 1) out.push({ path: "lines", rule: "repeated.min_items", message: "at least 1 item" });
  for (let i = 0; i < r.lines.length; i++) line(r.lines[i] as Order_Line, `lines[${i}].`, out);
  if (r.shippingAddress !== undefined) address(r.shippingAddress, "shipping_address.", out);
  if (r.customerSnapshot !== undefined) customer(r.customerSnapshot, "customer_snapshot.", out);
  const p = r.payment;
  if (p.case === undefined) out.push({ path: "payment", rule: "required", message: "exactly one field is required" });
  else if (p.case === "card") {
    if (!LAST4.test(p.value.last4)) out.push({ path: "card.last4", rule: "string.pattern", message: "4 digits" });
    if (!NETWORKS.has(p.value.network)) out.push({ path: "card.network", rule: "string.in", message: "a network" });
  } else if (p.case === "voucherCode" && !VOUCHER.test(p.value))
    out.push({ path: "voucher_code", rule: "string.pattern", message: "^[A-Z0-9]{8,16}$" });
  for (const [k, q] of r.quantitiesBySku) {
    if (len(k) < 3) out.push({ path: `quantities_by_sku["${k}"]`, rule: "string.min_len", message: "key ≥ 3" });
    if (!(q > 0)) out.push({ path: `quantities_by_sku["${k}"]`, rule: "uint32.gt", message: "must be > 0" });
  }
  for (const [k, l] of r.linesById) line(l, `lines_by_id[${k}].`, out);
  if (r.discountRate !== undefined && !(r.discountRate >= 0 && r.discountRate <= 1))
    out.push({ path: "discount_rate", rule: "double.gte_lte", message: "between 0 and 1" });
  if (r.signature.length > 512) out.push({ path: "signature", rule: "bytes.max_len", message: "at most 512 bytes" });
  return out;
}
