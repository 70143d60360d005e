/** Typed tables over generated record classes, against the real server. */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import {
  RecordsRejectedError,
  RecordTable,
  type SparkSession,
  TableSchemaMismatchError,
} from "../../runtime/src/index.js";
import { decodeMarker } from "../../runtime/src/tables/idempotency.js";
import { connect, deltaPath, tablePath } from "./helpers.js";

const basic = (id: bigint, extra: Partial<BasicTestRecord> = {}) =>
  new BasicTestRecord({
    id,
    name: `name-${id}`,
    value: Number(id) / 2,
    isActive: id % 2n === 0n,
    ingestSource: "test",
    ...extra,
  });

describe("RecordTable", () => {
  let spark: SparkSession;
  beforeAll(async () => {
    spark = await connect();
  });
  afterAll(async () => {
    await spark?.close();
  });

  test("ensureTable creates the Delta table from the contract, then recognises it", async () => {
    const table = new RecordTable(spark, BasicTestRecord, { location: tablePath("basic") });
    expect(await table.ensureTable()).toBe("created");
    expect(await table.ensureTable()).toBe("exists");
    const columns = await (await spark.sql(`DESCRIBE ${table.target.sql}`)).collect();
    expect(columns.slice(0, 2).map((c) => [c.col_name, c.data_type, c.comment])).toEqual([
      ["id", "bigint", "Unique id of the record."],
      ["name", "string", "Display name."],
    ]);
  });

  test("schema drift behind the client's back is a readable error", async () => {
    const table = new RecordTable(spark, BasicTestRecord, { location: tablePath("drift") });
    await table.ensureTable();
    await spark.sql(`ALTER TABLE ${table.target.sql} ADD COLUMNS (surprise STRING)`);
    const error = await table.ensureTable().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TableSchemaMismatchError);
    expect((error as TableSchemaMismatchError).differences).toEqual([
      "+ surprise string: in the table, not in the contract",
    ]);
  });

  test("insertRecords writes one Delta commit and reads back equal records", async () => {
    const table = new RecordTable(spark, BasicTestRecord, { location: tablePath("insert") });
    await table.ensureTable();
    const records = [1n, 2n, 3n, 4n].map((id) => basic(id));
    const result = await table.insertRecords(records);
    expect(result).toMatchObject({ inserted: 4, rejected: [], version: 1n });
    const back = await table.query();
    expect(back.sort((a, b) => Number(a.id - b.id))).toEqual(records);
    const history = await (await spark.sql(`DESCRIBE HISTORY ${table.target.sql}`)).collect();
    expect(history.map((h) => h.operation)).toEqual(["WRITE", "CREATE TABLE"]);
  });

  test("an invalid record rejects the whole batch with every issue by index, and nothing is written", async () => {
    const table = new RecordTable(spark, BasicTestRecord, { location: tablePath("reject") });
    await table.ensureTable();
    const batch = [basic(1n), basic(2n ** 63n), basic(3n), basic(-(2n ** 64n))];
    const error = await table.insertRecords(batch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordsRejectedError);
    const rejects = (error as RecordsRejectedError).rejects;
    expect(rejects.map((r) => [r.index, [...new Set(r.issues.map((i) => i.path))]])).toEqual([
      [1, ["id"]],
      [3, ["id"]],
    ]);
    expect((error as Error).message).toMatch(/2 of 4 .*BasicTestRecord records are invalid; nothing was written/);
    expect(await table.count()).toBe(0n);

    const skipped = await table.insertRecords(batch, { onInvalid: "skip" });
    expect(skipped.inserted).toBe(2);
    expect(skipped.rejected.map((r) => r.index)).toEqual([1, 3]);
    expect(await table.count()).toBe(2n);
  });

  test("the same idempotency key never writes twice", async () => {
    const table = new RecordTable(spark, BasicTestRecord, { location: tablePath("idem") });
    await table.ensureTable();
    const key = { appId: "test-writer", version: 7 };
    const first = await table.insertRecords([basic(1n), basic(2n)], { idempotencyKey: key });
    const retry = await table.insertRecords([basic(1n), basic(2n)], { idempotencyKey: key });
    expect(await table.count()).toBe(2n);
    expect(retry.version).toBe(first.version);
  });

  test("insertStream: one commit per batch in order, the next batch prepared during the write; a rejected batch stops the stream after the earlier ones landed", async () => {
    const table = new RecordTable(spark, BasicTestRecord, { location: tablePath("stream") });
    await table.ensureTable();
    let pulled = 0;
    const pulledAtCommit: number[] = [];
    function* source(n: number, badAt?: number) {
      for (let i = 1; i <= n; i++) {
        pulled++;
        yield basic(BigInt(i), i === badAt ? { name: "x".repeat(201) } : {});
      }
    }
    const result = await table.insertStream(source(25), {
      batchSize: 10,
      appId: "stream-writer",
      onProgress: () => pulledAtCommit.push(pulled),
    });
    expect(result).toMatchObject({ batches: 3, inserted: 25, rejected: 0 });
    // While batch 1 was written, batch 2 was pulled (and validated), but never more than two batches at once.
    expect(pulledAtCommit).toEqual([20, 25, 25]);
    const history = await (await spark.sql(`DESCRIBE HISTORY ${table.target.sql}`)).collect();
    const writes = history.filter((h) => h.operation === "WRITE").sort((a, b) => Number(a.version) - Number(b.version));
    const keys = writes.map((h) => decodeMarker(h.userMetadata)).map((m) => `${m?.appId}:${m?.txnVersion}`);
    expect(keys).toEqual(["stream-writer:1", "stream-writer:2", "stream-writer:3"]);
    expect(result.lastVersion).toBe(writes[2]?.version);

    // Batch 2 of the second stream (ids 11..20) holds an invalid record: batch 1 commits, batches 2 and 3 never do.
    const error = await table
      .insertStream(source(30, 15), { batchSize: 10, appId: "stream-writer-2" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordsRejectedError);
    expect((error as RecordsRejectedError).rejects.map((r) => r.index)).toEqual([4]);
    expect(await table.count()).toBe(35n);
    const [row] = await (await spark.sql(`SELECT count(*) AS n, max(id) AS top FROM ${table.target.sql}`)).collect();
    expect(row).toEqual({ n: 35n, top: 25n });
  });

  test("typed filters: equality, ranges, in, null checks, and/or/not", async () => {
    const table = new RecordTable(spark, BasicTestRecord, { location: tablePath("filters") });
    await table.ensureTable();
    await table.insertRecords([1n, 2n, 3n, 4n, 5n, 6n].map((id) => basic(id)));
    const ids = async (f: Parameters<typeof table.query>[0]) =>
      (await table.query(f)).map((r) => r.id).sort((a, b) => Number(a - b));
    expect(await ids({ isActive: true })).toEqual([2n, 4n, 6n]);
    expect(await ids({ id: { gte: 2n, lt: 5n } })).toEqual([2n, 3n, 4n]);
    expect(await ids({ id: { in: [1n, 6n, 99n] } })).toEqual([1n, 6n]);
    expect(await ids({ id: { in: [] } })).toEqual([]);
    expect(await ids({ or: [{ id: 1n }, { name: "name-5" }] })).toEqual([1n, 5n]);
    expect(await ids({ not: { isActive: true }, value: { gt: 1 } })).toEqual([3n, 5n]);
    expect(await ids({ name: { isNull: true } })).toEqual([]);
    expect(await ids({ name: "x' OR '1'='1" })).toEqual([]);
    expect(await table.count({ id: { ne: 3n } })).toBe(5n);
    expect((await table.query(undefined, { limit: 2 })).length).toBe(2);
  });

  test("a filter on the partition column lets Spark prune partitions", async () => {
    const orders = new RecordTable(spark, Order, { location: tablePath("orders") });
    await orders.ensureTable();
    const plan = await orders.explain({ salesChannel: "SALES_CHANNEL_WEB", status: "STATUS_PAID" });
    const scan = plan.split("\n").find((line) => line.includes("PartitionFilters")) ?? "";
    expect(scan).toMatch(/PartitionFilters: \[[^\]]*sales_channel#\d+ = SALES_CHANNEL_WEB/);
    expect(scan).not.toMatch(/PartitionFilters: \[[^\]]*status/);
    expect(scan).toMatch(/PushedFilters: \[[^\]]*EqualTo\(status,STATUS_PAID\)/);
  });

  test("stream() yields typed records", async () => {
    const table = new RecordTable(spark, BasicTestRecord, { location: tablePath("stream") });
    await table.ensureTable();
    await table.insertRecords(Array.from({ length: 500 }, (_, i) => basic(BigInt(i + 1))));
    let n = 0;
    for await (const record of table.stream({ id: { lte: 300n } })) {
      expect(record).toBeInstanceOf(BasicTestRecord);
      n++;
    }
    expect(n).toBe(300);
  });

  test("upsertRecords merges by primary key and keeps created_at; deleteByKey deletes", async () => {
    const table = new RecordTable(spark, BasicTestRecord, { location: tablePath("upsert") });
    await table.ensureTable();
    const created = new Date("2020-01-01T00:00:00Z");
    await table.insertRecords([basic(1n, { createdAt: created }), basic(2n, { createdAt: created })]);
    const result = await table.upsertRecords([basic(2n, { name: "changed" }), basic(3n, { name: "new" })]);
    expect(result).toEqual({ inserted: 1n, updated: 1n });
    const rows = (await table.query()).sort((a, b) => Number(a.id - b.id));
    expect(rows.map((r) => [r.id, r.name, r.createdAt.getTime() === created.getTime()])).toEqual([
      [1n, "name-1", true],
      [2n, "changed", true],
      [3n, "new", false],
    ]);
    await expect(table.upsertRecords([basic(9n), basic(9n)])).rejects.toThrow(/repeats the primary key of record #0/);
    expect(await table.deleteByKey([{ id: 1n }, { id: 3n }, { id: 42n }])).toBe(2n);
    expect((await table.query()).map((r) => r.id)).toEqual([2n]);
  });

  test("the staged path: Parquet file → landing table → MERGE of that batch only", async () => {
    const table = new RecordTable(spark, BasicTestRecord, { location: tablePath("staged") });
    await table.ensureTable();
    const landing = { location: tablePath("landing") };
    const stagingDir = tablePath("staging");
    await table.insertRecords([basic(1n, { name: "before" })]);
    const first = await table.stageRecords([basic(1n, { name: "after" }), basic(2n)], { stagingDir, landing });
    expect(first).toMatchObject({ staged: 2, inserted: 1n, updated: 1n });
    expect(first.file.startsWith(stagingDir)).toBe(true);
    // A second batch merges only its own rows from the landing table, which keeps every batch.
    const second = await table.stageRecords([basic(3n)], { stagingDir, landing });
    expect(second).toMatchObject({ staged: 1, inserted: 1n, updated: 0n });
    const rows = (await table.query()).sort((a, b) => Number(a.id - b.id));
    expect(rows.map((r) => [r.id, r.name])).toEqual([
      [1n, "after"],
      [2n, "name-2"],
      [3n, "name-3"],
    ]);
    expect(await new RecordTable(spark, BasicTestRecord, landing).count()).toBe(3n);
  });

  test("insertRecordsSql binds hostile strings as values", async () => {
    const table = new RecordTable(spark, BasicTestRecord, { location: tablePath("sqlpath") });
    await table.ensureTable();
    const hostile = ["'); DROP TABLE x; --", "\u0000", "`", "😀"];
    expect(await table.insertRecordsSql(hostile.map((name, i) => basic(BigInt(i + 1), { name })))).toBe(4);
    expect((await table.query()).map((r) => r.name).sort()).toEqual([...hostile].sort());
    expect(
      await (await spark.sql(`SELECT count(*) AS c FROM ${deltaPath(table.target.location as string)}`)).collect(),
    ).toEqual([{ c: 4n }]);
  });
});
