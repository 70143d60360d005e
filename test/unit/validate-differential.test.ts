/**
 * Differential test: our generated validators against @bufbuild/protovalidate (the reference interpreter) on the
 * example contracts. Seeded random records built from edge-case pools; each must get the same verdict and the same
 * violations (field path, rule id) from both. Records reach the interpreter as their proto3 JSON, decoded by
 * protobuf-es with the contracts' descriptors (a buf image).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createFileRegistry, type DescMessage, fromBinary, fromJson, type JsonValue } from "@bufbuild/protobuf";
import { pathToString } from "@bufbuild/protobuf/reflect";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { createValidator } from "@bufbuild/protovalidate";
import { describe, expect, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import { Address, Money } from "../../generated/shop/v1/common_lakehouse.js";
import { Customer } from "../../generated/shop/v1/customer_lakehouse.js";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import { repoRoot } from "../../tools/lib/paths.js";
import { buf, runWithBin } from "./plugin-harness.js";

const CASES = 2000;

const image = join(repoRoot, ".cache/validate-differential.binpb");
runWithBin(buf, ["build", "-o", image]);
const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(image)));
const reference = createValidator({ registry });

/** mulberry32: small, seeded, repeatable. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Gen = ReturnType<typeof generators>;

function generators(rnd: () => number) {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rnd() * values.length)] as T;
  const maybe = <T>(make: () => T): T | undefined => (rnd() < 0.3 ? undefined : make());
  const many = <T>(max: number, make: () => T): T[] => Array.from({ length: Math.floor(rnd() * (max + 1)) }, make);
  const str = (): string =>
    pick([
      "",
      "a",
      "ab",
      "abc",
      "ord_1",
      "ord_",
      "ORD_1",
      "ABCD1234",
      "abcd1234",
      "SKU-9",
      "DE",
      "de",
      "DEU",
      "1234",
      "12a4",
      "visa",
      "amex",
      "VISA",
      "a@b.co",
      "x@localhost",
      "not an email",
      "é",
      "日本語",
      "x".repeat(41),
      "y".repeat(600),
    ]);
  const num = (): number => pick([0, 1, -1, 0.5, 1.5, 2, 100, -0.0001, Number.NaN, Number.POSITIVE_INFINITY]);
  const u32 = (): number => pick([0, 1, 2, 7, 4294967295]);
  const i64 = (): bigint => pick([0n, 1n, -1n, 42n, 9007199254740993n, -9223372036854775808n]);
  return { pick, maybe, many, str, num, u32, i64 };
}

function money(g: Gen) {
  return {
    amount: g.pick(["0", "12.50", "-3"]),
    currency: g.pick(["CURRENCY_UNSPECIFIED", "CURRENCY_EUR", "CURRENCY_GBP"] as const),
  };
}

function address(g: Gen) {
  return {
    lines: g.many(6, g.str),
    city: g.str(),
    postalCode: g.pick(["", "12345", "x".repeat(17)]),
    countryCode: g.str(),
  };
}

function customer(g: Gen) {
  return new Customer({
    customerId: g.str(),
    email: g.str(),
    displayName: g.str(),
    billingAddress: g.maybe(() => address(g)),
    countryCode: g.str(),
    tags: g.many(3, g.str),
    attributes: new Map(g.many(3, () => [g.str(), g.str()] as [string, string])),
    loyaltyPoints: g.maybe(g.i64),
    tier: g.pick(["TIER_UNSPECIFIED", "TIER_SILVER", "TIER_GOLD"] as const),
    lifetimeValue: g.maybe(() => money(g)),
    // Paths in and out of the allow list, sub-paths, and near misses (`emails`, `billing_addressx`).
    verifiedFields: g.maybe(() =>
      g.many(3, () =>
        g.pick([
          "email",
          "emails",
          "display_name",
          "billing_address",
          "billing_address.city",
          "billing_addressx",
          "tier",
        ]),
      ),
    ),
  });
}

function order(g: Gen) {
  const line = () => ({
    lineId: g.i64(),
    sku: g.str(),
    quantity: g.u32(),
    unitPrice: g.maybe(() => money(g)),
    discount: g.maybe(g.num),
    giftMessages: g.many(2, g.str),
  });
  const payment = g.pick([
    () => ({ case: undefined }),
    () => ({ case: "card" as const, value: { last4: g.str(), network: g.str() } }),
    () => ({ case: "voucherCode" as const, value: g.str() }),
    () => ({ case: "bankTransfer" as const, value: { iban: g.str() } }),
  ])();
  return new Order({
    orderId: g.str(),
    customerId: g.str(),
    status: g.pick(["STATUS_UNSPECIFIED", "STATUS_PLACED", "STATUS_SHIPPED"] as const),
    lines: g.many(3, line),
    shippingAddress: g.maybe(() => address(g)),
    customerSnapshot: g.maybe(() => customer(g)),
    payment,
    quantitiesBySku: new Map(g.many(3, () => [g.str(), g.u32()] as [string, number])),
    linesById: new Map(g.many(2, () => [g.i64(), line()] as [bigint, ReturnType<typeof line>])),
    discountRate: g.maybe(g.num),
    signature: g.pick([new Uint8Array(0), new Uint8Array(512), new Uint8Array(513)]),
  });
}

function basic(g: Gen) {
  return new BasicTestRecord({ id: g.i64(), name: g.pick(["", "n", "x".repeat(201)]), value: g.num(), isActive: true });
}

interface Checked {
  toJson(): JsonValue;
}

/** Checks CASES records both ways; returns how many were invalid. */
function compare<T extends Checked>(
  typeName: string,
  make: (g: Gen) => T,
  check: (r: T) => { path: string; ruleId: string }[],
): number {
  const desc = registry.getMessage(typeName) as DescMessage;
  const g = generators(random(0x5eed));
  let invalid = 0;
  for (let i = 0; i < CASES; i++) {
    const record = make(g);
    const ours = check(record)
      .map((v) => `${v.path} [${v.ruleId}]`)
      .sort();
    const result = reference.validate(desc, fromJson(desc, record.toJson(), { registry }));
    if (result.kind === "error") throw result.error;
    const theirs = (result.kind === "valid" ? [] : result.violations)
      .map((v) => `${pathToString(v.field)} [${v.ruleId}]`)
      .sort();
    if (ours.length > 0) invalid++;
    expect(ours, `case ${i}: ${JSON.stringify(record.toJson())}`).toEqual(theirs);
  }
  return invalid;
}

