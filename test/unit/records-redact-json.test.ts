/** redactJson/hasSensitiveFields: a rejected input line can be kept without the values its issues redact. */
import { describe, expect, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import { Money } from "../../generated/shop/v1/common_lakehouse.js";
import { Customer } from "../../generated/shop/v1/customer_lakehouse.js";
import { Order, Order_BankTransfer, Order_Card, Order_Line } from "../../generated/shop/v1/order_lakehouse.js";
import { decodeJson, hasSensitiveFields, type RecordDescriptor, redactJson } from "../../runtime/src/index.js";
import { field } from "./records.testdata.js";

const R = "[redacted]";

/** Cards in a list and in a map: the contracts have sensitive fields only in messages of singular fields. */
const Wallet: RecordDescriptor = {
  typeName: "t.Wallet",
  fields: [
    field("owner", 1, { kind: "scalar", scalar: "string" }),
    field("cards", 2, { kind: "list", element: { kind: "message", record: () => Order_Card.descriptor } }),
    field("cards_by_id", 3, {
      kind: "map",
      key: "int64",
      value: { kind: "message", record: () => Order_Card.descriptor },
    }),
    field("pins", 4, { kind: "map", key: "string", value: { kind: "scalar", scalar: "string" } }, { sensitive: true }),
    field("tags", 5, { kind: "list", element: { kind: "scalar", scalar: "string" } }),
  ],
  oneofs: [],
};

/** A recursive record (refused as a table, but redactJson must still end on it). */
const Chain: RecordDescriptor = {
  typeName: "t.Chain",
  fields: [
    field("label", 1, { kind: "scalar", scalar: "string" }),
    field("secret", 2, { kind: "scalar", scalar: "string" }, { sensitive: true }),
    field("next", 3, { kind: "message", record: () => Chain }, { nullable: true }),
  ],
  oneofs: [],
};

describe("redactJson", () => {
  test("replaces sensitive values by JSON name and by proto name, keeps everything else and the key order", () => {
    const input = { orderId: "ord_1", customerNote: "leave it with Bob", legacy_id: "12", customer_note: "dup" };
    const before = structuredClone(input);
    const out = redactJson(Order.descriptor, input);
    expect(out).toEqual({ orderId: "ord_1", customerNote: R, legacy_id: "12", customer_note: R });
    expect(Object.keys(out as object)).toEqual(["orderId", "customerNote", "legacy_id", "customer_note"]);
    expect(input).toEqual(before);
  });

  test("follows nested messages and oneof members, by either name", () => {
    expect(
      redactJson(Order.descriptor, {
        customerSnapshot: { customerId: "c1", email: "ann@example.com", tags: ["vip"] },
        card: { last4: "4242", network: "visa" },
        lines: [{ sku: "ABC", quantity: 2 }],
      }),
    ).toEqual({
      customerSnapshot: { customerId: "c1", email: R, tags: ["vip"] },
      card: { last4: R, network: "visa" },
      lines: [{ sku: "ABC", quantity: 2 }],
    });
    expect(
      redactJson(Order.descriptor, {
        customer_snapshot: { customer_id: "c1", email: "ann@example.com" },
        bank_transfer: { iban: "DE89370400440532013000", received_at: "2024-01-31T12:00:00Z" },
      }),
    ).toEqual({
      customer_snapshot: { customer_id: "c1", email: R },
      bank_transfer: { iban: R, received_at: "2024-01-31T12:00:00Z" },
    });
  });

  test("follows repeated message elements and message map values; a sensitive map goes whole", () => {
    expect(
      redactJson(Wallet, {
        owner: "ann",
        cards: [{ last4: "1111", network: "amex" }, { network: "visa" }],
        cardsById: { "7": { last4: "2222" }, "8": null },
        pins: { atm: "1234" },
        tags: ["a"],
      }),
    ).toEqual({
      owner: "ann",
      cards: [{ last4: R, network: "amex" }, { network: "visa" }],
      cardsById: { "7": { last4: R }, "8": R },
      pins: R,
      tags: ["a"],
    });
  });

  test("a sensitive field is redacted whatever its value's shape, null included", () => {
    for (const value of [null, 42, ["a"], { text: "secret" }, true]) {
      expect(redactJson(Order.descriptor, { customerNote: value })).toEqual({ customerNote: R });
    }
  });

  test("a wrong shape where a message holding sensitive fields belongs is redacted whole; elsewhere it is kept", () => {
    expect(
      redactJson(Order.descriptor, {
        card: "4242 4242 4242 4242",
        customerSnapshot: ["ann@example.com"],
        shippingAddress: "1 Main St",
        lines: "not a list",
      }),
    ).toEqual({ card: R, customerSnapshot: R, shippingAddress: "1 Main St", lines: "not a list" });
    expect(redactJson(Wallet, { cards: { last4: "1111" }, cardsById: [{ last4: "2222" }], tags: "x" })).toEqual({
      cards: R,
      cardsById: R,
      tags: "x",
    });
  });

  test("unknown keys are kept, except a field's name in another spelling, which is that field", () => {
    expect(
      redactJson(Order.descriptor, {
        colour: "red",
        custmer_note: "a typo is an unknown key",
        CustomerNote: "PascalCase",
        CUSTOMER_NOTE: "upper snake",
        "customer-note": "kebab",
        CustomerSnapshot: { Email: "ann@example.com", DisplayName: "Ann" },
        lines: [{ sku: "ABC", colour: "blue" }],
      }),
    ).toEqual({
      colour: "red",
      custmer_note: "a typo is an unknown key",
      CustomerNote: R,
      CUSTOMER_NOTE: R,
      "customer-note": R,
      CustomerSnapshot: { Email: R, DisplayName: "Ann" },
      lines: [{ sku: "ABC", colour: "blue" }],
    });
  });

  test("input that is not an object: unchanged without sensitive fields, else redacted whole", () => {
    const array = [{ id: "1" }];
    expect(redactJson(BasicTestRecord.descriptor, array)).toBe(array);
    expect(redactJson(BasicTestRecord.descriptor, "text")).toBe("text");
    expect(redactJson(BasicTestRecord.descriptor, null)).toBe(null);
    for (const input of [[{ customerNote: "x" }], "customerNote=x", null, 7]) {
      expect(redactJson(Order.descriptor, input)).toBe(R);
    }
  });

  test("a __proto__ key stays a key of the copy and does not become its prototype", () => {
    const input = JSON.parse('{"__proto__": {"customerNote": "x"}, "customerNote": "secret"}') as unknown;
    const out = redactJson(Order.descriptor, input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(["__proto__", "customerNote"]);
    expect(out.customerNote).toBe(R);
  });

  test("a recursive descriptor ends: nesting beyond 100 levels is redacted whole", () => {
    let json: Record<string, unknown> = { label: "leaf", secret: "s" };
    for (let i = 0; i < 150; i++) json = { label: `l${i}`, secret: "s", next: json };
    const text = JSON.stringify(redactJson(Chain, json));
    expect(text).not.toContain('"s"');
    expect(text).toContain('"label":"l149","secret":"[redacted]"');
    expect((text.match(/"next":"\[redacted\]"/g) ?? []).length).toBe(1);
  });

  test("the redacted copy of a rejected order holds none of its secrets", () => {
    const line = {
      orderId: "ord_1",
      customerNote: "door code 8812",
      customerSnapshot: { email: "ann@example.com", loyaltyPoints: "-5x" },
      bankTransfer: { iban: "DE89370400440532013000" },
      extra: true,
    };
    const result = decodeJson(Order.descriptor, line);
    expect(result.ok).toBe(false);
    const kept = JSON.stringify(redactJson(Order.descriptor, line));
    for (const secret of ["8812", "ann@example.com", "DE89370400440532013000"]) expect(kept).not.toContain(secret);
    expect(kept).toContain('"loyaltyPoints":"-5x"');
    expect(kept).toContain('"extra":true');
  });
});

describe("hasSensitiveFields", () => {
  test("looks through nested messages, lists and maps", () => {
    expect(hasSensitiveFields(Order.descriptor)).toBe(true);
    expect(hasSensitiveFields(Customer.descriptor)).toBe(true);
    expect(hasSensitiveFields(Order_Card.descriptor)).toBe(true);
    expect(hasSensitiveFields(Order_BankTransfer.descriptor)).toBe(true);
    expect(hasSensitiveFields(Order_Line.descriptor)).toBe(false);
    expect(hasSensitiveFields(Money.descriptor)).toBe(false);
    expect(hasSensitiveFields(BasicTestRecord.descriptor)).toBe(false);
    const ListOfCards: RecordDescriptor = { typeName: "t.L", fields: [Wallet.fields[1]!], oneofs: [] };
    const MapOfCards: RecordDescriptor = { typeName: "t.M", fields: [Wallet.fields[2]!], oneofs: [] };
    expect([hasSensitiveFields(ListOfCards), hasSensitiveFields(MapOfCards)]).toEqual([true, true]);
  });

  test("ends on recursive descriptors", () => {
    const Loop: RecordDescriptor = {
      typeName: "t.Loop",
      fields: [field("next", 1, { kind: "list", element: { kind: "message", record: () => Loop } })],
      oneofs: [],
    };
    expect(hasSensitiveFields(Loop)).toBe(false);
    expect(hasSensitiveFields(Chain)).toBe(true);
  });
});
