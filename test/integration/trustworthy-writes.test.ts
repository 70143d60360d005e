/**
 * Writes that never lie, against the real server: no insert reported as written that Delta skipped, keys that
 * survive a restart, one handle used concurrently, aborted inserts that say whether they committed, conflicting
 * upserts retried, and table names that stay names.
 */
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import {
  type ClientEvent,
  IdempotencyConflictError,
  NO_BACKOFF_RETRY_POLICY,
  parseConnectionString,
  RecordTable,
  SparkSession,
  WriteCancelledError,
} from "../../runtime/src/index.js";
import { forgetWriters } from "../../runtime/src/tables/idempotency.js";
import { connect, remote, tablePath } from "./helpers.js";
import { startTcpProxy } from "./tcp-proxy.js";

const record = (id: number, name = `r${id}`) => new BasicTestRecord({ id: BigInt(id), name, ingestSource: "trust" });
const records = (from: number, n: number) => Array.from({ length: n }, (_, i) => record(from + i));

let spark: SparkSession;
beforeAll(async () => {
  spark = await connect();
});
afterAll(async () => {
  await spark?.close();
});

async function newTable(prefix: string, options: { appId?: string } = {}) {
  const table = new RecordTable(spark, BasicTestRecord, { location: tablePath(prefix), ...options });
  await table.ensureTable();
  return table;
}

describe("no insert reported as written that Delta skipped", () => {
  test("an insertStream that failed midway does not make the next insert of the handle a silent skip", async () => {
    const table = await newTable("after_failed_stream");
    const thirty = records(1, 30);
    (thirty[24] as BasicTestRecord).id = 0n; // invalid (id must be > 0): the third batch is rejected
    await expect(table.insertStream(thirty, { batchSize: 10 })).rejects.toThrow(/invalid/);
    expect(await table.count()).toBe(20n);
    const result = await table.insertRecords(records(1000, 3));
    expect(result.inserted).toBe(3);
    expect(await table.count()).toBe(23n);
  });

  test("a fixed app id in a new process continues after the last version Delta recorded for it", async () => {
    const location = tablePath("fixed_app_id");
    const first = new RecordTable(spark, BasicTestRecord, { location, appId: "orders-writer" });
    await first.ensureTable();
    await first.insertRecords(records(1, 2));
    await first.insertRecords(records(3, 2));
    forgetWriters(); // what a new process knows of the writer: nothing
    const again = new RecordTable(spark, BasicTestRecord, { location, appId: "orders-writer" });
    const result = await again.insertRecords(records(5, 2));
    expect(result.idempotencyKey).toEqual({ appId: "orders-writer", version: 3n });
    expect(await again.count()).toBe(6n);
  });

  test("a key used again: the same batch is recognised and not written twice; another batch is a conflict", async () => {
    const table = await newTable("explicit_keys");
    const key = { appId: "source-partition-7", version: 41 };
    const batch = records(1, 3);
    const written = await table.insertRecords(batch, { idempotencyKey: key });
    // The same records decoded again after a crash: new ingest ids and timestamps, the same batch.
    const again = await table.insertRecords(records(1, 3), { idempotencyKey: key });
    expect(again.version).toBe(written.version);
    expect(again.alreadyCommitted).toBe(true);
    const error = await table.insertRecords(records(10, 3), { idempotencyKey: key }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyConflictError);
    expect((error as IdempotencyConflictError).committedVersion).toBe(written.version);
    // A lower version than the app id's last: Delta would skip it; it is refused, not reported written.
    const lower = await table
      .insertRecords(records(20, 1), { idempotencyKey: { ...key, version: 40 } })
      .catch((e: unknown) => e);
    expect(lower).toBeInstanceOf(IdempotencyConflictError);
    expect(await table.count()).toBe(3n);
  });

  test("concurrent inserts through one handle all land, each once", async () => {
    const table = await newTable("one_handle_concurrent");
    const results = await Promise.all([0, 1, 2, 3, 4].map((b) => table.insertRecords(records(b * 10 + 1, 10))));
    expect(new Set(results.map((r) => r.version)).size).toBe(5);
    const stats = await (
      await spark.sql(`SELECT count(*) AS n, count(DISTINCT id) AS ids FROM ${table.target.sql}`)
    ).collect();
    expect(stats).toEqual([{ n: 50n, ids: 50n }]);
  });
});

