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
seconds = measure(a["warmup"], a["runs"], body)
peak = peak_rss_mib()
spark.stop()
done({"seconds": seconds, "rows": counted[-1], "rssBaselineMiB": baseline, "rssPeakMiB": peak})
