/**
 * Typed tables under failure: the server killed (SIGKILL) in the middle of a run of inserts and restarted, and
 * an answer lost after Delta committed, and eight concurrent writers into one table. Exactly the expected rows, no
 * loss, no duplicates.
 */
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import {
  type ClientEvent,
  NO_BACKOFF_RETRY_POLICY,
  parseConnectionString,
  RecordTable,
  SparkSession,
} from "../../runtime/src/index.js";
import { decodeMarker } from "../../runtime/src/tables/idempotency.js";
import { kill, type RunningServer, start, stop } from "../../tools/spark/server.js";
import { connect, remote, tablePath } from "./helpers.js";
import { startTcpProxy } from "./tcp-proxy.js";

const record = (id: number) => new BasicTestRecord({ id: BigInt(id + 1), name: `r${id}`, ingestSource: "reliability" });

describe("a server killed mid-run", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start({ name: "crash", port: 15006, memory: "1g", log: () => {} });
  });
  afterAll(async () => {
    await stop("crash", () => {});
  });

  test("inserts retried across a SIGKILL and restart land exactly once, resuming within seconds of the restart", async () => {
    // The default retry policy: what a user gets.
    const events: ClientEvent[] = [];
    const eventTimes: number[] = [];
    const spark = await SparkSession.connect(server.remote, {
      onEvent: (e) => {
        events.push(e);
        eventTimes.push(Date.now());
      },
    });
    try {
      const table = new RecordTable(spark, BasicTestRecord, { location: `${server.warehouse}/crash_${Date.now()}` });
      await table.ensureTable();
      const batches = 6;
      const perBatch = 10;
      let backAt = 0;
      let recoveredAt = 0;
      let restarted: Promise<unknown> | undefined;
      for (let b = 0; b < batches; b++) {
        const insert = table.insertRecords(Array.from({ length: perBatch }, (_, i) => record(b * perBatch + i)));
        if (b === 2) {
          // Kill the server while this insert is in flight, bring it back a moment later.
          await delay(150);
          kill("crash");
          restarted = delay(1500)
            .then(() => start({ name: "crash", port: 15006, memory: "1g", log: () => {} }))
            .then(() => {
              backAt = Date.now();
            });
        }
        await insert;
        if (b === 2) recoveredAt = Date.now();
      }
      await restarted;
      const rows = await table.query();
      expect(rows.length).toBe(batches * perBatch);
      expect(new Set(rows.map((r) => r.id)).size).toBe(batches * perBatch);
      expect(events.some((e) => e.type === "reconnect")).toBe(true);
      // Back-off is capped at 5 s (plus jitter) while the server is down, so the insert resumed within seconds of
      // the server answering again — not after minute-long sleeps.
      const delays = events.flatMap((e) => (e.type === "retry" ? [e.delayMs] : []));
      expect(Math.max(...delays)).toBeLessThanOrEqual(5_500);
      // The client talks to the restarted server when it learns that its session is gone there.
      const resumedAt = eventTimes[events.findIndex((e) => e.type === "reconnect")] ?? Number.POSITIVE_INFINITY;
      console.log(
        `server answered again; the client was back ${resumedAt - backAt} ms later, the insert in flight completed ` +
          `${recoveredAt - backAt} ms later (the restarted server's first Delta write included)`,
      );
      expect(resumedAt - backAt).toBeLessThan(7_000);
    } finally {
      await spark.close();
    }
  }, 480_000);
});

describe("an answer lost after the commit", () => {
  test("the connection drops after Delta committed but before the client heard: the retry writes nothing twice", async () => {
    const spark = await connect();
    const target = parseConnectionString(remote());
    const proxy = await startTcpProxy(target.host, target.port);
    const events: ClientEvent[] = [];
    const viaProxy = await SparkSession.connect(`sc://127.0.0.1:${proxy.port}`, {
      retryPolicy: { ...NO_BACKOFF_RETRY_POLICY, initialBackoffMs: 200, maxBackoffMs: 1000, maxRetries: 20 },
      onEvent: (e) => events.push(e),
    });
    try {
      const location = tablePath("lost_answer");
      const direct = new RecordTable(spark, BasicTestRecord, { location });
      await direct.ensureTable();
      const table = new RecordTable(viaProxy, BasicTestRecord, { location });
      const first = await table.insertRecords([0, 1, 2, 3, 4].map(record));
      const latest = async () => {
        const [row] = await (await spark.sql(`DESCRIBE HISTORY ${direct.target.sql} LIMIT 1`)).collect();
        return row?.version as bigint;
      };
      expect(await latest()).toBe(first.version);

      // From here the server's answers are dropped: the append reaches Spark and commits, the client hears nothing.
      proxy.hold();
      const second = table.insertRecords([5, 6, 7, 8, 9].map(record));
      const deadline = Date.now() + 90_000;
      while ((await latest()) === first.version) {
        if (Date.now() > deadline) throw new Error("the held append never committed");
        await delay(100);
      }
      const committed = await latest();
      proxy.cut();

      const result = await second;
      expect(result.version).toBe(committed);
      expect(await latest()).toBe(committed);
      expect(events.some((e) => e.type === "retry" || e.type === "reattach")).toBe(true);
      const stats = await (
        await spark.sql(
          `SELECT count(*) AS n, count(DISTINCT ingest_id) AS ids, count(DISTINCT id) AS keys FROM ${direct.target.sql}`,
        )
      ).collect();
      expect(stats).toEqual([{ n: 10n, ids: 10n, keys: 10n }]);
      const history = await (await spark.sql(`DESCRIBE HISTORY ${direct.target.sql}`)).collect();
      const commits = history.filter((h) => {
        const marker = decodeMarker(h.userMetadata);
        return marker?.appId === result.idempotencyKey?.appId && marker?.txnVersion === result.idempotencyKey?.version;
      });
      expect(commits.map((h) => h.version)).toEqual([committed]);
    } finally {
      await viaProxy.close();
      await proxy.close();
      await spark.close();
    }
  }, 240_000);
});

describe("concurrent writers", () => {
  let spark: SparkSession;
  beforeAll(async () => {
    spark = await connect();
  });
  afterAll(async () => {
    await spark?.close();
  });

  // 400 concurrent commits into one Delta table: about 8 minutes on 2 cores (each idempotent append costs ~1 s).
  test("8 concurrent writers × 50 batches into one table: exact count, every ingest id once", async () => {
    const location = tablePath("concurrent");
    await new RecordTable(spark, BasicTestRecord, { location }).ensureTable();
    const writers = 8;
    const batches = 50;
    const perBatch = 5;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const session = await connect();
        try {
          // A writer each: the handles of one process that share an app id take turns, so give each its own.
          const table = new RecordTable(session, BasicTestRecord, { location, appId: `writer-${w}-${Date.now()}` });
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
  }, 1_200_000);
});
