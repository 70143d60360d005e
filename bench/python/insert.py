"""pyspark-client insert: the Arrow table a user already has (read from the IPC file the TS side wrote; reading is
not timed) → spark.createDataFrame(table) → .write.format("delta").mode("append").save(path), per run.

With "idempotent": the same guarantees ours gives, written by hand in pyspark: every append carries Delta's
txnAppId/txnVersion (a retried batch is skipped) and a userMetadata marker, and the commit that holds the batch is
then looked up in DESCRIBE HISTORY (ours: RecordTable.insertRecords)."""
import uuid

import pyarrow as pa

from common import args, done, measure, session

a = args()
spark = session(a["remote"])
with pa.memory_map(a["ipc"], "r") as source:
    table = pa.ipc.open_file(source).read_all()

app_id = str(uuid.uuid4())
state = {"version": 0}


def insert():
    spark.createDataFrame(table).write.format("delta").mode("append").save(a["path"])


def insert_idempotent():
    state["version"] += 1
    marker = f"{app_id}:{state['version']}"
    (
        spark.createDataFrame(table)
        .write.format("delta")
        .mode("append")
        .option("txnAppId", app_id)
        .option("txnVersion", state["version"])
        .option("userMetadata", marker)
        .save(a["path"])
    )
    history = spark.sql(f"DESCRIBE HISTORY delta.`{a['path']}` LIMIT 1").collect()
    if not history or history[0]["userMetadata"] != marker:
        history = spark.sql(f"DESCRIBE HISTORY delta.`{a['path']}`").collect()
    versions = [h["version"] for h in history if h["userMetadata"] == marker]
    if not versions:
        raise RuntimeError(f"commit {marker} not found")


seconds = measure(a["warmup"], a["runs"], insert_idempotent if a.get("idempotent") else insert)
spark.stop()
done({"seconds": seconds, "rows": table.num_rows})
