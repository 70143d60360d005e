/**
 * The foundation, proven against the real Spark Connect + Delta server: raw ExecutePlan over grpc-js with the
 * generated messages, a Delta commit, and the server's version.
 */
import { randomUUID } from "node:crypto";
import { tableFromIPC } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SparkConnectService } from "../../runtime/src/gen/spark/connect/base_pb.js";
import type { SparkSession } from "../../runtime/src/index.js";
import { parseConnectionString } from "../../runtime/src/spark/connection-string.js";
import { GrpcTransport } from "../../runtime/src/spark/grpc-transport.js";
import { CachedToken, staticToken } from "../../runtime/src/spark/token-provider.js";
import { DEFAULT_TIMEOUTS } from "../../runtime/src/spark/transport.js";
import { SPARK_VERSION } from "../../tools/protos/pins.js";
import { connect, deltaPath, remote, tablePath } from "./helpers.js";

describe("foundation", () => {
  let spark: SparkSession;
  beforeAll(async () => {
    spark = await connect();
  });
  afterAll(async () => {
    await spark?.close();
  });

  test("ExecutePlan over grpc-js returns an Arrow batch that apache-arrow decodes", async () => {
    const config = parseConnectionString(remote());
    const transport = new GrpcTransport({
      host: config.host,
      port: config.port,
      useSsl: config.useSsl,
      headers: config.headers,
      token: config.token ? new CachedToken(staticToken(config.token)) : undefined,
      userAgent: "foundation-test",
      timeouts: DEFAULT_TIMEOUTS,
    });
    try {
      const rows: unknown[] = [];
      const kinds: (string | undefined)[] = [];
      for await (const response of transport.serverStream(SparkConnectService.method.executePlan, {
        sessionId: randomUUID(),
        userContext: { userId: "test" },
        clientType: "foundation-test",
        plan: {
          opType: { case: "root", value: { relType: { case: "sql", value: { query: "SELECT 1 AS one, 'x' AS s" } } } },
        },
      })) {
        kinds.push(response.responseType.case);
        if (response.responseType.case === "arrowBatch") {
          rows.push(
            ...tableFromIPC(response.responseType.value.data)
              .toArray()
              .map((row) => row.toJSON()),
          );
        }
      }
      expect(rows).toEqual([{ one: 1, s: "x" }]);
      expect(kinds).toContain("arrowBatch");
    } finally {
      transport.close();
    }
  });

  test("a Delta table at a path gets a commit that DESCRIBE HISTORY shows", async () => {
    const path = tablePath("foundation");
    await spark.sql(`CREATE TABLE ${deltaPath(path)} (id BIGINT, name STRING) USING delta`);
    await spark.sql(`INSERT INTO ${deltaPath(path)} VALUES (1, 'one')`);
    const history = await (await spark.sql(`DESCRIBE HISTORY ${deltaPath(path)}`)).collect();
    expect(history.map((row) => [row.version, row.operation])).toEqual([
      [1n, "WRITE"],
      [0n, "CREATE TABLE"],
    ]);
    expect(await (await spark.sql(`SELECT * FROM ${deltaPath(path)}`)).collect()).toEqual([{ id: 1n, name: "one" }]);
  });

  test("AnalyzePlan reports the pinned Spark version", async () => {
    expect(await spark.version()).toBe(SPARK_VERSION);
  });
});
