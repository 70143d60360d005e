import { RecordTable, SparkSession } from "@lakehouse-contracts/runtime";
import { BasicTestRecord } from "../generated/lakehouse/test/v1/basic_lakehouse.js";
const remote = "sc://127.0.0.1:15002";
const location = "/work/main/.cache/spark/instances/default/warehouse/c850_" + Date.now();
const spark = await SparkSession.connect(remote);
await new RecordTable(spark, BasicTestRecord, { location }).ensureTable();
const t0 = Date.now();
await Promise.all(Array.from({ length: 8 }, async (_, w) => {
  const s = await SparkSession.connect(remote);
  const t = new RecordTable(s, BasicTestRecord, { location });
  for (let b = 0; b < 50; b++) await t.insertRecords(Array.from({ length: 5 }, (_, i) => new BasicTestRecord({ id: BigInt((w * 50 + b) * 5 + i + 1), ingestSource: "c850" })));
  await s.close();
}));
const secs = (Date.now() - t0) / 1000;
const [stats] = await (await spark.sql(`SELECT count(*) AS n, count(DISTINCT ingest_id) AS ids FROM delta.\`${location}\``)).collect();
const [h] = await (await spark.sql(`SELECT max(version) AS v FROM (DESCRIBE HISTORY delta.\`${location}\`)`).catch(async () => spark.sql(`DESCRIBE HISTORY delta.\`${location}\` LIMIT 1`))).collect();
console.log(`8 writers x 50 batches: ${secs.toFixed(0)} s, rows ${stats?.n}, distinct ingest ids ${stats?.ids}, last version ${h?.v ?? h?.version}`);
await spark.close();
