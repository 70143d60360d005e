/**
 * Typed tables under failure: the server killed (SIGKILL) in the middle of a run of inserts and restarted, and
 * eight concurrent writers into one table. Exactly the expected rows, no loss, no duplicates.
 */
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import { type ClientEvent, NO_BACKOFF_RETRY_POLICY, RecordTable, SparkSession } from "../../runtime/src/index.js";
import { kill, type RunningServer, start, stop } from "../../tools/spark/server.js";
import { connect, tablePath } from "./helpers.js";

const record = (id: number) => new BasicTestRecord({ id: BigInt(id + 1), name: `r${id}`, ingestSource: "reliability" });

describe("a server killed mid-run", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start({ name: "crash", port: 15006, memory: "1g", log: () => {} });
  });
  afterAll(async () => {
    await stop("crash", () => {});
  });

  test("inserts retried across a SIGKILL and restart land exactly once", async () => {
    const events: ClientEvent[] = [];
    const spark = await SparkSession.connect(server.remote, {
      retryPolicy: {
        ...NO_BACKOFF_RETRY_POLICY,
        initialBackoffMs: 250,
        multiplier: 2,
        maxBackoffMs: 2000,
        maxRetries: 60,
      },
      onEvent: (e) => events.push(e),
    });
    try {
      const table = new RecordTable(spark, BasicTestRecord, { location: `${server.warehouse}/crash_${Date.now()}` });
      await table.ensureTable();
      const batches = 6;
      const perBatch = 10;
      let restarted: Promise<unknown> | undefined;
      for (let b = 0; b < batches; b++) {
        const insert = table.insertRecords(Array.from({ length: perBatch }, (_, i) => record(b * perBatch + i)));
        if (b === 2) {
          // Kill the server while this insert is in flight, bring it back a moment later.
          await delay(150);
          kill("crash");
          restarted = delay(1500).then(() => start({ name: "crash", port: 15006, memory: "1g", log: () => {} }));
        }
        await insert;
      }
      await restarted;
      const rows = await table.query();
      expect(rows.length).toBe(batches * perBatch);
      expect(new Set(rows.map((r) => r.id)).size).toBe(batches * perBatch);
      expect(events.some((e) => e.type === "reconnect")).toBe(true);
    } finally {
      await spark.close();
    }
  }, 480_000);
});

describe("concurrent writers", () => {
  let spark: SparkSession;
  beforeAll(async () => {
    spark = await connect();
  });
  afterAll(async () => {
    await spark?.close();
  });

  // 8 × 50 is the figure; the suite runs 8 × 10 to stay within CI's time on 2 cores (80 concurrent commits).
  test("8 concurrent writers × 10 batches into one table: exact count, every ingest id once", async () => {
    const location = tablePath("concurrent");
    await new RecordTable(spark, BasicTestRecord, { location }).ensureTable();
    const writers = 8;
    const batches = 10;
    const perBatch = 5;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const session = await connect();
        try {
          const table = new RecordTable(session, BasicTestRecord, { location });
          for (let b = 0; b < batches; b++) {
            const base = (w * batches + b) * perBatch;
            await table.insertRecords(Array.from({ length: perBatch }, (_, i) => record(base + i)));
          }
        } finally {
          await session.close();
        }
      }),
    );
    const table = new RecordTable(spark, BasicTestRecord, { location });
    const total = writers * batches * perBatch;
    expect(await table.count()).toBe(BigInt(total));
    const stats = await (
      await spark.sql(`SELECT count(DISTINCT ingest_id) AS ids, count(DISTINCT id) AS keys FROM ${table.target.sql}`)
    ).collect();
    expect(stats).toEqual([{ ids: BigInt(total), keys: BigInt(total) }]);
  }, 600_000);
});
