/**
 * Generated validators on the example contracts: violations as protovalidate reports them (path, rule, id, message),
 * redaction, failFast, `validate`/`assertValid`, Standard Schema, and rule problems reported at generation time.
 */
import { ValidationError } from "@lakehouse-contracts/runtime/validate";
import { afterAll, describe, expect, test } from "vitest";
import { Customer } from "../../generated/shop/v1/customer_lakehouse.js";
import { Order, Order_Line } from "../../generated/shop/v1/order_lakehouse.js";
import { ContractWorkspace } from "./plugin-harness.js";

function validOrder(): Order {
  return new Order({
    orderId: "ord_1",
    customerId: "c1",
    status: "STATUS_PLACED",
    lines: [{ sku: "SKU-1", quantity: 2 }],
    payment: { case: "voucherCode", value: "ABCD1234" },
  });
}

describe("generated validators", () => {
  test("a valid record has no violations", () => {
    expect(Order.check(validOrder())).toEqual([]);
    expect(Order.validate(validOrder())).toEqual({ kind: "valid" });
  });

  test("violations carry path, rule path, rule id, protovalidate's message and the value", () => {
    const order = validOrder();
    order.lines.push(new Order_Line({ sku: "ab", quantity: 0 }));
    order.quantitiesBySku.set("x", 0);
    const violations = Order.check(order);
    expect(violations).toEqual([
      {
        path: "lines[1].sku",
        rule: "string.min_len",
        ruleId: "string.min_len",
        message: "must be at least 3 characters",
        value: '"ab"',
      },
      {
        path: "lines[1].quantity",
        rule: "uint32.gt",
        ruleId: "uint32.gt",
        message: "must be greater than 0",
        value: "0",
      },
      {
        path: 'quantities_by_sku["x"]',
        rule: "map.keys.string.min_len",
        ruleId: "string.min_len",
        message: "must be at least 3 characters",
        forKey: true,
        value: '"x"',
      },
      {
        path: 'quantities_by_sku["x"]',
        rule: "map.values.uint32.gt",
        ruleId: "uint32.gt",
        message: "must be greater than 0",
        value: "0",
      },
    ]);
  });

  test("required, oneof required and sensitive values", () => {
    const order = new Order({
      orderId: "ord_1",
      lines: [{ sku: "SKU", quantity: 1 }],
      payment: { case: "card", value: { last4: "12x4", network: "visa" } },
    });
    const violations = Order.check(order);
    expect(violations.map((v) => `${v.path} ${v.ruleId}`)).toEqual([
      "customer_id required",
      "status enum.not_in",
      "card.last4 string.pattern",
    ]);
    expect(violations[2]?.value).toBe("[redacted]");
    expect(Order.check(new Order({ ...order, payment: { case: undefined } })).map((v) => v.path)).toContain("payment");
  });

  test("FieldMask rules: paths in the allow list or below an entry; an unset mask is not checked", () => {
    const customer = (verifiedFields?: string[]) =>
      new Customer({ customerId: "c1", email: "a@b.co", countryCode: "DE", verifiedFields });
    expect(Customer.check(customer())).toEqual([]);
    expect(Customer.check(customer([]))).toEqual([]);
    expect(Customer.check(customer(["email", "billing_address.city"]))).toEqual([]);
    for (const paths of [["emails"], ["email", "billing_addressx"], ["tier"]]) {
      expect(Customer.check(customer(paths))).toEqual([
        {
          path: "verified_fields",
          rule: "field_mask.in",
          ruleId: "field_mask.in",
          message: "must only contain paths in [email, display_name, billing_address, country_code]",
          value: `array(${paths.length})`,
        },
      ]);
    }
  });

  test("failFast stops at the first violation", () => {
    expect(Order.check(new Order(), { failFast: true })).toHaveLength(1);
  });

  test("validate never throws; assertValid throws a ValidationError listing every violation", () => {
    const result = Customer.validate({ customerId: "", email: "nope" });
    expect(result.kind).toBe("invalid");
    expect(() => Customer.assertValid(new Customer({ customerId: "", email: "nope" }))).toThrow(ValidationError);
    if (result.kind === "invalid") {
      expect(result.error.code).toBe("validation");
      expect(result.error.message).toContain("customer_id: must be at least 1 characters [string.min_len]");
      expect(result.error.message).toContain("email: must be a valid email address [string.email]");
    }
  });

  test("Standard Schema v1", () => {
    const standard = Order["~standard"];
    expect(standard.version).toBe(1);
    const ok = standard.validate(validOrder());
    expect(ok.issues).toBeUndefined();
    const bad = standard.validate({ orderId: "x", lines: [{ sku: "a", quantity: 1 }] });
    expect(bad.issues?.[0]).toEqual({ message: "does not have prefix `ord_`", path: ["order_id"] });
    expect(bad.issues?.find((i) => i.path.length === 3)?.path).toEqual(["lines", 0, "sku"]);
  });
});

describe("rule problems fail generation", () => {
  const ws = new ContractWorkspace({
    "bad/v1/bad.proto": `syntax = "proto3";
package bad.v1;
import "buf/validate/validate.proto";
message Bad {
  string a = 1 [(buf.validate.field).int32.gt = 1];
  string b = 2 [(buf.validate.field).string = {min_len: 5, max_len: 2}];
  string c = 3 [(buf.validate.field).string.pattern = "(unclosed"];
  int32 d = 4 [(buf.validate.field).int32 = {gt: 5, lt: 5}];
}
`,
  });
  afterAll(() => ws.dispose());

  test("with the file, message, field and reason", () => {
    let message = "";
    try {
      ws.generate("bad/v1/bad.proto");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(
      "bad/v1/bad.proto: message bad.v1.Bad: field a: int32 rules do not apply to a field of type string",
    );
    expect(message).toContain("field b: string.min_len > string.max_len");
    expect(message).toContain('field c: string.pattern "(unclosed" is not a valid RE2 regular expression');
    expect(message).toContain("field d: int32.gt and int32.lt leave no valid value");
  });
});
