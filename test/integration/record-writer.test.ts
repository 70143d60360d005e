/**
 * The group-commit writer against the real server: many concurrent callers in few commits, a commit that fails
 * (a CHECK constraint the table enforces) failing exactly its callers, back-pressure both ways, a queued write
 * aborted, callers' keys, shutdown with a group pending, and the session rotated after a budget of uploads.
 */
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import {
  type ClientEvent,
  isSparkError,
  isWriterQueueFullError,
  RecordsRejectedError,
  RecordTable,
  type SparkSession,
  WriteCancelledError,
  WriterClosedError,
} from "../../runtime/src/index.js";
import { connect, tablePath } from "./helpers.js";

const record = (id: number, name = `r${id}`) => new BasicTestRecord({ id: BigInt(id), name, ingestSource: "writer" });
const records = (from: number, n: number) => Array.from({ length: n }, (_, i) => record(from + i));

let spark: SparkSession;
const events: ClientEvent[] = [];
beforeAll(async () => {
  spark = await connect({ onEvent: (e) => events.push(e) });
});
afterAll(async () => {
  await spark?.close();
});

async function newTable(prefix: string) {
  const table = new RecordTable(spark, BasicTestRecord, { location: tablePath(prefix) });
  await table.ensureTable();
  return table;
}

async function stats(table: RecordTable<BasicTestRecord>) {
  const [row] = await (
    await spark.sql(
      `SELECT count(*) AS n, count(DISTINCT id) AS ids, count(DISTINCT ingest_id) AS ingest FROM ${table.target.sql}`,
    )
  ).collect();
  return row;
}

