/**
 * Typed reads against the real server: projections of a contract's table (only the selected columns read, nested
 * fields whole and exact), `limit` and `distinct` on them, and SQL results read into a shape — a whole contract, a
 * pick of one, a report's record — checked against the result's schema before any row is decoded, buffered and
 * streamed.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Customer } from "../../generated/shop/v1/customer_lakehouse.js";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import { CustomerSpend } from "../../generated/shop/v1/report_lakehouse.js";
import {
  Decimal,
  isResultShapeMismatchError,
  RecordTable,
  ResultShapeMismatchError,
  type SparkSession,
} from "../../runtime/src/index.js";
import { connect, tablePath } from "./helpers.js";

const placed = (day: number) => new Date(Date.UTC(2026, 0, day, 12, 30, 15, 123));

const orderRecords = [1, 2, 3, 4, 5].map(
  (i) =>
    new Order({
      orderId: `ord_${i}`,
      customerId: `c${i % 2}`,
      status: i % 2 === 0 ? "STATUS_PAID" : "STATUS_PLACED",
      salesChannel: "SALES_CHANNEL_WEB",
      lines: [
        { lineId: BigInt(i), sku: `SKU-${i}`, quantity: i, unitPrice: { amount: `${i}.25`, currency: "CURRENCY_EUR" } },
        { lineId: 2n ** 62n + BigInt(i), sku: "SKU-XL", quantity: 1, giftMessages: ["🎁"] },
      ],
      total: `${i}000000000000000.0${i}`,
      currency: "CURRENCY_EUR",
      customerSnapshot: {
        customerId: `c${i % 2}`,
        email: `c${i % 2}@example.com`,
        countryCode: "IE",
        tags: ["vip"],
        attributes: new Map([["k", `v${i}`]]),
      },
      payment: { case: "voucherCode", value: `VOUCHER${i}` },
      sequenceNumber: 2n ** 64n - BigInt(i),
      linesById: new Map([[-(2n ** 63n) + BigInt(i), { lineId: 7n, sku: "SKU-7", quantity: 1 }]]),
      placedAt: placed(i),
      ingestSource: "typed-reads",
    }),
);

const customerRecords = [
  new Customer({ customerId: "c0", email: "c0@example.com", displayName: "Zoë", countryCode: "IE" }),
  new Customer({ customerId: "c1", email: "c1@example.com", displayName: "Ana", countryCode: "PT" }),
];

describe("typed reads", () => {
  let spark: SparkSession;
  let orders: RecordTable<Order>;
  let customers: RecordTable<Customer>;
  beforeAll(async () => {
    spark = await connect();
    // Explained plans print schemas in full (Spark cuts them at 100 characters by default).
    await spark.conf.set("spark.sql.maxMetadataStringLength", 100_000);
    orders = new RecordTable(spark, Order, { location: tablePath("typed_orders") });
    customers = new RecordTable(spark, Customer, { location: tablePath("typed_customers") });
    await orders.ensureTable();
    await customers.ensureTable();
    await orders.insertRecords(orderRecords);
    await customers.insertRecords(customerRecords);
    await (await spark.read("delta", [orders.target.location as string])).createOrReplaceTempView("typed_orders");
    await (await spark.read("delta", [customers.target.location as string])).createOrReplaceTempView("typed_customers");
  });
  afterAll(async () => {
    await spark?.close();
  });

  describe("projections of a table", () => {
    test("return just the selected properties, exact, and read just their columns", async () => {
      const rows = await orders.query(
        { status: "STATUS_PAID" },
        { select: ["orderId", "total", "placedAt"], orderBy: [{ field: "sequenceNumber" }] },
      );
      // Ordered by an unselected field, filtered on another.
      expect(rows).toEqual([
        { orderId: "ord_4", total: "4000000000000000.04", placedAt: placed(4) },
        { orderId: "ord_2", total: "2000000000000000.02", placedAt: placed(2) },
      ]);
      expect(Object.keys(rows[0] as object)).toEqual(["orderId", "total", "placedAt"]);

      const plan = await orders.explain(undefined, { select: ["orderId", "total", "placedAt"] });
      expect(readSchema(plan)).toEqual("struct<order_id:string,total_amount:decimal(18,2),placed_at:timestamp>");
      // A filter's column is read too (to filter), and nothing else.
      const filtered = await orders.explain({ status: "STATUS_PAID" }, { select: ["orderId"] });
      expect(readSchema(filtered)).toEqual("struct<order_id:string,status:string>");
    });

    test("nested fields are selected whole, as instances, with exact keys", async () => {
      const [row] = await orders.query(
        { orderId: "ord_3" },
        { select: ["orderId", "lines", "customerSnapshot", "linesById", "sequenceNumber"] },
      );
      const whole = orderRecords[2] as Order;
      expect(row).toEqual({
        orderId: "ord_3",
        lines: whole.lines,
        customerSnapshot: whole.customerSnapshot,
        linesById: whole.linesById,
        sequenceNumber: 2n ** 64n - 3n,
      });
      expect(row?.customerSnapshot).toBeInstanceOf(Customer);
      expect([...(row?.linesById.keys() ?? [])]).toEqual([-(2n ** 63n) + 3n]);
      expect(row?.lines[1]?.lineId).toBe(2n ** 62n + 3n);
      const plan = await orders.explain(undefined, { select: ["lines", "customerSnapshot"] });
      expect(readSchema(plan)).toMatch(/^struct<lines:array<struct<line_id:bigint,.*>>,customer_snapshot:struct<.*>>$/);
      expect(readSchema(plan)).not.toMatch(/order_id|total_amount|lines_by_id/);
    });

    test("stream gives the same picks, batch by batch", async () => {
      const streamed: { orderId: string; status: Order["status"] }[] = [];
      for await (const row of orders.stream(undefined, {
        select: ["orderId", "status"],
        orderBy: [{ field: "orderId" }],
      })) {
        streamed.push(row);
      }
      expect(streamed.map((r) => `${r.orderId} ${r.status}`)).toEqual([
        "ord_1 STATUS_PLACED",
        "ord_2 STATUS_PAID",
        "ord_3 STATUS_PLACED",
        "ord_4 STATUS_PAID",
        "ord_5 STATUS_PLACED",
      ]);
    });

    test("limit and distinct on a projection", async () => {
      const firstTwo = await orders.query(undefined, {
        select: ["orderId"],
        orderBy: [{ field: "placedAt", descending: true }],
        limit: 2,
      });
      expect(firstTwo).toEqual([{ orderId: "ord_5" }, { orderId: "ord_4" }]);
      const statuses = await orders.query(undefined, {
        select: ["status", "customerId"],
        distinct: true,
        orderBy: [{ field: "status" }],
      });
      expect(statuses).toEqual([
        { status: "STATUS_PAID", customerId: "c0" },
        { status: "STATUS_PLACED", customerId: "c1" },
      ]);
      const limited = await orders.query(undefined, { select: ["customerId"], distinct: true, limit: 5 });
      expect(limited.map((r) => r.customerId).sort()).toEqual(["c0", "c1"]);
      await expect(
        orders.query(undefined, { select: ["status"], distinct: true, orderBy: [{ field: "orderId" }] }),
      ).rejects.toThrow('distinct: sorts by selected fields only, and "orderId" is not selected');
      await expect(orders.query(undefined, { select: ["orderId"], limit: -1 })).rejects.toThrow(/limit/);
      expect(await orders.count({ status: "STATUS_PAID" })).toBe(2n);
    });
  });

  describe("SQL into a shape", () => {
    test("into the whole contract: records equal to those written", async () => {
      const back = await (await spark.sql("SELECT * FROM typed_orders ORDER BY order_id")).into(Order).collect();
      expect(back).toEqual(orderRecords);
      expect(back[0]).toBeInstanceOf(Order);
    });

    test("straight from spark.sql: the statement's promise reads into a shape; a failed statement fails the read", async () => {
      const rows = await spark
        .sql("SELECT order_id, status FROM typed_orders WHERE order_id = :id", { id: "ord_2" })
        .into(Order.pick("orderId", "status"))
        .collect();
      expect(rows).toEqual([{ orderId: "ord_2", status: "STATUS_PAID" }]);
      const df = await spark.sql("SELECT 1 AS n");
      expect(await df.collect()).toEqual([{ n: 1 }]);
      // The statement fails before the read starts: no unhandled rejection, the read gets Spark's error.
      const broken = spark.sql("SELECT nope FROM typed_orders").into(Order);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await expect(broken.collect()).rejects.toMatchObject({ errorClass: "UNRESOLVED_COLUMN.WITH_SUGGESTION" });
    });

    test("into a pick of a contract, with bound parameters", async () => {
      const df = await spark.sql(
        "SELECT order_id, total_amount, placed_at FROM typed_orders WHERE sequence_number > :n ORDER BY order_id",
        { n: new Decimal(2n ** 64n - 3n) },
      );
      const rows = await df.into(Order.pick("orderId", "total", "placedAt")).collect();
      expect(rows).toEqual([
        { orderId: "ord_1", total: "1000000000000000.01", placedAt: placed(1) },
        { orderId: "ord_2", total: "2000000000000000.02", placedAt: placed(2) },
      ]);
    });

    test("a join of two contract tables into a report's record", async () => {
      const report = await (
        await spark.sql(`
          SELECT c.customer_id, c.display_name, count(*) AS order_count,
                 CAST(coalesce(sum(o.total_amount), 0) AS DECIMAL(28,2)) AS total_spent,
                 max(o.placed_at) AS last_order_at
          FROM typed_orders o JOIN typed_customers c ON o.customer_id = c.customer_id
          GROUP BY c.customer_id, c.display_name
          ORDER BY c.customer_id`)
      )
        .into(CustomerSpend)
        .collect();
      expect(report).toEqual([
        new CustomerSpend({
          customerId: "c0",
          displayName: "Zoë",
          orderCount: 2n,
          totalSpent: "6000000000000000.06",
          lastOrderAt: placed(4),
        }),
        new CustomerSpend({
          customerId: "c1",
          displayName: "Ana",
          orderCount: 3n,
          totalSpent: "9000000000000000.09",
          lastOrderAt: placed(5),
        }),
      ]);
    });

    test("a mismatching shape is one error listing every difference, before any row is read", async () => {
      const df = await spark.sql(`
        SELECT c.customer_id, c.display_name AS Display_Name, count(*) AS order_count,
               sum(o.total_amount) AS total_spent, o.customer_id, 1 AS surplus
        FROM typed_orders o LEFT JOIN typed_customers c ON o.customer_id = c.customer_id
        GROUP BY c.customer_id, c.display_name, o.customer_id`);
      const shaped = df.into(CustomerSpend);
      const error = await shaped.collect().catch((e: unknown) => e);
      expect(isResultShapeMismatchError(error)).toBe(true);
      expect((error as ResultShapeMismatchError).differences).toEqual([
        "customer_id: the result has 2 columns of this name (alias them apart)",
        'display_name: missing from the result, which has "Display_Name" (names are matched exactly)',
        "total_spent: the result's column is nullable, the field is not",
        "last_order_at: missing from the result (the shape wants timestamp)",
        "Display_Name string: in the result, not in the shape",
        "surplus int: in the result, not in the shape",
      ]);
      expect((error as Error).message).toBe(
        [
          "the query's result does not fit shop.v1.CustomerSpend:",
          "  customer_id: the result has 2 columns of this name (alias them apart)",
          '  display_name: missing from the result, which has "Display_Name" (names are matched exactly)',
          "  total_spent: the result's column is nullable, the field is not",
          "  last_order_at: missing from the result (the shape wants timestamp)",
          "  Display_Name string: in the result, not in the shape",
          "  surplus int: in the result, not in the shape",
        ].join("\n"),
      );
      // Streamed: the same error, before the first row.
      const rows: unknown[] = [];
      const streamed = await (async () => {
        for await (const row of shaped.stream()) rows.push(row);
      })().catch((e: unknown) => e);
      expect(streamed).toBeInstanceOf(ResultShapeMismatchError);
      expect(rows).toEqual([]);
    });

    test("a wrong type, a nullable column and an extra one are differences; extras can be ignored", async () => {
      const df = await spark.sql(
        "SELECT order_id, CAST(total_amount AS DOUBLE) AS total_amount, customer_note, status FROM typed_orders",
      );
      const error = await df
        .into(Order.pick("orderId", "total"))
        .collect()
        .catch((e: unknown) => e);
      expect((error as ResultShapeMismatchError).differences).toEqual([
        "total_amount: the result has double, the shape wants decimal(18,2)",
        "customer_note string: in the result, not in the shape",
        "status string: in the result, not in the shape",
      ]);
      const nullable = await spark.sql("SELECT order_id, nullif(status, 'x') AS status FROM typed_orders");
      await expect(nullable.into(Order.pick("orderId", "status")).collect()).rejects.toThrow(
        "status: the result's column is nullable, the field is not",
      );
      const extra = await spark.sql("SELECT * FROM typed_orders WHERE order_id = 'ord_1'");
      expect(await extra.into(Order.pick("orderId", "status"), { extraColumns: "ignore" }).collect()).toEqual([
        { orderId: "ord_1", status: "STATUS_PLACED" },
      ]);
    });

    test("streamed: rows decoded as they arrive, in many batches", async () => {
      const df = await spark.sql(
        "SELECT concat('c', id) AS customer_id, 'n' AS display_name, id AS order_count, " +
          "CAST(id AS DECIMAL(28,2)) / 100 AS total_spent, CAST(NULL AS TIMESTAMP) AS last_order_at FROM range(0, 25000)",
      );
      // The division widens the decimal: the shape says DECIMAL(28,2), so the query casts to it (and a division may
      // be NULL, as may the cast of a double: the result is coalesced).
      const shaped = (
        await spark.sql(
          "SELECT concat('c', id) AS customer_id, 'n' AS display_name, id AS order_count, " +
            "coalesce(CAST(id / 100 AS DECIMAL(28,2)), 0) AS total_spent, CAST(NULL AS TIMESTAMP) AS last_order_at " +
            "FROM range(0, 25000)",
        )
      ).into(CustomerSpend);
      await expect(df.into(CustomerSpend).check()).rejects.toThrow(
        "total_spent: the result has decimal(32,6), the shape wants decimal(28,2)",
      );
      let n = 0;
      let last: CustomerSpend | undefined;
      for await (const row of shaped.stream()) {
        n++;
        last = row;
      }
      expect(n).toBe(25_000);
      expect(last).toEqual(
        new CustomerSpend({ customerId: "c24999", displayName: "n", orderCount: 24_999n, totalSpent: "249.99" }),
      );
    });
  });
});

/** The `ReadSchema` of the one scan in an explained plan. */
function readSchema(plan: string): string {
  const schemas = [...plan.matchAll(/ReadSchema: (struct<.*?>)(?:\s|$)/gm)].map((m) => m[1]);
  expect(schemas).toHaveLength(1);
  return schemas[0] as string;
}
