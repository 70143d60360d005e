/**
 * Typed read: a SQL result of `typedReadRows` rows (1M in the full mode) streamed into a report's record class
 * (`(await spark.sql(…)).into(CustomerSpend).stream()`: schema checked, rows decoded exactly, one Arrow batch at a
 * time), beside the same result as untyped rows(). Each in its own process, with its peak RSS: memory must stay
 * bounded (peak RSS growth under 256 MiB, however many rows).
 */
import { join } from "node:path";
import { repoRoot } from "../tools/lib/paths.js";
import { runJsonChild } from "./child.js";
import type { BenchContext } from "./context.js";
import { emptySection, type SectionResult } from "./results.js";
import { type RunPlan, rates, summarize } from "./stats.js";
import type { TypedReadMode } from "./typed-read-child.js";

interface TypedReadRun {
  seconds: number[];
  rows: number;
  rssBaselineMiB: number;
  rssPeakMiB: number;
  clientCpuShare: number;
  last?: { customerId: string; totalSpent: string };
}

const PEERS: Record<TypedReadMode, string> = {
  into: "ours into(CustomerSpend).stream()",
  rows: "ours rows() (untyped)",
};
const RSS_GOAL_MIB = 256;

/** CustomerSpend's columns over `range(0, n)`: exact decimals and µs timestamps, none of them nullable. */
export function typedReadQuery(n: number): string {
  return [
    "SELECT concat('c', id) AS customer_id, concat('name-', id) AS display_name, id AS order_count,",
    "CAST(id AS DECIMAL(28,2)) AS total_spent, timestamp_micros(1767225600000000 + id) AS last_order_at",
    `FROM range(0, ${n})`,
  ].join(" ");
}

export async function typedReadSection(ctx: BenchContext): Promise<SectionResult> {
  const result = emptySection();
  const n = ctx.config.typedReadRows;
  const c = "CustomerSpend, streamed SQL";
  const modes = ["into", "rows"] as const;
  // One measured run per process (after its own warm-up), the peers taking turns round by round (as read.ts does):
  // a burst of load from elsewhere on a shared machine then hits both alike.
  const plan = ctx.config.readPlan;
  const runs = modes.map((): TypedReadRun[] => []);
  for (let round = 0; round < plan.runs; round++) {
    for (const [i, mode] of modes.entries()) {
      runs[i]?.push(await child(ctx, { query: typedReadQuery(n), mode, warmup: plan.warmup, runs: 1 }));
    }
  }
  for (const [i, mode] of modes.entries()) {
    const run = merge(runs[i] as TypedReadRun[]);
    const timing = summarize(run.seconds);
    const growth = Math.max(0, run.rssPeakMiB - run.rssBaselineMiB);
    result.figures.push({
      section: "typed-read",
      case: c,
      size: n,
      peer: PEERS[mode],
      unit: "rows/s",
      timing,
      rate: rates(n, timing).median,
      rssPeakMiB: run.rssPeakMiB,
      rssGrowthMiB: growth,
      note: `client CPU ${(run.clientCpuShare * 100).toFixed(0)} % of wall time`,
    });
    result.checks.push({
      section: "typed-read",
      name: `${c} ×${n}: ${PEERS[mode]} row count`,
      ok: run.rows === n,
      detail: `${run.rows} rows read, ${n} in the result`,
    });
    if (mode === "into") {
      const want = { customerId: `c${n - 1}`, totalSpent: `${n - 1}.00` };
      result.checks.push({
        section: "typed-read",
        name: `${c} ×${n}: the last record decoded exactly`,
        ok: JSON.stringify(run.last) === JSON.stringify(want),
        detail: `${JSON.stringify(run.last)}, expected ${JSON.stringify(want)}`,
      });
      result.checks.push({
        section: "typed-read",
        name: `${c} ×${n}: bounded memory`,
        ok: growth < RSS_GOAL_MIB,
        detail: `peak RSS growth ${growth.toFixed(0)} MiB (goal < ${RSS_GOAL_MIB} MiB)`,
      });
    }
    ctx.log(
      `  typed read ×${n} ${PEERS[mode]}: ${(n / timing.median).toFixed(0)} rows/s, peak RSS ${run.rssPeakMiB.toFixed(0)} MiB (growth ${growth.toFixed(0)} MiB)`,
    );
  }
  result.notes.push(
    "Typed read: peak RSS is the reading process's VmHWM; growth is that peak minus the RSS after connecting. " +
      "into() asks the server for the result's schema (AnalyzePlan) before each run; that round trip is in the figure.",
  );
  return result;
}

/** Runs of one peer in separate processes as one: every run's seconds, the largest RSS growth, the mean CPU share. */
function merge(runs: readonly TypedReadRun[]): TypedReadRun {
  const growth = (r: TypedReadRun) => r.rssPeakMiB - r.rssBaselineMiB;
  const largest = runs.reduce((a, b) => (growth(b) > growth(a) ? b : a));
  const last = runs.at(-1)?.last;
  return {
    seconds: runs.flatMap((r) => r.seconds),
    rows: Math.min(...runs.map((r) => r.rows)),
    rssBaselineMiB: largest.rssBaselineMiB,
    rssPeakMiB: largest.rssPeakMiB,
    clientCpuShare: runs.reduce((a, r) => a + r.clientCpuShare, 0) / runs.length,
    ...(last === undefined ? {} : { last }),
  };
}

function child(ctx: BenchContext, args: { query: string; mode: TypedReadMode } & RunPlan): Promise<TypedReadRun> {
  // node --import tsx: one process, so the child's RSS is the reader's alone.
  return runJsonChild<TypedReadRun>(
    `typed-read-child (${args.mode})`,
    process.execPath,
    ["--import", "tsx", join(repoRoot, "bench", "typed-read-child.ts")],
    { remote: ctx.remote, ...args },
    { cwd: repoRoot },
  );
}
