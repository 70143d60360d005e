/**
 * Every contract in contracts/ through the real server and back: records → Arrow → Spark (a Delta table created
 * from the contract's DDL) → records, equal field for field, including nulls and extremes; the table's schema
 * matches the contract; and a Parquet file from `toParquet` read by Spark gives the same records. Timestamps are
 * exact to the µs (`PreciseTimestamp`; Dates compare to the µs in tests), through every write path and in filters
 * and bound parameters.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Table } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import { Customer } from "../../generated/shop/v1/customer_lakehouse.js";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import {
  epochMicrosOf,
  fromArrow,
  PreciseTimestamp,
  type RecordClass,
  type RecordDescriptor,
  RecordTable,
  type SparkSession,
} from "../../runtime/src/index.js";
import { field } from "../unit/records.testdata.js";
import { connect, tablePath } from "./helpers.js";

const FAR_PAST = new Date("0001-01-01T00:00:00.000Z");
/** 9999-12-31T23:59:59.999999Z, the last µs of TIMESTAMP. */
const FAR_FUTURE = PreciseTimestamp.fromEpochMicros(253_402_300_799_999_999n);
/** 2023-11-14T22:13:20.123456Z and the µs around it: one millisecond, three values. */
const US = 1_700_000_000_123_456n;
const at = (us: bigint) => PreciseTimestamp.fromEpochMicros(us);

interface Contract<T extends object> {
  name: string;
  cls: {
    descriptor: RecordTable<T>["descriptor"];
    toArrow(records: readonly T[]): Table;
    fromArrow(table: Table): T[];
    toParquet(records: readonly T[]): Promise<Uint8Array>;
    createTableSql(options?: { location?: string; checkConstraints?: boolean }): string;
  };
  key: string;
  records: T[];
}

const contracts: Contract<object>[] = [
  {
    name: "BasicTestRecord",
    cls: BasicTestRecord,
    key: "id",
    records: [
      new BasicTestRecord({ id: 1n }),
      new BasicTestRecord({
        id: 2n ** 63n - 1n,
        name: "ünïcødé ☃ 𝄞 'quoted' \\ \n",
        value: Number.MAX_VALUE,
        isActive: true,
        ingestSource: "",
        createdAt: FAR_PAST,
        updatedAt: FAR_FUTURE,
      }),
      new BasicTestRecord({ id: -(2n ** 63n), name: "", value: Number.NaN }),
      new BasicTestRecord({ id: 3n, value: Number.NEGATIVE_INFINITY, createdAt: at(-1n), updatedAt: at(US) }),
    ],
  },
  {
    name: "Customer",
    cls: Customer,
    key: "customer_id",
    records: [
      new Customer({ customerId: "c0" }),
      new Customer({
        customerId: "c1",
        email: "a@example.com",
        displayName: "Zoë",
        billingAddress: { lines: ["1 Main St", ""], city: "Dublin", postalCode: "D01", countryCode: "IE" },
        countryCode: "IE",
        tags: ["vip", "ünï"],
        attributes: new Map([
          ["k", "v"],
          ["empty", ""],
        ]),
        loyaltyPoints: 2n ** 63n - 1n,
        tier: "TIER_GOLD",
        lifetimeValue: { amount: "123.45", currency: "CURRENCY_EUR" },
        createdAt: FAR_PAST,
        verifiedFields: ["email", "billing_address.postal_code"],
      }),
      // set and empty: [] in the column, not NULL
      new Customer({ customerId: "c2", verifiedFields: [], createdAt: at(US + 1n) }),
    ],
  },
  {
    name: "Order",
    cls: Order,
    key: "order_id",
    records: [
      new Order({ orderId: "ord_min", placedAt: FAR_FUTURE }),
      new Order({
        orderId: "ord_max",
        customerId: "c1",
        status: "STATUS_SHIPPED",
        salesChannel: "SALES_CHANNEL_APP",
        lines: [
          {
            lineId: -(2n ** 63n),
            sku: "SKU-1",
            quantity: 2 ** 32 - 1,
            unitPrice: { amount: "0.01", currency: "CURRENCY_USD" },
            discount: 0.5,
            giftMessages: ["🎁", ""],
          },
          { lineId: 2n, sku: "SKU-2", quantity: 1 },
        ],
        total: "9999999999999999.99",
        currency: "CURRENCY_GBP",
        shippingAddress: { city: "" },
        customerSnapshot: { customerId: "c1", tags: [], attributes: new Map() },
        payment: { case: "bankTransfer", value: { iban: "DE00", receivedAt: FAR_PAST } },
        sequenceNumber: 2n ** 64n - 1n,
        legacyId: "-9223372036854775808",
        deliveryWindow: -315_576_000_000n * 1_000_000n, // the most negative Duration protobuf allows, in µs
        customerNote: "",
        checkoutMetadata: { nested: { list: [1, "two", null, true] }, empty: {} },
        quantitiesBySku: new Map([["SKU-1", 4294967295]]),
        linesById: new Map([[-(2n ** 63n), { lineId: 7n, sku: "SKU-7", quantity: 1 }]]),
        discountRate: Number.NaN,
        signature: new Uint8Array([0, 255, 1]),
        placedAt: FAR_PAST,
        ingestSource: "test",
      }),
      new Order({
        orderId: "ord_voucher",
        payment: { case: "voucherCode", value: "ABCDEFGH" },
        total: "-0.50",
        placedAt: at(US),
        createdAt: at(US + 1n),
        updatedAt: at(-62_135_596_799_999_999n), // 0001-01-01T00:00:00.000001Z
      }),
    ],
  },
];