// Hundreds of records through both validators: seconds on an idle machine, more on a busy two-core one.
describe("same violations as @bufbuild/protovalidate", { timeout: 60_000 }, () => {
  // The pools must give invalid records (and, where the rules allow, valid ones too).
  test("shop.v1.Order", () => {
    expect(compare("shop.v1.Order", order, (r) => Order.check(r))).toBeGreaterThan(CASES / 2);
  });
  test("shop.v1.Customer", () => {
    expect(compare("shop.v1.Customer", customer, (r) => Customer.check(r))).toBeGreaterThan(CASES / 10);
  });
  test("shop.v1.Address", () => {
    expect(
      compare(
        "shop.v1.Address",
        (g) => new Address(address(g)),
        (r) => Address.check(r),
      ),
    ).toBeLessThan(CASES);
  });
  // Money's only rule is enum.defined_only, which typed records always meet.
  test("shop.v1.Money", () => {
    expect(
      compare(
        "shop.v1.Money",
        (g) => new Money(money(g)),
        (r) => Money.check(r),
      ),
    ).toBe(0);
  });
  test("lakehouse.test.v1.BasicTestRecord", () => {
    const invalid = compare("lakehouse.test.v1.BasicTestRecord", basic, (r) => BasicTestRecord.check(r));
    expect(invalid).toBeGreaterThan(CASES / 10);
    expect(invalid).toBeLessThan(CASES);
  });
});
