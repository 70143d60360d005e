/**
 * Read: one table (written by the floor: the same rows as the insert section) read back by each peer in its own
 * process, whole (ours toArrow() vs pyspark toArrow() and spark-connect-go ToArrow()/Collect()) and streamed (ours
 * rows()/batches()/RecordTable.stream() vs pyspark toLocalIterator(); spark-connect-go has no streamed read), with
 * the peak RSS of that process. Then the long step: streaming a big table with
 * ours, whose peak RSS growth must stay under 256 MiB.
 */
import { join } from "node:path";
import { repoRoot } from "../tools/lib/paths.js";
import { runJsonChild } from "./child.js";
import type { BenchContext } from "./context.js";
import { GO_CANNOT, runGo } from "./go/peer.js";
import { runPython } from "./python/venv.js";
import type { ReadMode } from "./read-child.js";
import { compare, emptySection, type SectionResult } from "./results.js";
import { type BenchContract, deltaTable, floorInsertSql } from "./rows/contract.js";
import { basic, CONTRACTS } from "./rows/index.js";
import { type RunPlan, rates, summarize } from "./stats.js";

interface ReadRun {
  seconds: number[];
  rows: number;
  rssBaselineMiB: number;
  rssPeakMiB: number;
  /** The reading process's CPU time (all threads) ÷ wall time over its runs. */
  clientCpuShare?: number;
}

const OURS: Record<ReadMode, string> = {
  toArrow: "ours toArrow()",
  rows: "ours rows()",
  batches: "ours batches()",
  records: "ours RecordTable.stream()",
};
const PY = { toArrow: "pyspark toArrow()", toLocalIterator: "pyspark toLocalIterator()" } as const;
const GO = { toArrow: "spark-connect-go ToArrow()", collect: "spark-connect-go Collect()" } as const;
const STREAM_RSS_GOAL_MIB = 256;

export async function readSection(ctx: BenchContext): Promise<SectionResult> {
  const result = emptySection();
  for (const contract of CONTRACTS) {
    const n = ctx.config.readRows[contract.name as "basic" | "order"];
    const path = await floorTable(ctx, contract, n, "read");
    const plan = ctx.config.readPlan;
    const record = (c: string, peer: string, run: ReadRun) => {
      const timing = summarize(run.seconds);
      result.figures.push({
        section: "read",
        case: c,
        size: n,
        peer,
        unit: "rows/s",
        timing,
        rate: rates(n, timing).median,
        rssPeakMiB: run.rssPeakMiB,
        rssGrowthMiB: Math.max(0, run.rssPeakMiB - run.rssBaselineMiB),
        ...(run.clientCpuShare === undefined
          ? {}
          : { note: `client CPU ${(run.clientCpuShare * 100).toFixed(0)} % of wall time` }),
      });
      result.checks.push({
        section: "read",
        name: `${c} ×${n}: ${peer} row count`,
        ok: run.rows === n,
        detail: `${run.rows} rows read, ${n} in the table`,
      });
      ctx.log(
        `  read ${c} ×${n} ${peer}: ${(n / timing.median).toFixed(0)} rows/s, peak RSS ${run.rssPeakMiB.toFixed(0)} MiB`,
      );
    };
    const whole = `${contract.name}, whole`;
    const streamed = `${contract.name}, streamed`;
    // One measured run per process (after its own warm-up), the peers taking turns round by round: a burst of load
    // from elsewhere on a shared machine then hits every peer alike instead of whichever was running.
    const once = { warmup: plan.warmup, runs: 1 };
    const py = (mode: keyof typeof PY) => () =>
      runPython<ReadRun>("read.py", { remote: ctx.remote, path, mode, ...once });
    const ours = (mode: ReadMode) => () => oursRead(ctx, { path, contract: contract.name, mode, ...once });
    const go = (mode: "toArrow" | "collect") => () =>
      runGo<ReadRun>({ op: "read", remote: ctx.remote, path, mode, ...once });
    const peers: [string, string, () => Promise<ReadRun>][] = [
      [whole, PY.toArrow, py("toArrow")],
      [whole, GO.toArrow, go("toArrow")],
      // Collect() of nested rows runs at about 10 rows/s (500 Orders: 53 s in the quick bench), so only flat ones.
      ...(contract.name === "basic"
        ? [[whole, GO.collect, go("collect")] as [string, string, () => Promise<ReadRun>]]
        : []),
      [whole, OURS.toArrow, ours("toArrow")],
      [streamed, PY.toLocalIterator, py("toLocalIterator")],
      ...(["rows", "batches", "records"] as const).map((mode): [string, string, () => Promise<ReadRun>] => [
        streamed,
        OURS[mode],
        ours(mode),
      ]),
    ];
    const runs = peers.map((): ReadRun[] => []);
    for (let round = 0; round < plan.runs; round++) {
      for (const [i, [, , read]] of peers.entries()) runs[i]?.push(await read());
    }
    peers.forEach(([c, peer], i) => {
      record(c, peer, mergeRuns(runs[i] as ReadRun[]));
    });
    for (const [c, o, p] of [
      [whole, OURS.toArrow, PY.toArrow],
      [whole, OURS.toArrow, GO.toArrow],
      [streamed, OURS.rows, PY.toLocalIterator],
      [streamed, OURS.records, PY.toLocalIterator],
    ] as const) {
      const comparison = compare(result.figures, "read", c, n, o, p, { ratio: 1, text: "≥ 1.0×" });
      if (comparison) result.comparisons.push(comparison);
    }
  }
  await streamStep(ctx, result);
  result.notes.push(
    ...GO_CANNOT,
    "Peak RSS is the process's VmHWM (/proc/self/status); growth is that peak minus the RSS after connecting, before the first read.",
  );
  return result;
}

