/** DataFrame plans, results as Arrow, rows and streams, writes, against the real server. */
import { Int32, Int64, makeVector, Table, Utf8, vectorFromArray } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { SparkSession } from "../../runtime/src/index.js";
import { column } from "../../runtime/src/spark/relations.js";
import { connect, deltaPath, tablePath } from "./helpers.js";

function sampleTable(n: number): Table {
  return new Table({
    id: makeVector(BigInt64Array.from({ length: n }, (_, i) => BigInt(i))),
    name: vectorFromArray(
      Array.from({ length: n }, (_, i) => `name-${i}`),
      new Utf8(),
    ),
    bucket: vectorFromArray(
      Array.from({ length: n }, (_, i) => i % 3),
      new Int32(),
    ),
  });
}

describe("DataFrame", () => {
  let spark: SparkSession;
  beforeAll(async () => {
    spark = await connect();
  });
  afterAll(async () => {
    await spark?.close();
  });

  test("range, filter, select, limit, toDF, withColumnsRenamed, count", async () => {
    const df = spark
      .range(0, 100)
      .filter("id % 10 = 0")
      .select("id")
      .limit(3)
      .toDF("n")
      .withColumnsRenamed({ n: "value" });
    expect(await df.collect()).toEqual([{ value: 0n }, { value: 10n }, { value: 20n }]);
    expect(await spark.range(1000).filter("id >= 990").count()).toBe(10n);
    expect(await spark.range(5).select(column("id")).count()).toBe(5n);
  });

  test("toArrow keeps Spark's types; an empty result still has its schema", async () => {
    const table = await (await spark.sql("SELECT CAST(1 AS BIGINT) AS id, 'a' AS s, DATE'2024-01-31' AS d")).toArrow();
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(["id:Int64", "s:Utf8", "d:Date32<DAY>"]);
    const empty = await spark.range(0).toArrow();
    expect(empty.numRows).toBe(0);
    expect(empty.schema.fields.map((f) => f.name)).toEqual(["id"]);
  });

  test("a DataFrame from Arrow round-trips, with and without a schema", async () => {
    const df = await spark.createDataFrame(sampleTable(5));
    expect(await df.collect()).toEqual(
      [0, 1, 2, 3, 4].map((i) => ({ id: BigInt(i), name: `name-${i}`, bucket: i % 3 })),
    );
    const cast = await spark.createDataFrame(sampleTable(2), { schema: "id INT, label STRING, bucket BIGINT" });
    expect(await cast.collect()).toEqual([
      { id: 0, label: "name-0", bucket: 0n },
      { id: 1, label: "name-1", bucket: 1n },
    ]);
  });

  test("batches() and rows() stream the result in order", async () => {
    const df = spark.range(0, 50_000, 1, 4);
    let rows = 0;
    let batches = 0;
    for await (const batch of df.batches()) {
      batches++;
      rows += batch.numRows;
    }
    expect(rows).toBe(50_000);
    expect(batches).toBeGreaterThan(0);
    let expected = 0n;
    for await (const row of spark.range(0, 1000).rows()) {
      expect(row.id).toBe(expected++);
    }
    expect(expected).toBe(1000n);
  });

  test("temp views", async () => {
    const df = await spark.createDataFrame(sampleTable(3));
    await df.createOrReplaceTempView("lakehouse_test_view");
    expect(await (await spark.sql("SELECT max(id) AS m FROM lakehouse_test_view")).collect()).toEqual([{ m: 2n }]);
    expect(await spark.table("lakehouse_test_view").count()).toBe(3n);
  });

  test("writes: path with modes and partitioning, saveAsTable, insertInto, writeTo", async () => {
    const path = tablePath("writes");
    const df = await spark.createDataFrame(sampleTable(6));
    await df.write.mode("errorIfExists").partitionBy("bucket").save(path);
    await expect(df.write.mode("errorIfExists").save(path)).rejects.toThrow(/already exists|DELTA_PATH_EXISTS/i);
    await df.write.mode("ignore").save(path);
    expect(await spark.read("delta", [path]).count()).toBe(6n);
    await df.write.mode("append").save(path);
    expect(await spark.read("delta", [path]).count()).toBe(12n);
    await df.limit(1).write.mode("overwrite").save(path);
    expect(await spark.read("delta", [path]).count()).toBe(1n);
    const detail = await (await spark.sql(`DESCRIBE DETAIL ${deltaPath(path)}`)).collect();
    expect(detail[0]?.partitionColumns).toEqual(["bucket"]);

    // Delta 4.4 takes clustering from DDL (CLUSTER BY); appends keep it.
    const clustered = tablePath("clustered");
    await spark.sql(
      `CREATE TABLE ${deltaPath(clustered)} (id BIGINT, name STRING, bucket INT) USING delta CLUSTER BY (bucket)`,
    );
    await df.write.mode("append").save(clustered);
    expect(await spark.read("delta", [clustered]).count()).toBe(6n);
    const clusteredDetail = await (await spark.sql(`DESCRIBE DETAIL ${deltaPath(clustered)}`)).collect();
    expect(clusteredDetail[0]?.clusteringColumns).toEqual(["bucket"]);

    const name = `writes_${Date.now()}`;
    await df.write.saveAsTable(name);
    await df.limit(2).write.insertInto(name);
    expect(await spark.table(name).count()).toBe(8n);
    await df.limit(1).writeTo(name).append();
    expect(await spark.table(name).count()).toBe(9n);
    await df.writeTo(`${name}_v2`).using("delta").partitionedBy("bucket").create();
    expect(await spark.table(`${name}_v2`).count()).toBe(6n);
    await spark.sql(`DROP TABLE ${name}`);
    await spark.sql(`DROP TABLE ${name}_v2`);
  });

  test("Delta's txnAppId/txnVersion make a repeated append a no-op", async () => {
    const path = tablePath("idempotent");
    const df = await spark.createDataFrame(sampleTable(4));
    const write = () => df.write.mode("append").option("txnAppId", "test-app").option("txnVersion", 1).save(path);
    await write();
    await write();
    expect(await spark.read("delta", [path]).count()).toBe(4n);
  });

  test("numbers keep their Arrow types when written", async () => {
    const table = new Table({
      small: vectorFromArray([1, 2], new Int32()),
      big: vectorFromArray([1n, 2n], new Int64()),
    });
    const path = tablePath("types");
    await (await spark.createDataFrame(table)).write.save(path);
    const desc = await (await spark.sql(`DESCRIBE ${deltaPath(path)}`)).collect();
    expect(desc.map((r) => [r.col_name, r.data_type])).toEqual([
      ["small", "int"],
      ["big", "bigint"],
    ]);
  });
});
