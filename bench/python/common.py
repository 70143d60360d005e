"""Shared by the bench's Python peer: arguments as JSON on stdin, timing like bench/stats.ts, peak RSS."""
import json
import sys
import time


def args():
    return json.loads(sys.stdin.read())


def session(remote):
    # Imported here so that import time is not part of any measurement (as for a user's long-lived process).
    from pyspark.sql.connect.session import SparkSession

    return SparkSession.builder.remote(remote).getOrCreate()


def measure(warmup, runs, body):
    """Runs body() `warmup` times unmeasured, then `runs` times; returns the seconds of the measured runs."""
    for _ in range(warmup):
        body()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        body()
        seconds.append(time.perf_counter() - start)
    return seconds


def _status_mib(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def rss_mib():
    """Current resident set size of this process (Linux /proc)."""
    return _status_mib("VmRSS")


def peak_rss_mib():
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over exec from the parent at fork.
    return _status_mib("VmHWM")


def done(result):
    print(json.dumps(result))