/** Runs of one peer in separate processes as one: every run's seconds, the largest RSS growth, the mean CPU share. */
function mergeRuns(runs: readonly ReadRun[]): ReadRun {
  const growth = (r: ReadRun) => r.rssPeakMiB - r.rssBaselineMiB;
  const largest = runs.reduce((a, b) => (growth(b) > growth(a) ? b : a));
  const shares = runs.flatMap((r) => (r.clientCpuShare === undefined ? [] : [r.clientCpuShare]));
  return {
    seconds: runs.flatMap((r) => r.seconds),
    rows: Math.min(...runs.map((r) => r.rows)),
    rssBaselineMiB: largest.rssBaselineMiB,
    rssPeakMiB: largest.rssPeakMiB,
    ...(shares.length === 0 ? {} : { clientCpuShare: shares.reduce((a, b) => a + b, 0) / shares.length }),
  };
}

/** The long step: stream `streamRows` BasicTestRecord rows once with rows(); its peak RSS growth is the figure. */
async function streamStep(ctx: BenchContext, result: SectionResult): Promise<void> {
  const n = ctx.config.streamRows;
  if (n === 0) return;
  const path = await floorTable(ctx, basic as BenchContract, n, "stream");
  const run = await oursRead(ctx, { path, contract: "basic", mode: "rows", warmup: 0, runs: 1 });
  const timing = summarize(run.seconds);
  const growth = Math.max(0, run.rssPeakMiB - run.rssBaselineMiB);
  result.figures.push({
    section: "read",
    case: "basic, long stream",
    size: n,
    peer: OURS.rows,
    unit: "rows/s",
    timing,
    rate: n / timing.median,
    rssPeakMiB: run.rssPeakMiB,
    rssGrowthMiB: growth,
    note: "one run, no warm-up",
  });
  result.checks.push({
    section: "read",
    name: `basic, long stream ×${n}: row count`,
    ok: run.rows === n,
    detail: `${run.rows} rows streamed, ${n} in the table`,
  });
  result.notes.push(
    `Long stream: ${n} rows with ours rows(): peak RSS growth ${growth.toFixed(0)} MiB (goal < ${STREAM_RSS_GOAL_MIB} MiB: ${growth < STREAM_RSS_GOAL_MIB ? "met" : "NOT met"}).`,
  );
  ctx.log(`  long stream ×${n}: ${(n / timing.median).toFixed(0)} rows/s, RSS growth ${growth.toFixed(0)} MiB`);
}

/** A table of `n` rows of `contract`, written by Spark itself (the same rows as everywhere else). */
async function floorTable(ctx: BenchContext, contract: BenchContract, n: number, prefix: string): Promise<string> {
  const path = join(ctx.tableDir, prefix, `${contract.name}_${n}`);
  await ctx.spark.sql(contract.recordClass.createTableSql({ location: path }));
  await ctx.spark.sql(floorInsertSql(contract, deltaTable(path), n));
  return path;
}

function oursRead(
  ctx: BenchContext,
  args: { path: string; contract: string; mode: ReadMode } & RunPlan,
): Promise<ReadRun> {
  // node --import tsx: one process (the tsx bin would add a parent), so the child's RSS is the reader's alone.
  return runJsonChild<ReadRun>(
    `read-child (${args.mode})`,
    process.execPath,
    ["--import", "tsx", join(repoRoot, "bench", "read-child.ts")],
    { remote: ctx.remote, ...args },
    { cwd: repoRoot },
  );
}
