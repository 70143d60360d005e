/**
 * The bulk path against the real server and the project's object store (tools/store): validated batches staged as
 * Parquet in the bucket, read by Spark (by the executors in the cluster project) and appended in one idempotent
 * Delta commit each; staged files removed afterwards; exactly once on a re-run; the store's faults (unreachable,
 * refused credentials, no bucket, a failed upload, a file Spark cannot read) typed, with nothing committed.
 * Faults of a store that a real one cannot produce on demand (an upload that fails half-way, a corrupt file) come
 * from a wrapper around the real store.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import {
  isObjectStoreError,
  type ObjectStore,
  ObjectStoreError,
  RecordTable,
  type SparkSession,
  s3Store,
} from "../../runtime/src/index.js";
import { emptyChecksums, makeOrder } from "../../tools/soak/orders.js";
import { connect, tablePath } from "./helpers.js";

const s3 = inject("s3");
const run = randomUUID();

const basic = (id: bigint) =>
  new BasicTestRecord({ id, name: `bulk-${id}`, value: Number(id) / 4, isActive: id % 3n === 0n, ingestSource: "s3" });
const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => basic(BigInt(from + i)));
const byId = <T extends { id: bigint }>(rows: T[]) => [...rows].sort((a, b) => Number(a.id - b.id));

describe.skipIf(!s3.available && s3.skip)("the bulk path (staged in object storage)", () => {
  let spark: SparkSession;
  let store: ObjectStore;
  const settings = () => {
    if (!s3.available) throw new Error(s3.reason);
    return s3;
  };
  const storeWith = (change: Partial<Parameters<typeof s3Store>[0]> = {}) => {
    const { bucket, endpoint, region, accessKey, secretKey } = settings();
    return s3Store({ bucket, endpoint, region, accessKeyId: accessKey, secretAccessKey: secretKey, ...change });
  };
  /** The keys under a staging prefix, as the store lists them. */
  const stagedKeys = async (prefix: string) => {
    const keys: string[] = [];
    // (S3Proxy's folder backend also lists the folders that hold files, as keys ending in "/".)
    for await (const o of store.list(`${prefix}/`)) if (!o.key.endsWith("/")) keys.push(o.key);
    return keys;
  };
  const tableOn = (prefix: string, where: { location: string }, s: ObjectStore = store, minBytes?: number) =>
    new RecordTable(spark, BasicTestRecord, {
      ...where,
      staging: { store: s, prefix, ...(minBytes === undefined ? {} : { minBytes }) },
    });

  beforeAll(async () => {
    settings();
    spark = await connect();
    store = await storeWith();
  });
  afterAll(async () => {
    await spark?.close();
  });

  test("insertRecords({ path: 'bulk' }): one commit, the rows exact, the staged file removed", async () => {
    const prefix = `bulk/${run}/records`;
    const table = tableOn(prefix, { location: tablePath("bulk_records") });
    await table.ensureTable();
    const records = ids(1, 500);
    const result = await table.insertRecords(records, { path: "bulk" });
    expect(result).toMatchObject({ inserted: 500, rejected: [], version: 1n, path: "bulk", alreadyCommitted: false });
    expect(byId(await table.query())).toEqual(records);
    expect(await stagedKeys(prefix)).toEqual([]);
    // The commit is a plain append of the staged file, under the handle's app id, with the batch's marker.
    const [commit] = await (await spark.sql(`DESCRIBE HISTORY ${table.target.sql} LIMIT 1`)).collect();
    expect(commit).toMatchObject({ version: 1n, operation: "WRITE" });
    expect(String(commit?.userMetadata)).toContain(result.idempotencyKey?.appId ?? "?");
  }, 300_000);

  test("nested records (Order: structs, lists, maps, decimals, timestamps) survive the Parquet staging", async () => {
    const prefix = `bulk/${run}/orders`;
    const table = new RecordTable(spark, Order, {
      location: tablePath("bulk_orders"),
      staging: { store, prefix },
    });
    await table.ensureTable();
    const sums = emptyChecksums();
    const orders = Array.from({ length: 300 }, (_, i) => makeOrder(run, i, sums));
    expect(await table.insertRecords(orders, { path: "bulk" })).toMatchObject({ inserted: 300, path: "bulk" });
    const back = await table.query({}, { orderBy: [{ field: "orderId" }] });
    const sorted = [...orders].sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
    expect(back.map((o) => o.toJson())).toEqual(sorted.map((o) => o.toJson()));
  }, 300_000);

  test("the path is chosen by size under 'auto', and can be forced to 'direct'", async () => {
    const prefix = `bulk/${run}/auto`;
    const location = tablePath("bulk_auto");
    const small = tableOn(prefix, { location }, store, 1 << 30);
    await small.ensureTable();
    expect(await small.insertRecords(ids(1, 10))).toMatchObject({ path: "direct", version: 1n });
    const large = tableOn(prefix, { location }, store, 1);
    expect(await large.insertRecords(ids(11, 10))).toMatchObject({ path: "bulk", version: 2n });
    expect(await large.insertRecords(ids(21, 10), { path: "direct" })).toMatchObject({ path: "direct" });
    expect(await large.count()).toBe(30n);
  }, 300_000);

  test("insertStream stages each batch while the one before commits; a re-run with the same key writes nothing", async () => {
    const prefix = `bulk/${run}/stream`;
    const location = tablePath("bulk_stream");
    const records = ids(1, 2_000);
    const first = tableOn(prefix, { location }, store, 1);
    await first.ensureTable();
    const key = { appId: `bulk-stream-${run}`, firstVersion: 1n };
    const done = await first.insertStream(records, { batchSize: 400, ...key });
    expect(done).toMatchObject({ batches: 5, inserted: 2_000, resumedBatches: 0 });
    // Another handle, as a restarted process would have: every batch recognised, none appended again.
    const again = await tableOn(prefix, { location }, store, 1).insertStream(records, { batchSize: 400, ...key });
    expect(again).toMatchObject({ batches: 0, inserted: 0, resumedBatches: 5, resumed: 2_000 });
    expect(await first.count()).toBe(2_000n);
    expect(await stagedKeys(prefix)).toEqual([]);
  }, 300_000);

  describe("a store that cannot be used: a typed error, nothing committed", () => {
    const expectNothingCommitted = async (location: string) => {
      const [latest] = await (await spark.sql(`DESCRIBE HISTORY delta.\`${location}\` LIMIT 1`)).collect();
      expect(latest?.version).toBe(0n); // the CREATE only
    };

    test.each([
      ["unreachable", { endpoint: "http://127.0.0.1:2" }],
      ["credentials", { accessKeyId: "NOT-A-KEY-OF-THIS-STORE", secretAccessKey: "not-its-secret" }],
      ["no_bucket", { bucket: `no-such-bucket-${run.slice(0, 8)}` }],
    ] as const)(
      "%s",
      async (problem, change) => {
        const location = tablePath(`bulk_${problem}`);
        const table = tableOn(`bulk/${run}/${problem}`, { location }, await storeWith(change));
        await table.ensureTable();
        const error = await table.insertRecords(ids(1, 5), { path: "bulk" }).catch((e: unknown) => e);
        expect(isObjectStoreError(error)).toBe(true);
        expect(error).toMatchObject({ code: "object_store", problem });
        expect((error as Error).message).not.toContain("not-its-secret");
        expect((error as Error).message).not.toContain(settings().secretKey);
        await expectNothingCommitted(location);
      },
      120_000,
    );

    test("an upload that fails: nothing committed, and a retry of the same key writes the batch once", async () => {
      const prefix = `bulk/${run}/failing`;
      let failures = 1;
      const failing: ObjectStore = {
        bucket: store.bucket,
        scheme: store.scheme,
        check: (o) => store.check(o),
        delete: (keys) => store.delete(keys),
        list: (p) => store.list(p),
        async put(key, body, o) {
          if (failures-- > 0) {
            // Half a file in the bucket, then the connection gone.
            await store.put(key, body.subarray(0, body.byteLength >> 1), o);
            throw new ObjectStoreError("failed", `upload ${key}: connection reset`);
          }
          return store.put(key, body, o);
        },
      };
      const location = tablePath("bulk_failing");
      const table = tableOn(prefix, { location }, failing);
      await table.ensureTable();
      const records = ids(1, 50);
      const idempotencyKey = { appId: `bulk-failing-${run}`, version: 1n };
      const error = await table.insertRecords(records, { path: "bulk", idempotencyKey }).catch((e: unknown) => e);
      expect(isObjectStoreError(error)).toBe(true);
      await expectNothingCommitted(location);
      const retried = await table.insertRecords(records, { path: "bulk", idempotencyKey });
      expect(retried).toMatchObject({ inserted: 50, version: 1n, alreadyCommitted: false });
      const again = await table.insertRecords(records, { path: "bulk", idempotencyKey });
      expect(again).toMatchObject({ version: 1n, alreadyCommitted: true });
      expect(await table.count()).toBe(50n);
    }, 300_000);

    test("a staged file Spark cannot read is never committed, and is removed", async () => {
      const prefix = `bulk/${run}/corrupt`;
      const corrupt: ObjectStore = {
        bucket: store.bucket,
        scheme: store.scheme,
        check: (o) => store.check(o),
        delete: (keys) => store.delete(keys),
        list: (p) => store.list(p),
        put: (key, body, o) =>
          store.put(
            key,
            body.map((b, i) => (i < 4 ? b : b ^ 0x5a)),
            o,
          ),
      };
      const location = tablePath("bulk_corrupt");
      const table = tableOn(prefix, { location }, corrupt);
      await table.ensureTable();
      const error = await table.insertRecords(ids(1, 20), { path: "bulk" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(isObjectStoreError(error)).toBe(false);
      await expectNothingCommitted(location);
      expect(await stagedKeys(prefix)).toEqual([]);
    }, 300_000);
  });

  test("cleanStaging removes what a load that crashed between upload and commit left behind", async () => {
    const prefix = `bulk/${run}/orphans`;
    const table = tableOn(prefix, { location: tablePath("bulk_orphans") });
    const orphan = `${prefix}/crashed-writer/${randomUUID()}.parquet`;
    await store.put(orphan, new Uint8Array([1, 2, 3]));
    // Younger than the default day: a load that may still be running keeps its files.
    expect(await table.cleanStaging()).toEqual([]);
    expect(await stagedKeys(prefix)).toEqual([orphan]);
    expect(await table.cleanStaging(0)).toEqual([orphan]);
    expect(await stagedKeys(prefix)).toEqual([]);
  });

  test("stageRecords (landing table, then MERGE) through the staging store, with no shared folder", async () => {
    const prefix = `bulk/${run}/landing`;
    const table = new RecordTable(spark, Order, { location: tablePath("bulk_merge"), staging: { store, prefix } });
    await table.ensureTable();
    const sums = emptyChecksums();
    const orders = Array.from({ length: 20 }, (_, i) => makeOrder(`${run}-landing`, i, sums));
    const result = await table.stageRecords(orders, { landing: { location: tablePath("bulk_landing") } });
    expect(result).toMatchObject({ staged: 20, inserted: 20n, updated: 0n });
    expect(result.file).toMatch(new RegExp(`^s3a://${settings().bucket}/${prefix}/`));
    expect(await table.count()).toBe(20n);
    expect(await stagedKeys(prefix)).toEqual([]);
  }, 300_000);
});
