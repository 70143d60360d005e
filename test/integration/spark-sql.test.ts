/** SQL with bound parameters against the real server: every JS literal type, and hostile values stay values. */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Decimal, type SparkSession } from "../../runtime/src/index.js";
import { connect, deltaPath, tablePath } from "./helpers.js";

describe("sql with parameters", () => {
  let spark: SparkSession;
  beforeAll(async () => {
    spark = await connect();
  });
  afterAll(async () => {
    await spark?.close();
  });

  test("named parameters of every supported JS type arrive as typed Spark literals", async () => {
    const df = await spark.sql(
      "SELECT :s AS s, :i AS i, :l AS l, :d AS d, :b AS b, :t AS t, :n AS n, :bin AS bin, :dec AS dec, :arr AS arr, typeof(:i) AS ti, typeof(:l) AS tl, typeof(:dec) AS tdec, typeof(:t) AS tt",
      {
        s: "héllo ☃",
        i: 42,
        l: 9_007_199_254_740_993n,
        d: 2.5,
        b: true,
        t: new Date("2024-02-29T12:34:56.789Z"),
        n: null,
        bin: new Uint8Array([0, 255, 7]),
        dec: new Decimal("-1234.5600"),
        arr: ["a", null, "c"],
      },
    );
    expect(await df.collect()).toEqual([
      {
        s: "héllo ☃",
        i: 42,
        l: 9_007_199_254_740_993n,
        d: 2.5,
        b: true,
        t: new Date("2024-02-29T12:34:56.789Z"),
        n: null,
        bin: new Uint8Array([0, 255, 7]),
        dec: "-1234.5600",
        arr: ["a", null, "c"],
        ti: "int",
        tl: "bigint",
        tdec: "decimal(8,4)",
        tt: "timestamp",
      },
    ]);
  });

  test("positional parameters", async () => {
    const rows = await (await spark.sql("SELECT ? + ? AS sum, ? AS label", [40, 2, "x"])).collect();
    expect(rows).toEqual([{ sum: 42, label: "x" }]);
  });

  test("a hostile value stays a value, in queries and in DML", async () => {
    const path = tablePath("hostile");
    const table = deltaPath(path);
    await spark.sql(`CREATE TABLE ${table} (id INT, note STRING) USING delta`);
    const hostile = ["x'); DROP TABLE t; --", "\u0000nul", "`back`tick", "' OR '1'='1", "😀\\n"];
    for (const [i, note] of hostile.entries()) {
      await spark.sql(`INSERT INTO ${table} VALUES (:id, :note)`, { id: i, note });
    }
    const rows = await (await spark.sql(`SELECT note FROM ${table} ORDER BY id`)).collect();
    expect(rows.map((r) => r.note)).toEqual(hostile);
    const matched = await (
      await spark.sql(`SELECT count(*) AS c FROM ${table} WHERE note = ?`, ["' OR '1'='1"])
    ).collect();
    expect(matched).toEqual([{ c: 1n }]);
  });

  test("DDL and DML run when sql() is awaited, even if the result is never read", async () => {
    const path = tablePath("eager");
    await spark.sql(`CREATE TABLE ${deltaPath(path)} (id INT) USING delta`);
    await spark.sql(`INSERT INTO ${deltaPath(path)} VALUES (1), (2)`);
    expect(await spark.read("delta", [path]).count()).toBe(2n);
  });
});
