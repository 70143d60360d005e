"""pyspark-client read: the whole table with toArrow(), or streamed row by row with toLocalIterator()."""
import time

from common import args, done, measure, peak_rss_mib, rss_mib, session

a = args()
spark = session(a["remote"])
spark.range(1).collect()  # connection and first-call costs outside the measurement
df = spark.read.format("delta").load(a["path"])
baseline = rss_mib()
counted = []


def to_arrow():
    counted.append(df.toArrow().num_rows)


def local_iterator():
    n = 0
    for _ in df.toLocalIterator():
        n += 1
    counted.append(n)


body = {"toArrow": to_arrow, "toLocalIterator": local_iterator}[a["mode"]]
# The client's CPU time (all threads) over the wall time of the runs, as bench/read-child.ts measures ours.
cpu_before, wall_before = time.process_time(), time.perf_counter()
seconds = measure(a["warmup"], a["runs"], body)
client_cpu_share = (time.process_time() - cpu_before) / (time.perf_counter() - wall_before)
peak = peak_rss_mib()
spark.stop()
done(
    {
        "seconds": seconds,
        "rows": counted[-1],
        "rssBaselineMiB": baseline,
        "rssPeakMiB": peak,
        "clientCpuShare": client_cpu_share,
    }
)
