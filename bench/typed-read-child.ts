/**
 * One typed-read peer in its own process, so that its resident memory is its own: arguments as JSON on stdin, one
 * JSON line out (seconds per run, rows, RSS before the reads and the peak). Run by bench/typed-read.ts.
 */
import { readFileSync } from "node:fs";
import { SparkSession } from "@lakehouse-contracts/runtime";
import { CustomerSpend } from "../generated/shop/v1/report_lakehouse.js";
import { measure } from "./stats.js";

export type TypedReadMode = "into" | "rows";

interface Args {
  remote: string;
  query: string;
  mode: TypedReadMode;
  warmup: number;
  runs: number;
}

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const args = JSON.parse(Buffer.concat(chunks).toString()) as Args;

const spark = await SparkSession.connect(args.remote);
await spark.range(1).collect(); // connection and first-call costs outside the measurement
const df = await spark.sql(args.query);

/** VmRSS and VmHWM (peak) of this process from /proc (see read-child.ts for why not getrusage). */
function statusMiB(key: "VmRSS" | "VmHWM"): number {
  const match = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(readFileSync("/proc/self/status", "utf8"));
  return Number(match?.[1] ?? Number.NaN) / 1024;
}
const baseline = statusMiB("VmRSS");
let rows = 0;
let last: CustomerSpend | undefined;

const bodies: Record<TypedReadMode, () => Promise<void>> = {
  // Checked against the shape (AnalyzePlan), then decoded batch by batch into CustomerSpend records.
  into: async () => {
    rows = 0;
    for await (const record of df.into(CustomerSpend).stream()) {
      rows++;
      last = record;
    }
  },
  // The same result as untyped rows (arrow/rows.ts): what the shape's check and exact decoding cost on top.
  rows: async () => {
    rows = 0;
    for await (const _ of df.rows()) rows++;
  },
};
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
const timing = await measure(args, bodies[args.mode]);
const cpu = process.cpuUsage(cpuBefore);
const clientCpuShare = (cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore);
const peak = statusMiB("VmHWM");
await spark.close();
console.log(
  JSON.stringify({
    seconds: timing.seconds,
    rows,
    rssBaselineMiB: baseline,
    rssPeakMiB: peak,
    clientCpuShare,
    last: last === undefined ? undefined : { customerId: last.customerId, totalSpent: last.totalSpent },
  }),
);