describe("RecordTable.writer()", () => {
  test("100 concurrent callers: each answered after the commit that holds its records, in a few commits", async () => {
    const table = await newTable("writer_many");
    const writer = table.writer({ maxDelayMs: 200 });
    try {
      const results = await Promise.all(Array.from({ length: 100 }, (_, c) => writer.write(records(c * 5 + 1, 5))));
      expect(results.every((r) => r.written === 5 && r.version !== undefined)).toBe(true);
      const commits = new Set(results.map((r) => r.version));
      expect(commits.size).toBeLessThanOrEqual(5);
      expect(writer.stats.commits).toBe(commits.size);
      expect(await stats(table)).toEqual({ n: 500n, ids: 500n, ingest: 500n });
      // An invalid record rejects that caller at once; the others are not affected.
      await expect(writer.write([record(0)])).rejects.toBeInstanceOf(RecordsRejectedError);
    } finally {
      await writer.close();
    }
  });

  test("a commit that fails fails exactly the callers in it, with the cause; the next commit lands", async () => {
    const table = await newTable("writer_failing");
    // The table refuses ids of 1000 and above: a group holding one such record fails as a whole.
    await spark.sql(`ALTER TABLE ${table.target.sql} ADD CONSTRAINT small_ids CHECK (id < 1000)`);
    const writer = table.writer({ maxDelayMs: 300 });
    try {
      const group = [writer.write(records(1, 3)), writer.write([record(5000)]), writer.write(records(10, 2))];
      const outcomes = await Promise.allSettled(group);
      expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected", "rejected"]);
      const cause = (outcomes[1] as PromiseRejectedResult).reason;
      expect(isSparkError(cause) && cause.errorClass).toMatch(/^DELTA_VIOLATE_CONSTRAINT/);
      expect((outcomes[0] as PromiseRejectedResult).reason).toBe(cause);
      const next = await writer.write(records(20, 2));
      expect(next.written).toBe(2);
      expect(await stats(table)).toEqual({ n: 2n, ids: 2n, ingest: 2n });
    } finally {
      await writer.close();
    }
  });

  test("a full queue: a write that will not wait fails at once, one that waits goes in when there is room", async () => {
    const table = await newTable("writer_full");
    const writer = table.writer({ maxRecords: 10, maxQueuedRecords: 10, maxDelayMs: 0 });
    const impatient = table.writer({ maxRecords: 10, maxQueuedRecords: 10, maxDelayMs: 0, whenFull: "fail" });
    try {
      // One commit in flight (10 records), the queue full behind it (10 more).
      const first = writer.write(records(1, 10));
      await delay(20);
      const second = writer.write(records(11, 10));
      const waiting = writer.write(records(21, 5));
      let settled = false;
      void waiting.then(() => {
        settled = true;
      });
      await delay(50);
      expect(settled).toBe(false);
      expect(writer.queued).toBe(10);
      await Promise.all([first, second, waiting]);
      // The same with a writer that fails fast when full.
      const inFlight = impatient.write(records(100, 10));
      await delay(20);
      const queued = impatient.write(records(110, 10));
      const refused = await impatient.write(records(120, 1)).catch((e: unknown) => e);
      expect(isWriterQueueFullError(refused)).toBe(true);
      await Promise.all([inFlight, queued]);
      expect(await stats(table)).toEqual({ n: 45n, ids: 45n, ingest: 45n });
    } finally {
      await Promise.all([writer.close(), impatient.close()]);
    }
  });

  test("a queued write aborted before its commit is taken out: nothing of it is written", async () => {
    const table = await newTable("writer_abort");
    const writer = table.writer({ maxDelayMs: 2_000 });
    try {
      const controller = new AbortController();
      const aborted = writer.write(records(1, 3), { signal: controller.signal });
      const kept = writer.write(records(10, 3));
      controller.abort();
      const error = await aborted.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WriteCancelledError);
      expect((error as WriteCancelledError).committed).toBe(false);
      await writer.flush();
      expect((await kept).written).toBe(3);
      expect(await stats(table)).toEqual({ n: 3n, ids: 3n, ingest: 3n });
    } finally {
      await writer.close();
    }
  });

  test("a caller's key is written once: a retry with the same request id gets the first outcome", async () => {
    const table = await newTable("writer_keys");
    const writer = table.writer({ maxDelayMs: 50 });
    try {
      const first = await writer.write(records(1, 2), { key: "request-42" });
      // The client timed out and sends the same request again: new record objects, the same key.
      const again = await writer.write(records(1, 2), { key: "request-42" });
      expect(again).toMatchObject({ duplicate: true, version: first.version });
      expect(await stats(table)).toEqual({ n: 2n, ids: 2n, ingest: 2n });
    } finally {
      await writer.close();
    }
  });

  test("close() commits the group still waiting, then refuses writes", async () => {
    const table = await newTable("writer_close");
    const writer = table.writer({ maxDelayMs: 60_000 });
    const pending = writer.write(records(1, 4));
    await delay(50);
    await writer.close();
    expect((await pending).written).toBe(4);
    await expect(writer.write(records(5, 1))).rejects.toBeInstanceOf(WriterClosedError);
    expect(await stats(table)).toEqual({ n: 4n, ids: 4n, ingest: 4n });
  });

  test("the writer's session is released for a new one after a budget of uploads; every commit lands", async () => {
    const table = await newTable("writer_rotate");
    // 20k records with long names: well above the server's 1 MiB threshold, so each commit uploads artifacts.
    const writer = table.writer({ maxRecords: 20_000, rotateAfterBytes: 1 });
    try {
      const name = "x".repeat(100);
      for (let c = 0; c < 3; c++) {
        await writer.write(Array.from({ length: 20_000 }, (_, i) => record(c * 20_000 + i + 1, `${name}${i}`)));
      }
      await writer.flush(); // a rotation happens between commits, after the commit's callers were answered
      expect(writer.stats.rotations).toBe(3);
      expect(events.filter((e) => e.type === "rotate")).toHaveLength(3);
      expect(await stats(table)).toEqual({ n: 60_000n, ids: 60_000n, ingest: 60_000n });
    } finally {
      await writer.close();
    }
  });
});
