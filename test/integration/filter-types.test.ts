/**
 * Filters and bound parameters typed by their column, against the real server (issue 17, items 3 and 4): a FLOAT
 * column filtered on the number it was given finds its row (Spark compares FLOAT with a DOUBLE literal as doubles,
 * where 0.1f is 0.10000000149…); DOUBLE columns and SQL parameters take doubles of any magnitude.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  fromArrow,
  type RecordClass,
  type RecordDescriptor,
  RecordTable,
  type SparkSession,
} from "../../runtime/src/index.js";
import { field } from "../unit/records.testdata.js";
import { connect, tablePath } from "./helpers.js";

interface Reading {
  id: bigint;
  ratio: number;
  score: number;
  maybeRatio?: number | undefined;
}

const ReadingDescriptor: RecordDescriptor = {
  typeName: "test.v1.Reading",
  fields: [
    field("id", 1, { kind: "scalar", scalar: "int64" }),
    field("ratio", 2, { kind: "scalar", scalar: "float" }),
    field("score", 3, { kind: "scalar", scalar: "double" }),
    field("maybe_ratio", 4, { kind: "wrapper", scalar: "float" }, { nullable: true }),
  ],
  oneofs: [],
};

const Reading: RecordClass<Reading> = {
  descriptor: ReadingDescriptor,
  fromArrow: (table) => fromArrow(ReadingDescriptor, table) as unknown as Reading[],
};

describe("filters typed by their column", () => {
  let spark: SparkSession;
  let table: RecordTable<Reading>;
  beforeAll(async () => {
    spark = await connect();
    table = new RecordTable(spark, Reading, { location: tablePath("filter_types") });
    await table.ensureTable();
    await table.insertRecords([
      { id: 1n, ratio: 0.1, score: 1e20, maybeRatio: 0.1 },
      { id: 2n, ratio: 0.5, score: 2.5 },
      { id: 3n, ratio: 3.4e38, score: Number.MAX_VALUE },
    ]);
  });
  afterAll(async () => {
    await spark?.close();
  });

  const ids = async (filter: Parameters<RecordTable<Reading>["query"]>[0]) =>
    (await table.query(filter, { orderBy: [{ field: "id" }] })).map((r) => r.id);

  test("a FLOAT column filtered on 0.1 finds the row inserted with 0.1", async () => {
    expect(await ids({ ratio: 0.1 })).toEqual([1n]);
    expect(await ids({ ratio: { eq: 0.1 } })).toEqual([1n]);
    expect(await ids({ ratio: { in: [0.1, 0.5] } })).toEqual([1n, 2n]);
    expect(await ids({ ratio: Math.fround(0.1) })).toEqual([1n]);
    expect(await ids({ ratio: { ne: 0.1 } })).toEqual([2n, 3n]);
    // As FLOAT: what was stored as 0.1 is not greater than 0.1.
    expect(await ids({ ratio: { gt: 0.1 } })).toEqual([2n, 3n]);
    expect(await ids({ ratio: { lte: 0.1 } })).toEqual([1n]);
    expect(await ids({ maybeRatio: 0.1 })).toEqual([1n]);
    // Beyond FLOAT's range, compared as doubles.
    expect(await ids({ ratio: { lt: 1e39 } })).toEqual([1n, 2n, 3n]);
  });

  test("a DOUBLE column takes doubles of any magnitude", async () => {
    expect(await ids({ score: { gt: 1e16 } })).toEqual([1n, 3n]);
    expect(await ids({ score: 1e20 })).toEqual([1n]);
    expect(await ids({ score: Number.MAX_VALUE })).toEqual([3n]);
    expect(await ids({ score: { in: [2.5, 1e20] } })).toEqual([1n, 2n]);
    expect(await table.count({ score: { lt: 2 ** 60 } })).toBe(1n);
  });

  test("a bound JS number beyond 2^53 is a DOUBLE parameter", async () => {
    const [row] = await (
      await spark.sql("SELECT :x AS x, :y AS y, typeof(:x) AS t", { x: 1e20, y: Number.MAX_VALUE })
    ).collect();
    expect(row).toEqual({ x: 1e20, y: Number.MAX_VALUE, t: "double" });
    const [safe] = await (await spark.sql("SELECT typeof(:x) AS t", { x: 2 ** 53 - 1 })).collect();
    expect(safe?.t).toBe("bigint");
  });

  test("insertRecordsSql binds FLOAT and DOUBLE values of any magnitude", async () => {
    const other = new RecordTable(spark, Reading, { location: tablePath("filter_types_sql") });
    await other.ensureTable();
    expect(await other.insertRecordsSql([{ id: 7n, ratio: 0.1, score: 1e20, maybeRatio: 2 ** 60 }])).toBe(1);
    const [back] = await other.query({ ratio: 0.1, score: 1e20 });
    expect(back).toMatchObject({ id: 7n, ratio: Math.fround(0.1), score: 1e20, maybeRatio: 2 ** 60 });
  });
});
