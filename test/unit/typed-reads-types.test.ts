/**
 * The types of typed reads: a projection is a `Pick` of the record (a misspelt field does not compile), `pick` makes
 * a shape of one, and a result read into a shape is typed by it. Checked by `tsc -p tsconfig.json`; the type
 * assertions run as no-ops, and the few runtime checks (no server) run as tests.
 */
import type { DataFrame, RecordShape, RecordTable, SparkSession, TypedResult } from "@lakehouse-contracts/runtime";
import { describe, expect, expectTypeOf, test } from "vitest";
import { Order, type Order_Line } from "../../generated/shop/v1/order_lakehouse.js";
import { CustomerSpend } from "../../generated/shop/v1/report_lakehouse.js";

declare const orders: RecordTable<Order>;
declare const spark: SparkSession;

describe("projections are typed", () => {
  test("select makes rows that are Picks of the record", () => {
    const typed = async () => {
      const rows = await orders.query({ status: "STATUS_PAID" }, { select: ["orderId", "total", "placedAt"] as const });
      expectTypeOf(rows).toEqualTypeOf<Pick<Order, "orderId" | "total" | "placedAt">[]>();
      // Without `as const` too.
      const nested = await orders.query(undefined, { select: ["lines", "payment"], limit: 3 });
      expectTypeOf(nested).toEqualTypeOf<Pick<Order, "lines" | "payment">[]>();
      expectTypeOf(nested[0]?.lines).toEqualTypeOf<Order_Line[] | undefined>();
      const all = await orders.query();
      expectTypeOf(all).toEqualTypeOf<Order[]>();
      for await (const row of orders.stream(undefined, { select: ["orderId"], distinct: true })) {
        expectTypeOf(row).toEqualTypeOf<Pick<Order, "orderId">>();
      }
    };
    const wrong = async () => {
      // @ts-expect-error a misspelt field does not compile
      await orders.query(undefined, { select: ["orderID"] });
      // @ts-expect-error methods are not fields
      await orders.query(undefined, { select: ["toJson"] });
      const rows = await orders.query(undefined, { select: ["orderId"] });
      // @ts-expect-error an unselected property is not there
      rows[0]?.total;
      // @ts-expect-error distinct needs a selection
      await orders.query(undefined, { distinct: true });
    };
    expectTypeOf(typed).toBeFunction();
    expectTypeOf(wrong).toBeFunction();
  });
});

describe("SQL results are read into shapes", () => {
  test("into a class, a pick, a report", () => {
    const typed = async () => {
      const df = await spark.sql("SELECT * FROM orders");
      expectTypeOf(df.into(Order)).toEqualTypeOf<TypedResult<Order>>();
      expectTypeOf(await df.into(Order).collect()).toEqualTypeOf<Order[]>();
      const picked = Order.pick("orderId", "total");
      expectTypeOf(picked).toEqualTypeOf<RecordShape<Pick<Order, "orderId" | "total">>>();
      expectTypeOf(await df.into(picked).collect()).toEqualTypeOf<Pick<Order, "orderId" | "total">[]>();
      for await (const row of df.into(CustomerSpend).stream()) expectTypeOf(row).toEqualTypeOf<CustomerSpend>();
      // Straight from the statement's promise, which is still a Promise<DataFrame>.
      expectTypeOf(spark.sql("SELECT 1").into(Order.pick("orderId"))).toEqualTypeOf<
        TypedResult<Pick<Order, "orderId">>
      >();
      expectTypeOf(spark.sql("SELECT 1")).toExtend<Promise<DataFrame>>();
    };
    const wrong = () => {
      // @ts-expect-error a misspelt field does not compile
      Order.pick("orderID");
    };
    expectTypeOf(typed).toBeFunction();
    expectTypeOf(wrong).toBeFunction();
  });

  test("a pick names fields or oneofs; a oneof's member alone is refused, with what to select", () => {
    const picked = Order.pick("orderId", "payment");
    expect(picked.descriptor.fields.map((f) => f.column)).toEqual([
      "order_id",
      "card",
      "voucher_code",
      "bank_transfer",
    ]);
    expect(picked.descriptor.table).toBeUndefined();
    expect(() => Order.pick("card" as never)).toThrow('shop.v1.Order.card is a member of the oneof "payment"');
    expect(() => Order.pick("nope" as never)).toThrow('shop.v1.Order has no field "nope" to select');
    expect(() => Order.pick()).toThrow("a selection needs at least one field");
  });
});
