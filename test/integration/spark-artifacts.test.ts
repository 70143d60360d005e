/** Large client data goes to the server as artifacts, not inside one gRPC message. */
import { Int64, makeVector, Table, Utf8, vectorFromArray } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { SparkSession } from "../../runtime/src/index.js";
import { DataFrame } from "../../runtime/src/spark/dataframe.js";
import { connect } from "./helpers.js";

describe("artifacts", () => {
  let spark: SparkSession;
  beforeAll(async () => {
    spark = await connect();
  });
  afterAll(async () => {
    await spark?.close();
  });

  test("a small table travels inline", async () => {
    const table = new Table({ id: vectorFromArray([1n, 2n], new Int64()) });
    expect((await spark.planLocalRelation(table)).path).toBe("inline");
  });

  test("a 300 MB Arrow table is uploaded as artifacts (once) and read back whole", async () => {
    const rows = 1_200_000;
    const pad = "p".repeat(240);
    const table = new Table({
      id: makeVector(BigInt64Array.from({ length: rows }, (_, i) => BigInt(i))),
      payload: vectorFromArray(
        Array.from({ length: rows }, (_, i) => `${i}:${pad}`),
        new Utf8(),
      ),
    });
    const planned = await spark.planLocalRelation(table, { schema: "id BIGINT, payload STRING" });
    expect(planned.path).toBe("artifacts");
    expect(planned.uploadedBytes).toBeGreaterThan(300 * 1000 * 1000);
    const df = new DataFrame(spark.client, planned.relation);
    expect(await df.count()).toBe(BigInt(rows));
    await df.createOrReplaceTempView("big_upload");
    expect(await (await spark.sql("SELECT sum(length(payload)) AS n, max(id) AS m FROM big_upload")).collect()).toEqual(
      [
        {
          n:
            BigInt(rows * 241) +
            BigInt(Array.from({ length: rows }, (_, i) => String(i).length).reduce((a, b) => a + b, 0)),
          m: BigInt(rows - 1),
        },
      ],
    );
    // Content-addressed: planning the same data again uploads nothing.
    expect((await spark.planLocalRelation(table, { schema: "id BIGINT, payload STRING" })).uploadedBytes).toBe(0);
  });
});