describe("every contract round-trips through Spark and Delta", () => {
  let spark: SparkSession;
  beforeAll(async () => {
    spark = await connect();
  });
  afterAll(async () => {
    await spark?.close();
  });

  test.each(contracts)("$name", async ({ cls, key, records }) => {
    const location = tablePath(`rt_${cls.descriptor.typeName.replaceAll(".", "_")}`);
    // Extremes outside the contracts' rules (NaN, negative ids, …) are the point here: formats, not validity, so the
    // table is made without the CHECK constraints that would refuse them (check-constraints.test.ts has those).
    await spark.sql(cls.createTableSql({ location, checkConstraints: false }));
    await (await spark.createDataFrame(cls.toArrow(records))).write.mode("append").save(location);
    const back = cls.fromArrow(await spark.read("delta", [location]).orderBy(key).toArrow());
    const keyField = cls.descriptor.fields.find((f) => f.column === key)?.name as string;
    const byKey = (rs: object[]) =>
      [...rs].sort((a, b) => {
        const x = (a as Record<string, unknown>)[keyField] as string | bigint;
        const y = (b as Record<string, unknown>)[keyField] as string | bigint;
        return x < y ? -1 : x > y ? 1 : 0;
      });
    expect(back).toEqual(byKey(records));

    // The table Spark created from the contract's DDL has exactly the contract's schema.
    await new RecordTable(spark, cls as never, { location, checkConstraints: false }).checkSchema();

    const folder = tablePath("parquet");
    mkdirSync(folder, { recursive: true });
    const file = join(folder, "part.parquet");
    writeFileSync(file, await cls.toParquet(records));
    const fromParquet = cls.fromArrow(await spark.read("parquet", [file]).orderBy(key).toArrow());
    expect(fromParquet).toEqual(byKey(records));
  });
});

interface Moment {
  id: bigint;
  at?: Date | undefined;
}

const MomentDescriptor: RecordDescriptor = {
  typeName: "test.v1.Moment",
  fields: [
    field("id", 1, { kind: "scalar", scalar: "int64" }),
    field("at", 2, { kind: "timestamp" }, { nullable: true }),
  ],
  oneofs: [],
};

const Moment: RecordClass<Moment> = {
  descriptor: MomentDescriptor,
  fromArrow: (table) => fromArrow(MomentDescriptor, table) as unknown as Moment[],
};

describe("timestamps to the µs through Spark", () => {
  let spark: SparkSession;
  let table: RecordTable<Moment>;
  // Three values within one millisecond through Arrow, a fourth through bound SQL parameters.
  const moments: Moment[] = [
    { id: 1n, at: at(US) },
    { id: 2n, at: at(US + 1n) },
    { id: 3n, at: at(US + 2n) },
  ];
  beforeAll(async () => {
    spark = await connect();
    table = new RecordTable(spark, Moment, { location: tablePath("moments") });
    await table.ensureTable();
    await table.insertRecords(moments);
    await table.insertRecordsSql([{ id: 4n, at: at(US + 3n) }]);
  });
  afterAll(async () => {
    await spark?.close();
  });

  test("every value reads back exact, whichever way it was written", async () => {
    const back = await table.query({}, { orderBy: [{ field: "id" }] });
    expect(back.map((m) => m.at && epochMicrosOf(m.at))).toEqual([US, US + 1n, US + 2n, US + 3n]);
    const [row] = await (
      await spark.sql(`SELECT unix_micros(at) AS us FROM ${table.target.sql} WHERE id = 2`)
    ).collect();
    expect(row).toEqual({ us: US + 1n });
  });

  test("a filter on an exact µs matches exactly its row; ranges compare µs", async () => {
    const ids = async (filter: Parameters<RecordTable<Moment>["query"]>[0]) =>
      (await table.query(filter, { orderBy: [{ field: "id" }] })).map((m) => m.id);
    expect(await ids({ at: at(US + 1n) })).toEqual([2n]);
    expect(await ids({ at: { gt: at(US + 1n), lt: at(US + 3n) } })).toEqual([3n]);
    expect(await ids({ at: { in: [at(US), at(US + 3n)] } })).toEqual([1n, 4n]);
    // A plain Date is its millisecond: .123000, before all four.
    expect(await ids({ at: { lt: new Date(Number(US / 1000n)) } })).toEqual([]);
  });

  test("a bound parameter is the exact µs, and untyped rows read it back exact", async () => {
    const [row] = await (await spark.sql("SELECT :t AS t, unix_micros(:t) AS us", { t: at(US + 1n) })).collect();
    expect(row).toEqual({ t: at(US + 1n), us: US + 1n });
  });
});
