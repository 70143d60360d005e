"""pyspark-client insert: the Arrow table a user already has (read from the IPC file the TS side wrote; reading is
not timed) → spark.createDataFrame(table) → .write.format("delta").mode("append").save(path), per run."""
import pyarrow as pa

from common import args, done, measure, session

a = args()
spark = session(a["remote"])
with pa.memory_map(a["ipc"], "r") as source:
    table = pa.ipc.open_file(source).read_all()


def insert():
    spark.createDataFrame(table).write.format("delta").mode("append").save(a["path"])


seconds = measure(a["warmup"], a["runs"], insert)
spark.stop()
done({"seconds": seconds, "rows": table.num_rows})
