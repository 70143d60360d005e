/** Session lifecycle, configuration, errors and SPARK_REMOTE against the real server. */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  ConnectionError,
  ConnectionStringError,
  isSparkError,
  NO_BACKOFF_RETRY_POLICY,
  SparkError,
  SparkSession,
} from "../../runtime/src/index.js";
import { connect, remote } from "./helpers.js";

describe("session", () => {
  let spark: SparkSession;
  beforeAll(async () => {
    spark = await connect();
  });
  afterAll(async () => {
    await spark?.close();
  });

  test("conf get/set/unset", async () => {
    expect(await spark.conf.get("spark.sql.shuffle.partitions")).toBe("4");
    await spark.conf.set("spark.lakehouse.test.key", 3);
    expect(await spark.conf.get("spark.lakehouse.test.key")).toBe("3");
    await spark.conf.unset("spark.lakehouse.test.key");
    expect(await spark.conf.get("spark.lakehouse.test.key")).toBeUndefined();
    expect(await spark.conf.get("spark.lakehouse.test.unset.key")).toBeUndefined();
    expect(await spark.conf.getOrDefault("spark.lakehouse.test.unset.key", "fallback")).toBe("fallback");
  });

  test("a Spark error carries its error class, SQLSTATE and parameters, and no gRPC internals", async () => {
    const error = await spark.sql("SELECT * FROM no_such_table_xyz").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SparkError);
    expect(isSparkError(error)).toBe(true);
    const spark_ = error as SparkError;
    expect(spark_.errorClass).toBe("TABLE_OR_VIEW_NOT_FOUND");
    expect(spark_.sqlState).toBe("42P01");
    expect(spark_.messageParameters.relationName).toBe("`no_such_table_xyz`");
    expect(spark_.message).toMatch(/^\[TABLE_OR_VIEW_NOT_FOUND\]/);
    expect(spark_.message).not.toMatch(/grpc|at Object\.|node_modules/i);
    const details = await spark.errorDetails(spark_);
    expect(details[0]?.types[0]).toMatch(/AnalysisException/);
  });

  test("the session's schema analysis (AnalyzePlan)", async () => {
    const schema = await (await spark.sql("SELECT 1 AS one, 'x' AS s")).schema();
    expect(schema.kind.case).toBe("struct");
    if (schema.kind.case !== "struct") return;
    expect(schema.kind.value.fields.map((f) => [f.name, f.dataType?.kind.case, f.nullable])).toEqual([
      ["one", "integer", false],
      ["s", "string", false],
    ]);
  });

  test("SPARK_REMOTE is used when no remote is given", async () => {
    const saved = process.env.SPARK_REMOTE;
    process.env.SPARK_REMOTE = remote();
    try {
      const session = await SparkSession.connect();
      expect(await session.version()).toMatch(/^4\./);
      await session.close();
    } finally {
      if (saved === undefined) delete process.env.SPARK_REMOTE;
      else process.env.SPARK_REMOTE = saved;
    }
  });

  test("no remote at all is a clear error", async () => {
    const saved = process.env.SPARK_REMOTE;
    delete process.env.SPARK_REMOTE;
    try {
      await expect(SparkSession.connect()).rejects.toThrow(ConnectionStringError);
    } finally {
      if (saved !== undefined) process.env.SPARK_REMOTE = saved;
    }
  });

  test("an unreachable server is a ConnectionError after the retries", async () => {
    const attempts: number[] = [];
    const error = await SparkSession.connect("sc://127.0.0.1:1", {
      retryPolicy: { ...NO_BACKOFF_RETRY_POLICY, maxRetries: 2 },
      onEvent: (e) => e.type === "retry" && attempts.push(e.attempt),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(attempts).toEqual([1, 2]);
  });

  test("close() releases the session: the server forgets it", async () => {
    const session = await connect();
    const id = session.sessionId;
    await session.close();
    await session.close(); // twice is fine
    const reuse = await connect().then(async (s) => {
      await s.close();
      return s.sessionId;
    });
    expect(reuse).not.toBe(id);
  });
});