describe("aborted inserts say whether they committed", () => {
  test("aborted after Delta committed (its answer held back): committed, with the version", async () => {
    const target = parseConnectionString(remote());
    const proxy = await startTcpProxy(target.host, target.port);
    const viaProxy = await SparkSession.connect(`sc://127.0.0.1:${proxy.port}`, {
      retryPolicy: { ...NO_BACKOFF_RETRY_POLICY, initialBackoffMs: 200, maxBackoffMs: 500, maxRetries: 20 },
    });
    try {
      const location = tablePath("aborted_committed");
      const direct = new RecordTable(spark, BasicTestRecord, { location });
      await direct.ensureTable();
      const table = new RecordTable(viaProxy, BasicTestRecord, { location });
      await table.insertRecords(records(1, 2));
      const versionBefore = await latestVersion(direct);
      proxy.hold();
      const controller = new AbortController();
      const insert = table.insertRecords(records(3, 2), { signal: controller.signal }).catch((e: unknown) => e);
      const deadline = Date.now() + 90_000;
      while ((await latestVersion(direct)) === versionBefore) {
        if (Date.now() > deadline) throw new Error("the held append never committed");
        await delay(100);
      }
      // The client has not heard of the commit; the connection comes back as the caller gives up.
      controller.abort();
      proxy.cut();
      const error = await insert;
      expect(error).toBeInstanceOf(WriteCancelledError);
      expect(error).toMatchObject({ committed: true, version: await latestVersion(direct) });
      expect(await direct.count()).toBe(4n);
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
  }, 180_000);

  test("aborted before its batch was sent: not committed", async () => {
    const table = await newTable("aborted_early");
    const controller = new AbortController();
    controller.abort();
    const error = await table.insertRecords(records(1, 2), { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteCancelledError);
    expect((error as WriteCancelledError).committed).toBe(false);
    expect(await table.count()).toBe(0n);
  });
});

describe("Delta write conflicts", () => {
  test("4 sessions upserting overlapping keys at once: every upsert lands (conflicts retried)", async () => {
    const location = tablePath("conflicting_upserts");
    await new RecordTable(spark, BasicTestRecord, { location }).ensureTable();
    const events: ClientEvent[] = [];
    const sessions = await Promise.all([0, 1, 2, 3].map(() => connect({ onEvent: (e) => events.push(e) })));
    try {
      await Promise.all(
        sessions.map(async (session, w) => {
          const table = new RecordTable(session, BasicTestRecord, { location });
          // Keys 1–8 for everyone: each MERGE reads and rewrites the same files.
          for (let round = 0; round < 4; round++) {
            await table.upsertRecords(records(1, 8).map((r) => Object.assign(r, { name: `w${w}-round${round}` })));
          }
        }),
      );
    } finally {
      await Promise.all(sessions.map((s) => s.close()));
    }
    const rows = await new RecordTable(spark, BasicTestRecord, { location }).query();
    expect(rows.map((r) => r.id).sort((a, b) => Number(a - b))).toEqual(records(1, 8).map((r) => r.id));
    expect(rows.every((r) => /^w\d-round3$/.test(r.name))).toBe(true);
    console.log(
      `conflicts retried: ${events.filter((e) => e.type === "retry" && e.operation === "MERGE").length} over 16 upserts`,
    );
  }, 600_000);
});

describe("table names stay names", () => {
  test("a catalog table named by SQL keywords is created, written, read and deleted from", async () => {
    // `default.select` works only because every part is quoted: `DELETE FROM default.select WHERE …` does not parse.
    const location = tablePath("kw");
    const table = new RecordTable(spark, BasicTestRecord, { tableName: "default.select", location });
    expect(table.target.sql).toBe("`default`.`select`");
    await spark.sql(`DROP TABLE IF EXISTS ${table.target.sql}`);
    try {
      await table.ensureTable();
      await table.insertRecords(records(1, 3));
      // The same table by its path: another handle, never colliding with the first one's batch numbers.
      await new RecordTable(spark, BasicTestRecord, { location }).insertRecords(records(4, 1));
      expect(await table.deleteByKey([{ id: 2n }])).toBe(1n);
      expect((await table.query()).map((r) => r.id).sort()).toEqual([1n, 3n, 4n]);
    } finally {
      await spark.sql(`DROP TABLE IF EXISTS ${table.target.sql}`);
    }
  });
});

async function latestVersion(table: RecordTable<BasicTestRecord>): Promise<bigint> {
  const [row] = await (await spark.sql(`DESCRIBE HISTORY ${table.target.sql} LIMIT 1`)).collect();
  return row?.version as bigint;
}
